// The engines a test runs on. BERTH_TEST_ENGINE unset: SQLite and the filesystem (the embedded
// default); "postgres": a fresh database on a PostgreSQL server that the test process starts once
// and stops at its end; "postgres-s3": that, and blobs in a Ceph RGW bucket (a fresh prefix each)
// started the same way.
#pragma once

#include <filesystem>
#include <memory>

#include "meta/sql.h"
#include "meta/sql_history_store.h"
#include "meta/sql_metadata_store.h"
#include "tests/support/postgres_server.h"
#include "tests/support/rgw_server.h"

namespace berth::testing {

bool OnPostgres();
bool OnS3();
// The process's PostgreSQL server and gateway, started at the first call.
PostgresServer& SharedPostgres();
RgwServer& SharedRgw();

// A database of its own for one test: `file` in `dir` on SQLite, a new database on PostgreSQL.
std::shared_ptr<SqlDatabase> TestDatabase(const std::filesystem::path& dir,
                                          const char* file = "berth.db");
// Stores on such a database; nullptr (with the reason printed) if they cannot be opened.
std::unique_ptr<SqlMetadataStore> TestMetadataStore(const std::filesystem::path& dir);
std::unique_ptr<SqlHistoryStore> TestHistoryStore(const std::filesystem::path& dir);

}  // namespace berth::testing
