// SqliteMetadataStore's ManagementStore half: artifacts as the API lists them, labels, quotas,
// the audit log, pull counts, settings and webhooks (schema: migration 4).
#include <cstdio>
#include <set>

#include "core/strings.h"
#include "meta/sqlite_connection.h"

namespace berth {
namespace {

using Connection = SqliteMetadataStore::Connection;

std::string Mebibytes(int64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return text;
}

}  // namespace

Result<int64_t> ProjectUsage(Connection& c, std::string_view project) {
  auto [low, high] = ProjectRange(project);
  auto q = c.Query(
      "SELECT coalesce((SELECT sum(b.size) FROM blobs b WHERE b.digest IN "
      "(SELECT rb.digest FROM repository_blobs rb JOIN repositories r ON r.id = rb.repository_id "
      "WHERE r.name > ?1 AND r.name < ?2)), 0) + "
      "coalesce((SELECT sum(size) FROM (SELECT DISTINCT m.digest, m.size FROM manifests m "
      "JOIN repositories r ON r.id = m.repository_id WHERE r.name > ?1 AND r.name < ?2)), 0)",
      low, high);
  if (!q) return tl::unexpected(q.error());
  auto row = (*q)->Step();
  if (!row) return tl::unexpected(row.error());
  return (*q)->Int(0);
}

Result<int64_t> ProjectStorageLimit(Connection& c, std::string_view project) {
  auto q = c.Query(
      "SELECT q.storage_limit FROM quotas q JOIN projects p ON p.id = q.project_id "
      "WHERE p.name = ?",
      project);
  if (!q) return tl::unexpected(q.error());
  auto row = (*q)->Step();
  if (!row) return tl::unexpected(row.error());
  return *row ? (*q)->Int(0) : -1;
}

Status CheckQuota(Connection& c, std::string_view project, const Digest& digest, uint64_t size) {
  auto limit = ProjectStorageLimit(c, project);
  if (!limit) return tl::unexpected(limit.error());
  if (*limit < 0) return {};
  auto [low, high] = ProjectRange(project);
  auto held = c.Query(
      "SELECT 1 FROM repository_blobs rb JOIN repositories r ON r.id = rb.repository_id "
      "WHERE rb.digest = ? AND r.name > ? AND r.name < ?",
      digest.str(), low, high);
  if (!held) return tl::unexpected(held.error());
  auto row = (*held)->Step();
  if (!row) return tl::unexpected(row.error());
  if (*row) return {};
  held->reset();
  auto used = ProjectUsage(c, project);
  if (!used) return tl::unexpected(used.error());
  if (*used + static_cast<int64_t>(size) <= *limit) return {};
  return Fail(ErrorCode::kQuotaExceeded,
              "quota exceeded: adding " + Mebibytes(static_cast<int64_t>(size)) + " to project " +
                  std::string(project) + " would pass its storage limit (" + Mebibytes(*used) +
                  " of " + Mebibytes(*limit) + " used)");
}

Result<std::optional<StorageUse>> SqliteMetadataStore::ProjectStorage(const std::string& project) {
  return WithConnection([&](Connection& c) -> Result<std::optional<StorageUse>> {
    auto limit = ProjectStorageLimit(c, project);
    if (!limit) return tl::unexpected(limit.error());
    if (*limit < 0) return std::nullopt;
    auto used = ProjectUsage(c, project);
    if (!used) return tl::unexpected(used.error());
    return StorageUse{*limit, *used};
  });
}

namespace {

constexpr const char* kArtifactColumns =
    "SELECT m.id, m.repository_id, r.name, m.digest, m.media_type, m.content, "
    "coalesce(m.subject, ''), coalesce(m.artifact_type, ''), m.pushed_at, m.pulled_at, "
    "EXISTS (SELECT 1 FROM manifest_children mc JOIN manifests p ON p.id = mc.manifest_id "
    "WHERE p.repository_id = m.repository_id AND mc.child_digest = m.digest) "
    "FROM manifests m JOIN repositories r ON r.id = m.repository_id ";

ArtifactRecord ReadArtifact(Stmt& q) {
  ArtifactRecord a;
  a.id = q.Int(0);
  a.repository_id = q.Int(1);
  a.repository = q.Text(2);
  a.digest = q.Text(3);
  a.media_type = q.Text(4);
  a.content = q.Text(5);
  a.subject = q.Text(6);
  a.artifact_type = q.Text(7);
  a.pushed_at = q.Int(8);
  a.pull_time = q.Int(9);
  a.is_child = q.Int(10) != 0;
  return a;
}

// Tags, labels and children: what the artifact row alone does not hold.
Status Complete(Connection& c, ArtifactRecord& a) {
  // rowid: tags have no id column of their own, and Harbor's Tag has one.
  auto tags = All<TagRecord>(
      c, "SELECT rowid, name, updated_at FROM tags WHERE manifest_id = ? ORDER BY updated_at DESC",
      [](Stmt& q) { return TagRecord{q.Int(0), q.Text(1), q.Int(2)}; }, a.id);
  if (!tags) return tl::unexpected(tags.error());
  a.tags = std::move(*tags);
  auto labels = All<int64_t>(
      c, "SELECT label_id FROM artifact_labels WHERE manifest_id = ? ORDER BY created_at",
      [](Stmt& q) { return q.Int(0); }, a.id);
  if (!labels) return tl::unexpected(labels.error());
  a.label_ids = std::move(*labels);
  auto children = c.Query("SELECT child_digest FROM manifest_children WHERE manifest_id = ?", a.id);
  if (!children) return tl::unexpected(children.error());
  auto digests = (*children)->Texts();
  if (!digests) return tl::unexpected(digests.error());
  a.children = std::move(*digests);
  return {};
}

}  // namespace

Result<std::vector<ArtifactRecord>> SqliteMetadataStore::ListArtifacts(
    const std::string& repository) {
  static const std::string sql = std::string(kArtifactColumns) + "WHERE r.name = ? ORDER BY m.id";
  return WithConnection([&](Connection& c) -> Result<std::vector<ArtifactRecord>> {
    auto id = c.RepositoryId(repository);
    if (!id) return tl::unexpected(id.error());
    if (*id == 0) return Fail(ErrorCode::kNotFound, "repository " + repository + " not found");
    auto artifacts = All<ArtifactRecord>(c, sql.c_str(), ReadArtifact, repository);
    if (!artifacts) return tl::unexpected(artifacts.error());
    for (ArtifactRecord& a : *artifacts) {
      if (auto s = Complete(c, a); !s) return tl::unexpected(s.error());
    }
    return artifacts;
  });
}

Result<ArtifactRecord> SqliteMetadataStore::GetArtifact(const std::string& repository,
                                                        const std::string& reference) {
  static const std::string by_digest =
      std::string(kArtifactColumns) + "WHERE r.name = ? AND m.digest = ?";
  static const std::string by_tag = std::string(kArtifactColumns) +
                                    "JOIN tags t ON t.manifest_id = m.id WHERE r.name = ? AND "
                                    "t.name = ?";
  return WithConnection([&](Connection& c) -> Result<ArtifactRecord> {
    const bool digest = reference.find(':') != std::string::npos;
    auto a = One<ArtifactRecord>(c, digest ? by_digest.c_str() : by_tag.c_str(), ReadArtifact,
                                 repository, reference);
    if (!a) {
      if (a.error().code == ErrorCode::kNotFound)
        return Fail(ErrorCode::kNotFound, "artifact " + repository + ":" + reference + " not found");
      return a;
    }
    if (auto s = Complete(c, *a); !s) return tl::unexpected(s.error());
    return a;
  });
}

namespace {

constexpr const char* kLabelColumns =
    "SELECT id, name, description, color, scope, project_id, created_at, updated_at FROM labels ";

LabelRecord ReadLabel(Stmt& q) {
  return LabelRecord{q.Int(0), q.Text(1), q.Text(2), q.Text(3),
                     q.Text(4), q.Int(5),  q.Int(6),  q.Int(7)};
}

}  // namespace

Result<int64_t> SqliteMetadataStore::CreateLabel(const LabelRecord& l) {
  return CommitInsert([&](Connection& c) {
    return c.Exec(
        "INSERT INTO labels (name, description, color, scope, project_id, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        l.name, l.description, l.color, l.scope, l.project_id, l.created_at, l.updated_at);
  });
}

Result<LabelRecord> SqliteMetadataStore::GetLabel(int64_t id) {
  static const std::string sql = std::string(kLabelColumns) + "WHERE id = ?";
  return WithConnection(
      [&](Connection& c) { return One<LabelRecord>(c, sql.c_str(), ReadLabel, id); });
}

Result<std::vector<LabelRecord>> SqliteMetadataStore::ListLabels(const std::string& scope,
                                                                 int64_t project_id) {
  static const std::string sql =
      std::string(kLabelColumns) + "WHERE scope = ? AND project_id = ? ORDER BY id";
  return WithConnection([&](Connection& c) {
    return All<LabelRecord>(c, sql.c_str(), ReadLabel, scope, project_id);
  });
}

Status SqliteMetadataStore::UpdateLabel(const LabelRecord& l) {
  return Commit([&](Connection& c) {
    return Change(c,
                  "UPDATE labels SET name = ?, description = ?, color = ?, updated_at = ? "
                  "WHERE id = ?",
                  l.name, l.description, l.color, l.updated_at, l.id);
  });
}

Status SqliteMetadataStore::DeleteLabel(int64_t id) {
  return Commit([&](Connection& c) { return Change(c, "DELETE FROM labels WHERE id = ?", id); });
}

Status SqliteMetadataStore::AttachLabel(int64_t artifact_id, int64_t label_id, int64_t now) {
  return Commit([&](Connection& c) {
    return c.Exec("INSERT INTO artifact_labels (manifest_id, label_id, created_at) VALUES (?, ?, ?)",
                  artifact_id, label_id, now);
  });
}

Status SqliteMetadataStore::DetachLabel(int64_t artifact_id, int64_t label_id) {
  return Commit([&](Connection& c) {
    return Change(c, "DELETE FROM artifact_labels WHERE manifest_id = ? AND label_id = ?",
                  artifact_id, label_id);
  });
}

namespace {

Result<QuotaRecord> QuotaOf(Connection& c, int64_t id, const std::string& name,
                            int64_t project_created) {
  auto q = c.Query("SELECT storage_limit, created_at, updated_at FROM quotas WHERE project_id = ?",
                   id);
  if (!q) return tl::unexpected(q.error());
  auto row = (*q)->Step();
  if (!row) return tl::unexpected(row.error());
  QuotaRecord quota{id, name, -1, 0, project_created, project_created};
  if (*row) {
    quota.storage_limit = (*q)->Int(0);
    quota.created_at = (*q)->Int(1);
    quota.updated_at = (*q)->Int(2);
  }
  q->reset();
  auto used = ProjectUsage(c, name);
  if (!used) return tl::unexpected(used.error());
  quota.storage_used = *used;
  return quota;
}

struct ProjectKey {
  int64_t id;
  std::string name;
  int64_t created_at;
};

}  // namespace

Result<QuotaRecord> SqliteMetadataStore::GetQuota(int64_t project_id) {
  return WithConnection([&](Connection& c) -> Result<QuotaRecord> {
    auto p = One<ProjectKey>(
        c, "SELECT id, name, created_at FROM projects WHERE id = ?",
        [](Stmt& q) { return ProjectKey{q.Int(0), q.Text(1), q.Int(2)}; }, project_id);
    if (!p) return tl::unexpected(p.error());
    return QuotaOf(c, p->id, p->name, p->created_at);
  });
}

Result<std::vector<QuotaRecord>> SqliteMetadataStore::ListQuotas() {
  return WithConnection([&](Connection& c) -> Result<std::vector<QuotaRecord>> {
    auto projects = All<ProjectKey>(
        c, "SELECT id, name, created_at FROM projects ORDER BY id",
        [](Stmt& q) { return ProjectKey{q.Int(0), q.Text(1), q.Int(2)}; });
    if (!projects) return tl::unexpected(projects.error());
    std::vector<QuotaRecord> out;
    for (const ProjectKey& p : *projects) {
      auto quota = QuotaOf(c, p.id, p.name, p.created_at);
      if (!quota) return tl::unexpected(quota.error());
      out.push_back(std::move(*quota));
    }
    return out;
  });
}

Status SqliteMetadataStore::SetStorageLimit(int64_t project_id, int64_t limit, int64_t now) {
  return Commit([&](Connection& c) {
    return c.Exec(
        "INSERT INTO quotas (project_id, storage_limit, created_at, updated_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (project_id) DO UPDATE SET "
        "storage_limit = excluded.storage_limit, updated_at = excluded.updated_at",
        project_id, limit, now, now);
  });
}

Status SqliteMetadataStore::AddAuditLogs(const std::vector<AuditLogRecord>& logs) {
  return Commit([&](Connection& c) -> Status {
    for (const AuditLogRecord& l : logs) {
      if (auto s = c.Exec(
              "INSERT INTO audit_logs (project_id, username, operation, resource_type, resource, "
              "op_time) VALUES (?, ?, ?, ?, ?, ?)",
              l.project_id, l.username, l.operation, l.resource_type, l.resource, l.op_time);
          !s) {
        return s;
      }
    }
    return {};
  });
}

Result<ListPage<AuditLogRecord>> SqliteMetadataStore::QueryAuditLogs(const AuditLogQuery& query) {
  static const std::set<std::string, std::less<>> kColumns = {
      "id", "op_time", "username", "resource", "resource_type", "operation"};
  if (!kColumns.count(query.order_by))
    return Fail(ErrorCode::kBadRequest, "cannot sort audit logs by " + query.order_by);
  std::string where = " WHERE op_time >= ? AND op_time <= ?";
  if (query.projects) {
    where += " AND project_id IN (";
    for (size_t i = 0; i < query.projects->size(); ++i) where += i ? ",?" : "?";
    where += ")";
  }
  for (const AuditLogQuery::Text& t : query.text) {
    if (!kColumns.count(t.column) || t.column == "id" || t.column == "op_time")
      return Fail(ErrorCode::kBadRequest, "cannot filter audit logs by " + t.column);
    where += " AND (";
    for (size_t i = 0; i < t.values.size(); ++i) {
      if (i) where += " OR ";
      // instr, not LIKE: the value is taken literally, '%' and '_' included.
      where += t.contains ? "instr(" + t.column + ", ?) > 0" : t.column + " = ?";
    }
    where += t.values.empty() ? "0)" : ")";
  }
  auto bind = [&](Stmt& q) {
    int i = 0;
    q.Bind(++i, query.from);
    q.Bind(++i, query.to);
    if (query.projects) {
      for (int64_t id : *query.projects) q.Bind(++i, id);
    }
    for (const AuditLogQuery::Text& t : query.text) {
      for (const std::string& v : t.values) q.Bind(++i, v);
    }
    return i;
  };
  return WithConnection([&](Connection& c) -> Result<ListPage<AuditLogRecord>> {
    ListPage<AuditLogRecord> page;
    auto count = c.Prepare("SELECT count(*) FROM audit_logs" + where);
    if (!count) return tl::unexpected(count.error());
    bind(**count);
    auto counted = (*count)->Step();
    if (!counted) return tl::unexpected(counted.error());
    page.total = (*count)->Int(0);
    const std::string direction = query.descending ? " DESC" : " ASC";
    auto rows = c.Prepare(
        "SELECT id, project_id, username, operation, resource_type, resource, op_time "
        "FROM audit_logs" + where + " ORDER BY " + query.order_by + direction + ", id" +
        direction + " LIMIT ? OFFSET ?");
    if (!rows) return tl::unexpected(rows.error());
    int i = bind(**rows);
    (*rows)->Bind(++i, query.limit);
    (*rows)->Bind(++i, query.offset);
    auto items = (*rows)->Rows<AuditLogRecord>([](Stmt& q) {
      return AuditLogRecord{q.Int(0), q.Int(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5),
                            q.Int(6)};
    });
    if (!items) return tl::unexpected(items.error());
    page.items = std::move(*items);
    return page;
  });
}

Status SqliteMetadataStore::RecordPulls(const std::vector<PullTally>& pulls) {
  return Commit([&](Connection& c) -> Status {
    for (const PullTally& p : pulls) {
      if (auto s = c.Exec("UPDATE repositories SET pull_count = pull_count + ? WHERE name = ?",
                          p.count, p.repository);
          !s) {
        return s;
      }
      if (auto s = c.Exec(
              "UPDATE manifests SET pulled_at = max(pulled_at, ?) WHERE digest = ? AND "
              "repository_id = (SELECT id FROM repositories WHERE name = ?)",
              p.last, p.digest, p.repository);
          !s) {
        return s;
      }
    }
    return {};
  });
}

Result<std::map<std::string, std::string>> SqliteMetadataStore::LoadSettings() {
  return WithConnection([&](Connection& c) -> Result<std::map<std::string, std::string>> {
    auto rows = All<std::pair<std::string, std::string>>(
        c, "SELECT name, value FROM settings",
        [](Stmt& q) { return std::pair(q.Text(0), q.Text(1)); });
    if (!rows) return tl::unexpected(rows.error());
    return std::map<std::string, std::string>(rows->begin(), rows->end());
  });
}

Status SqliteMetadataStore::SaveSettings(const std::map<std::string, std::string>& settings) {
  return Commit([&](Connection& c) -> Status {
    for (const auto& [name, value] : settings) {
      if (auto s = c.Exec(
              "INSERT INTO settings (name, value) VALUES (?, ?) "
              "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
              name, value);
          !s) {
        return s;
      }
    }
    return {};
  });
}

namespace {

constexpr const char* kPolicyColumns =
    "SELECT id, project_id, name, description, creator, enabled, event_types, targets, "
    "created_at, updated_at FROM webhook_policies ";

WebhookPolicyRecord ReadPolicy(Stmt& q) {
  WebhookPolicyRecord p;
  p.id = q.Int(0);
  p.project_id = q.Int(1);
  p.name = q.Text(2);
  p.description = q.Text(3);
  p.creator = q.Text(4);
  p.enabled = q.Int(5) != 0;
  const std::string types = q.Text(6);
  for (std::string_view type : Split(types, ' ')) {
    if (!type.empty()) p.event_types.emplace_back(type);
  }
  p.targets_json = q.Text(7);
  p.created_at = q.Int(8);
  p.updated_at = q.Int(9);
  return p;
}

std::string JoinTypes(const std::vector<std::string>& types) {
  std::string out;
  for (const std::string& t : types) out += (out.empty() ? "" : " ") + t;
  return out;
}

WebhookTaskRecord ReadTask(Stmt& q) {
  WebhookTaskRecord t;
  t.id = q.Int(0);
  t.execution_id = q.Int(1);
  t.address = q.Text(2);
  t.status = q.Text(3);
  t.run_count = q.Int(4);
  t.created_at = q.Int(5);
  t.updated_at = q.Int(6);
  t.started_at = q.Int(7);
  t.ended_at = q.Int(8);
  return t;
}

WebhookExecutionRecord ReadExecution(Stmt& q) {
  return WebhookExecutionRecord{q.Int(0), q.Int(1), q.Text(2), q.Text(3), q.Int(4), q.Int(5)};
}

}  // namespace

Result<int64_t> SqliteMetadataStore::CreateWebhookPolicy(const WebhookPolicyRecord& p) {
  return CommitInsert([&](Connection& c) {
    return c.Exec(
        "INSERT INTO webhook_policies (project_id, name, description, creator, enabled, "
        "event_types, targets, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        p.project_id, p.name, p.description, p.creator, int64_t{p.enabled},
        JoinTypes(p.event_types), p.targets_json, p.created_at, p.updated_at);
  });
}

Result<WebhookPolicyRecord> SqliteMetadataStore::GetWebhookPolicy(int64_t id) {
  static const std::string sql = std::string(kPolicyColumns) + "WHERE id = ?";
  return WithConnection(
      [&](Connection& c) { return One<WebhookPolicyRecord>(c, sql.c_str(), ReadPolicy, id); });
}

Result<std::vector<WebhookPolicyRecord>> SqliteMetadataStore::ListWebhookPolicies(
    int64_t project_id) {
  static const std::string all = std::string(kPolicyColumns) + "ORDER BY id";
  static const std::string one = std::string(kPolicyColumns) + "WHERE project_id = ? ORDER BY id";
  return WithConnection([&](Connection& c) {
    if (project_id == 0) return All<WebhookPolicyRecord>(c, all.c_str(), ReadPolicy);
    return All<WebhookPolicyRecord>(c, one.c_str(), ReadPolicy, project_id);
  });
}

Status SqliteMetadataStore::UpdateWebhookPolicy(const WebhookPolicyRecord& p) {
  return Commit([&](Connection& c) {
    return Change(c,
                  "UPDATE webhook_policies SET name = ?, description = ?, enabled = ?, "
                  "event_types = ?, targets = ?, updated_at = ? WHERE id = ?",
                  p.name, p.description, int64_t{p.enabled}, JoinTypes(p.event_types),
                  p.targets_json, p.updated_at, p.id);
  });
}

Status SqliteMetadataStore::DeleteWebhookPolicy(int64_t id) {
  return Commit(
      [&](Connection& c) { return Change(c, "DELETE FROM webhook_policies WHERE id = ?", id); });
}

Status SqliteMetadataStore::CreateWebhookDeliveries(std::vector<WebhookDelivery>& deliveries) {
  return Commit([&](Connection& c) -> Status {
    for (WebhookDelivery& d : deliveries) {
      WebhookExecutionRecord& e = d.execution;
      if (auto s = c.Exec(
              "INSERT INTO webhook_executions (policy_id, event_type, status, started_at, "
              "ended_at) VALUES (?, ?, ?, ?, ?)",
              e.policy_id, e.event_type, e.status, e.started_at, e.ended_at);
          !s) {
        return s;
      }
      e.id = sqlite3_last_insert_rowid(c.db());
      for (WebhookTaskRecord& t : d.tasks) {
        t.execution_id = e.id;
        if (auto s = c.Exec(
                "INSERT INTO webhook_tasks (execution_id, address, status, run_count, "
                "created_at, updated_at, started_at, ended_at, next_try_at, auth_header, "
                "skip_cert_verify, payload_format, event) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                t.execution_id, t.address, t.status, t.run_count, t.created_at, t.updated_at,
                t.started_at, t.ended_at, t.next_try_at, t.auth_header,
                int64_t{t.skip_cert_verify}, t.payload_format, Blob{t.event});
            !s) {
          return s;
        }
        t.id = sqlite3_last_insert_rowid(c.db());
      }
    }
    return {};
  });
}

Status SqliteMetadataStore::RecordWebhookTries(const std::vector<WebhookTry>& tries) {
  return Commit([&](Connection& c) -> Status {
    for (const auto& [t, a] : tries) {
      if (auto s = c.Exec(
              "INSERT INTO webhook_attempts (task_id, attempt, at, http_status, message) "
              "VALUES (?, ?, ?, ?, ?)",
              a.task_id, a.attempt, a.at, a.http_status, a.message);
          !s) {
        return s;
      }
      // A finished task's event is no longer needed: only its history is kept.
      if (auto s = c.Exec(
              "UPDATE webhook_tasks SET status = ?1, run_count = ?2, updated_at = ?3, "
              "started_at = ?4, ended_at = ?5, next_try_at = ?6, "
              "event = CASE WHEN ?1 IN ('Success', 'Error') THEN x'' ELSE event END "
              "WHERE id = ?7",
              t.status, t.run_count, t.updated_at, t.started_at, t.ended_at, t.next_try_at, t.id);
          !s) {
        return s;
      }
      // The execution ends with its last task: in error if any task failed.
      if (auto s = c.Exec(
              "UPDATE webhook_executions SET "
              "status = CASE WHEN EXISTS (SELECT 1 FROM webhook_tasks WHERE execution_id = ?1 "
              "AND status = 'Error') THEN 'Error' ELSE 'Success' END, ended_at = ?2 "
              "WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM webhook_tasks WHERE execution_id = ?1 "
              "AND status IN ('Pending', 'Running'))",
              t.execution_id, t.updated_at);
          !s) {
        return s;
      }
    }
    return {};
  });
}

Result<std::vector<WebhookTaskRecord>> SqliteMetadataStore::ClaimWebhookTasks(int64_t now,
                                                                              size_t limit) {
  std::vector<WebhookTaskRecord> claimed;
  Status s = Commit([&](Connection& c) -> Status {
    claimed.clear();
    auto due = All<WebhookTaskRecord>(
        c,
        "SELECT t.id, t.execution_id, t.address, t.status, t.run_count, t.created_at, "
        "t.updated_at, t.started_at, t.ended_at, t.next_try_at, t.auth_header, "
        "t.skip_cert_verify, t.payload_format, t.event, e.policy_id, p.project_id "
        "FROM webhook_tasks t JOIN webhook_executions e ON e.id = t.execution_id "
        "JOIN webhook_policies p ON p.id = e.policy_id "
        "WHERE t.status = 'Pending' AND t.next_try_at <= ? ORDER BY t.next_try_at, t.id LIMIT ?",
        [](Stmt& q) {
          WebhookTaskRecord t = ReadTask(q);
          t.next_try_at = q.Int(9);
          t.auth_header = q.Text(10);
          t.skip_cert_verify = q.Int(11) != 0;
          t.payload_format = q.Text(12);
          t.event = q.Text(13);
          t.policy_id = q.Int(14);
          t.project_id = q.Int(15);
          return t;
        },
        now, static_cast<int64_t>(limit));
    if (!due) return tl::unexpected(due.error());
    for (WebhookTaskRecord& t : *due) {
      t.status = "Running";
      if (auto r = c.Exec("UPDATE webhook_tasks SET status = 'Running' WHERE id = ?", t.id); !r)
        return r;
    }
    claimed = std::move(*due);
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return claimed;
}

Status SqliteMetadataStore::RequeueWebhookTasks() {
  return Commit([&](Connection& c) {
    return c.Exec("UPDATE webhook_tasks SET status = 'Pending' WHERE status = 'Running'");
  });
}

Result<ListPage<WebhookExecutionRecord>> SqliteMetadataStore::ListWebhookExecutions(
    int64_t policy_id, int64_t offset, int64_t limit) {
  return WithConnection([&](Connection& c) -> Result<ListPage<WebhookExecutionRecord>> {
    ListPage<WebhookExecutionRecord> page;
    auto total = One<int64_t>(
        c, "SELECT count(*) FROM webhook_executions WHERE policy_id = ?",
        [](Stmt& q) { return q.Int(0); }, policy_id);
    if (!total) return tl::unexpected(total.error());
    page.total = *total;
    auto items = All<WebhookExecutionRecord>(
        c,
        "SELECT id, policy_id, event_type, status, started_at, ended_at FROM webhook_executions "
        "WHERE policy_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
        ReadExecution, policy_id, limit, offset);
    if (!items) return tl::unexpected(items.error());
    page.items = std::move(*items);
    return page;
  });
}

Result<int64_t> SqliteMetadataStore::LastWebhookTrigger(int64_t policy_id,
                                                        const std::string& event_type) {
  return WithConnection([&](Connection& c) {
    return One<int64_t>(
        c,
        "SELECT coalesce(max(started_at), 0) FROM webhook_executions WHERE policy_id = ? AND "
        "event_type = ?",
        [](Stmt& q) { return q.Int(0); }, policy_id, event_type);
  });
}

Result<WebhookExecutionRecord> SqliteMetadataStore::GetWebhookExecution(int64_t id) {
  return WithConnection([&](Connection& c) {
    return One<WebhookExecutionRecord>(
        c,
        "SELECT id, policy_id, event_type, status, started_at, ended_at FROM webhook_executions "
        "WHERE id = ?",
        ReadExecution, id);
  });
}

Result<std::vector<WebhookTaskRecord>> SqliteMetadataStore::ListWebhookTasks(
    int64_t execution_id) {
  return WithConnection([&](Connection& c) {
    return All<WebhookTaskRecord>(
        c,
        "SELECT id, execution_id, address, status, run_count, created_at, updated_at, "
        "started_at, ended_at FROM webhook_tasks WHERE execution_id = ? ORDER BY id",
        ReadTask, execution_id);
  });
}

Result<std::vector<WebhookAttemptRecord>> SqliteMetadataStore::ListWebhookAttempts(
    int64_t task_id) {
  return WithConnection([&](Connection& c) {
    return All<WebhookAttemptRecord>(
        c,
        "SELECT task_id, attempt, at, http_status, message FROM webhook_attempts "
        "WHERE task_id = ? ORDER BY attempt",
        [](Stmt& q) {
          return WebhookAttemptRecord{q.Int(0), q.Int(1), q.Int(2), q.Int(3), q.Text(4)};
        },
        task_id);
  });
}

}  // namespace berth
