// The engine a store test runs on: SQLite (the default), or, when BERTH_TEST_ENGINE=postgres, a
// fresh database on a PostgreSQL server that the test process starts once and stops at its end.
#pragma once

#include <filesystem>
#include <memory>

#include "meta/sql.h"
#include "meta/sql_history_store.h"
#include "meta/sql_metadata_store.h"
#include "tests/support/postgres_server.h"

namespace berth::testing {

bool OnPostgres();
// The process's PostgreSQL server, started at the first call.
PostgresServer& SharedPostgres();

// A database of its own for one test: `file` in `dir` on SQLite, a new database on PostgreSQL.
std::shared_ptr<SqlDatabase> TestDatabase(const std::filesystem::path& dir,
                                          const char* file = "berth.db");
// Stores on such a database; nullptr (with the reason printed) if they cannot be opened.
std::unique_ptr<SqlMetadataStore> TestMetadataStore(const std::filesystem::path& dir);
std::unique_ptr<SqlHistoryStore> TestHistoryStore(const std::filesystem::path& dir);

}  // namespace berth::testing
