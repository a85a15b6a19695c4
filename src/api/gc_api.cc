// Garbage collection through the API: its runs (history, one run, its log, stop) and the
// schedule that starts them. Runs are jobs of the job service; system administrators only.
#include <boost/json.hpp>

#include "api/harbor_api.h"
#include "api/harbor_json.h"
#include "api/query.h"
#include "gc/gc_job.h"

namespace berth {
namespace {

using http::Response;

boost::json::object GcJson(const JobRecord& job) {
  // Harbor's job_parameters: what the run was asked, and once it ended, what it freed.
  boost::system::error_code ec;
  boost::json::value parameters = boost::json::parse(job.parameters, ec);
  if (ec || !parameters.is_object()) parameters = boost::json::object();
  boost::json::value result = boost::json::parse(job.result, ec);
  if (!ec && result.is_object()) {
    for (const auto& [key, value] : result.as_object()) parameters.as_object()[key] = value;
  }
  return {{"id", job.id},
          {"job_name", kGcJobType},
          {"job_kind", job.trigger == "Schedule" ? "SCHEDULE" : "MANUAL"},
          {"job_parameters", boost::json::serialize(parameters)},
          {"schedule", boost::json::object{{"type", job.trigger}}},
          {"job_status", job.status},
          {"deleted", false},
          {"creation_time", Rfc3339(job.created_at)},
          {"update_time", Rfc3339(job.updated_at)}};
}

}  // namespace

Result<JobRecord> HarborApi::GcRunOf(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return tl::unexpected(s.error());
  auto id = ParseId(call.params.Get("gc_id"));
  if (!id) return Fail(ErrorCode::kBadRequest, "the gc id must be a positive integer");
  auto job = job_store_.GetJob(*id);
  if (!job || job->type != kGcJobType) {
    if (!job && job.error().code != ErrorCode::kNotFound) return job;
    return Fail(ErrorCode::kNotFound, "garbage collection " + std::to_string(*id) + " not found");
  }
  return job;
}

Response HarborApi::GetGCHistory(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  auto page = ParsePageRequest(call.request.Query("page"), call.request.Query("page_size"));
  if (!page) return HarborError(page.error());
  auto jobs = job_store_.ListJobs(std::string(kGcJobType), "", page->Offset(), page->page_size);
  if (!jobs) return HarborError(jobs.error());
  boost::json::array items;
  for (const JobRecord& job : jobs->items) items.push_back(GcJson(job));
  return PagedSlice(call.request, *page, std::move(items), jobs->total);
}

Response HarborApi::GetGC(Call& call) {
  auto job = GcRunOf(call);
  if (!job) return HarborError(job.error());
  return JsonBody(200, GcJson(*job));
}

Response HarborApi::GetGCLog(Call& call) {
  auto job = GcRunOf(call);
  if (!job) return HarborError(job.error());
  auto log = job_store_.JobLog(job->id);
  if (!log) return HarborError(log.error());
  Response res = Empty(200);
  res.headers.Set("Content-Type", "text/plain");
  res.body = std::move(*log);
  return res;
}

Response HarborApi::StopGC(Call& call) {
  auto job = GcRunOf(call);
  if (!job) return HarborError(job.error());
  // As Harbor's: a run that has ended already has nothing to stop, and that is no error.
  if (auto s = job_store_.StopJob(job->id, clock_.Now()); !s) return HarborError(s.error());
  return Empty(200);
}

// No schedule can be set yet (only Manual runs): none is in force.
Response HarborApi::GetGCSchedule(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  return JsonBody(200, boost::json::object{{"schedule", boost::json::object{{"type", "None"}}}});
}

// POST and PUT alike: Manual runs now, None cancels nothing (no schedule can be set yet).
Response HarborApi::ScheduleGc(Call& call, int success_status) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  if (!jobs_) return HarborError(ErrorCode::kUnavailable, "this node runs no jobs");
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  const auto* schedule = body->if_contains("schedule");
  if (!schedule || !schedule->is_object())
    return HarborError(ErrorCode::kBadRequest, "schedule is required");
  auto type = StringField(schedule->as_object(), "type");
  if (!type) return HarborError(type.error());
  if (type->value_or("") == "None") return Empty(success_status);
  if (type->value_or("") != "Manual")
    return HarborError(ErrorCode::kBadRequest,
                       "schedule type " + type->value_or("") +
                           " is not supported yet: garbage collection runs when asked (Manual)");
  const auto* given = body->if_contains("parameters");
  if (given && !given->is_null() && !given->is_object())
    return HarborError(ErrorCode::kBadRequest, "parameters must be an object");
  auto options = GcOptionsFromJson(given && given->is_object() ? given->as_object()
                                                                : boost::json::object());
  if (!options) return HarborError(options.error());
  auto id = jobs_->Submit(std::string(kGcJobType),
                          boost::json::serialize(GcParametersJson(*options)), "Manual");
  if (!id) return HarborError(id.error());
  Response res = Empty(success_status);
  res.headers.Set("Location", std::string(kApiPrefix) + "/system/gc/" + std::to_string(*id));
  return res;
}

Response HarborApi::CreateGCSchedule(Call& call) { return ScheduleGc(call, 201); }

Response HarborApi::UpdateGCSchedule(Call& call) { return ScheduleGc(call, 200); }

}  // namespace berth
