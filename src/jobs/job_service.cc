#include "jobs/job_service.h"

#include <pthread.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "api/harbor_json.h"

namespace berth {

void JobContext::Log(const std::string& line) {
  std::lock_guard lock(mu_);
  pending_log_ += Rfc3339(clock_.Now()) + " " + line + "\n";
}

std::string JobContext::TakeLog() {
  std::lock_guard lock(mu_);
  return std::exchange(pending_log_, {});
}

JobService::JobService(JobStore& store, const Clock& clock, JobServiceOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

JobService::~JobService() {
  shutting_down_ = true;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
  if (started_at_ != 0) {
    if (auto s = store_.RemoveWorkerPool(options_.node); !s)
      spdlog::warn("jobs: pool not removed: {}", s.error().message);
  }
}

void JobService::Register(const std::string& type, JobHandler handler) {
  handlers_[type] = std::move(handler);
}

Status JobService::Start() {
  const int64_t now = clock_.Now();
  auto requeued = store_.RequeueAbandonedJobs(
      options_.lease.count() > 0 ? now - options_.lease.count() : now + 1, now);
  if (!requeued) return tl::unexpected(requeued.error());
  if (*requeued) spdlog::info("jobs: {} cut short by a stop run again", *requeued);
  started_at_ = now;
  next_pool_beat_ = now + kPoolBeat;
  BeatPool();
  for (size_t i = 0; i < options_.workers; ++i) workers_.emplace_back([this, i] { Work(i); });
  return {};
}

std::vector<std::string> JobService::Types() const {
  std::vector<std::string> types;
  for (const auto& [type, handler] : handlers_) types.push_back(type);
  return types;
}

void JobService::BeatPoolWhenDue() {
  int64_t due = next_pool_beat_;
  const int64_t now = clock_.Now();
  if (now >= due && next_pool_beat_.compare_exchange_strong(due, now + kPoolBeat)) BeatPool();
}

void JobService::BeatPool() {
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  const int64_t now = clock_.Now();
  if (auto s = store_.BeatWorkerPool(WorkerPoolRecord{options_.node, ::getpid(), host,
                                                      static_cast<int64_t>(options_.workers),
                                                      started_at_, now});
      !s)
    spdlog::warn("jobs: pool heartbeat: {}", s.error().message);
}

Result<int64_t> JobService::Submit(const std::string& type, const std::string& parameters,
                                   const std::string& trigger, const std::string& subject) {
  JobRecord job;
  job.subject = subject;
  job.type = type;
  job.parameters = parameters;
  job.trigger = trigger;
  job.created_at = clock_.Now();
  auto id = store_.CreateJob(job);
  if (id) wake_.notify_one();
  return id;
}

void JobService::Work(size_t index) {
  ::pthread_setname_np(::pthread_self(), "berth-jobs");
  int64_t next_requeue = clock_.Now() + options_.lease.count() / 2;
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    BeatPoolWhenDue();
    // Among nodes, one worker looks for the jobs a stopped node left, now and then.
    if (index == 0 && options_.lease.count() > 0 && clock_.Now() >= next_requeue) {
      next_requeue = clock_.Now() + options_.lease.count() / 2;
      const int64_t now = clock_.Now();
      if (auto r = store_.RequeueAbandonedJobs(now - options_.lease.count(), now); !r)
        spdlog::error("jobs: {}", r.error().message);
    }
    auto job = store_.ClaimJob(options_.node, clock_.Now());
    if (!job) spdlog::error("jobs: {}", job.error().message);
    if (job && *job) {
      Run(**job);
      continue;
    }
    std::unique_lock lock(mu_);
    if (stopping_) return;
    wake_.wait_for(lock, options_.poll);
  }
}

void JobService::Run(const JobRecord& job) {
  JobContext context(job, clock_);
  if (job.attempts > 1) context.Log("attempt " + std::to_string(job.attempts));
  auto handler = handlers_.find(job.type);
  std::atomic<bool> done = false;
  std::atomic<bool> lost = false;
  std::mutex beat_mu;
  std::condition_variable beat_wake;
  // The heartbeat: the log so far, and whether a stop was asked.
  std::thread beat([&] {
    std::unique_lock lock(beat_mu);
    while (!done) {
      beat_wake.wait_for(lock, options_.heartbeat);
      if (done) return;
      BeatPoolWhenDue();
      auto stop = store_.BeatJob(job.id, options_.node, context.TakeLog(), clock_.Now());
      if (!stop && stop.error().code == ErrorCode::kNotFound) {
        // Another node took it up, thinking this one stopped: it is theirs now.
        lost = true;
        context.stop_ = true;
      } else if (stop && *stop) {
        context.stop_ = true;
      }
      if (shutting_down_) context.stop_ = true;
    }
  });
  Result<JobOutcome> result = handler == handlers_.end()
                                   ? Fail(ErrorCode::kInternal, "no handler for " + job.type)
                                   : handler->second(context);
  {
    std::lock_guard lock(beat_mu);
    done = true;
  }
  beat_wake.notify_all();
  beat.join();
  // Cut short by the node's own stop: left Running, to be run again.
  if (lost || (shutting_down_ && result && result->stopped)) return;
  std::string status = "Success";
  if (!result) {
    status = "Error";
    context.Log("error: " + std::string(result.error().Message()));
  } else if (result->stopped) {
    status = "Stopped";
  }
  if (auto s = store_.FinishJob(job.id, options_.node, status, result ? result->result : "",
                                context.TakeLog(), clock_.Now());
      !s)
    spdlog::error("jobs: job {} ended but could not be recorded: {}", job.id, s.error().message);
}

}  // namespace berth
