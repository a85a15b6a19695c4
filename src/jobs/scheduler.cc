#include "jobs/scheduler.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include "jobs/cron.h"

namespace berth {
namespace {

constexpr size_t kFiringsPerRound = 64;

}  // namespace

Result<int64_t> NextRun(const std::string& cron, int64_t now) {
  auto schedule = CronSchedule::Parse(cron);
  if (!schedule) return tl::unexpected(schedule.error());
  auto next = schedule->Next(now);
  if (!next) return Fail(ErrorCode::kBadRequest, next.error().message);
  return next;
}

Scheduler::Scheduler(ScheduleStore& schedules, LeaseStore& leases, const Clock& clock,
                     SchedulerOptions options)
    : schedules_(schedules),
      clock_(clock),
      options_(std::move(options)),
      lease_(leases, std::string(kLease), options_.node, options_.lease, clock_) {}

Scheduler::~Scheduler() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Scheduler::Start() {
  thread_ = std::thread([this] {
    ::pthread_setname_np(::pthread_self(), "berth-schedule");
    while (true) {
      if (auto fired = FireDue(); !fired) spdlog::error("scheduler: {}", fired.error().message);
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, options_.poll, [this] { return stopping_; });
      if (stopping_) return;
    }
  });
}

Result<size_t> Scheduler::FireDue() {
  if (!lease_.Held()) return 0;
  const int64_t now = clock_.Now();
  auto due = schedules_.DueSchedules(now, kFiringsPerRound);
  if (!due) return tl::unexpected(due.error());
  size_t fired = 0;
  for (const ScheduleRecord& schedule : *due) {
    auto next = NextRun(schedule.cron, now);
    if (!next) {
      spdlog::error("schedule {} of {} not fired: {}", schedule.id, schedule.vendor_type,
                    next.error().message);
      continue;
    }
    auto job = schedules_.FireSchedule(schedule, *next, now);
    if (!job) return tl::unexpected(job.error());
    if (*job) {
      ++fired;
      spdlog::info("schedule {} of {} queued job {}", schedule.id, schedule.vendor_type, **job);
    }
  }
  return fired;
}

}  // namespace berth
