// Tag retention through the API: a project's policy (one a project, named by its
// retention_id metadata as in Harbor), its runs (jobs of the job service) with their tasks
// and logs. Every operation asks tag-retention permissions of the policy's project.
#include <boost/json.hpp>

#include "api/harbor_api.h"
#include "api/harbor_json.h"
#include "api/query.h"
#include "retention/policy.h"
#include "retention/retention_job.h"

namespace berth {
namespace {

using http::Response;

boost::json::object PolicyJson(const RetentionPolicyRecord& record) {
  boost::system::error_code ec;
  boost::json::value policy = boost::json::parse(record.policy, ec);
  boost::json::object out = !ec && policy.is_object() ? policy.as_object() : boost::json::object();
  out["id"] = record.id;
  out["scope"] = boost::json::object{{"level", "project"}, {"ref", record.project_id}};
  return out;
}

boost::json::object ExecutionJson(const JobRecord& job, int64_t policy_id) {
  auto run = RetentionRunFromJson(job.parameters);
  return {{"id", job.id},
          {"policy_id", policy_id},
          {"start_time", Rfc3339(job.started_at ? job.started_at : job.created_at)},
          {"end_time", Rfc3339OrEmpty(job.ended_at)},
          {"status", job.status},
          {"trigger", job.trigger == "Schedule" ? "SCHEDULE" : "MANUAL"},
          {"dry_run", run && run->dry_run}};
}

// The project a policy body's scope names: {"level": "project", "ref": <id>}.
Result<int64_t> ScopeProject(const boost::json::object& body) {
  const auto* scope = body.if_contains("scope");
  if (!scope || !scope->is_object())
    return Fail(ErrorCode::kBadRequest, "scope must name the project: {\"level\":\"project\"}");
  auto level = StringField(scope->as_object(), "level");
  if (!level) return tl::unexpected(level.error());
  if (level->value_or("project") != "project")
    return Fail(ErrorCode::kBadRequest, "scope level must be project");
  auto ref = IntField(scope->as_object(), "ref");
  if (!ref) return tl::unexpected(ref.error());
  if (!*ref || **ref <= 0) return Fail(ErrorCode::kBadRequest, "scope ref must be a project id");
  return **ref;
}

}  // namespace

Response HarborApi::GetRentenitionMetadata(Call& call) {
  if (auto s = RequireUser(call.who); !s) return HarborError(s.error());
  auto param = [](const char* unit) {
    return boost::json::array{
        boost::json::object{{"type", "int"}, {"unit", unit}, {"required", true}}};
  };
  auto rule = [](const char* name, const char* text, boost::json::array params) {
    return boost::json::object{{"rule_template", name},
                               {"display_text", text},
                               {"action", "retain"},
                               {"params", std::move(params)}};
  };
  boost::json::array templates{
      rule("latestPushedK", "the most recently pushed # artifacts", param("count")),
      rule("latestPulledN", "the most recently pulled # artifacts", param("count")),
      rule("nDaysSinceLastPush", "pushed within the last # days", param("days")),
      rule("nDaysSinceLastPull", "pulled within the last # days", param("days")),
      rule("always", "always", {})};
  auto selector = [](const char* text, const char* a, const char* b) {
    return boost::json::array{boost::json::object{
        {"display_text", text}, {"kind", "doublestar"}, {"decorations", {a, b}}}};
  };
  return JsonBody(200,
                  boost::json::object{
                      {"templates", std::move(templates)},
                      {"scope_selectors", selector("Repositories", "repoMatches", "repoExcludes")},
                      {"tag_selectors", selector("Tags", "matches", "excludes")}});
}

Response HarborApi::CreateRetention(Call& call) {
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  auto project_id = ScopeProject(*body);
  if (!project_id) return HarborError(project_id.error());
  auto project =
      DenyIfMissing(call.who, std::to_string(*project_id), store_.GetProject(*project_id));
  if (!project) return HarborError(project.error());
  if (auto s = Require(call.who, *project, Resource::kTagRetention, Action::kCreate); !s)
    return HarborError(s.error());
  auto policy = RetentionPolicy::Parse(*body);
  if (!policy) return HarborError(policy.error());
  const int64_t now = clock_.Now();
  auto id = management_.CreateRetentionPolicy(
      RetentionPolicyRecord{0, project->id, boost::json::serialize(policy->Json()), now, now});
  if (!id) {
    if (id.error().code == ErrorCode::kConflict)
      return HarborError(ErrorCode::kBadRequest,
                         "project " + project->name + " has a retention policy already: update it");
    return HarborError(id.error());
  }
  if (auto s = ScheduleRetention(call.who, *id, policy->cron); !s) return HarborError(s.error());
  project->metadata["retention_id"] = std::to_string(*id);
  if (auto saved = SaveProject(*project); saved.status != 200) return saved;
  return Created(std::string(kApiPrefix) + "/retentions/" + std::to_string(*id));
}

// A scheduled run deletes in the name of whoever set the schedule, as a manual run does in its
// caller's.
Status HarborApi::ScheduleRetention(const Principal& who, int64_t policy_id,
                                    const std::string& cron) {
  const std::string vendor(kRetentionJobType);
  if (cron.empty()) return schedules_.DeleteSchedule(vendor, policy_id);
  auto schedule =
      ScheduleFromBody(boost::json::object{{"type", "Custom"}, {"cron", cron}}, vendor, policy_id);
  if (!schedule) return tl::unexpected(schedule.error());
  schedule->job_type = vendor;
  schedule->parameters = RetentionRunJson(RetentionRun{policy_id, false, OperatorOf(who)});
  schedule->subject = RetentionSubject(policy_id);
  if (auto id = schedules_.PutSchedule(*schedule); !id) return tl::unexpected(id.error());
  return {};
}

// The policy of {id}, once the caller may act on its project.
Result<RetentionPolicyRecord> HarborApi::RetentionPolicyOf(Call& call, Action action) {
  auto id = ParseId(call.params.Get("id"));
  if (!id)
    return Fail(ErrorCode::kBadRequest, "the retention policy id must be a positive integer");
  auto policy = management_.GetRetentionPolicy(*id);
  if (!policy) {
    if (policy.error().code != ErrorCode::kNotFound) return policy;
    if (auto s = RequireUser(call.who); !s) return tl::unexpected(s.error());
    return Fail(ErrorCode::kNotFound, "retention policy " + std::to_string(*id) + " not found");
  }
  auto project = store_.GetProject(policy->project_id);
  if (!project) return tl::unexpected(project.error());
  if (auto s = Require(call.who, *project, Resource::kTagRetention, action); !s)
    return tl::unexpected(s.error());
  return policy;
}

Response HarborApi::GetRetention(Call& call) {
  auto policy = RetentionPolicyOf(call, Action::kRead);
  if (!policy) return HarborError(policy.error());
  return JsonBody(200, PolicyJson(*policy));
}

Response HarborApi::UpdateRetention(Call& call) {
  auto record = RetentionPolicyOf(call, Action::kUpdate);
  if (!record) return HarborError(record.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  if (body->contains("scope")) {
    auto project_id = ScopeProject(*body);
    if (!project_id) return HarborError(project_id.error());
    if (*project_id != record->project_id)
      return HarborError(ErrorCode::kBadRequest, "a policy cannot move to another project");
  }
  auto policy = RetentionPolicy::Parse(*body);
  if (!policy) return HarborError(policy.error());
  record->policy = boost::json::serialize(policy->Json());
  record->updated_at = clock_.Now();
  if (auto s = management_.UpdateRetentionPolicy(*record); !s) return HarborError(s.error());
  if (auto s = ScheduleRetention(call.who, record->id, policy->cron); !s)
    return HarborError(s.error());
  return Empty(200);
}

Response HarborApi::DeleteRetention(Call& call) {
  auto record = RetentionPolicyOf(call, Action::kDelete);
  if (!record) return HarborError(record.error());
  if (auto s = management_.DeleteRetentionPolicy(record->id); !s) return HarborError(s.error());
  if (auto project = store_.GetProject(record->project_id)) {
    project->metadata.erase("retention_id");
    if (auto saved = SaveProject(*project); saved.status != 200) return saved;
  }
  return Empty(200);
}

Response HarborApi::TriggerRetentionExecution(Call& call) {
  auto record = RetentionPolicyOf(call, Action::kOperate);
  if (!record) return HarborError(record.error());
  if (!jobs_) return HarborError(ErrorCode::kUnavailable, "this node runs no jobs");
  auto body = ParseJsonObject(call.body.empty() ? "{}" : call.body);
  if (!body) return HarborError(body.error());
  auto dry_run = BoolField(*body, "dry_run");
  if (!dry_run) return HarborError(dry_run.error());
  const RetentionRun run{record->id, dry_run->value_or(false), OperatorOf(call.who)};
  auto id = jobs_->Submit(std::string(kRetentionJobType), RetentionRunJson(run), "Manual",
                          RetentionSubject(record->id));
  if (!id) return HarborError(id.error());
  return Created(std::string(kApiPrefix) + "/retentions/" + std::to_string(record->id) +
                 "/executions/" + std::to_string(*id));
}

Response HarborApi::ListRetentionExecutions(Call& call) {
  auto record = RetentionPolicyOf(call, Action::kList);
  if (!record) return HarborError(record.error());
  auto page = ParsePageRequest(call.request.Query("page"), call.request.Query("page_size"));
  if (!page) return HarborError(page.error());
  auto jobs = job_store_.ListJobs(std::string(kRetentionJobType), RetentionSubject(record->id),
                                  page->Offset(), page->page_size);
  if (!jobs) return HarborError(jobs.error());
  boost::json::array items;
  for (const JobRecord& job : jobs->items) items.push_back(ExecutionJson(job, record->id));
  return PagedSlice(call.request, *page, std::move(items), jobs->total);
}

// The run {eid} of the policy {id}, once the caller may `action` on its project.
Result<JobRecord> HarborApi::RetentionExecutionOf(Call& call, Action action) {
  auto record = RetentionPolicyOf(call, action);
  if (!record) return tl::unexpected(record.error());
  auto eid = ParseId(call.params.Get("eid"));
  if (!eid) return Fail(ErrorCode::kBadRequest, "the execution id must be a positive integer");
  auto job = job_store_.GetJob(*eid);
  if (!job && job.error().code != ErrorCode::kNotFound) return job;
  if (!job || job->type != kRetentionJobType || job->subject != RetentionSubject(record->id))
    return Fail(ErrorCode::kNotFound, "execution " + std::to_string(*eid) + " not found");
  return job;
}

Response HarborApi::OperateRetentionExecution(Call& call) {
  auto job = RetentionExecutionOf(call, Action::kOperate);
  if (!job) return HarborError(job.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  auto action = StringField(*body, "action");
  if (!action) return HarborError(action.error());
  if (action->value_or("") != "stop")
    return HarborError(ErrorCode::kBadRequest, "the one action is stop");
  if (auto s = job_store_.StopJob(job->id, clock_.Now()); !s) return HarborError(s.error());
  return Empty(200);
}

Response HarborApi::ListRetentionTasks(Call& call) {
  auto job = RetentionExecutionOf(call, Action::kList);
  if (!job) return HarborError(job.error());
  auto page = ParsePageRequest(call.request.Query("page"), call.request.Query("page_size"));
  if (!page) return HarborError(page.error());
  auto tasks = management_.ListRetentionTasks(job->id, page->Offset(), page->page_size);
  if (!tasks) return HarborError(tasks.error());
  boost::json::array items;
  for (const RetentionTaskRecord& t : tasks->items) {
    items.push_back(boost::json::object{{"id", t.id},
                                        {"execution_id", t.execution_id},
                                        {"repository", t.repository},
                                        {"job_id", std::to_string(job->id)},
                                        {"status", t.status},
                                        {"status_code", 0},
                                        {"status_revision", 0},
                                        {"start_time", Rfc3339(t.started_at)},
                                        {"end_time", Rfc3339OrEmpty(t.ended_at)},
                                        {"total", t.total},
                                        {"retained", t.retained}});
  }
  return PagedSlice(call.request, *page, std::move(items), tasks->total);
}

Response HarborApi::GetRetentionTaskLog(Call& call) {
  auto job = RetentionExecutionOf(call, Action::kRead);
  if (!job) return HarborError(job.error());
  auto tid = ParseId(call.params.Get("tid"));
  if (!tid) return HarborError(ErrorCode::kBadRequest, "the task id must be a positive integer");
  auto log = management_.RetentionTaskLog(job->id, *tid);
  if (!log) {
    if (log.error().code == ErrorCode::kNotFound)
      return HarborError(ErrorCode::kNotFound, "task " + std::to_string(*tid) + " not found");
    return HarborError(log.error());
  }
  Response res = Empty(200);
  res.headers.Set("Content-Type", "text/plain");
  res.body = std::move(*log);
  return res;
}

}  // namespace berth
