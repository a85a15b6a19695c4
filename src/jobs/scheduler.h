// The scheduler: queues each schedule's job (meta/schedule_store.h) at the times its cron names,
// on the one node that holds the "scheduler" lease, so that a firing happens once cluster-wide.
// A firing queues its job and moves the schedule on in one transaction; times missed while no
// node ran are not caught up, the schedule runs next at its next time after now (as Harbor's).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/result.h"
#include "meta/lease.h"
#include "meta/schedule_store.h"

namespace berth {

struct SchedulerOptions {
  std::string node;  // unique to this process
  // Nodes that share the schedules (PostgreSQL): how long the lease lasts unless renewed. 0: this
  // node is alone.
  std::chrono::seconds lease{0};
  std::chrono::milliseconds poll{std::chrono::seconds(1)};
};

class Scheduler {
 public:
  Scheduler(ScheduleStore& schedules, LeaseStore& leases, const Clock& clock,
            SchedulerOptions options);
  // Stops, and gives the lease up.
  ~Scheduler();

  void Start();
  // One round, as the scheduler's thread runs it: fires what is due if this node holds the
  // lease; returns how many jobs it queued.
  Result<size_t> FireDue();

  static constexpr std::string_view kLease = "scheduler";

 private:
  ScheduleStore& schedules_;
  const Clock& clock_;
  const SchedulerOptions options_;
  LeaseHolder lease_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

// When `cron` next fires after `now`; kBadRequest for a cron that cannot be read or names no
// time.
Result<int64_t> NextRun(const std::string& cron, int64_t now);

}  // namespace berth
