// Internal to src/meta's SQLite stores: one database file in WAL mode with its migrations.
// Readers use a pool of connections and run in parallel; writers share one connection and commit
// in groups, so concurrent writers pay for one fsync together. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "meta/sqlite_connection.h"

namespace berth {

struct SqliteDatabaseOptions {
  // True: a commit is on disk when it returns, and survives a power loss. False: it survives a
  // crash of the process, and commits pay for no fsync (SQLite's synchronous=NORMAL in WAL).
  bool fsync_each_commit = true;
  // Writers wait for whoever leads a commit. Where requests write, a thread at idle priority
  // must not lead (see core/background.h); where only background threads write, it may.
  bool requests_write = true;
};

// A connection of its own, outside any pool: for what cannot run in a transaction (ATTACH).
Result<std::unique_ptr<SqliteConnection>> OpenSqliteConnection(
    const std::filesystem::path& path, const SqliteDatabaseOptions& options);

class SqliteDatabase {
 public:
  // Opens (creating if needed) the file and applies, in order and each in its own transaction,
  // the migrations it has not applied yet. Migrations are appended, never edited.
  static Result<std::unique_ptr<SqliteDatabase>> Open(std::filesystem::path path,
                                                      std::span<const char* const> migrations,
                                                      SqliteDatabaseOptions options);

  // Runs `f` with a pooled connection, outside any write transaction.
  template <class F>
  auto Read(F&& f) -> decltype(f(std::declval<SqliteConnection&>()));
  // Runs `body` in a write transaction shared with the writers queued at the same moment.
  Status Commit(const std::function<Status(SqliteConnection&)>& body);
  // Commit for a body that inserts one row: returns that row's id.
  Result<int64_t> CommitInsert(const std::function<Status(SqliteConnection&)>& insert);

 private:
  SqliteDatabase(std::filesystem::path path, SqliteDatabaseOptions options)
      : path_(std::move(path)), options_(options) {}
  Result<std::unique_ptr<SqliteConnection>> Acquire();
  void Release(std::unique_ptr<SqliteConnection> conn);

  struct PendingWrite {
    const std::function<Status(SqliteConnection&)>* body;
    Status result;
    bool done = false;  // guarded by write_mu_
  };
  void LeadUntilDone(PendingWrite& mine);
  void RunBatch(const std::vector<PendingWrite*>& batch);

  const std::filesystem::path path_;
  const SqliteDatabaseOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;  // guarded by mu_

  std::mutex write_mu_;
  std::condition_variable write_done_;
  std::deque<PendingWrite*> write_queue_;    // guarded by write_mu_
  bool writing_ = false;                     // guarded by write_mu_
  std::unique_ptr<SqliteConnection> writer_;  // used only by the thread leading a commit
};

template <class F>
auto SqliteDatabase::Read(F&& f) -> decltype(f(std::declval<SqliteConnection&>())) {
  auto conn = Acquire();
  if (!conn) return tl::unexpected(conn.error());
  auto result = f(**conn);
  Release(std::move(*conn));
  return result;
}

}  // namespace berth
