// The job service: a pool of workers that run jobs from the durable queue in the metadata
// database (meta/job_store.h), on whichever node claims them first. A job runs at least once:
// one whose node stopped mid-run (a crash, a kill) is taken up again, at the next start of a
// node alone, or by another node once its heartbeat is older than the lease; handlers are
// idempotent. Each job's log is kept with it, a line at a time, and a stop asked through the API
// reaches the handler within a heartbeat. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "meta/job_store.h"

namespace berth {

struct JobServiceOptions {
  size_t workers = 2;
  std::string node;  // unique to this process
  std::chrono::milliseconds heartbeat{std::chrono::seconds(1)};
  // Nodes that share the queue (PostgreSQL): a running job whose heartbeat is older than this
  // is a stopped node's. 0: this node is alone, and what it left running at its last stop is
  // run again at its start.
  std::chrono::seconds lease{0};
  std::chrono::milliseconds poll{std::chrono::seconds(1)};
};

// What a handler sees of its job.
class JobContext {
 public:
  JobContext(const JobRecord& job, const Clock& clock) : job_(job), clock_(clock) {}
  const JobRecord& job() const { return job_; }
  // One line of the job's log, dated.
  void Log(const std::string& line);
  // Set once the job is to stop (asked through the API, or the node shutting down).
  const std::atomic<bool>& stop() const { return stop_; }

 private:
  friend class JobService;
  std::string TakeLog();

  const JobRecord& job_;
  const Clock& clock_;
  std::atomic<bool> stop_ = false;
  std::mutex mu_;
  std::string pending_log_;  // guarded by mu_
};

// What a job came to: its result (JSON, kept with it), and whether it stopped before its end
// because stop() was set.
struct JobOutcome {
  std::string result;
  bool stopped = false;
};
// An error ends the job as Error, with its message in the log.
using JobHandler = std::function<Result<JobOutcome>(JobContext&)>;

class JobService {
 public:
  JobService(JobStore& store, const Clock& clock, JobServiceOptions options);
  // Stops the workers; a job cut short is run again (see JobServiceOptions::lease).
  ~JobService();

  // Before Start.
  void Register(const std::string& type, JobHandler handler);
  Status Start();
  Result<int64_t> Submit(const std::string& type, const std::string& parameters,
                         const std::string& trigger, const std::string& subject = {});

  // The job types registered, by name.
  std::vector<std::string> Types() const;
  // How often a node's pool says it is alive (JobStore::BeatWorkerPool); one silent for three
  // times as long has stopped.
  static constexpr int64_t kPoolBeat = 10;

 private:
  void Work(size_t index);
  void BeatPool();
  // BeatPool once kPoolBeat has passed, by whichever thread comes first: idle workers, or the
  // heartbeats of the jobs that keep every worker busy.
  void BeatPoolWhenDue();
  void Run(const JobRecord& job);

  JobStore& store_;
  const Clock& clock_;
  const JobServiceOptions options_;
  std::map<std::string, JobHandler> handlers_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::atomic<bool> shutting_down_ = false;
  std::vector<std::thread> workers_;
  int64_t started_at_ = 0;
  std::atomic<int64_t> next_pool_beat_ = 0;
};

}  // namespace berth
