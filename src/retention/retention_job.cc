#include "retention/retention_job.h"

#include <boost/json.hpp>

#include "core/reference.h"
#include "retention/policy.h"

namespace berth {
namespace {

namespace json = boost::json;

// What a run did, for its result and its TAG_RETENTION event.
struct Tally {
  int64_t total = 0;
  int64_t retained = 0;
  json::array deleted;  // Harbor's deleted_artifacts
};

std::string Tags(const ArtifactRecord& a) {
  std::string out;
  for (const TagRecord& t : a.tags) out += (out.empty() ? "" : ",") + t.name;
  return out.empty() ? "untagged" : "tags " + out;
}

class Run {
 public:
  Run(const RetentionServices& s, JobContext& job, const RetentionRun& run,
      const RetentionPolicy& policy, const ProjectRecord& project,
      std::vector<ScopedRule> immutable)
      : s_(s),
        job_(job),
        run_(run),
        policy_(policy),
        project_(project),
        immutable_(std::move(immutable)) {}

  // One repository's task; false once the run is to stop.
  Result<bool> Repository(const std::string& repository, Tally& tally) {
    const std::string within = repository.substr(project_.name.size() + 1);
    RetentionTaskRecord task;
    task.execution_id = job_.job().id;
    task.repository = within;
    task.status = "Running";
    task.started_at = s_.clock.Now();
    auto id = s_.management.CreateRetentionTask(task);
    if (!id) return tl::unexpected(id.error());
    task.id = *id;

    auto artifacts = s_.management.ListArtifacts(repository, ArtifactListing{});
    if (!artifacts) return tl::unexpected(artifacts.error());
    std::vector<RetentionCandidate> candidates;
    for (const ArtifactRecord& a : artifacts->items) {
      RetentionCandidate c{a.digest, {}, a.pushed_at, a.pull_time, false};
      for (const TagRecord& t : a.tags) {
        c.tags.push_back(t.name);
        if (FirstReaching(immutable_, within, t.name)) c.immutable = true;
      }
      candidates.push_back(std::move(c));
    }
    const std::set<std::string> kept = Retained(policy_, within, candidates, s_.clock.Now());
    std::string log;
    auto line = [&](const std::string& text) {
      log += text + "\n";
      job_.Log(text);
    };
    task.total = static_cast<int64_t>(artifacts->items.size());
    task.retained = task.total;
    bool stopped = false;
    for (const ArtifactRecord& a : artifacts->items) {
      if (kept.contains(a.digest)) continue;
      if (job_.stop()) {
        stopped = true;
        break;
      }
      const std::string what = repository + "@" + a.digest + " (" + Tags(a) + ")";
      if (run_.dry_run) {
        line("would delete " + what);
        --task.retained;
        continue;
      }
      auto digest = Digest::Parse(a.digest);
      if (!digest) return tl::unexpected(digest.error());
      Status deleted = s_.registry.DeleteArtifact(repository, *digest, run_.operator_name);
      if (!deleted && deleted.error().code != ErrorCode::kManifestUnknown) {
        // Kept, and said why: an immutable rule made since the run began, say.
        line("kept " + what + ": " + std::string(deleted.error().Message()));
        continue;
      }
      line("deleted " + what);
      --task.retained;
      for (const TagRecord& t : a.tags.empty() ? std::vector<TagRecord>{TagRecord{}} : a.tags) {
        tally.deleted.push_back(
            json::object{{"type", "image"},
                         {"status", "SUCCESS"},
                         {"name_tag", within + (t.name.empty() ? "@" + a.digest : ":" + t.name)}});
      }
    }
    line(within + ": " + std::to_string(task.retained) + " of " + std::to_string(task.total) +
         " artifacts retained");
    tally.total += task.total;
    tally.retained += task.retained;
    task.status = stopped ? "Stopped" : "Success";
    task.ended_at = s_.clock.Now();
    if (auto s = s_.management.FinishRetentionTask(task, log); !s) return tl::unexpected(s.error());
    return !stopped;
  }

 private:
  const RetentionServices& s_;
  JobContext& job_;
  const RetentionRun& run_;
  const RetentionPolicy& policy_;
  const ProjectRecord& project_;
  const std::vector<ScopedRule> immutable_;
};

Result<JobOutcome> RunRetention(const RetentionServices& s, JobContext& job) {
  auto run = RetentionRunFromJson(job.job().parameters);
  if (!run) return tl::unexpected(run.error());
  auto record = s.management.GetRetentionPolicy(run->policy_id);
  if (!record) {
    if (record.error().code == ErrorCode::kNotFound)
      return Fail(ErrorCode::kNotFound,
                  "retention policy " + std::to_string(run->policy_id) + " was deleted");
    return tl::unexpected(record.error());
  }
  boost::system::error_code ec;
  json::value stored = json::parse(record->policy, ec);
  if (ec || !stored.is_object()) return Fail(ErrorCode::kInternal, "a stored policy is not JSON");
  auto policy = RetentionPolicy::Parse(stored.as_object());
  if (!policy) return tl::unexpected(policy.error());
  auto project = s.identities.GetProject(record->project_id);
  if (!project) return tl::unexpected(project.error());
  auto rules = s.management.ListImmutableRules(project->id);
  if (!rules) return tl::unexpected(rules.error());
  auto immutable = EnabledImmutableRules(*rules);
  if (!immutable) return tl::unexpected(immutable.error());
  if (job.job().attempts > 1) {
    job.Log("taken up again after a stop: its tasks start over");
    if (auto s2 = s.management.DeleteRetentionTasks(job.job().id); !s2)
      return tl::unexpected(s2.error());
  }
  auto repositories = s.content.ListRepositoryRecords(std::vector{project->name}, ListRequest{});
  if (!repositories) return tl::unexpected(repositories.error());
  job.Log(std::string(run->dry_run ? "dry run" : "run") + " of retention policy " +
          std::to_string(record->id) + " over project " + project->name);

  Run runner(s, job, *run, *policy, *project, std::move(*immutable));
  Tally tally;
  bool stopped = false;
  for (const RepositoryRecord& repository : repositories->items) {
    if (!policy->Reaches(std::string_view(repository.name).substr(project->name.size() + 1)))
      continue;
    auto went_on = runner.Repository(repository.name, tally);
    if (!went_on) return tl::unexpected(went_on.error());
    if (!*went_on) {
      stopped = true;
      break;
    }
  }
  const json::object result{{"dry_run", run->dry_run},
                            {"total", tally.total},
                            {"retained", tally.retained},
                            {"deleted", tally.total - tally.retained}};
  if (!run->dry_run && s.events) {
    const json::object retention{{"total", tally.total},
                                 {"retained", tally.retained},
                                 {"project_name", project->name},
                                 {"retention_policy_id", record->id},
                                 {"result", stopped ? "STOPPED" : "SUCCESS"},
                                 {"deleted_artifacts", std::move(tally.deleted)}};
    s.events->Publish(Event{EventKind::kTagRetention, run->operator_name, s.clock.Now(),
                            project->name, "", "", "", json::serialize(retention)});
  }
  return JobOutcome{json::serialize(result), stopped};
}

}  // namespace

std::string RetentionRunJson(const RetentionRun& run) {
  return json::serialize(json::object{
      {"policy_id", run.policy_id}, {"dry_run", run.dry_run}, {"operator", run.operator_name}});
}

Result<RetentionRun> RetentionRunFromJson(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  const json::object* o = !ec && v.is_object() ? &v.as_object() : nullptr;
  const json::value* id = o ? o->if_contains("policy_id") : nullptr;
  const json::value* dry = o ? o->if_contains("dry_run") : nullptr;
  const json::value* who = o ? o->if_contains("operator") : nullptr;
  if (!id || !id->is_int64() || !dry || !dry->is_bool() || !who || !who->is_string())
    return Fail(ErrorCode::kInternal, "a retention run's parameters are not its own: " + text);
  return RetentionRun{id->as_int64(), dry->as_bool(), std::string(who->as_string())};
}

JobHandler RetentionJobHandler(RetentionServices services) {
  return [services](JobContext& job) { return RunRetention(services, job); };
}

}  // namespace berth
