#include "meta/databases.h"

#include "meta/postgres_sql.h"
#include "meta/sqlite_sql.h"
#include "storage/paths.h"

namespace berth {
namespace {

constexpr SqliteDatabaseOptions kOptions{.fsync_each_commit = false};

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

// ATTACH cannot run inside a transaction, so not through the database's commits.
Status TakeMovedHistory(const std::filesystem::path& path,
                        const std::filesystem::path& metadata_path) {
  auto conn = OpenSqliteConnection(path, kOptions);
  if (!conn) return tl::unexpected(conn.error());
  SqlConnection& c = **conn;
  auto attach = c.Prepare("ATTACH DATABASE ? AS metadata");
  if (!attach) return tl::unexpected(attach.error());
  (*attach)->Bind(1, metadata_path.string());
  if (auto s = (*attach)->Run(); !s) return s;
  auto moved =
      One<int64_t>(c, "SELECT count(*) FROM metadata.sqlite_master WHERE name = 'moved_audit_logs'",
                   [](SqlStatement& q) { return q.Int(0); });
  if (!moved) return tl::unexpected(moved.error());
  if (*moved == 0) return {};
  if (auto s = c.ExecScript(kTakeMoved); !s) {
    c.ExecScript("ROLLBACK");
    return s;
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<SqlMetadataStore>> OpenSqliteMetadata(const std::filesystem::path& path) {
  auto db = SqliteDatabase::Open(path, {.fsync_each_commit = true});
  if (!db) return tl::unexpected(db.error());
  return SqlMetadataStore::Open(std::move(*db));
}

Result<std::unique_ptr<SqlHistoryStore>> OpenSqliteHistory(
    const std::filesystem::path& path, const std::filesystem::path& metadata_path) {
  auto db = SqliteDatabase::Open(path, kOptions);
  if (!db) return tl::unexpected(db.error());
  auto store = SqlHistoryStore::Open(std::move(*db));
  if (!store) return store;
  if (std::filesystem::exists(metadata_path)) {
    if (auto s = TakeMovedHistory(path, metadata_path); !s) return tl::unexpected(s.error());
  }
  return store;
}

Result<Stores> OpenStores(const Config::Database& config, const std::filesystem::path& data_dir) {
  Stores stores;
  if (config.driver == "postgres") {
    auto db = PostgresDatabase::Open(config.url, config.max_connections);
    if (!db) return tl::unexpected(db.error());
    stores.postgres = db->get();
    std::shared_ptr<SqlDatabase> shared = std::move(*db);
    auto meta = SqlMetadataStore::Open(shared);
    if (!meta) return tl::unexpected(meta.error());
    auto history = SqlHistoryStore::Open(shared);
    if (!history) return tl::unexpected(history.error());
    stores.meta = std::move(*meta);
    stores.history = std::move(*history);
    stores.changes = PostgresChangeFeed(*stores.postgres, config.url);
    return stores;
  }
  auto meta = OpenSqliteMetadata(MetadataPath(data_dir));
  if (!meta) return tl::unexpected(meta.error());
  auto history = OpenSqliteHistory(HistoryPath(data_dir), MetadataPath(data_dir));
  if (!history) return tl::unexpected(history.error());
  stores.meta = std::move(*meta);
  stores.history = std::move(*history);
  stores.changes = std::make_unique<ChangeFeed>();
  return stores;
}

}  // namespace berth
