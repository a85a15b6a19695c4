// SqlMetadataStore's part in garbage collection: the snapshot it plans from, and the deletes
// that carry the plan out, each of which checks its conditions again as it deletes, so that what
// a push did since the snapshot wins.
#include <unordered_map>

#include "meta/sql_metadata_store.h"
#include "meta/sql_store.h"

namespace berth {

using Connection = SqlConnection;

// The row lock the upsert takes is what a sweep of the same blob waits on, or waits for.
Status SqlMetadataStore::ReserveBlob(const std::string& uuid, const Digest& digest, uint64_t size,
                                     int64_t now) {
  return db_->CommitLocked([&](Connection& c) -> Status {
    if (auto s = c.Exec("INSERT INTO blobs (digest, size, created_at) VALUES (?, ?, ?) "
                        "ON CONFLICT (digest) DO UPDATE SET created_at = excluded.created_at",
                        digest.str(), size, now);
        !s)
      return s;
    return c.Exec("UPDATE uploads SET committing = ? WHERE uuid = ?", digest.str(), uuid);
  });
}

Result<GcSnapshot> SqlMetadataStore::ReadGcSnapshot() {
  return db_->Read([&](Connection& c) -> Result<GcSnapshot> {
    GcSnapshot snapshot;
    auto repositories = All<std::pair<int64_t, std::string>>(
        c, "SELECT id, name FROM repositories",
        [](SqlStatement& q) { return std::pair{q.Int(0), q.Text(1)}; });
    if (!repositories) return tl::unexpected(repositories.error());
    snapshot.repositories.insert(repositories->begin(), repositories->end());
    auto manifests = All<GcManifest>(
        c,
        "SELECT m.id, m.repository_id, m.digest, coalesce(m.subject, ''), m.size, "
        "EXISTS (SELECT 1 FROM tags t WHERE t.manifest_id = m.id), m.pushed_at FROM manifests m",
        [](SqlStatement& q) {
          return GcManifest{q.Int(0),      q.Int(1), q.Text(2), q.Text(3),
                            static_cast<uint64_t>(q.Int(4)), q.Int(5) != 0, q.Int(6), {}, {}};
        });
    if (!manifests) return tl::unexpected(manifests.error());
    snapshot.manifests = std::move(*manifests);
    std::unordered_map<int64_t, GcManifest*> by_id;
    for (GcManifest& m : snapshot.manifests) by_id[m.id] = &m;
    const std::pair<const char*, std::vector<std::string> GcManifest::*> kEdges[] = {
        {"SELECT manifest_id, digest FROM manifest_blobs", &GcManifest::blobs},
        {"SELECT manifest_id, child_digest FROM manifest_children", &GcManifest::children}};
    for (const auto& [sql, into] : kEdges) {
      auto edges = All<std::pair<int64_t, std::string>>(
          c, sql, [](SqlStatement& q) { return std::pair{q.Int(0), q.Text(1)}; });
      if (!edges) return tl::unexpected(edges.error());
      for (auto& [id, digest] : *edges) {
        if (auto at = by_id.find(id); at != by_id.end()) (at->second->*into).push_back(digest);
      }
    }
    auto links = All<GcLink>(c, "SELECT repository_id, digest, created_at FROM repository_blobs",
                             [](SqlStatement& q) { return GcLink{q.Int(0), q.Text(1), q.Int(2)}; });
    if (!links) return tl::unexpected(links.error());
    snapshot.links = std::move(*links);
    auto blobs = All<GcBlob>(
        c,
        "SELECT b.digest, b.size, b.created_at, "
        "EXISTS (SELECT 1 FROM uploads u WHERE u.committing = b.digest) FROM blobs b",
        [](SqlStatement& q) {
          return GcBlob{q.Text(0), static_cast<uint64_t>(q.Int(1)), q.Int(2), q.Int(3) != 0};
        });
    if (!blobs) return tl::unexpected(blobs.error());
    snapshot.blobs = std::move(*blobs);
    return snapshot;
  });
}

Result<bool> SqlMetadataStore::DeleteUnneededManifest(int64_t id, int64_t before) {
  bool deleted = false;
  Status s = db_->Commit([&](Connection& c) -> Status {
    deleted = false;
    if (auto s = c.Exec(
            "DELETE FROM manifests WHERE id = ? AND pushed_at < ? "
            "AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.manifest_id = manifests.id) "
            "AND NOT EXISTS (SELECT 1 FROM manifest_children mc JOIN manifests p "
            "  ON p.id = mc.manifest_id WHERE mc.child_digest = manifests.digest "
            "  AND p.repository_id = manifests.repository_id AND p.id <> manifests.id) "
            "AND NOT EXISTS (SELECT 1 FROM manifests s WHERE s.digest = manifests.subject "
            "  AND s.repository_id = manifests.repository_id)",
            id, before);
        !s)
      return s;
    deleted = c.Changes() > 0;
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return deleted;
}

// Serializable on PostgreSQL: a manifest put that read the link before this delete, or this
// delete that read no manifest listing the blob before the put, is undone and tried again.
Result<size_t> SqlMetadataStore::UnlinkUnreferenced(std::span<const GcLink> links,
                                                    int64_t before) {
  size_t removed = 0;
  Status s = db_->Commit([&](Connection& c) -> Status {
    removed = 0;
    for (const GcLink& link : links) {
      if (auto s = c.Exec(
              "DELETE FROM repository_blobs WHERE repository_id = ? AND digest = ? "
              "AND created_at < ? AND NOT EXISTS (SELECT 1 FROM manifest_blobs mb "
              "JOIN manifests m ON m.id = mb.manifest_id WHERE m.repository_id = "
              "repository_blobs.repository_id AND mb.digest = repository_blobs.digest)",
              link.repository_id, link.digest, before);
          !s)
        return s;
      removed += static_cast<size_t>(c.Changes());
    }
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return removed;
}

// At READ COMMITTED on PostgreSQL, rows locked first and their conditions read after: a link or
// a reservation committed before the lock is seen, and one that comes later waits for it (a
// link's foreign key, a reservation's upsert) and finds the row gone.
Result<std::vector<Digest>> SqlMetadataStore::SweepBlobs(std::span<const Digest> digests,
                                                        int64_t before,
                                                        const RemoveBlobs& remove) {
  std::vector<Digest> gone;
  Status s = db_->CommitLocked([&](Connection& c) -> Status {
    gone.clear();
    const bool postgres = c.dialect() == SqlDialect::kPostgres;
    std::vector<Digest> held;
    for (const Digest& digest : digests) {
      if (postgres) {
        if (auto s = c.Exec("SELECT 1 FROM blobs WHERE digest = ? FOR UPDATE", digest.str()); !s)
          return s;
      }
      auto sweepable = Exists(
          c,
          "SELECT 1 FROM blobs b WHERE b.digest = ? AND b.created_at < ? "
          "AND NOT EXISTS (SELECT 1 FROM repository_blobs rb WHERE rb.digest = b.digest) "
          "AND NOT EXISTS (SELECT 1 FROM uploads u WHERE u.committing = b.digest)",
          digest.str(), before);
      if (!sweepable) return tl::unexpected(sweepable.error());
      if (*sweepable) held.push_back(digest);
    }
    if (held.empty()) return {};
    auto removed = remove(held);
    if (!removed) return tl::unexpected(removed.error());
    for (const Digest& digest : *removed) {
      if (auto s = c.Exec("DELETE FROM blobs WHERE digest = ?", digest.str()); !s) return s;
    }
    gone = std::move(*removed);
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return gone;
}

Status SqlMetadataStore::AdoptBlobs(std::span<const GcBlob> blobs) {
  return db_->CommitLocked([&](Connection& c) -> Status {
    for (const GcBlob& b : blobs) {
      if (auto s = c.Exec("INSERT INTO blobs (digest, size, created_at) VALUES (?, ?, ?) "
                          "ON CONFLICT (digest) DO NOTHING",
                          b.digest, b.size, b.created_at);
          !s)
        return s;
    }
    return {};
  });
}

Status SqlMetadataStore::SetBlobSize(const std::string& digest, uint64_t size) {
  return db_->CommitLocked([&](Connection& c) {
    return c.Exec("UPDATE blobs SET size = ? WHERE digest = ?", size, digest);
  });
}

}  // namespace berth
