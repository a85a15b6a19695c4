#include "meta/sqlite_sql.h"


namespace berth {
namespace {

tl::unexpected<Error> DbError(sqlite3* db, const char* what) {
  const int code = sqlite3_extended_errcode(db);
  if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
    return Fail(ErrorCode::kConflict, sqlite3_errmsg(db));
  if ((code & 0xff) == SQLITE_FULL) return Fail(ErrorCode::kStorageFull, sqlite3_errmsg(db));
  return Fail(ErrorCode::kInternal, std::string("sqlite ") + what + ": " + sqlite3_errmsg(db));
}

// A prepared statement, borrowed from the connection's cache (reset when done with) or owned
// (finalized).
class SqliteStatement : public SqlStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, bool owned)
      : db_(db), stmt_(stmt), owned_(owned) {}
  ~SqliteStatement() override {
    if (owned_) {
      sqlite3_finalize(stmt_);
      return;
    }
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  SqliteStatement(const SqliteStatement&) = delete;

  using SqlStatement::Bind;
  void Bind(int i, std::string_view v) override {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, int64_t v) override { sqlite3_bind_int64(stmt_, i, v); }
  void Bind(int i, std::nullptr_t) override { sqlite3_bind_null(stmt_, i); }
  void Bind(int i, const Blob& v) override {
    // A null pointer would bind NULL, not empty bytes.
    sqlite3_bind_blob(stmt_, i, v.bytes.data() ? v.bytes.data() : "",
                      static_cast<int>(v.bytes.size()), SQLITE_TRANSIENT);
  }

  Result<bool> Step() override {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return DbError(db_, "step");
  }
  int64_t Int(int col) override { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) override {
    auto p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool owned_;
};

// PostgreSQL's greatest(...) and strpos(text, part), so that a store writes them once: NULLs are
// skipped, as there.
void Greatest(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  bool any = false;
  int64_t best = 0;
  for (int i = 0; i < argc; ++i) {
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) continue;
    const int64_t v = sqlite3_value_int64(argv[i]);
    if (!any || v > best) best = v;
    any = true;
  }
  if (any) {
    sqlite3_result_int64(ctx, best);
  } else {
    sqlite3_result_null(ctx);
  }
}

void Strpos(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  auto text = [](sqlite3_value* v) {
    auto p = reinterpret_cast<const char*>(sqlite3_value_text(v));
    return std::string_view(p ? p : "", static_cast<size_t>(sqlite3_value_bytes(v)));
  };
  const size_t at = text(argv[0]).find(text(argv[1]));
  sqlite3_result_int64(ctx, at == std::string_view::npos ? 0 : static_cast<int64_t>(at) + 1);
}

}  // namespace

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<std::unique_ptr<SqlStatement>> SqliteConnection::Cached(const char* sql) {
  sqlite3_stmt*& stmt = cache_[sql];
  if (!stmt &&
      sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    cache_.erase(sql);
    return DbError(db_, "prepare");
  }
  return std::make_unique<SqliteStatement>(db_, stmt, false);
}

Result<std::unique_ptr<SqlStatement>> SqliteConnection::Prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
    return DbError(db_, "prepare");
  return std::make_unique<SqliteStatement>(db_, stmt, true);
}

Status SqliteConnection::ExecScript(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return DbError(db_, "exec");
  return {};
}

Result<std::unique_ptr<SqliteConnection>> OpenSqliteConnection(
    const std::filesystem::path& path, const SqliteDatabaseOptions& options) {
  // SQLite's allocation statistics take one process-wide mutex per allocation, which request
  // threads would share with idle-priority ones; Berth reads no such statistics.
  [[maybe_unused]] static const int no_statistics = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  auto conn = std::make_unique<SqliteConnection>(db);
  if (rc != SQLITE_OK) return DbError(db, "open");
  sqlite3_busy_timeout(db, 30000);
  constexpr int kPure = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  sqlite3_create_function(db, "greatest", -1, kPure, nullptr, Greatest, nullptr, nullptr);
  sqlite3_create_function(db, "strpos", 2, kPure, nullptr, Strpos, nullptr, nullptr);
  if (auto s = conn->ExecScript(options.fsync_each_commit
                                    ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                      "PRAGMA foreign_keys=ON;"
                                    : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                      "PRAGMA foreign_keys=ON;");
      !s) {
    return tl::unexpected(s.error());
  }
  return conn;
}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(std::filesystem::path path,
                                                             SqliteDatabaseOptions options) {
  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(std::move(path), options));
  auto conn = OpenSqliteConnection(db->path_, options);
  if (!conn) return tl::unexpected(conn.error());
  db->writer_ = std::move(*conn);
  return db;
}

Status SqliteDatabase::Migrate(std::string_view, std::span<const Migration> migrations) {
  // Migrations run on the writer with foreign keys off, as SQLite's way of rebuilding a table
  // asks (a DROP TABLE would otherwise cascade into the rows that refer to it); each is checked
  // for dangling references before it commits.
  if (auto s = writer_->ExecScript("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                   "version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL); "
                                   "PRAGMA foreign_keys=OFF;");
      !s) {
    return s;
  }
  for (size_t i = 0; i < migrations.size(); ++i) {
    const int64_t version = static_cast<int64_t>(i) + 1;
    Status applied = Commit([&](SqlConnection& c) -> Status {
      auto done = Exists(c, "SELECT 1 FROM schema_migrations WHERE version = ?", version);
      if (!done) return tl::unexpected(done.error());
      if (*done) return {};
      if (auto s = c.ExecScript(migrations[i].sqlite); !s) return s;
      auto dangling = c.Prepare("PRAGMA foreign_key_check");
      if (!dangling) return tl::unexpected(dangling.error());
      auto violation = (*dangling)->Step();
      if (!violation) return tl::unexpected(violation.error());
      if (*violation) {
        return Fail(ErrorCode::kInternal, "migration " + std::to_string(version) +
                                              " leaves rows of " + (*dangling)->Text(0) +
                                              " referring to nothing");
      }
      dangling->reset();
      return c.Exec(
          "INSERT INTO schema_migrations (version, applied_at) "
          "VALUES (?, strftime('%s','now'))",
          version);
    });
    if (!applied) {
      writer_->ExecScript("PRAGMA foreign_keys=ON");
      return applied;
    }
  }
  return writer_->ExecScript("PRAGMA foreign_keys=ON");
}

Result<std::unique_ptr<SqlConnection>> SqliteDatabase::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
  }
  auto conn = OpenSqliteConnection(path_, options_);
  if (!conn) return tl::unexpected(conn.error());
  return std::unique_ptr<SqlConnection>(std::move(*conn));
}

void SqliteDatabase::Release(std::unique_ptr<SqlConnection> conn) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(conn));
}

// Group commit: concurrent writers queue their bodies; whoever finds no commit under way leads,
// running everything queued in one transaction (a savepoint each, so one body's failure
// undoes only its own changes) and paying for one fsync on behalf of the whole batch.
Status SqliteDatabase::Commit(const std::function<Status(SqlConnection&)>& body) {
  PendingWrite mine{&body, {}, false};
  {
    std::lock_guard lock(write_mu_);
    write_queue_.push_back(&mine);
  }
  LeadUntilDone(mine);
  return mine.result;
}

void SqliteDatabase::LeadUntilDone(PendingWrite& mine) {
  std::unique_lock lock(write_mu_);
  while (!mine.done) {
    if (writing_) {
      write_done_.wait(lock);
      continue;
    }
    writing_ = true;
    std::vector<PendingWrite*> batch(write_queue_.begin(), write_queue_.end());
    write_queue_.clear();
    lock.unlock();
    RunBatch(batch);
    lock.lock();
    for (PendingWrite* w : batch) w->done = true;
    writing_ = false;
    write_done_.notify_all();
  }
}

void SqliteDatabase::RunBatch(const std::vector<PendingWrite*>& batch) {
  auto fail_all = [&](const Error& e) {
    for (PendingWrite* w : batch) w->result = tl::unexpected(e);
  };
  if (!writer_) {
    auto conn = OpenSqliteConnection(path_, options_);
    if (!conn) return fail_all(conn.error());
    writer_ = std::move(*conn);
  }
  SqliteConnection& c = *writer_;
  if (auto s = c.ExecScript("BEGIN IMMEDIATE"); !s) return fail_all(s.error());
  for (PendingWrite* w : batch) {
    if (auto s = c.ExecScript("SAVEPOINT write"); !s) {
      w->result = s;
      continue;
    }
    w->result = (*w->body)(c);
    if (!w->result) c.ExecScript("ROLLBACK TO write");
    c.ExecScript("RELEASE write");
  }
  if (auto s = c.ExecScript("COMMIT"); !s) {
    c.ExecScript("ROLLBACK");
    fail_all(s.error());
  }
}

}  // namespace berth
