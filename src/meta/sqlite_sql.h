// The SQL seam on SQLite, the embedded default: one database file in WAL mode. Readers use a pool
// of connections and run in parallel; writers share one connection and commit in groups, so
// concurrent writers pay for one fsync together. SqliteDatabase is thread-safe.
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "meta/sql.h"

namespace berth {

struct SqliteDatabaseOptions {
  // True: a commit is on disk when it returns, and survives a power loss. False: it survives a
  // crash of the process, and commits pay for no fsync (SQLite's synchronous=NORMAL in WAL).
  bool fsync_each_commit = true;
};

class SqliteConnection : public SqlConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override;

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }
  Result<std::unique_ptr<SqlStatement>> Cached(const char* sql) override;
  Result<std::unique_ptr<SqlStatement>> Prepare(const std::string& sql) override;
  Status ExecScript(const char* sql) override;
  int64_t Changes() override { return sqlite3_changes64(db_); }

 private:
  sqlite3* db_;
  std::map<const char*, sqlite3_stmt*> cache_;
};

// A connection of its own, outside any pool: for what cannot run in a transaction (ATTACH).
Result<std::unique_ptr<SqliteConnection>> OpenSqliteConnection(
    const std::filesystem::path& path, const SqliteDatabaseOptions& options);

class SqliteDatabase : public SqlDatabase {
 public:
  // Opens the file, creating it if needed.
  static Result<std::unique_ptr<SqliteDatabase>> Open(std::filesystem::path path,
                                                      SqliteDatabaseOptions options);

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }
  // One file holds one component, so `component` names nothing here.
  Status Migrate(std::string_view component, std::span<const Migration> migrations) override;
  // Runs `body` in a write transaction shared with the writers queued at the same moment. SQLite
  // has one writer at a time, so a body never collides and runs once.
  Status Commit(const std::function<Status(SqlConnection&)>& body) override;

 protected:
  Result<std::unique_ptr<SqlConnection>> Acquire() override;
  void Release(std::unique_ptr<SqlConnection> conn) override;

 private:
  SqliteDatabase(std::filesystem::path path, SqliteDatabaseOptions options)
      : path_(std::move(path)), options_(options) {}

  struct PendingWrite {
    const std::function<Status(SqlConnection&)>* body;
    Status result;
    bool done = false;  // guarded by write_mu_
  };
  void LeadUntilDone(PendingWrite& mine);
  void RunBatch(const std::vector<PendingWrite*>& batch);

  const std::filesystem::path path_;
  const SqliteDatabaseOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<SqlConnection>> idle_;  // guarded by mu_

  std::mutex write_mu_;
  std::condition_variable write_done_;
  std::deque<PendingWrite*> write_queue_;     // guarded by write_mu_
  bool writing_ = false;                      // guarded by write_mu_
  std::unique_ptr<SqliteConnection> writer_;  // used only by the thread leading a commit
};

}  // namespace berth
