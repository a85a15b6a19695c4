// Internal to src/meta's SQLite stores: a connection with its prepared-statement cache, and the
// helpers shared by the translation units that implement them. Not thread-safe: a connection is
// used by one thread at a time (SqliteDatabase's pool and group-commit leader see to it).
#pragma once

#include <sqlite3.h>

#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/digest.h"
#include "core/result.h"

namespace berth {

inline constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();

inline tl::unexpected<Error> DbError(sqlite3* db, const char* what) {
  const int code = sqlite3_extended_errcode(db);
  if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
    return Fail(ErrorCode::kConflict, sqlite3_errmsg(db));
  if ((code & 0xff) == SQLITE_FULL) return Fail(ErrorCode::kStorageFull, sqlite3_errmsg(db));
  return Fail(ErrorCode::kInternal, std::string("sqlite ") + what + ": " + sqlite3_errmsg(db));
}

// Bytes bound as a BLOB rather than as TEXT.
struct Blob {
  std::string_view bytes;
};

// A prepared statement borrowed from the connection's cache; reset when it goes out of scope.
class Stmt {
 public:
  // An `owned` statement is finalized at the end, a cached one only reset.
  Stmt(sqlite3* db, sqlite3_stmt* stmt, bool owned = false)
      : db_(db), stmt_(stmt), owned_(owned) {}
  ~Stmt() {
    if (owned_) {
      sqlite3_finalize(stmt_);
      return;
    }
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Stmt(const Stmt&) = delete;

  void Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, const std::string& v) { Bind(i, std::string_view(v)); }
  void Bind(int i, const char* v) { Bind(i, std::string_view(v)); }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void Bind(int i, uint64_t v) { sqlite3_bind_int64(stmt_, i, static_cast<int64_t>(v)); }
  void Bind(int i, std::nullptr_t) { sqlite3_bind_null(stmt_, i); }
  void Bind(int i, const Blob& v) {
    sqlite3_bind_blob(stmt_, i, v.bytes.data(), static_cast<int>(v.bytes.size()), SQLITE_TRANSIENT);
  }

  // True when a row is ready, false when done.
  Result<bool> Step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return DbError(db_, "step");
  }
  Status Run() {
    auto r = Step();
    if (!r) return tl::unexpected(r.error());
    return {};
  }
  int64_t Int(int col) { return sqlite3_column_int64(stmt_, col); }
  // Every row, each made into a T by `read(stmt)`.
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
    std::vector<std::string> out;
    while (true) {
      auto row = Step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return out;
      out.push_back(Text(0));
    }
  }
  std::string Text(int col) {
    auto p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool owned_;
};

class SqliteConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  sqlite3* db() { return db_; }

  // Statements are cached by the address of their literal text.
  template <class... Args>
  Result<std::unique_ptr<Stmt>> Query(const char* sql, const Args&... args) {
    sqlite3_stmt*& stmt = cache_[sql];
    if (!stmt &&
        sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
      cache_.erase(sql);
      return DbError(db_, "prepare");
    }
    auto s = std::make_unique<Stmt>(db_, stmt);
    int i = 0;
    (s->Bind(++i, args), ...);
    return s;
  }

  // A statement built at run time (its text varies with the filters): prepared for this use
  // only, since the cache is keyed by the text's address. Bind its values with Stmt::Bind.
  Result<std::unique_ptr<Stmt>> Prepare(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
      return DbError(db_, "prepare");
    return std::make_unique<Stmt>(db_, stmt, true);
  }

  template <class... Args>
  Status Exec(const char* sql, const Args&... args) {
    auto s = Query(sql, args...);
    if (!s) return tl::unexpected(s.error());
    return (*s)->Run();
  }

  Status ExecScript(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string message = err ? err : "unknown";
      sqlite3_free(err);
      return Fail(ErrorCode::kInternal, "sqlite: " + message);
    }
    return {};
  }

  // Returns the repository's id, or 0 when there is none.
  Result<int64_t> RepositoryId(const std::string& name) {
    auto q = Query("SELECT id FROM repositories WHERE name = ?", name);
    if (!q) return tl::unexpected(q.error());
    auto row = (*q)->Step();
    if (!row) return tl::unexpected(row.error());
    return *row ? (*q)->Int(0) : 0;
  }

  Result<int64_t> EnsureRepository(const std::string& name, int64_t now) {
    if (auto s = Exec("INSERT INTO repositories (name, created_at) VALUES (?, ?) "
                      "ON CONFLICT (name) DO NOTHING",
                      name, now);
        !s) {
      return tl::unexpected(s.error());
    }
    return RepositoryId(name);
  }

  Result<bool> Exists(const char* sql, int64_t id, const std::string& key) {
    auto q = Query(sql, id, key);
    if (!q) return tl::unexpected(q.error());
    return (*q)->Step();
  }

 private:
  sqlite3* db_;
  std::map<const char*, sqlite3_stmt*> cache_;
};

// The one row a lookup by key finds, or kNotFound.
template <class T, class Read, class... Args>
Result<T> One(SqliteConnection& c, const char* sql, Read read, const Args&... args) {
  auto q = c.Query(sql, args...);
  if (!q) return tl::unexpected(q.error());
  auto row = (*q)->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return Fail(ErrorCode::kNotFound);
  return read(**q);
}

template <class T, class Read, class... Args>
Result<std::vector<T>> All(SqliteConnection& c, const char* sql, Read read, const Args&... args) {
  auto q = c.Query(sql, args...);
  if (!q) return tl::unexpected(q.error());
  return (*q)->template Rows<T>(read);
}

// An UPDATE or DELETE that must have touched a row.
template <class... Args>
Status Change(SqliteConnection& c, const char* sql, const Args&... args) {
  if (auto s = c.Exec(sql, args...); !s) return s;
  if (sqlite3_changes(c.db()) == 0) return Fail(ErrorCode::kNotFound);
  return {};
}

// The bounds of a project's repository names: after "<project>/", before "<project>0"
// ('0' is the byte after '/'), so an indexed range scan finds them.
inline std::pair<std::string, std::string> ProjectRange(std::string_view project) {
  return {std::string(project) + "/", std::string(project) + "0"};
}

// Bytes the project's repositories hold: each blob once, with the manifests' own bytes.
Result<int64_t> ProjectUsage(SqliteConnection& c, std::string_view project);
// The project's storage limit in bytes; -1 when it has none.
Result<int64_t> ProjectStorageLimit(SqliteConnection& c, std::string_view project);
// kQuotaExceeded when linking `digest` (`size` bytes) into the project would pass its limit.
Status CheckQuota(SqliteConnection& c, std::string_view project,
                  const Digest& digest, uint64_t size);

}  // namespace berth
