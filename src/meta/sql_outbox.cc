// SqlMetadataStore's outbox and leases (meta/outbox_store.h).
#include "meta/sql.h"
#include "meta/sql_metadata_store.h"
#include "meta/sql_store.h"

namespace berth {
namespace {

using Connection = SqlConnection;

OutboxEntry ReadEntry(SqlStatement& q) {
  OutboxEntry e;
  e.position = OutboxPosition{q.Int(0), q.Int(1)};
  const int64_t kind = q.Int(2);
  // A kind a newer node wrote is a number this build has no case for: every consumer skips it.
  e.event.kind = static_cast<EventKind>(kind);
  e.event.operator_name = q.Text(3);
  e.event.at = q.Int(4);
  e.event.project = q.Text(5);
  e.event.repository = q.Text(6);
  e.event.digest = q.Text(7);
  e.event.tag = q.Text(8);
  e.event.detail = q.Text(9);
  return e;
}

}  // namespace

// On PostgreSQL an event's row carries its transaction's id, so that readers can take only rows
// of transactions that have all ended (below the snapshot's xmin): ids come from a sequence in
// the order transactions ask, not the order they commit, and a reader going by id alone would
// step past a slow transaction's event for good.
Status RecordEvent(Connection& c, const Event& e) {
  const char* sql =
      c.dialect() == SqlDialect::kPostgres
          ? "INSERT INTO outbox (xid, kind, operator, at, project, repository, digest, tag, "
            "detail) VALUES (pg_current_xact_id()::text::bigint, ?, ?, ?, ?, ?, ?, ?, ?)"
          : "INSERT INTO outbox (xid, kind, operator, at, project, repository, digest, tag, "
            "detail) VALUES (0, ?, ?, ?, ?, ?, ?, ?, ?)";
  return c.Exec(sql, static_cast<int64_t>(e.kind), e.operator_name, e.at, e.project, e.repository,
                e.digest, e.tag, e.detail);
}

Status SqlMetadataStore::AddOutboxEvent(const Event& event) {
  return db_->CommitLocked([&](Connection& c) { return RecordEvent(c, event); });
}

Result<OutboxPosition> SqlMetadataStore::OutboxCursor(const std::string& consumer) {
  OutboxPosition at;
  Status s = db_->CommitLocked([&](Connection& c) -> Status {
    if (auto s = c.Exec("INSERT INTO outbox_cursors (consumer, xid, id) VALUES (?, 0, 0) "
                        "ON CONFLICT (consumer) DO NOTHING",
                        consumer);
        !s) {
      return s;
    }
    auto found = One<OutboxPosition>(
        c, "SELECT xid, id FROM outbox_cursors WHERE consumer = ?",
        [](SqlStatement& q) {
          return OutboxPosition{q.Int(0), q.Int(1)};
        },
        consumer);
    if (!found) return tl::unexpected(found.error());
    at = *found;
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return at;
}

Result<std::vector<OutboxEntry>> SqlMetadataStore::ReadOutbox(OutboxPosition after, size_t limit) {
  return db_->Read([&](Connection& c) {
    const char* sql =
        c.dialect() == SqlDialect::kPostgres
            ? "SELECT xid, id, kind, operator, at, project, repository, digest, tag, detail "
              "FROM outbox WHERE (xid, id) > (?, ?) AND "
              "xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint "
              "ORDER BY xid, id LIMIT ?"
            : "SELECT xid, id, kind, operator, at, project, repository, digest, tag, detail "
              "FROM outbox WHERE (xid, id) > (?, ?) ORDER BY xid, id LIMIT ?";
    return All<OutboxEntry>(c, sql, ReadEntry, after.xid, after.id, static_cast<int64_t>(limit));
  });
}

Status SqlMetadataStore::AdvanceOutbox(const std::string& consumer, OutboxPosition to) {
  return db_->CommitLocked([&](Connection& c) {
    return Change(c, "UPDATE outbox_cursors SET xid = ?, id = ? WHERE consumer = ?", to.xid, to.id,
                  consumer);
  });
}

Result<size_t> SqlMetadataStore::PruneOutbox() {
  size_t pruned = 0;
  Status s = db_->CommitLocked([&](Connection& c) -> Status {
    pruned = 0;
    auto slowest = All<OutboxPosition>(
        c, "SELECT xid, id FROM outbox_cursors ORDER BY xid, id LIMIT 1", [](SqlStatement& q) {
          return OutboxPosition{q.Int(0), q.Int(1)};
        });
    if (!slowest) return tl::unexpected(slowest.error());
    if (slowest->empty()) return {};
    const OutboxPosition& read = slowest->front();
    if (auto s = c.Exec("DELETE FROM outbox WHERE (xid, id) <= (?, ?)", read.xid, read.id); !s)
      return s;
    pruned = static_cast<size_t>(c.Changes());
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return pruned;
}

// One compare-and-set: the row is taken when it is ours or has run out, under its row lock.
Result<bool> SqlMetadataStore::HoldLease(const std::string& name, const std::string& owner,
                                         int64_t now, int64_t ttl) {
  bool held = false;
  Status s = db_->CommitLocked([&](Connection& c) -> Status {
    if (auto s = c.Exec("INSERT INTO leases (name, owner, expires_at) VALUES (?1, ?2, ?3) "
                        "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, "
                        "expires_at = excluded.expires_at "
                        "WHERE leases.owner = ?2 OR leases.expires_at < ?4",
                        name, owner, now + ttl, now);
        !s) {
      return s;
    }
    held = c.Changes() > 0;
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return held;
}

Status SqlMetadataStore::ReleaseLease(const std::string& name, const std::string& owner) {
  return db_->CommitLocked([&](Connection& c) {
    return c.Exec("UPDATE leases SET owner = '', expires_at = 0 WHERE name = ? AND owner = ?", name,
                  owner);
  });
}

}  // namespace berth
