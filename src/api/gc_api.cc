// The system's own jobs through the API: garbage collection (/system/gc) and the audit log
// purge (/system/purgeaudit), each with its runs (history, one run, its log, stop) and the
// schedule that starts them. Runs are jobs of the job service, schedules the scheduler's;
// system administrators only.
#include <boost/json.hpp>

#include "api/harbor_api.h"
#include "api/harbor_json.h"
#include "api/query.h"
#include "gc/gc_job.h"
#include "jobs/cron.h"
#include "jobs/purge_audit_job.h"
#include "jobs/scheduler.h"

namespace berth {

struct HarborApi::SystemJob {
  std::string_view type;      // of its jobs, and of its schedule's vendor
  std::string_view path;      // under kApiPrefix
  std::string_view id_param;  // of one run, in the path
  std::string_view name;      // in errors
  // The parameters a run takes, from the body's, in the one form the job reads.
  Result<boost::json::object> (*parameters)(const boost::json::object& given);
};

namespace {

using http::Response;

const HarborApi::SystemJob kGarbageCollection{
    kGcJobType, "/system/gc", "gc_id", "garbage collection",
    [](const boost::json::object& given) -> Result<boost::json::object> {
      auto options = GcOptionsFromJson(given);
      if (!options) return tl::unexpected(options.error());
      return GcParametersJson(*options);
    }};

const HarborApi::SystemJob kPurgeAudit{
    kPurgeAuditJobType, "/system/purgeaudit", "purge_id", "audit log purge",
    [](const boost::json::object& given) -> Result<boost::json::object> {
      auto options = PurgeAuditOptionsFromJson(given);
      if (!options) return tl::unexpected(options.error());
      return PurgeAuditParametersJson(*options);
    }};

boost::json::object ParametersOf(const std::string& json) {
  boost::json::object parameters;
  if (auto parsed = ParseJsonObject(json)) parameters = std::move(*parsed);
  return parameters;
}

// Harbor's ExecHistory: job_parameters holds what the run was asked and, once it ended, what it
// did.
boost::json::object RunJson(const JobRecord& job) {
  boost::json::object parameters = ParametersOf(job.parameters);
  if (auto result = ParseJsonObject(job.result)) {
    for (const auto& [key, value] : *result) parameters[key] = value;
  }
  return {{"id", job.id},
          {"job_name", job.type},
          {"job_kind", job.trigger == "Schedule" ? "SCHEDULE" : "MANUAL"},
          {"job_parameters", boost::json::serialize(parameters)},
          {"schedule", boost::json::object{{"type", job.trigger}}},
          {"job_status", job.status},
          {"deleted", false},
          {"creation_time", Rfc3339(job.created_at)},
          {"update_time", Rfc3339(job.updated_at)}};
}

}  // namespace

Result<ScheduleRecord> HarborApi::ScheduleFromBody(const boost::json::object& schedule,
                                                   std::string_view vendor_type,
                                                   int64_t vendor_id) {
  auto type = StringField(schedule, "type");
  if (!type) return tl::unexpected(type.error());
  auto cron = StringField(schedule, "cron");
  if (!cron) return tl::unexpected(cron.error());
  ScheduleRecord record;
  record.vendor_type = std::string(vendor_type);
  record.vendor_id = vendor_id;
  record.cron_type = type->value_or("");
  if (record.cron_type == "Schedule") record.cron_type = "Custom";
  const std::string_view standard = CronOfScheduleType(record.cron_type);
  if (standard.empty() && record.cron_type != "Custom")
    return Fail(ErrorCode::kBadRequest,
                "schedule type must be Hourly, Daily, Weekly, Custom, "
                "Schedule, Manual or None");
  record.cron = cron->value_or("").empty() ? std::string(standard) : **cron;
  if (record.cron.empty()) return Fail(ErrorCode::kBadRequest, "a Custom schedule needs its cron");
  const int64_t now = clock_.Now();
  auto next = NextRun(record.cron, now);
  if (!next) return tl::unexpected(next.error());
  record.next_run = *next;
  record.created_at = now;
  record.updated_at = now;
  return record;
}

// Harbor's GCHistory and ExecHistory, as its GET .../schedule answers: the parameters as JSON
// text.
boost::json::object HarborApi::ScheduleJson(const ScheduleRecord& s) {
  return {{"id", s.id},
          {"job_name", s.job_type},
          {"job_kind", "SCHEDULE"},
          {"job_parameters", s.parameters},
          {"schedule", boost::json::object{{"type", s.cron_type},
                                           {"cron", s.cron},
                                           {"next_scheduled_time", Rfc3339(s.next_run)}}},
          {"job_status", "Scheduled"},
          {"deleted", false},
          {"creation_time", Rfc3339(s.created_at)},
          {"update_time", Rfc3339(s.updated_at)}};
}

Result<JobRecord> HarborApi::SystemRunOf(Call& call, const SystemJob& kind) {
  if (auto s = RequireAdmin(call.who); !s) return tl::unexpected(s.error());
  auto id = ParseId(call.params.Get(kind.id_param));
  if (!id) return Fail(ErrorCode::kBadRequest, "the run id must be a positive integer");
  auto job = job_store_.GetJob(*id);
  if (!job || job->type != kind.type) {
    if (!job && job.error().code != ErrorCode::kNotFound) return job;
    return Fail(ErrorCode::kNotFound,
                std::string(kind.name) + " " + std::to_string(*id) + " not found");
  }
  return job;
}

Response HarborApi::SystemRuns(Call& call, const SystemJob& kind) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  auto page = ParsePageRequest(call.request.Query("page"), call.request.Query("page_size"));
  if (!page) return HarborError(page.error());
  auto jobs = job_store_.ListJobs(std::string(kind.type), "", page->Offset(), page->page_size);
  if (!jobs) return HarborError(jobs.error());
  boost::json::array items;
  for (const JobRecord& job : jobs->items) items.push_back(RunJson(job));
  return PagedSlice(call.request, *page, std::move(items), jobs->total);
}

Response HarborApi::SystemRun(Call& call, const SystemJob& kind) {
  auto job = SystemRunOf(call, kind);
  if (!job) return HarborError(job.error());
  return JsonBody(200, RunJson(*job));
}

Response HarborApi::JobLogOf(int64_t id) {
  auto log = job_store_.JobLog(id);
  if (!log) return HarborError(log.error());
  Response res = Empty(200);
  res.headers.Set("Content-Type", "text/plain");
  res.body = std::move(*log);
  return res;
}

Response HarborApi::SystemRunLog(Call& call, const SystemJob& kind) {
  auto job = SystemRunOf(call, kind);
  if (!job) return HarborError(job.error());
  return JobLogOf(job->id);
}

Response HarborApi::StopSystemRun(Call& call, const SystemJob& kind) {
  auto job = SystemRunOf(call, kind);
  if (!job) return HarborError(job.error());
  // As Harbor's: a run that has ended already has nothing to stop, and that is no error.
  if (auto s = job_store_.StopJob(job->id, clock_.Now()); !s) return HarborError(s.error());
  return Empty(200);
}

Response HarborApi::SystemSchedule(Call& call, const SystemJob& kind) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  auto schedule = schedules_.GetSchedule(std::string(kind.type), 0);
  if (!schedule) return HarborError(schedule.error());
  if (!*schedule)
    return JsonBody(200, boost::json::object{{"schedule", boost::json::object{{"type", "None"}}}});
  return JsonBody(200, ScheduleJson(**schedule));
}

// POST and PUT alike: Manual runs now, None cancels the schedule, the others set it.
Response HarborApi::PutSystemSchedule(Call& call, const SystemJob& kind, int success_status) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  const auto* schedule = body->if_contains("schedule");
  if (!schedule || !schedule->is_object())
    return HarborError(ErrorCode::kBadRequest, "schedule is required");
  auto type = StringField(schedule->as_object(), "type");
  if (!type) return HarborError(type.error());
  if (type->value_or("") == "None") {
    if (auto s = schedules_.DeleteSchedule(std::string(kind.type), 0); !s)
      return HarborError(s.error());
    return Empty(success_status);
  }
  const auto* given = body->if_contains("parameters");
  if (given && !given->is_null() && !given->is_object())
    return HarborError(ErrorCode::kBadRequest, "parameters must be an object");
  auto parameters =
      kind.parameters(given && given->is_object() ? given->as_object() : boost::json::object());
  if (!parameters) return HarborError(parameters.error());
  if (type->value_or("") == "Manual") {
    if (!jobs_) return HarborError(ErrorCode::kUnavailable, "this node runs no jobs");
    auto id = jobs_->Submit(std::string(kind.type), boost::json::serialize(*parameters), "Manual");
    if (!id) return HarborError(id.error());
    Response res = Empty(success_status);
    res.headers.Set("Location",
                    std::string(kApiPrefix) + std::string(kind.path) + "/" + std::to_string(*id));
    return res;
  }
  auto record = ScheduleFromBody(schedule->as_object(), kind.type, 0);
  if (!record) return HarborError(record.error());
  record->job_type = std::string(kind.type);
  record->parameters = boost::json::serialize(*parameters);
  if (auto id = schedules_.PutSchedule(*record); !id) return HarborError(id.error());
  return Empty(success_status);
}

Response HarborApi::GetGCHistory(Call& call) { return SystemRuns(call, kGarbageCollection); }
Response HarborApi::GetGC(Call& call) { return SystemRun(call, kGarbageCollection); }
Response HarborApi::GetGCLog(Call& call) { return SystemRunLog(call, kGarbageCollection); }
Response HarborApi::StopGC(Call& call) { return StopSystemRun(call, kGarbageCollection); }
Response HarborApi::GetGCSchedule(Call& call) { return SystemSchedule(call, kGarbageCollection); }
Response HarborApi::CreateGCSchedule(Call& call) {
  return PutSystemSchedule(call, kGarbageCollection, 201);
}
Response HarborApi::UpdateGCSchedule(Call& call) {
  return PutSystemSchedule(call, kGarbageCollection, 200);
}

Response HarborApi::GetPurgeHistory(Call& call) { return SystemRuns(call, kPurgeAudit); }
Response HarborApi::GetPurgeJob(Call& call) { return SystemRun(call, kPurgeAudit); }
Response HarborApi::GetPurgeJobLog(Call& call) { return SystemRunLog(call, kPurgeAudit); }
Response HarborApi::StopPurge(Call& call) { return StopSystemRun(call, kPurgeAudit); }
Response HarborApi::GetPurgeSchedule(Call& call) { return SystemSchedule(call, kPurgeAudit); }
Response HarborApi::CreatePurgeSchedule(Call& call) {
  return PutSystemSchedule(call, kPurgeAudit, 201);
}
Response HarborApi::UpdatePurgeSchedule(Call& call) {
  return PutSystemSchedule(call, kPurgeAudit, 200);
}

}  // namespace berth
