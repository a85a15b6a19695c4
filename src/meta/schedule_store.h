// ScheduleStore: the schedules that queue jobs at the times their cron names (jobs/scheduler.h),
// one per (vendor_type, vendor_id) as Harbor keeps them: the garbage collection's, the audit
// log purge's, each retention policy's. In the metadata database, so that every node sees them
// and the one holding the scheduler lease fires them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/list_query.h"
#include "core/result.h"

namespace berth {

struct ScheduleRecord {
  int64_t id = 0;
  std::string vendor_type;  // GARBAGE_COLLECTION, PURGE_AUDIT_LOG, RETENTION
  int64_t vendor_id = 0;    // the retention policy; 0 for the system's own
  std::string cron_type;    // Harbor's schedule type: Hourly, Daily, Weekly, Custom
  std::string cron;         // six fields (jobs/cron.h)
  // The job each firing queues.
  std::string job_type;
  std::string parameters;
  std::string subject;
  int64_t next_run = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

class ScheduleStore {
 public:
  virtual ~ScheduleStore() = default;
  // Creates or replaces the schedule of (vendor_type, vendor_id), which keeps its id.
  virtual Result<int64_t> PutSchedule(const ScheduleRecord& schedule) = 0;
  virtual Result<std::optional<ScheduleRecord>> GetSchedule(const std::string& vendor_type,
                                                            int64_t vendor_id) = 0;
  // No error when there is none.
  virtual Status DeleteSchedule(const std::string& vendor_type, int64_t vendor_id) = 0;
  virtual Result<ListPage<ScheduleRecord>> ListSchedules(int64_t offset, int64_t limit) = 0;
  // Those whose next run is at or before `now`, soonest first.
  virtual Result<std::vector<ScheduleRecord>> DueSchedules(int64_t now, size_t limit) = 0;
  // Queues `due`'s job and moves it on to `next_run`, in one transaction, so that a firing is
  // neither lost nor doubled by a crash; nullopt (and nothing queued) when the schedule changed
  // or was fired since `due` was read.
  virtual Result<std::optional<int64_t>> FireSchedule(const ScheduleRecord& due, int64_t next_run,
                                                      int64_t now) = 0;
};

}  // namespace berth
