// The job service and the scheduler as an administrator watches them: /jobservice (each node's
// worker pool and its workers, the queues by job type, one job's log, stop) and /schedules.
// System administrators only.
#include <boost/json.hpp>

#include "api/harbor_api.h"
#include "api/harbor_json.h"
#include "api/query.h"
#include "jobs/job_service.h"

namespace berth {
namespace {

using http::Response;

}  // namespace

Result<std::vector<WorkerPoolRecord>> HarborApi::LivePools() {
  return job_store_.ListWorkerPools(clock_.Now() - 3 * JobService::kPoolBeat);
}

Response HarborApi::GetWorkerPools(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  auto pools = LivePools();
  if (!pools) return HarborError(pools.error());
  boost::json::array items;
  for (const WorkerPoolRecord& p : *pools) {
    items.push_back(boost::json::object{{"pid", p.pid},
                                        {"worker_pool_id", p.node},
                                        {"start_at", Rfc3339(p.started_at)},
                                        {"heartbeat_at", Rfc3339(p.heartbeat_at)},
                                        {"concurrency", p.concurrency},
                                        {"host", p.host}});
  }
  return JsonBody(200, std::move(items));
}

// A pool's workers, each of its concurrency; the busy ones with the job each runs.
Response HarborApi::GetWorkers(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  const std::string_view wanted = call.params.Get("pool_id");
  auto pools = LivePools();
  if (!pools) return HarborError(pools.error());
  boost::json::array items;
  bool found = false;
  for (const WorkerPoolRecord& p : *pools) {
    if (wanted != kAllJobTypes && wanted != p.node) continue;
    found = true;
    auto running = job_store_.RunningJobs(p.node);
    if (!running) return HarborError(running.error());
    for (int64_t i = 0; i < p.concurrency; ++i) {
      boost::json::object worker{{"id", p.node + "-" + std::to_string(i)}, {"pool_id", p.node}};
      if (static_cast<size_t>(i) < running->size()) {
        const JobRecord& job = (*running)[static_cast<size_t>(i)];
        worker["job_name"] = job.type;
        worker["job_id"] = std::to_string(job.id);
        worker["start_at"] = Rfc3339(job.started_at);
        worker["checkin_at"] = Rfc3339(job.updated_at);
      }
      items.push_back(std::move(worker));
    }
  }
  if (!found && wanted != kAllJobTypes)
    return HarborError(ErrorCode::kNotFound, "worker pool " + std::string(wanted) + " not found");
  return JsonBody(200, std::move(items));
}

Result<JobRecord> HarborApi::JobOf(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return tl::unexpected(s.error());
  // The swagger's job ids are strings: one that is no id of ours names no job.
  auto id = ParseId(call.params.Get("job_id"));
  if (!id)
    return Fail(ErrorCode::kNotFound,
                "job " + std::string(call.params.Get("job_id")) + " not found");
  return job_store_.GetJob(*id);
}

Response HarborApi::StopRunningJob(Call& call) {
  auto job = JobOf(call);
  if (!job) return HarborError(job.error());
  if (auto s = job_store_.StopJob(job->id, clock_.Now()); !s) return HarborError(s.error());
  return Empty(200);
}

Response HarborApi::ActionGetJobLog(Call& call) {
  auto job = JobOf(call);
  if (!job) return HarborError(job.error());
  return JobLogOf(job->id);
}

Response HarborApi::ListJobQueues(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  if (!jobs_) return HarborError(ErrorCode::kUnavailable, "this node runs no jobs");
  auto queues = job_store_.ListJobQueues(jobs_->Types());
  if (!queues) return HarborError(queues.error());
  // The webhook queue's waiting work is the notifier's; its paused flag is kept with the others.
  const std::string webhook_type(kWebhookJobType);
  auto webhooks = history_.PendingWebhookTasks();
  if (!webhooks) return HarborError(webhooks.error());
  auto webhooks_paused = job_store_.JobQueuePaused(webhook_type);
  if (!webhooks_paused) return HarborError(webhooks_paused.error());
  queues->push_back({webhook_type, webhooks->first, webhooks->second, *webhooks_paused});
  const int64_t now = clock_.Now();
  boost::json::array items;
  for (const JobQueueRecord& q : *queues) {
    items.push_back(boost::json::object{
        {"job_type", q.type},
        {"count", q.pending},
        {"latency", q.oldest_pending > 0 ? std::max<int64_t>(0, now - q.oldest_pending) : 0},
        {"paused", q.paused}});
  }
  return JsonBody(200, std::move(items));
}

// stop: the queue's waiting jobs are Stopped (for WEBHOOK and all, the webhook deliveries that
// wait too); pause and resume: they wait, or are taken again.
Response HarborApi::ActionPendingJobs(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  if (!jobs_) return HarborError(ErrorCode::kUnavailable, "this node runs no jobs");
  const std::string type(call.params.Get("job_type"));
  const auto types = jobs_->Types();
  if (type != kAllJobTypes && type != kWebhookJobType &&
      std::find(types.begin(), types.end(), type) == types.end())
    return HarborError(ErrorCode::kNotFound, "job type " + type + " not found");
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  auto action = StringField(*body, "action");
  if (!action) return HarborError(action.error());
  const std::string what = action->value_or("");
  Status done;
  if (what == "stop") {
    auto stopped = job_store_.StopPendingJobs(type, clock_.Now());
    if (!stopped) done = tl::unexpected(stopped.error());
    if (done && (type == kAllJobTypes || type == kWebhookJobType)) {
      auto webhooks = history_.StopPendingWebhookTasks(clock_.Now());
      if (!webhooks) done = tl::unexpected(webhooks.error());
    }
  } else if (what == "pause" || what == "resume") {
    done = job_store_.PauseJobQueue(type, what == "pause");
  } else {
    return HarborError(ErrorCode::kUnprocessable, "action must be stop, pause or resume");
  }
  if (!done) return HarborError(done.error());
  return Empty(200);
}

Response HarborApi::ListSchedules(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  auto page = ParsePageRequest(call.request.Query("page"), call.request.Query("page_size"));
  if (!page) return HarborError(page.error());
  auto schedules = schedules_.ListSchedules(page->Offset(), page->page_size);
  if (!schedules) return HarborError(schedules.error());
  boost::json::array items;
  for (const ScheduleRecord& s : schedules->items) {
    items.push_back(boost::json::object{{"id", s.id},
                                        {"vendor_type", s.vendor_type},
                                        {"vendor_id", s.vendor_id},
                                        {"cron", s.cron},
                                        {"update_time", Rfc3339(s.updated_at)}});
  }
  return PagedSlice(call.request, *page, std::move(items), schedules->total);
}

// As Harbor's: only "all" can be asked, and the scheduler is paused when every queue is.
Response HarborApi::GetSchedulePaused(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  if (call.params.Get("job_type") != kAllJobTypes)
    return HarborError(ErrorCode::kBadRequest, "job_type must be all");
  auto paused = job_store_.JobQueuePaused(std::string(kAllJobTypes));
  if (!paused) return HarborError(paused.error());
  return JsonBody(200, boost::json::object{{"paused", *paused}});
}

}  // namespace berth
