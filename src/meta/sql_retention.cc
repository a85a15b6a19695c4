// Tag retention policies and the tasks of their runs (schema: migration 13).
#include "meta/sql_metadata_store.h"
#include "meta/sql_store.h"

namespace berth {
namespace {

using Connection = SqlConnection;

RetentionPolicyRecord ReadPolicy(SqlStatement& q) {
  return RetentionPolicyRecord{q.Int(0), q.Int(1), q.Text(2), q.Int(3), q.Int(4)};
}

RetentionTaskRecord ReadTask(SqlStatement& q) {
  return RetentionTaskRecord{q.Int(0), q.Int(1), q.Text(2), q.Text(3),
                             q.Int(4), q.Int(5), q.Int(6),  q.Int(7)};
}

constexpr const char* kPolicyColumns =
    "SELECT id, project_id, policy, created_at, updated_at FROM retention_policies ";

}  // namespace

Status DeleteRetentionJobs(Connection& c, const char* where, int64_t value) {
  const std::string policies =
      std::string("(SELECT id FROM retention_policies WHERE ") + where + ")";
  const std::string schedules =
      "DELETE FROM schedules WHERE vendor_type = ? AND vendor_id IN " + policies;
  if (auto s = c.Exec(schedules.c_str(), std::string(kRetentionJobType), value); !s) return s;
  // The tasks go with their jobs by foreign key.
  const std::string runs =
      "DELETE FROM jobs WHERE type = ? AND subject IN (SELECT 'retention:' || id "
      "FROM retention_policies WHERE " +
      std::string(where) + ")";
  return c.Exec(runs.c_str(), std::string(kRetentionJobType), value);
}

Result<int64_t> SqlMetadataStore::CreateRetentionPolicy(const RetentionPolicyRecord& p) {
  return db_->CommitInsert([&](Connection& c) {
    return InsertId(c,
                    "INSERT INTO retention_policies (project_id, policy, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?) RETURNING id",
                    p.project_id, p.policy, p.created_at, p.updated_at);
  });
}

Result<RetentionPolicyRecord> SqlMetadataStore::GetRetentionPolicy(int64_t id) {
  static const std::string sql = std::string(kPolicyColumns) + "WHERE id = ?";
  return db_->Read(
      [&](Connection& c) { return One<RetentionPolicyRecord>(c, sql.c_str(), ReadPolicy, id); });
}

Result<RetentionPolicyRecord> SqlMetadataStore::ProjectRetentionPolicy(int64_t project_id) {
  static const std::string sql = std::string(kPolicyColumns) + "WHERE project_id = ?";
  return db_->Read([&](Connection& c) {
    return One<RetentionPolicyRecord>(c, sql.c_str(), ReadPolicy, project_id);
  });
}

Status SqlMetadataStore::UpdateRetentionPolicy(const RetentionPolicyRecord& p) {
  return db_->Commit([&](Connection& c) {
    return Change(c, "UPDATE retention_policies SET policy = ?, updated_at = ? WHERE id = ?",
                  p.policy, p.updated_at, p.id);
  });
}

Status SqlMetadataStore::DeleteRetentionPolicy(int64_t id) {
  return db_->Commit([&](Connection& c) -> Status {
    if (auto s = DeleteRetentionJobs(c, "id = ?", id); !s) return s;
    return Change(c, "DELETE FROM retention_policies WHERE id = ?", id);
  });
}

Result<int64_t> SqlMetadataStore::CreateRetentionTask(const RetentionTaskRecord& t) {
  return db_->CommitInsert([&](Connection& c) {
    return InsertId(c,
                    "INSERT INTO retention_tasks (execution_id, repository, status, started_at) "
                    "VALUES (?, ?, ?, ?) RETURNING id",
                    t.execution_id, t.repository, t.status, t.started_at);
  });
}

Status SqlMetadataStore::FinishRetentionTask(const RetentionTaskRecord& t, const std::string& log) {
  return db_->Commit([&](Connection& c) {
    return Change(c,
                  "UPDATE retention_tasks SET status = ?, total = ?, retained = ?, ended_at = ?, "
                  "log = log || ? WHERE id = ?",
                  t.status, t.total, t.retained, t.ended_at, log, t.id);
  });
}

Result<ListPage<RetentionTaskRecord>> SqlMetadataStore::ListRetentionTasks(int64_t execution_id,
                                                                           int64_t offset,
                                                                           int64_t limit) {
  return db_->Read([&](Connection& c) -> Result<ListPage<RetentionTaskRecord>> {
    auto items = All<RetentionTaskRecord>(
        c,
        "SELECT id, execution_id, repository, status, total, retained, started_at, ended_at "
        "FROM retention_tasks WHERE execution_id = ? ORDER BY id LIMIT ? OFFSET ?",
        ReadTask, execution_id, limit, offset);
    if (!items) return tl::unexpected(items.error());
    auto total = One<int64_t>(
        c, "SELECT count(*) FROM retention_tasks WHERE execution_id = ?",
        [](SqlStatement& q) { return q.Int(0); }, execution_id);
    if (!total) return tl::unexpected(total.error());
    return ListPage<RetentionTaskRecord>{std::move(*items), *total};
  });
}

Result<std::string> SqlMetadataStore::RetentionTaskLog(int64_t execution_id, int64_t task_id) {
  return db_->Read([&](Connection& c) {
    return One<std::string>(
        c, "SELECT log FROM retention_tasks WHERE id = ? AND execution_id = ?",
        [](SqlStatement& q) { return q.Text(0); }, task_id, execution_id);
  });
}

Status SqlMetadataStore::DeleteRetentionTasks(int64_t execution_id) {
  return db_->Commit([&](Connection& c) {
    return c.Exec("DELETE FROM retention_tasks WHERE execution_id = ?", execution_id);
  });
}

}  // namespace berth
