#include "tests/support/engines.h"

#include <cstdlib>
#include <iostream>
#include <string>

#include "meta/postgres_sql.h"
#include "meta/sqlite_sql.h"

namespace berth::testing {

namespace {

std::string Engine() {
  const char* engine = std::getenv("BERTH_TEST_ENGINE");
  return engine ? engine : "";
}

}  // namespace

bool OnPostgres() { return Engine().starts_with("postgres"); }
bool OnS3() { return Engine().ends_with("-s3"); }

PostgresServer& SharedPostgres() {
  static PostgresServer server;
  return server;
}

RgwServer& SharedRgw() {
  static RgwServer server;
  return server;
}

std::shared_ptr<SqlDatabase> TestDatabase(const std::filesystem::path& dir, const char* file) {
  if (OnPostgres()) {
    auto db = PostgresDatabase::Open(SharedPostgres().NewDatabase(), 8);
    if (!db) std::cerr << db.error().message << "\n";
    return db ? std::shared_ptr<SqlDatabase>(std::move(*db)) : nullptr;
  }
  auto db = SqliteDatabase::Open(dir / file, {});
  if (!db) std::cerr << db.error().message << "\n";
  return db ? std::shared_ptr<SqlDatabase>(std::move(*db)) : nullptr;
}

std::unique_ptr<SqlMetadataStore> TestMetadataStore(const std::filesystem::path& dir) {
  auto db = TestDatabase(dir);
  if (!db) return nullptr;
  auto store = SqlMetadataStore::Open(std::move(db));
  if (!store) std::cerr << store.error().message << "\n";
  return store ? std::move(*store) : nullptr;
}

std::unique_ptr<SqlHistoryStore> TestHistoryStore(const std::filesystem::path& dir) {
  auto db = TestDatabase(dir, "history.db");
  if (!db) return nullptr;
  auto store = SqlHistoryStore::Open(std::move(db));
  if (!store) std::cerr << store.error().message << "\n";
  return store ? std::move(*store) : nullptr;
}

}  // namespace berth::testing
