#include "tests/support/postgres_server.h"

#include <unistd.h>

#include <stdexcept>

#include "tests/support/process.h"

namespace berth::testing {
namespace {

constexpr const char* kBin = "/usr/lib/postgresql/15/bin/";

std::string AsPostgres(const std::string& command) { return "runuser -u postgres -- " + command; }

void Must(const std::string& command, const char* what) {
  std::string out;
  if (RunCommand(command, &out) != 0) throw std::runtime_error(std::string(what) + ": " + out);
}

}  // namespace

PostgresServer::PostgresServer() {
  char tmpl[] = "/tmp/berth-pg-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  Must("chown postgres " + ShellQuote(dir_.string()), "chown");
  Must(AsPostgres(std::string(kBin) + "initdb -N -A trust --auth-host=scram-sha-256 -U postgres " +
                  "-E UTF8 --locale=C.UTF-8 -D " + ShellQuote((dir_ / "data").string())),
       "initdb");
  port_ = FreePort();
  Start();
  Psql(std::string("CREATE ROLE ") + kUser + " LOGIN CREATEDB PASSWORD '" + kPassword + "'");
}

PostgresServer::~PostgresServer() {
  if (running_) {
    RunCommand(AsPostgres(std::string(kBin) + "pg_ctl stop -m immediate -w -D " +
                          ShellQuote((dir_ / "data").string())));
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void PostgresServer::Start() {
  // Durability against a power loss is not what these tests are about: no fsync.
  const std::string options = "-p " + std::to_string(port_) + " -k " + dir_.string() +
                              " -c listen_addresses=127.0.0.1 -c fsync=off"
                              " -c synchronous_commit=off -c full_page_writes=off"
                              " -c max_connections=400";
  Must(AsPostgres(std::string(kBin) + "pg_ctl start -w -t 60 -D " +
                  ShellQuote((dir_ / "data").string()) + " -l " +
                  ShellQuote((dir_ / "server.log").string()) + " -o " + ShellQuote(options)),
       "pg_ctl start");
  running_ = true;
}

void PostgresServer::Stop() {
  Must(AsPostgres(std::string(kBin) + "pg_ctl stop -m fast -w -D " +
                  ShellQuote((dir_ / "data").string())),
       "pg_ctl stop");
  running_ = false;
}

std::string PostgresServer::Url(const std::string& database) const {
  return std::string("postgresql://") + kUser + ":" + kPassword +
         "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PostgresServer::NewDatabase() {
  const std::string name = "t" + std::to_string(++databases_);
  Psql("CREATE DATABASE " + name + " OWNER " + kUser);
  return Url(name);
}

int PostgresServer::Connections(const std::string& database) const {
  return std::stoi(Psql("SELECT count(*) FROM pg_stat_activity WHERE usename = '" +
                        std::string(kUser) + "' AND datname = '" + database + "'"));
}

std::string PostgresServer::Psql(const std::string& sql, const std::string& database) const {
  std::string out;
  const std::string command = AsPostgres(
      std::string(kBin) + "psql -X -q -t -A -v ON_ERROR_STOP=1 -h " + ShellQuote(dir_.string()) +
      " -p " + std::to_string(port_) + " -d " + database + " -c " + ShellQuote(sql));
  if (RunCommand(command, &out) != 0) throw std::runtime_error("psql " + sql + ": " + out);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace berth::testing
