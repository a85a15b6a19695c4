// SqliteHistoryStore: the audit log and webhook delivery history in history.db.
#include "meta/sqlite_history_store.h"

#include <array>
#include <set>

#include "meta/sqlite_database.h"

namespace berth {
namespace {

using Connection = SqliteConnection;

// Versioned migrations: each runs once, in order, inside a transaction. Append, never edit.
// Executions name their policy by id with no foreign key: policies live in berth.db, and a
// deleted policy's history is swept by KeepWebhookHistoryOf.
constexpr std::array<const char*, 2> kMigrations = {
    R"sql(
CREATE TABLE audit_logs (
  id INTEGER PRIMARY KEY,
  project_id BIGINT NOT NULL,
  username TEXT NOT NULL,
  operation TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource TEXT NOT NULL,
  op_time BIGINT NOT NULL
);
CREATE INDEX audit_logs_by_project ON audit_logs (project_id, id);
CREATE TABLE webhook_executions (
  id INTEGER PRIMARY KEY,
  policy_id BIGINT NOT NULL,
  event_type TEXT NOT NULL,
  status TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  ended_at BIGINT NOT NULL
);
CREATE INDEX webhook_executions_by_policy ON webhook_executions (policy_id, id);
CREATE TABLE webhook_tasks (
  id INTEGER PRIMARY KEY,
  execution_id INTEGER NOT NULL REFERENCES webhook_executions(id) ON DELETE CASCADE,
  address TEXT NOT NULL,
  status TEXT NOT NULL,
  run_count BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  started_at BIGINT NOT NULL,
  ended_at BIGINT NOT NULL,
  next_try_at BIGINT NOT NULL,
  auth_header TEXT NOT NULL,
  skip_cert_verify INTEGER NOT NULL,
  payload_format TEXT NOT NULL,
  event BLOB NOT NULL
);
CREATE INDEX webhook_tasks_by_execution ON webhook_tasks (execution_id);
CREATE INDEX webhook_tasks_due ON webhook_tasks (status, next_try_at);
CREATE TABLE webhook_attempts (
  task_id INTEGER NOT NULL REFERENCES webhook_tasks(id) ON DELETE CASCADE,
  attempt BIGINT NOT NULL,
  at BIGINT NOT NULL,
  http_status BIGINT NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (task_id, attempt)
);
)sql",
    // Ids are never given twice, as in berth.db's migration 7.
    R"sql(
CREATE TABLE audit_logs_v2 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id BIGINT NOT NULL,
  username TEXT NOT NULL,
  operation TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource TEXT NOT NULL,
  op_time BIGINT NOT NULL
);
INSERT INTO audit_logs_v2 SELECT * FROM audit_logs;
DROP TABLE audit_logs;
ALTER TABLE audit_logs_v2 RENAME TO audit_logs;
CREATE INDEX audit_logs_by_project ON audit_logs (project_id, id);
CREATE TABLE webhook_executions_v2 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  policy_id BIGINT NOT NULL,
  event_type TEXT NOT NULL,
  status TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  ended_at BIGINT NOT NULL
);
INSERT INTO webhook_executions_v2 SELECT * FROM webhook_executions;
DROP TABLE webhook_executions;
ALTER TABLE webhook_executions_v2 RENAME TO webhook_executions;
CREATE INDEX webhook_executions_by_policy ON webhook_executions (policy_id, id);
CREATE TABLE webhook_tasks_v2 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  execution_id INTEGER NOT NULL REFERENCES webhook_executions(id) ON DELETE CASCADE,
  address TEXT NOT NULL,
  status TEXT NOT NULL,
  run_count BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  started_at BIGINT NOT NULL,
  ended_at BIGINT NOT NULL,
  next_try_at BIGINT NOT NULL,
  auth_header TEXT NOT NULL,
  skip_cert_verify INTEGER NOT NULL,
  payload_format TEXT NOT NULL,
  event BLOB NOT NULL
);
INSERT INTO webhook_tasks_v2 SELECT * FROM webhook_tasks;
DROP TABLE webhook_tasks;
ALTER TABLE webhook_tasks_v2 RENAME TO webhook_tasks;
CREATE INDEX webhook_tasks_by_execution ON webhook_tasks (execution_id);
CREATE INDEX webhook_tasks_due ON webhook_tasks (status, next_try_at);
-- The audit log's exact q filters walk an index, newest first, instead of the whole log.
CREATE INDEX audit_logs_by_operation ON audit_logs (operation, id);
CREATE INDEX audit_logs_by_username ON audit_logs (username, id);
CREATE INDEX audit_logs_by_resource_type ON audit_logs (resource_type, id);
)sql",
};

constexpr SqliteDatabaseOptions kOptions{.fsync_each_commit = false, .requests_write = false};

// Copies what berth.db's migration 6 set aside, keeping its ids (a copy interrupted by a crash is
// taken again whole), then drops the set-aside tables.
constexpr const char* kTakeMoved = R"sql(
BEGIN IMMEDIATE;
INSERT OR IGNORE INTO main.audit_logs (id, project_id, username, operation, resource_type,
  resource, op_time)
  SELECT id, project_id, username, operation, resource_type, resource, op_time
  FROM metadata.moved_audit_logs;
INSERT OR IGNORE INTO main.webhook_executions (id, policy_id, event_type, status, started_at,
  ended_at)
  SELECT id, policy_id, event_type, status, started_at, ended_at
  FROM metadata.moved_webhook_executions;
INSERT OR IGNORE INTO main.webhook_tasks (id, execution_id, address, status, run_count,
  created_at, updated_at, started_at, ended_at, next_try_at, auth_header, skip_cert_verify,
  payload_format, event)
  SELECT id, execution_id, address, status, run_count, created_at, updated_at, started_at,
  ended_at, next_try_at, auth_header, skip_cert_verify, payload_format, event
  FROM metadata.moved_webhook_tasks;
INSERT OR IGNORE INTO main.webhook_attempts (task_id, attempt, at, http_status, message)
  SELECT task_id, attempt, at, http_status, message FROM metadata.moved_webhook_attempts;
COMMIT;
BEGIN IMMEDIATE;
DROP TABLE metadata.moved_webhook_attempts;
DROP TABLE metadata.moved_webhook_tasks;
DROP TABLE metadata.moved_webhook_executions;
DROP TABLE metadata.moved_audit_logs;
COMMIT;
)sql";

}  // namespace

SqliteHistoryStore::SqliteHistoryStore(std::unique_ptr<SqliteDatabase> db) : db_(std::move(db)) {}
SqliteHistoryStore::~SqliteHistoryStore() = default;

Result<std::unique_ptr<SqliteHistoryStore>> SqliteHistoryStore::Open(
    const std::filesystem::path& path, const std::filesystem::path& metadata_path) {
  auto db = SqliteDatabase::Open(path, kMigrations, kOptions);
  if (!db) return tl::unexpected(db.error());
  if (std::filesystem::exists(metadata_path)) {
    if (auto s = TakeMovedHistory(path, metadata_path); !s) return tl::unexpected(s.error());
  }
  return std::unique_ptr<SqliteHistoryStore>(new SqliteHistoryStore(std::move(*db)));
}

Status SqliteHistoryStore::TakeMovedHistory(const std::filesystem::path& path,
                                            const std::filesystem::path& metadata_path) {
  // ATTACH cannot run inside a transaction, so not through the database's commits.
  auto conn = OpenSqliteConnection(path, kOptions);
  if (!conn) return tl::unexpected(conn.error());
  SqliteConnection& c = **conn;
  auto attach = c.Prepare("ATTACH DATABASE ? AS metadata");
  if (!attach) return tl::unexpected(attach.error());
  (*attach)->Bind(1, metadata_path.string());
  if (auto s = (*attach)->Run(); !s) return s;
  auto moved = One<int64_t>(
      c, "SELECT count(*) FROM metadata.sqlite_master WHERE name = 'moved_audit_logs'",
      [](Stmt& q) { return q.Int(0); });
  if (!moved) return tl::unexpected(moved.error());
  if (*moved == 0) return {};
  if (auto s = c.ExecScript(kTakeMoved); !s) {
    c.ExecScript("ROLLBACK");
    return s;
  }
  return {};
}

Status SqliteHistoryStore::AddAuditLogs(const std::vector<AuditLogRecord>& logs) {
  return db_->Commit([&](Connection& c) -> Status {
    for (const AuditLogRecord& l : logs) {
      if (auto s = c.Exec(
              "INSERT INTO audit_logs (project_id, username, operation, resource_type, resource, "
              "op_time) VALUES (?, ?, ?, ?, ?, ?)",
              l.project_id, l.username, l.operation, l.resource_type, l.resource, l.op_time);
          !s) {
        return s;
      }
    }
    return {};
  });
}

Result<ListPage<AuditLogRecord>> SqliteHistoryStore::QueryAuditLogs(const AuditLogQuery& query) {
  static const std::set<std::string, std::less<>> kColumns = {
      "id", "op_time", "username", "resource", "resource_type", "operation"};
  if (!kColumns.count(query.order_by))
    return Fail(ErrorCode::kBadRequest, "cannot sort audit logs by " + query.order_by);
  // Unbounded, the time says nothing: left out, a count reads an index instead of every row.
  const bool timed = query.from > 0 || query.to < std::numeric_limits<int64_t>::max();
  std::string where = timed ? " WHERE op_time >= ? AND op_time <= ?" : " WHERE 1";
  if (query.projects) {
    where += " AND project_id IN (";
    for (size_t i = 0; i < query.projects->size(); ++i) where += i ? ",?" : "?";
    where += ")";
  }
  for (const AuditLogQuery::Text& t : query.text) {
    if (!kColumns.count(t.column) || t.column == "id" || t.column == "op_time")
      return Fail(ErrorCode::kBadRequest, "cannot filter audit logs by " + t.column);
    where += " AND (";
    for (size_t i = 0; i < t.values.size(); ++i) {
      if (i) where += " OR ";
      // instr, not LIKE: the value is taken literally, '%' and '_' included.
      where += t.contains ? "instr(" + t.column + ", ?) > 0" : t.column + " = ?";
    }
    where += t.values.empty() ? "0)" : ")";
  }
  auto bind = [&](Stmt& q) {
    int i = 0;
    if (timed) {
      q.Bind(++i, query.from);
      q.Bind(++i, query.to);
    }
    if (query.projects) {
      for (int64_t id : *query.projects) q.Bind(++i, id);
    }
    for (const AuditLogQuery::Text& t : query.text) {
      for (const std::string& v : t.values) q.Bind(++i, v);
    }
    return i;
  };
  return db_->Read([&](Connection& c) -> Result<ListPage<AuditLogRecord>> {
    ListPage<AuditLogRecord> page;
    auto count = c.Prepare("SELECT count(*) FROM audit_logs" + where);
    if (!count) return tl::unexpected(count.error());
    bind(**count);
    auto counted = (*count)->Step();
    if (!counted) return tl::unexpected(counted.error());
    page.total = (*count)->Int(0);
    const std::string direction = query.descending ? " DESC" : " ASC";
    auto rows = c.Prepare(
        "SELECT id, project_id, username, operation, resource_type, resource, op_time "
        "FROM audit_logs" + where + " ORDER BY " + query.order_by + direction + ", id" +
        direction + " LIMIT ? OFFSET ?");
    if (!rows) return tl::unexpected(rows.error());
    int i = bind(**rows);
    (*rows)->Bind(++i, query.limit);
    (*rows)->Bind(++i, query.offset);
    auto items = (*rows)->Rows<AuditLogRecord>([](Stmt& q) {
      return AuditLogRecord{q.Int(0), q.Int(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5),
                            q.Int(6)};
    });
    if (!items) return tl::unexpected(items.error());
    page.items = std::move(*items);
    return page;
  });
}

namespace {

WebhookTaskRecord ReadTask(Stmt& q) {
  WebhookTaskRecord t;
  t.id = q.Int(0);
  t.execution_id = q.Int(1);
  t.address = q.Text(2);
  t.status = q.Text(3);
  t.run_count = q.Int(4);
  t.created_at = q.Int(5);
  t.updated_at = q.Int(6);
  t.started_at = q.Int(7);
  t.ended_at = q.Int(8);
  return t;
}

WebhookExecutionRecord ReadExecution(Stmt& q) {
  return WebhookExecutionRecord{q.Int(0), q.Int(1), q.Text(2), q.Text(3), q.Int(4), q.Int(5)};
}

}  // namespace

Status SqliteHistoryStore::CreateWebhookDeliveries(std::vector<WebhookDelivery>& deliveries) {
  return db_->Commit([&](Connection& c) -> Status {
    for (WebhookDelivery& d : deliveries) {
      WebhookExecutionRecord& e = d.execution;
      if (auto s = c.Exec(
              "INSERT INTO webhook_executions (policy_id, event_type, status, started_at, "
              "ended_at) VALUES (?, ?, ?, ?, ?)",
              e.policy_id, e.event_type, e.status, e.started_at, e.ended_at);
          !s) {
        return s;
      }
      e.id = sqlite3_last_insert_rowid(c.db());
      for (WebhookTaskRecord& t : d.tasks) {
        t.execution_id = e.id;
        if (auto s = c.Exec(
                "INSERT INTO webhook_tasks (execution_id, address, status, run_count, "
                "created_at, updated_at, started_at, ended_at, next_try_at, auth_header, "
                "skip_cert_verify, payload_format, event) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                t.execution_id, t.address, t.status, t.run_count, t.created_at, t.updated_at,
                t.started_at, t.ended_at, t.next_try_at, t.auth_header,
                int64_t{t.skip_cert_verify}, t.payload_format, Blob{t.event});
            !s) {
          return s;
        }
        t.id = sqlite3_last_insert_rowid(c.db());
      }
    }
    return {};
  });
}

Status SqliteHistoryStore::RecordWebhookTries(const std::vector<WebhookTry>& tries) {
  return db_->Commit([&](Connection& c) -> Status {
    for (const auto& [t, a] : tries) {
      if (auto s = c.Exec(
              "INSERT INTO webhook_attempts (task_id, attempt, at, http_status, message) "
              "VALUES (?, ?, ?, ?, ?)",
              a.task_id, a.attempt, a.at, a.http_status, a.message);
          !s) {
        return s;
      }
      // A finished task's event is no longer needed: only its history is kept.
      if (auto s = c.Exec(
              "UPDATE webhook_tasks SET status = ?1, run_count = ?2, updated_at = ?3, "
              "started_at = ?4, ended_at = ?5, next_try_at = ?6, "
              "event = CASE WHEN ?1 IN ('Success', 'Error') THEN x'' ELSE event END "
              "WHERE id = ?7",
              t.status, t.run_count, t.updated_at, t.started_at, t.ended_at, t.next_try_at, t.id);
          !s) {
        return s;
      }
      // The execution ends with its last task: in error if any task failed.
      if (auto s = c.Exec(
              "UPDATE webhook_executions SET "
              "status = CASE WHEN EXISTS (SELECT 1 FROM webhook_tasks WHERE execution_id = ?1 "
              "AND status = 'Error') THEN 'Error' ELSE 'Success' END, ended_at = ?2 "
              "WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM webhook_tasks WHERE execution_id = ?1 "
              "AND status IN ('Pending', 'Running'))",
              t.execution_id, t.updated_at);
          !s) {
        return s;
      }
    }
    return {};
  });
}

Result<std::vector<WebhookTaskRecord>> SqliteHistoryStore::ClaimWebhookTasks(int64_t now,
                                                                              size_t limit) {
  std::vector<WebhookTaskRecord> claimed;
  Status s = db_->Commit([&](Connection& c) -> Status {
    claimed.clear();
    auto due = All<WebhookTaskRecord>(
        c,
        "SELECT t.id, t.execution_id, t.address, t.status, t.run_count, t.created_at, "
        "t.updated_at, t.started_at, t.ended_at, t.next_try_at, t.auth_header, "
        "t.skip_cert_verify, t.payload_format, t.event, e.policy_id "
        "FROM webhook_tasks t JOIN webhook_executions e ON e.id = t.execution_id "
        "WHERE t.status = 'Pending' AND t.next_try_at <= ? ORDER BY t.next_try_at, t.id LIMIT ?",
        [](Stmt& q) {
          WebhookTaskRecord t = ReadTask(q);
          t.next_try_at = q.Int(9);
          t.auth_header = q.Text(10);
          t.skip_cert_verify = q.Int(11) != 0;
          t.payload_format = q.Text(12);
          t.event = q.Text(13);
          t.policy_id = q.Int(14);
          return t;
        },
        now, static_cast<int64_t>(limit));
    if (!due) return tl::unexpected(due.error());
    for (WebhookTaskRecord& t : *due) {
      t.status = "Running";
      if (auto r = c.Exec("UPDATE webhook_tasks SET status = 'Running' WHERE id = ?", t.id); !r)
        return r;
    }
    claimed = std::move(*due);
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return claimed;
}

Status SqliteHistoryStore::RequeueWebhookTasks() {
  return db_->Commit([&](Connection& c) {
    return c.Exec("UPDATE webhook_tasks SET status = 'Pending' WHERE status = 'Running'");
  });
}

Status SqliteHistoryStore::KeepWebhookHistoryOf(const std::vector<int64_t>& policies) {
  std::string sql = "DELETE FROM webhook_executions WHERE policy_id NOT IN (";
  for (size_t i = 0; i < policies.size(); ++i) sql += i ? ",?" : "?";
  sql += ")";
  return db_->Commit([&](Connection& c) -> Status {
    auto q = c.Prepare(sql);
    if (!q) return tl::unexpected(q.error());
    int i = 0;
    for (int64_t id : policies) (*q)->Bind(++i, id);
    return (*q)->Run();  // tasks and their tries go with their execution
  });
}

Result<ListPage<WebhookExecutionRecord>> SqliteHistoryStore::ListWebhookExecutions(
    int64_t policy_id, int64_t offset, int64_t limit) {
  return db_->Read([&](Connection& c) -> Result<ListPage<WebhookExecutionRecord>> {
    ListPage<WebhookExecutionRecord> page;
    auto total = One<int64_t>(
        c, "SELECT count(*) FROM webhook_executions WHERE policy_id = ?",
        [](Stmt& q) { return q.Int(0); }, policy_id);
    if (!total) return tl::unexpected(total.error());
    page.total = *total;
    auto items = All<WebhookExecutionRecord>(
        c,
        "SELECT id, policy_id, event_type, status, started_at, ended_at FROM webhook_executions "
        "WHERE policy_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
        ReadExecution, policy_id, limit, offset);
    if (!items) return tl::unexpected(items.error());
    page.items = std::move(*items);
    return page;
  });
}

Result<int64_t> SqliteHistoryStore::LastWebhookTrigger(int64_t policy_id,
                                                        const std::string& event_type) {
  return db_->Read([&](Connection& c) {
    return One<int64_t>(
        c,
        "SELECT coalesce(max(started_at), 0) FROM webhook_executions WHERE policy_id = ? AND "
        "event_type = ?",
        [](Stmt& q) { return q.Int(0); }, policy_id, event_type);
  });
}

Result<WebhookExecutionRecord> SqliteHistoryStore::GetWebhookExecution(int64_t id) {
  return db_->Read([&](Connection& c) {
    return One<WebhookExecutionRecord>(
        c,
        "SELECT id, policy_id, event_type, status, started_at, ended_at FROM webhook_executions "
        "WHERE id = ?",
        ReadExecution, id);
  });
}

Result<std::vector<WebhookTaskRecord>> SqliteHistoryStore::ListWebhookTasks(
    int64_t execution_id) {
  return db_->Read([&](Connection& c) {
    return All<WebhookTaskRecord>(
        c,
        "SELECT id, execution_id, address, status, run_count, created_at, updated_at, "
        "started_at, ended_at FROM webhook_tasks WHERE execution_id = ? ORDER BY id",
        ReadTask, execution_id);
  });
}

Result<std::vector<WebhookAttemptRecord>> SqliteHistoryStore::ListWebhookAttempts(
    int64_t task_id) {
  return db_->Read([&](Connection& c) {
    return All<WebhookAttemptRecord>(
        c,
        "SELECT task_id, attempt, at, http_status, message FROM webhook_attempts "
        "WHERE task_id = ? ORDER BY attempt",
        [](Stmt& q) {
          return WebhookAttemptRecord{q.Int(0), q.Int(1), q.Int(2), q.Int(3), q.Text(4)};
        },
        task_id);
  });
}

}  // namespace berth
