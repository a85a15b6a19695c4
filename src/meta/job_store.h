// JobStore: the job service's durable queue (jobs/job_service.h), in the metadata database so
// that every node shares it: jobs wait as Pending, are claimed by one worker of one node
// (PostgreSQL: FOR UPDATE SKIP LOCKED), run with a heartbeat, keep their log, and end as
// Success, Error or Stopped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/list_query.h"
#include "core/result.h"

namespace berth {

struct JobRecord {
  int64_t id = 0;
  std::string type;        // "GARBAGE_COLLECTION", ...
  std::string parameters;  // JSON, as the API took it
  std::string trigger;     // "Manual" or "Schedule"
  std::string status;      // Pending, Running, Success, Error, Stopped
  std::string owner;       // the node running it
  std::string result;      // JSON, once it ended
  int64_t attempts = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t started_at = 0;
  int64_t ended_at = 0;
  std::string subject;  // what the job works on, to list a policy's runs by ("retention:7")
};

// The jobs of one type that wait (Harbor's JobQueue).
struct JobQueueRecord {
  std::string type;
  int64_t pending = 0;
  int64_t oldest_pending = 0;  // when the longest-waiting one was queued; 0 when none waits
  bool paused = false;
};

// A node's job service (Harbor's WorkerPool), as it last said it was alive.
struct WorkerPoolRecord {
  std::string node;
  int64_t pid = 0;
  std::string host;
  int64_t concurrency = 0;
  int64_t started_at = 0;
  int64_t heartbeat_at = 0;
};

// Pauses or stops every job type at once.
inline constexpr std::string_view kAllJobTypes = "all";
// Webhook deliveries, Harbor's WEBHOOK jobs: the notifier's own queue (HistoryStore's webhook
// tasks), shown, paused and stopped beside the jobs table's types.
inline constexpr std::string_view kWebhookJobType = "WEBHOOK";

class JobStore {
 public:
  virtual ~JobStore() = default;
  virtual Result<int64_t> CreateJob(const JobRecord& job) = 0;
  // kNotFound if absent; without its log.
  virtual Result<JobRecord> GetJob(int64_t id) = 0;
  virtual Result<std::string> JobLog(int64_t id) = 0;
  // Newest first; of one subject unless `subject` is empty.
  virtual Result<ListPage<JobRecord>> ListJobs(const std::string& type, const std::string& subject,
                                               int64_t offset, int64_t limit) = 0;
  // The oldest Pending job, now Running for `owner`; nullopt when none waits.
  virtual Result<std::optional<JobRecord>> ClaimJob(const std::string& owner, int64_t now) = 0;
  // Appends to the log and beats the heart of a job `owner` runs; returns whether a stop was
  // asked for. kNotFound once the job is no longer `owner`'s.
  virtual Result<bool> BeatJob(int64_t id, const std::string& owner, const std::string& log,
                               int64_t now) = 0;
  virtual Status FinishJob(int64_t id, const std::string& owner, const std::string& status,
                           const std::string& result, const std::string& log, int64_t now) = 0;
  // A Pending job is Stopped at once; a Running one is asked to stop. kNotFound if absent;
  // false when it had ended already.
  virtual Result<bool> StopJob(int64_t id, int64_t now) = 0;
  // Running jobs whose heartbeat is older than `before` (their node stopped) wait again, with a
  // line in their log saying so; returns how many.
  virtual Result<size_t> RequeueAbandonedJobs(int64_t before, int64_t now) = 0;

  // The queue of each of `types`, in that order.
  virtual Result<std::vector<JobQueueRecord>> ListJobQueues(
      const std::vector<std::string>& types) = 0;
  // A paused type's jobs wait, unclaimed, until it is resumed; kAllJobTypes pauses all.
  virtual Status PauseJobQueue(const std::string& type, bool paused) = 0;
  // Whether `type` is paused, by itself or with all.
  virtual Result<bool> JobQueuePaused(const std::string& type) = 0;
  // Every Pending job of `type` (or of kAllJobTypes) is Stopped; returns how many.
  virtual Result<size_t> StopPendingJobs(const std::string& type, int64_t now) = 0;
  virtual Result<std::vector<JobRecord>> RunningJobs(const std::string& owner) = 0;

  virtual Status BeatWorkerPool(const WorkerPoolRecord& pool) = 0;
  virtual Status RemoveWorkerPool(const std::string& node) = 0;
  // Those that beat at or after `alive_since`, by node.
  virtual Result<std::vector<WorkerPoolRecord>> ListWorkerPools(int64_t alive_since) = 0;
};

}  // namespace berth
