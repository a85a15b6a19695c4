#include "events/recorders.h"

#include <spdlog/spdlog.h>

#include <map>

namespace berth {
namespace {

struct Operation {
  std::string_view operation;
  std::string_view resource_type;
};

// Harbor's audit-log vocabulary; nullopt for events the audit log does not keep.
std::optional<Operation> AuditOperation(EventKind kind) {
  switch (kind) {
    case EventKind::kPushArtifact:
      return Operation{"create", "artifact"};
    case EventKind::kPullArtifact:
      return Operation{"pull", "artifact"};
    case EventKind::kDeleteArtifact:
      return Operation{"delete", "artifact"};
    case EventKind::kCreateTag:
      return Operation{"create", "tag"};
    case EventKind::kDeleteTag:
      return Operation{"delete", "tag"};
    case EventKind::kDeleteRepository:
      return Operation{"delete", "repository"};
    case EventKind::kCreateProject:
      return Operation{"create", "project"};
    case EventKind::kDeleteProject:
      return Operation{"delete", "project"};
    case EventKind::kQuotaExceed:
    case EventKind::kQuotaWarning:
    case EventKind::kTagRetention:
      return std::nullopt;
  }
  return std::nullopt;
}

std::string ResourceOf(const Event& e) {
  if (e.repository.empty()) return e.project;
  if (!e.tag.empty()) return e.repository + ":" + e.tag;
  if (!e.digest.empty()) return e.repository + "@" + e.digest;
  return e.repository;
}

}  // namespace

int64_t AuditRecorder::ProjectId(const std::string& name) {
  if (auto it = project_ids_.find(name); it != project_ids_.end()) return it->second;
  auto project = identities_.FindProject(name);
  const int64_t id = project ? project->id : 0;
  if (id != 0) project_ids_[name] = id;
  return id;
}

Status AuditRecorder::operator()(std::span<const Event> events) {
  std::vector<AuditLogRecord> logs;
  for (const Event& e : events) {
    auto op = AuditOperation(e.kind);
    if (!op) continue;
    // A project deleted and made again under its name is another project.
    if (e.kind == EventKind::kCreateProject) project_ids_.erase(e.project);
    logs.push_back(AuditLogRecord{0, ProjectId(e.project), e.operator_name,
                                  std::string(op->operation), std::string(op->resource_type),
                                  ResourceOf(e), e.at});
    if (e.kind == EventKind::kDeleteProject) project_ids_.erase(e.project);
  }
  if (logs.empty()) return {};
  return store_.AddAuditLogs(logs);
}

void PullCounter::operator()(std::span<const Event> events) {
  std::map<std::pair<std::string_view, std::string_view>, PullTally> tallies;
  for (const Event& e : events) {
    if (e.kind != EventKind::kPullArtifact) continue;
    PullTally& t = tallies[{e.repository, e.digest}];
    t.repository = e.repository;
    t.digest = e.digest;
    ++t.count;
    t.last = std::max(t.last, e.at);
  }
  if (tallies.empty()) return;
  std::vector<PullTally> pulls;
  pulls.reserve(tallies.size());
  for (auto& [key, tally] : tallies) pulls.push_back(std::move(tally));
  if (auto s = store_.RecordPulls(pulls); !s)
    spdlog::error("pull counts: {} lost: {}", pulls.size(), s.error().message);
}

}  // namespace berth
