// A real PostgreSQL 15 for the tests: initdb in a temporary folder as the `postgres` user, a
// free loopback port, and a role `berth` that logs in with a password over TCP. Stopped and
// removed when destroyed. Not thread-safe.
#pragma once

#include <filesystem>
#include <string>

namespace berth::testing {

class PostgresServer {
 public:
  static constexpr const char* kUser = "berth";
  static constexpr const char* kPassword = "berth-test-pw";

  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;

  int port() const { return port_; }
  // postgresql://berth:...@127.0.0.1:<port>/<database>
  std::string Url(const std::string& database) const;
  // A new, empty database owned by `berth`; returns its URL.
  std::string NewDatabase();

  // A fast shutdown (connections are cut), and a start on the same port and data.
  void Stop();
  void Start();

  // Connections open now, by `berth`, to `database`.
  int Connections(const std::string& database) const;

 private:
  // psql as the superuser, over the folder's socket; returns its output.
  std::string Psql(const std::string& sql, const std::string& database = "postgres") const;

  std::filesystem::path dir_;
  int port_ = 0;
  int databases_ = 0;
  bool running_ = false;
};

}  // namespace berth::testing
