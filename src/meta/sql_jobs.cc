// SqlMetadataStore's job queue (meta/job_store.h).
#include "meta/sql.h"
#include "meta/sql_metadata_store.h"

namespace berth {
namespace {

using Connection = SqlConnection;

constexpr const char* kJobColumns =
    "id, type, parameters, trigger_kind, status, owner, result, attempts, created_at, "
    "updated_at, started_at, ended_at, subject";

const std::string kUnpaused =
    "NOT EXISTS (SELECT 1 FROM paused_job_queues p WHERE p.job_type = jobs.type OR p.job_type = "
    "'" +
    std::string(kAllJobTypes) + "')";

JobRecord ReadJob(SqlStatement& q) {
  return JobRecord{q.Int(0), q.Text(1), q.Text(2), q.Text(3),  q.Text(4),  q.Text(5), q.Text(6),
                   q.Int(7), q.Int(8),  q.Int(9),  q.Int(10), q.Int(11), q.Text(12)};
}

}  // namespace

Result<int64_t> SqlMetadataStore::CreateJob(const JobRecord& job) {
  int64_t id = 0;
  Status s = db_->Commit([&](Connection& c) -> Status {
    auto made = InsertId(c,
                         "INSERT INTO jobs (type, parameters, trigger_kind, status, created_at, "
                         "updated_at, subject) VALUES (?, ?, ?, 'Pending', ?, ?, ?) RETURNING id",
                         job.type, job.parameters, job.trigger, job.created_at, job.created_at,
                         job.subject);
    if (!made) return tl::unexpected(made.error());
    id = *made;
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return id;
}

Result<JobRecord> SqlMetadataStore::GetJob(int64_t id) {
  auto job = db_->Read([&](Connection& c) {
    static const std::string sql = std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?";
    return One<JobRecord>(c, sql.c_str(), ReadJob, id);
  });
  if (!job && job.error().code == ErrorCode::kNotFound)
    return Fail(ErrorCode::kNotFound, "job " + std::to_string(id) + " not found");
  return job;
}

Result<std::string> SqlMetadataStore::JobLog(int64_t id) {
  auto log = db_->Read([&](Connection& c) {
    return One<std::string>(c, "SELECT log FROM jobs WHERE id = ?",
                            [](SqlStatement& q) { return q.Text(0); }, id);
  });
  if (!log && log.error().code == ErrorCode::kNotFound)
    return Fail(ErrorCode::kNotFound, "job " + std::to_string(id) + " not found");
  return log;
}

Result<ListPage<JobRecord>> SqlMetadataStore::ListJobs(const std::string& type,
                                                       const std::string& subject, int64_t offset,
                                                       int64_t limit) {
  return db_->Read([&](Connection& c) -> Result<ListPage<JobRecord>> {
    ListPage<JobRecord> page;
    static const std::string sql =
        std::string("SELECT ") + kJobColumns +
        " FROM jobs WHERE type = ?1 AND (?2 = '' OR subject = ?2) ORDER BY id DESC "
        "LIMIT ?3 OFFSET ?4";
    auto items = All<JobRecord>(c, sql.c_str(), ReadJob, type, subject, limit, offset);
    if (!items) return tl::unexpected(items.error());
    page.items = std::move(*items);
    auto total = One<int64_t>(
        c, "SELECT count(*) FROM jobs WHERE type = ?1 AND (?2 = '' OR subject = ?2)",
        [](SqlStatement& q) { return q.Int(0); }, type, subject);
    if (!total) return tl::unexpected(total.error());
    page.total = *total;
    return page;
  });
}

// SKIP LOCKED: workers of every node claim at once, each a different job, none waiting.
Result<std::optional<JobRecord>> SqlMetadataStore::ClaimJob(const std::string& owner,
                                                            int64_t now) {
  std::optional<JobRecord> claimed;
  Status s = db_->CommitLocked([&](Connection& c) -> Status {
    claimed.reset();
    const bool postgres = c.dialect() == SqlDialect::kPostgres;
    static const std::string sqlite_sql =
        std::string(
            "UPDATE jobs SET status = 'Running', owner = ?1, heartbeat = ?2, "
            "updated_at = ?2, started_at = ?2, attempts = attempts + 1 WHERE id = "
            "(SELECT id FROM jobs WHERE status = 'Pending' AND " +
            kUnpaused +
            " ORDER BY id LIMIT 1) "
            "RETURNING ") +
        kJobColumns;
    static const std::string postgres_sql =
        std::string(
            "UPDATE jobs SET status = 'Running', owner = ?1, heartbeat = ?2, "
            "updated_at = ?2, started_at = ?2, attempts = attempts + 1 WHERE id = "
            "(SELECT id FROM jobs WHERE status = 'Pending' AND " +
            kUnpaused + " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING ") +
        kJobColumns;
    auto q = c.Query(postgres ? postgres_sql.c_str() : sqlite_sql.c_str(), owner, now);
    if (!q) return tl::unexpected(q.error());
    auto row = (*q)->Step();
    if (!row) return tl::unexpected(row.error());
    if (*row) claimed = ReadJob(**q);
    // The statement ends here, so that its transaction can commit.
    while (*row) {
      row = (*q)->Step();
      if (!row) return tl::unexpected(row.error());
    }
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return claimed;
}

Result<bool> SqlMetadataStore::BeatJob(int64_t id, const std::string& owner,
                                       const std::string& log, int64_t now) {
  bool stop = false;
  Status s = db_->CommitLocked([&](Connection& c) -> Status {
    if (auto s = c.Exec("UPDATE jobs SET log = log || ?, heartbeat = ?, updated_at = ? "
                        "WHERE id = ? AND owner = ? AND status = 'Running'",
                        log, now, now, id, owner);
        !s)
      return s;
    if (c.Changes() == 0) return Fail(ErrorCode::kNotFound, "the job is no longer this node's");
    auto requested = One<bool>(c, "SELECT stop_requested FROM jobs WHERE id = ?",
                               [](SqlStatement& q) { return q.Int(0) != 0; }, id);
    if (!requested) return tl::unexpected(requested.error());
    stop = *requested;
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return stop;
}

Status SqlMetadataStore::FinishJob(int64_t id, const std::string& owner, const std::string& status,
                                   const std::string& result, const std::string& log,
                                   int64_t now) {
  return db_->CommitLocked([&](Connection& c) -> Status {
    if (auto s = c.Exec("UPDATE jobs SET status = ?, result = ?, log = log || ?, updated_at = ?, "
                        "ended_at = ? WHERE id = ? AND owner = ? AND status = 'Running'",
                        status, result, log, now, now, id, owner);
        !s)
      return s;
    if (c.Changes() == 0) return Fail(ErrorCode::kNotFound, "the job is no longer this node's");
    return {};
  });
}

Result<bool> SqlMetadataStore::StopJob(int64_t id, int64_t now) {
  bool stopping = false;
  Status s = db_->CommitLocked([&](Connection& c) -> Status {
    stopping = false;
    if (auto s = c.Exec("UPDATE jobs SET status = 'Stopped', updated_at = ?, ended_at = ?, "
                        "log = log || 'stopped before it ran\n' WHERE id = ? AND status = 'Pending'",
                        now, now, id);
        !s)
      return s;
    if (c.Changes() > 0) {
      stopping = true;
      return {};
    }
    if (auto s = c.Exec("UPDATE jobs SET stop_requested = 1, updated_at = ? "
                        "WHERE id = ? AND status = 'Running'",
                        now, id);
        !s)
      return s;
    if (c.Changes() > 0) {
      stopping = true;
      return {};
    }
    auto known = Exists(c, "SELECT 1 FROM jobs WHERE id = ?", id);
    if (!known) return tl::unexpected(known.error());
    if (!*known) return Fail(ErrorCode::kNotFound, "job " + std::to_string(id) + " not found");
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return stopping;
}

Result<size_t> SqlMetadataStore::RequeueAbandonedJobs(int64_t before, int64_t now) {
  size_t requeued = 0;
  Status s = db_->CommitLocked([&](Connection& c) -> Status {
    // A stop asked of a job whose node died is granted here: it does not run again.
    if (auto s = c.Exec("UPDATE jobs SET status = 'Stopped', updated_at = ?1, ended_at = ?1, "
                        "log = log || 'the node running it stopped; it was asked to stop\n' "
                        "WHERE status = 'Running' AND heartbeat < ?2 AND stop_requested <> 0",
                        now, before);
        !s)
      return s;
    if (auto s = c.Exec("UPDATE jobs SET status = 'Pending', owner = '', updated_at = ?1, "
                        "log = log || 'the node running it stopped; it runs again\n' "
                        "WHERE status = 'Running' AND heartbeat < ?2",
                        now, before);
        !s)
      return s;
    requeued = static_cast<size_t>(c.Changes());
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return requeued;
}

Result<std::vector<JobQueueRecord>> SqlMetadataStore::ListJobQueues(
    const std::vector<std::string>& types) {
  return db_->Read([&](Connection& c) -> Result<std::vector<JobQueueRecord>> {
    std::vector<JobQueueRecord> queues;
    for (const std::string& type : types) {
      auto queue = One<JobQueueRecord>(
          c,
          "SELECT count(*), coalesce(min(created_at), 0), EXISTS (SELECT 1 FROM "
          "paused_job_queues WHERE job_type = ?1 OR job_type = ?2) FROM jobs "
          "WHERE type = ?1 AND status = 'Pending'",
          [&](SqlStatement& q) {
            return JobQueueRecord{type, q.Int(0), q.Int(1), q.Int(2) != 0};
          },
          type, std::string(kAllJobTypes));
      if (!queue) return tl::unexpected(queue.error());
      queues.push_back(std::move(*queue));
    }
    return queues;
  });
}

Status SqlMetadataStore::PauseJobQueue(const std::string& type, bool paused) {
  return db_->CommitLocked([&](Connection& c) {
    return paused ? c.Exec(
                        "INSERT INTO paused_job_queues (job_type) VALUES (?) "
                        "ON CONFLICT (job_type) DO NOTHING",
                        type)
                  : c.Exec("DELETE FROM paused_job_queues WHERE job_type = ?", type);
  });
}

Result<bool> SqlMetadataStore::JobQueuePaused(const std::string& type) {
  return db_->Read([&](Connection& c) {
    return One<bool>(
        c, "SELECT EXISTS (SELECT 1 FROM paused_job_queues WHERE job_type = ?1 OR job_type = ?2)",
        [](SqlStatement& q) { return q.Int(0) != 0; }, type, std::string(kAllJobTypes));
  });
}

Result<size_t> SqlMetadataStore::StopPendingJobs(const std::string& type, int64_t now) {
  size_t stopped = 0;
  Status s = db_->CommitLocked([&](Connection& c) -> Status {
    if (auto s = c.Exec("UPDATE jobs SET status = 'Stopped', updated_at = ?1, ended_at = ?1, "
                        "log = log || 'stopped before it ran: its queue was stopped\n' "
                        "WHERE status = 'Pending' AND (type = ?2 OR ?2 = ?3)",
                        now, type, std::string(kAllJobTypes));
        !s)
      return s;
    stopped = static_cast<size_t>(c.Changes());
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return stopped;
}

Result<std::vector<JobRecord>> SqlMetadataStore::RunningJobs(const std::string& owner) {
  return db_->Read([&](Connection& c) {
    static const std::string sql = std::string("SELECT ") + kJobColumns +
                                   " FROM jobs WHERE status = 'Running' AND owner = ? ORDER BY id";
    return All<JobRecord>(c, sql.c_str(), ReadJob, owner);
  });
}

Status SqlMetadataStore::BeatWorkerPool(const WorkerPoolRecord& p) {
  return db_->CommitLocked([&](Connection& c) {
    return c.Exec(
        "INSERT INTO worker_pools (node, pid, host, concurrency, started_at, heartbeat_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (node) DO UPDATE SET pid = excluded.pid, "
        "host = excluded.host, concurrency = excluded.concurrency, "
        "started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at",
        p.node, p.pid, p.host, p.concurrency, p.started_at, p.heartbeat_at);
  });
}

Status SqlMetadataStore::RemoveWorkerPool(const std::string& node) {
  return db_->CommitLocked(
      [&](Connection& c) { return c.Exec("DELETE FROM worker_pools WHERE node = ?", node); });
}

Result<std::vector<WorkerPoolRecord>> SqlMetadataStore::ListWorkerPools(int64_t alive_since) {
  return db_->Read([&](Connection& c) {
    return All<WorkerPoolRecord>(
        c,
        "SELECT node, pid, host, concurrency, started_at, heartbeat_at FROM worker_pools "
        "WHERE heartbeat_at >= ? ORDER BY node",
        [](SqlStatement& q) {
          return WorkerPoolRecord{q.Text(0), q.Int(1), q.Text(2), q.Int(3), q.Int(4), q.Int(5)};
        },
        alive_since);
  });
}

}  // namespace berth
