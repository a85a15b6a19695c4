// The portable SQL seam under every store in src/meta: a statement, a connection and a database
// (a pool with transactions), implemented once for SQLite (sqlite_sql.h) and once for PostgreSQL
// (postgres_sql.h). Stores write their SQL once, with `?` placeholders, and read columns as
// integers or text; what the two engines spell differently (placeholders, BLOB and BYTEA,
// generated ids, isolation, retries) stays behind this header. A statement or connection is used
// by one thread at a time; a database is thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace berth {

inline constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();

enum class SqlDialect { kSqlite, kPostgres };

// Bytes bound as a BLOB (BYTEA) rather than as text.
struct Blob {
  std::string_view bytes;
};

class SqlStatement {
 public:
  virtual ~SqlStatement() = default;

  // Parameters are numbered from 1, in the order of the `?` in the text.
  virtual void Bind(int i, std::string_view v) = 0;
  virtual void Bind(int i, int64_t v) = 0;
  virtual void Bind(int i, std::nullptr_t) = 0;
  virtual void Bind(int i, const Blob& v) = 0;
  void Bind(int i, const std::string& v) { Bind(i, std::string_view(v)); }
  void Bind(int i, const char* v) { Bind(i, std::string_view(v)); }
  void Bind(int i, uint64_t v) { Bind(i, static_cast<int64_t>(v)); }

  // True when a row is ready, false when done.
  virtual Result<bool> Step() = 0;
  // Columns of the current row, from 0; NULL reads as 0 or "".
  virtual int64_t Int(int col) = 0;
  virtual std::string Text(int col) = 0;

  Status Run() {
    auto r = Step();
    if (!r) return tl::unexpected(r.error());
    return {};
  }
  // Every row, each made into a T by `read(statement)`.
  template <class T, class Read>
  Result<std::vector<T>> Rows(Read read) {
    std::vector<T> out;
    while (true) {
      auto row = Step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return out;
      out.push_back(read(*this));
    }
  }
  // Every row's first column, as text.
  Result<std::vector<std::string>> Texts() {
    return Rows<std::string>([](SqlStatement& s) { return s.Text(0); });
  }
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual SqlDialect dialect() const = 0;

  // A statement whose text is a literal: prepared once per connection, cached by the literal's
  // address.
  virtual Result<std::unique_ptr<SqlStatement>> Cached(const char* sql) = 0;
  // A statement built at run time (its text varies with the filters), prepared for this use.
  virtual Result<std::unique_ptr<SqlStatement>> Prepare(const std::string& sql) = 0;
  // Statements without parameters, separated by semicolons.
  virtual Status ExecScript(const char* sql) = 0;
  // Rows the last INSERT, UPDATE or DELETE changed.
  virtual int64_t Changes() = 0;

  template <class... Args>
  Result<std::unique_ptr<SqlStatement>> Query(const char* sql, const Args&... args) {
    auto s = Cached(sql);
    if (!s) return s;
    int i = 0;
    ((*s)->Bind(++i, args), ...);
    return s;
  }
  template <class... Args>
  Status Exec(const char* sql, const Args&... args) {
    auto s = Query(sql, args...);
    if (!s) return tl::unexpected(s.error());
    return (*s)->Run();
  }
};

// One schema version, in each engine's spelling. Versions are numbered once for both engines:
// version N is the same schema on each. An empty text: this engine reached the version earlier.
struct Migration {
  const char* sqlite;
  const char* postgres;
};

class SqlDatabase {
 public:
  virtual ~SqlDatabase() = default;
  virtual SqlDialect dialect() const = 0;

  // Applies, in order and each in its own transaction, the migrations of `component` not applied
  // yet; nodes starting together take turns. Migrations are appended, never edited.
  virtual Status Migrate(std::string_view component, std::span<const Migration> migrations) = 0;

  // Runs `f` with a pooled connection, outside any write transaction.
  template <class F>
  auto Read(F&& f) -> decltype(f(std::declval<SqlConnection&>()));
  // Runs `body` in a serializable write transaction. `body` may run more than once (the
  // transaction is retried when it collides with another), so it sets what it returns through
  // its captures afresh each time rather than appending to it.
  virtual Status Commit(const std::function<Status(SqlConnection&)>& body) = 0;
  // Commit for a body that keeps itself right by row locks and constraints (ON CONFLICT, a
  // compare-and-set UPDATE, SELECT ... FOR UPDATE), not by isolation. PostgreSQL runs it at READ
  // COMMITTED, each statement seeing what was committed before it: SERIALIZABLE's predicate
  // locks, page or table wide on the small tables that uploads and links touch, would make every
  // concurrent push collide with every other. SQLite has one writer: Commit.
  virtual Status CommitLocked(const std::function<Status(SqlConnection&)>& body) {
    return Commit(body);
  }
  // Commit for a body that inserts one row and returns its id (INSERT ... RETURNING id).
  Result<int64_t> CommitInsert(const std::function<Result<int64_t>(SqlConnection&)>& insert) {
    int64_t id = 0;
    Status s = Commit([&](SqlConnection& c) -> Status {
      auto r = insert(c);
      if (!r) return tl::unexpected(r.error());
      id = *r;
      return {};
    });
    if (!s) return tl::unexpected(s.error());
    return id;
  }

 protected:
  virtual Result<std::unique_ptr<SqlConnection>> Acquire() = 0;
  virtual void Release(std::unique_ptr<SqlConnection> conn) = 0;
  // Whether a read that failed on `conn` may run once more on a fresh connection: the server
  // closed a connection that was idle in the pool (it restarted), and reads are idempotent.
  virtual bool RetryRead(SqlConnection& conn) { return false; }
};

template <class F>
auto SqlDatabase::Read(F&& f) -> decltype(f(std::declval<SqlConnection&>())) {
  for (int attempt = 0;; ++attempt) {
    auto conn = Acquire();
    if (!conn) return tl::unexpected(conn.error());
    auto result = f(**conn);
    const bool again = !result && attempt == 0 && RetryRead(**conn);
    Release(std::move(*conn));
    if (!again) return result;
  }
}

// The one row a lookup by key finds, or kNotFound.
template <class T, class Read, class... Args>
Result<T> One(SqlConnection& c, const char* sql, Read read, const Args&... args) {
  auto q = c.Query(sql, args...);
  if (!q) return tl::unexpected(q.error());
  auto row = (*q)->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return Fail(ErrorCode::kNotFound);
  return read(**q);
}

template <class T, class Read, class... Args>
Result<std::vector<T>> All(SqlConnection& c, const char* sql, Read read, const Args&... args) {
  auto q = c.Query(sql, args...);
  if (!q) return tl::unexpected(q.error());
  return (*q)->template Rows<T>(read);
}

// The id an INSERT ... RETURNING id gave its row.
inline Result<int64_t> ReturnedId(SqlStatement& insert) {
  auto row = insert.Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return Fail(ErrorCode::kInternal, "an INSERT returned no id");
  return insert.Int(0);
}

template <class... Args>
Result<int64_t> InsertId(SqlConnection& c, const char* sql, const Args&... args) {
  auto q = c.Query(sql, args...);
  if (!q) return tl::unexpected(q.error());
  return ReturnedId(**q);
}

// An UPDATE or DELETE that must have touched a row.
template <class... Args>
Status Change(SqlConnection& c, const char* sql, const Args&... args) {
  if (auto s = c.Exec(sql, args...); !s) return s;
  if (c.Changes() == 0) return Fail(ErrorCode::kNotFound);
  return {};
}

// Whether the query, bound to `args`, finds a row.
template <class... Args>
Result<bool> Exists(SqlConnection& c, const char* sql, const Args&... args) {
  auto q = c.Query(sql, args...);
  if (!q) return tl::unexpected(q.error());
  return (*q)->Step();
}

// "<expression> IN (?, ...)" for `count` values, or FALSE for none: an empty IN () is SQLite's
// alone.
inline std::string InSql(std::string_view expression, size_t count) {
  if (count == 0) return "FALSE";
  std::string out = std::string(expression) + " IN (?";
  for (size_t i = 1; i < count; ++i) out += ", ?";
  return out + ")";
}

}  // namespace berth
