#include "meta/sqlite_database.h"

#include "core/background.h"

namespace berth {

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

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(
    std::filesystem::path path, std::span<const char* const> migrations,
    SqliteDatabaseOptions options) {
  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(std::move(path), options));
  auto conn = OpenSqliteConnection(db->path_, options);
  if (!conn) return tl::unexpected(conn.error());
  // Migrations run on the writer with foreign keys off, as SQLite's way of rebuilding a table
  // asks (a DROP TABLE would otherwise cascade into the rows that refer to it); each is checked
  // for dangling references before it commits.
  if (auto s = (*conn)->ExecScript("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                   "version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL); "
                                   "PRAGMA foreign_keys=OFF;");
      !s) {
    return tl::unexpected(s.error());
  }
  db->writer_ = std::move(*conn);
  for (size_t i = 0; i < migrations.size(); ++i) {
    const int64_t version = static_cast<int64_t>(i) + 1;
    Status applied = db->Commit([&](SqliteConnection& c) -> Status {
      auto q = c.Query("SELECT 1 FROM schema_migrations WHERE version = ?", version);
      if (!q) return tl::unexpected(q.error());
      auto row = (*q)->Step();
      if (!row) return tl::unexpected(row.error());
      if (*row) return {};
      q->reset();
      if (auto s = c.ExecScript(migrations[i]); !s) return s;
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
    if (!applied) return tl::unexpected(applied.error());
  }
  if (auto s = db->writer_->ExecScript("PRAGMA foreign_keys=ON"); !s)
    return tl::unexpected(s.error());
  return db;
}

Result<std::unique_ptr<SqliteConnection>> SqliteDatabase::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
  }
  return OpenSqliteConnection(path_, options_);
}

void SqliteDatabase::Release(std::unique_ptr<SqliteConnection> conn) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(conn));
}

// Group commit: concurrent writers queue their bodies; whoever finds no commit under way leads,
// running everything queued in one transaction (a savepoint each, so one body's failure
// undoes only its own changes) and paying for one fsync on behalf of the whole batch.
Status SqliteDatabase::Commit(const std::function<Status(SqliteConnection&)>& body) {
  PendingWrite mine{&body, {}, false};
  {
    std::lock_guard lock(write_mu_);
    write_queue_.push_back(&mine);
  }
  // Where requests write, they wait for whoever leads, so a thread at idle priority must not:
  // its write waits in the queue for a leader at normal priority, which takes whatever else is
  // queued with it.
  if (options_.requests_write) {
    RunInForeground([&] { LeadUntilDone(mine); });
  } else {
    LeadUntilDone(mine);
  }
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

Result<int64_t> SqliteDatabase::CommitInsert(
    const std::function<Status(SqliteConnection&)>& insert) {
  int64_t id = 0;
  Status s = Commit([&](SqliteConnection& c) -> Status {
    if (auto r = insert(c); !r) return r;
    id = sqlite3_last_insert_rowid(c.db());
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return id;
}

}  // namespace berth
