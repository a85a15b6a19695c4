// Opens the stores on the engine the configuration names: SQLite files in the data folder (the
// embedded default), or one PostgreSQL database that every node shares.
#pragma once

#include <filesystem>
#include <memory>

#include "core/config.h"
#include "meta/change_feed.h"
#include "meta/postgres_sql.h"
#include "meta/sql_history_store.h"
#include "meta/sql_metadata_store.h"

namespace berth {

struct Stores {
  std::unique_ptr<SqlMetadataStore> meta;
  std::unique_ptr<SqlHistoryStore> history;
  PostgresDatabase* postgres = nullptr;  // the pool, on PostgreSQL (for /metrics)
  // Last: it uses the database, and goes first.
  std::unique_ptr<ChangeFeed> changes;
};

// Applies each store's pending migrations. A bad URL, an unreachable server or refused
// credentials fail with one line that says which.
Result<Stores> OpenStores(const Config::Database& config, const std::filesystem::path& data_dir);

// The embedded metadata alone (berth.db at `path`): its commits survive a power loss, and
// concurrent pushes pay for one fsync together.
Result<std::unique_ptr<SqlMetadataStore>> OpenSqliteMetadata(const std::filesystem::path& path);

// The embedded history (history.db at `path`): only bookkeeping threads write it, so a thread at
// idle priority may lead its commits, and they pay for no fsync (a commit survives a crash of the
// process, not a power loss, like the event journals that feed it). Takes the history that the
// metadata at `metadata_path` kept before its migration 6, if any is left.
Result<std::unique_ptr<SqlHistoryStore>> OpenSqliteHistory(
    const std::filesystem::path& path, const std::filesystem::path& metadata_path);

}  // namespace berth
