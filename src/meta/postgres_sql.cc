#include "meta/postgres_sql.h"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <thread>

namespace berth {
namespace {

constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
// Any number will do, as long as every node takes the same one.
constexpr int64_t kMigrationLock = 0x6265727468;  // "berth"
// How long a caller waits for a pooled connection before answering 503.
constexpr auto kPoolWait = std::chrono::seconds(30);
// A collision is tried again after a jittered wait that doubles up to 128 ms: 20 tries cover
// about two seconds of a burst.
constexpr int kCommitAttempts = 20;

// The statement's `?` placeholders as PostgreSQL's $1, $2, ...; quoted text and identifiers are
// left alone.
std::string Numbered(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      if (c == quote) quote = 0;
      out.push_back(c);
    } else if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
    } else if (c == '?') {
      // ?NNN names its parameter; a bare ? takes the number after the largest so far (SQLite's
      // rule).
      size_t end = i + 1;
      while (end < sql.size() && sql[end] >= '0' && sql[end] <= '9') ++end;
      if (end > i + 1) {
        const int named = std::stoi(std::string(sql.substr(i + 1, end - i - 1)));
        n = std::max(n, named);
        out += "$" + std::to_string(named);
        i = end - 1;
      } else {
        out += "$" + std::to_string(++n);
      }
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return s;
}

class PgConnection;

class PgStatement : public SqlStatement {
 public:
  // `name` is a prepared statement's; empty: `text` runs with its parameters, unprepared.
  PgStatement(PgConnection& conn, std::string name, std::string text)
      : conn_(conn), name_(std::move(name)), text_(std::move(text)) {}
  ~PgStatement() override { PQclear(result_); }

  using SqlStatement::Bind;
  void Bind(int i, std::string_view v) override { Set(i, std::string(v), 0); }
  void Bind(int i, int64_t v) override { Set(i, std::to_string(v), 0); }
  void Bind(int i, std::nullptr_t) override { Set(i, std::nullopt, 0); }
  void Bind(int i, const Blob& v) override { Set(i, std::string(v.bytes), 1); }

  Result<bool> Step() override;
  int64_t Int(int col) override {
    if (PQgetisnull(result_, row_, col)) return 0;
    const char* v = PQgetvalue(result_, row_, col);
    if (PQftype(result_, col) == kBoolOid) return v[0] == 't' ? 1 : 0;
    return std::strtoll(v, nullptr, 10);
  }
  std::string Text(int col) override {
    if (PQgetisnull(result_, row_, col)) return {};
    const char* v = PQgetvalue(result_, row_, col);
    const size_t length = static_cast<size_t>(PQgetlength(result_, row_, col));
    if (PQftype(result_, col) != kByteaOid) return std::string(v, length);
    size_t size = 0;
    unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(v), &size);
    std::string out(reinterpret_cast<const char*>(bytes), size);
    PQfreemem(bytes);
    return out;
  }

 private:
  void Set(int i, std::optional<std::string> value, int format) {
    const size_t at = static_cast<size_t>(i - 1);
    if (values_.size() <= at) {
      values_.resize(at + 1);
      formats_.resize(at + 1, 0);
    }
    values_[at] = std::move(value);
    formats_[at] = format;
  }

  PgConnection& conn_;
  const std::string name_;
  const std::string text_;
  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;
  PGresult* result_ = nullptr;
  int rows_ = 0;
  int row_ = -1;
};

class PgConnection : public SqlConnection {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  ~PgConnection() override { PQfinish(conn_); }

  SqlDialect dialect() const override { return SqlDialect::kPostgres; }

  Result<std::unique_ptr<SqlStatement>> Cached(const char* sql) override {
    auto it = prepared_.find(sql);
    if (it == prepared_.end()) {
      std::string name = "s" + std::to_string(prepared_.size() + 1);
      PGresult* r = PQprepare(conn_, name.c_str(), Numbered(sql).c_str(), 0, nullptr);
      Status s = Check(r, "prepare");
      PQclear(r);
      if (!s) return tl::unexpected(s.error());
      it = prepared_.emplace(sql, std::move(name)).first;
    }
    return std::make_unique<PgStatement>(*this, it->second, std::string());
  }

  Result<std::unique_ptr<SqlStatement>> Prepare(const std::string& sql) override {
    return std::make_unique<PgStatement>(*this, std::string(), Numbered(sql));
  }

  Status ExecScript(const char* sql) override {
    PGresult* r = PQexec(conn_, sql);
    Status s = Check(r, "exec");
    PQclear(r);
    return s;
  }

  int64_t Changes() override { return changes_; }

  PGconn* raw() { return conn_; }

  // Turns a result into an error when it is one, noting what kind.
  Status Check(PGresult* r, const char* what) {
    const ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      const char* tuples = PQcmdTuples(r);
      changes_ = tuples && *tuples ? std::strtoll(tuples, nullptr, 10) : 0;
      return {};
    }
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const std::string code = state ? state : "";
    const std::string message = Trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
    // Class 08 (connection), 57P0x (the server is shutting down or starting), or no answer at
    // all: the server is gone for now.
    if (PQstatus(conn_) == CONNECTION_BAD || code.starts_with("08") || code.starts_with("57P") ||
        code.empty()) {
      lost_ = true;
      return Fail(ErrorCode::kUnavailable, "the database is unavailable: " + message);
    }
    if (code == "40001" || code == "40P01") {
      collided_ = true;
      return Fail(ErrorCode::kInternal, "postgres " + std::string(what) + ": " + message);
    }
    if (code == "23505") return Fail(ErrorCode::kConflict, message);
    if (code == "53100") return Fail(ErrorCode::kStorageFull, message);
    return Fail(ErrorCode::kInternal, "postgres " + std::string(what) + ": " + message);
  }

  // Collided with a concurrent transaction (serialization failure, deadlock): run it again.
  bool collided() const { return collided_; }
  // The server went away under this connection.
  bool lost() const { return lost_ || PQstatus(conn_) == CONNECTION_BAD; }
  void BeginTransaction() { collided_ = false; }
  // How many requests this connection has served; 0 for a fresh one.
  int64_t uses = 0;

 private:
  PGconn* conn_;
  std::map<const char*, std::string> prepared_;
  int64_t changes_ = 0;
  bool collided_ = false;
  bool lost_ = false;
};

Result<bool> PgStatement::Step() {
  if (!result_) {
    std::vector<const char*> values(values_.size());
    std::vector<int> lengths(values_.size());
    for (size_t i = 0; i < values_.size(); ++i) {
      values[i] = values_[i] ? values_[i]->data() : nullptr;
      lengths[i] = values_[i] ? static_cast<int>(values_[i]->size()) : 0;
    }
    const int n = static_cast<int>(values_.size());
    result_ = name_.empty() ? PQexecParams(conn_.raw(), text_.c_str(), n, nullptr, values.data(),
                                           lengths.data(), formats_.data(), 0)
                            : PQexecPrepared(conn_.raw(), name_.c_str(), n, values.data(),
                                             lengths.data(), formats_.data(), 0);
    if (auto s = conn_.Check(result_, "step"); !s) return tl::unexpected(s.error());
    rows_ = PQresultStatus(result_) == PGRES_TUPLES_OK ? PQntuples(result_) : 0;
  }
  if (row_ < rows_) ++row_;
  return row_ < rows_;
}

PgConnection& Pg(SqlConnection& c) { return static_cast<PgConnection&>(c); }

}  // namespace

std::string PostgresDatabase::Redacted(const std::string& url) {
  // postgresql://user:password@host/... -> postgresql://user:***@host/...
  std::string out = url;
  const size_t scheme = out.find("://");
  const size_t at = out.find('@', scheme == std::string::npos ? 0 : scheme + 3);
  const size_t colon = scheme == std::string::npos ? std::string::npos : out.find(':', scheme + 3);
  if (at != std::string::npos && colon != std::string::npos && colon < at)
    out = out.substr(0, colon + 1) + "***" + out.substr(at);
  // ...?password=... and the key=value form, password=...
  for (size_t p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    const size_t value = p + 9;
    const size_t end = out.find_first_of(" &", value);
    out.replace(value, end == std::string::npos ? std::string::npos : end - value, "***");
  }
  return out;
}

Result<std::unique_ptr<PostgresDatabase>> PostgresDatabase::Open(const std::string& url,
                                                                 int max_connections) {
  if (url.empty()) {
    return Fail(ErrorCode::kInternal,
                "database.url is empty: give postgresql://user:password@host:port/db");
  }
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &parse_error);
  if (!options) {
    std::string why = Trimmed(parse_error ? parse_error : "cannot be parsed");
    PQfreemem(parse_error);
    // libpq's message quotes the text it could not parse, password and all.
    for (size_t p = why.find(url); p != std::string::npos; p = why.find(url, p + 1))
      why.replace(p, url.size(), Redacted(url));
    return Fail(ErrorCode::kInternal,
                "database.url " + Redacted(url) + " is not a PostgreSQL connection URL: " + why);
  }
  PQconninfoFree(options);
  std::unique_ptr<PostgresDatabase> db(new PostgresDatabase(url, max_connections));
  auto first = db->Connect();
  if (!first) return tl::unexpected(first.error());
  db->open_ = 1;
  db->idle_.push_back(std::move(*first));
  return db;
}

PostgresDatabase::~PostgresDatabase() = default;

Result<std::unique_ptr<SqlConnection>> PostgresDatabase::Connect() {
  PGconn* conn = PQconnectdb(url_.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = Trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return Fail(ErrorCode::kUnavailable,
                "cannot connect to PostgreSQL at " + Redacted(url_) + ": " + why);
  }
  auto c = std::make_unique<PgConnection>(conn);
  // Notices (a table that already exists, ...) are not the log's business.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  if (auto s = c->ExecScript("SET application_name = 'berth'"); !s)
    return tl::unexpected(s.error());
  return std::unique_ptr<SqlConnection>(std::move(c));
}

Result<std::unique_ptr<SqlConnection>> PostgresDatabase::Acquire() {
  {
    std::unique_lock lock(mu_);
    ++waiting_;
    const bool ready = released_.wait_for(
        lock, kPoolWait, [&] { return !idle_.empty() || open_ < max_connections_; });
    --waiting_;
    if (!ready) {
      return Fail(ErrorCode::kUnavailable,
                  "every database connection of this node is busy (database.max_connections=" +
                      std::to_string(max_connections_) + ")");
    }
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_;
  }
  auto conn = Connect();
  if (!conn) {
    std::lock_guard lock(mu_);
    --open_;
    released_.notify_one();
  }
  return conn;
}

void PostgresDatabase::Release(std::unique_ptr<SqlConnection> conn) {
  PgConnection& pg = Pg(*conn);
  ++pg.uses;
  const bool broken = pg.lost() || PQtransactionStatus(pg.raw()) != PQTRANS_IDLE;
  if (broken) conn.reset();
  std::lock_guard lock(mu_);
  if (broken) {
    --open_;
  } else {
    idle_.push_back(std::move(conn));
  }
  released_.notify_one();
}

bool PostgresDatabase::RetryRead(SqlConnection& conn) {
  PgConnection& pg = Pg(conn);
  return pg.lost() && pg.uses > 0;
}

SqlPoolUse PostgresDatabase::PoolUse() {
  std::lock_guard lock(mu_);
  return {open_, open_ - static_cast<int>(idle_.size()), waiting_, max_connections_};
}

Status PostgresDatabase::Commit(const std::function<Status(SqlConnection&)>& body) {
  return Transact("BEGIN ISOLATION LEVEL SERIALIZABLE", body);
}

Status PostgresDatabase::CommitLocked(const std::function<Status(SqlConnection&)>& body) {
  return Transact("BEGIN ISOLATION LEVEL READ COMMITTED", body);
}

Status PostgresDatabase::Transact(const char* begin,
                                  const std::function<Status(SqlConnection&)>& body) {
  thread_local std::minstd_rand jitter(std::random_device{}());
  Status result;
  for (int attempt = 0; attempt < kCommitAttempts; ++attempt) {
    auto conn = Acquire();
    if (!conn) return tl::unexpected(conn.error());
    PgConnection& pg = Pg(**conn);
    pg.BeginTransaction();
    const bool reused = pg.uses > 0;
    bool body_ran = false;
    result = pg.ExecScript(begin);
    if (result) {
      body_ran = true;
      result = body(pg);
      if (result) {
        result = pg.ExecScript("COMMIT");
      } else if (!pg.lost()) {
        pg.ExecScript("ROLLBACK");
      }
    }
    // A collision runs again; so does a transaction whose BEGIN found that the server had closed
    // the connection while it sat idle in the pool (nothing of it reached the server).
    const bool again = !result && (pg.collided() || (reused && pg.lost() && !body_ran));
    Release(std::move(*conn));
    if (!again) return result;
    const int ceiling = 1 << std::min(attempt, 7);
    std::this_thread::sleep_for(std::chrono::milliseconds(1 + jitter() % ceiling));
  }
  return result;
}

Status PostgresDatabase::Migrate(std::string_view component,
                                 std::span<const Migration> migrations) {
  auto conn = Acquire();
  if (!conn) return tl::unexpected(conn.error());
  SqlConnection& c = **conn;
  auto run = [&]() -> Status {
    // Session-level: held across the migrations' own transactions, released below (or with the
    // connection, should this node die meanwhile).
    if (auto s = c.Exec("SELECT pg_advisory_lock(?)", kMigrationLock); !s) return s;
    Status applied = c.ExecScript(
        "CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT COLLATE \"C\" NOT NULL, "
        "version BIGINT NOT NULL, applied_at BIGINT NOT NULL, PRIMARY KEY (component, version))");
    for (size_t i = 0; applied && i < migrations.size(); ++i) {
      const int64_t version = static_cast<int64_t>(i) + 1;
      auto done = Exists(c, "SELECT 1 FROM schema_migrations WHERE component = ? AND version = ?",
                         component, version);
      if (!done) {
        applied = tl::unexpected(done.error());
        break;
      }
      if (*done) continue;
      applied = c.ExecScript("BEGIN");
      if (applied && *migrations[i].postgres) applied = c.ExecScript(migrations[i].postgres);
      if (applied) {
        applied = c.Exec(
            "INSERT INTO schema_migrations (component, version, applied_at) "
            "VALUES (?, ?, extract(epoch FROM now())::bigint)",
            component, version);
      }
      applied = applied ? c.ExecScript("COMMIT") : (c.ExecScript("ROLLBACK"), applied);
      if (!applied) {
        applied = Fail(applied.error().code, std::string(component) + " migration " +
                                                 std::to_string(version) + ": " +
                                                 std::string(applied.error().Message()));
      }
    }
    c.Exec("SELECT pg_advisory_unlock(?)", kMigrationLock);
    return applied;
  };
  Status s = run();
  Release(std::move(*conn));
  return s;
}

}  // namespace berth
