// The SQL seam on PostgreSQL (libpq): a bounded pool of connections per node; writes in
// serializable transactions, retried when they collide with another node's; migrations under an
// advisory lock, so that nodes starting together take turns. A lost server answers kUnavailable
// (503) until it is back; the pool then reconnects by itself. Thread-safe.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "meta/sql.h"

namespace berth {

struct SqlPoolUse {
  int open = 0;     // connections made
  int in_use = 0;   // lent out now
  int waiting = 0;  // callers waiting for one
  int bound = 0;    // the most it opens
};

class PostgresDatabase : public SqlDatabase {
 public:
  // Connects once to check the URL, the server and the credentials.
  static Result<std::unique_ptr<PostgresDatabase>> Open(const std::string& url,
                                                        int max_connections);
  ~PostgresDatabase() override;

  SqlDialect dialect() const override { return SqlDialect::kPostgres; }
  Status Migrate(std::string_view component, std::span<const Migration> migrations) override;
  Status Commit(const std::function<Status(SqlConnection&)>& body) override;
  Status CommitLocked(const std::function<Status(SqlConnection&)>& body) override;
  SqlPoolUse PoolUse();

  // The URL with its password masked, for messages.
  static std::string Redacted(const std::string& url);

 protected:
  Result<std::unique_ptr<SqlConnection>> Acquire() override;
  void Release(std::unique_ptr<SqlConnection> conn) override;
  bool RetryRead(SqlConnection& conn) override;

 private:
  PostgresDatabase(std::string url, int max_connections)
      : url_(std::move(url)), max_connections_(max_connections) {}
  Result<std::unique_ptr<SqlConnection>> Connect();
  // A write transaction begun by `begin`, retried on a collision.
  Status Transact(const char* begin, const std::function<Status(SqlConnection&)>& body);

  const std::string url_;
  const int max_connections_;
  std::mutex mu_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<SqlConnection>> idle_;  // guarded by mu_
  int open_ = 0;                                      // guarded by mu_
  int waiting_ = 0;                                   // guarded by mu_
};

}  // namespace berth
