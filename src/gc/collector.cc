#include "gc/collector.h"

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace berth {
namespace {

// Digests are compared within a repository: (repository id, digest).
using RepositoryDigest = std::pair<int64_t, std::string>;

std::string Mebibytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return text;
}

}  // namespace

GcPlan PlanCollection(const GcSnapshot& snapshot, const std::vector<StoredBlob>& stored,
                      bool delete_untagged, int64_t before) {
  GcPlan plan;
  // Manifests: what a tag, or youth, keeps; then whatever those reach.
  std::map<RepositoryDigest, const GcManifest*> by_digest;
  std::map<RepositoryDigest, std::vector<const GcManifest*>> referrers;
  for (const GcManifest& m : snapshot.manifests) {
    by_digest[{m.repository_id, m.digest}] = &m;
    if (!m.subject.empty()) referrers[{m.repository_id, m.subject}].push_back(&m);
  }
  std::unordered_set<int64_t> kept;
  std::deque<const GcManifest*> reached;
  for (const GcManifest& m : snapshot.manifests) {
    if (!delete_untagged || m.tagged || m.pushed_at >= before) {
      kept.insert(m.id);
      reached.push_back(&m);
    }
  }
  while (!reached.empty()) {
    const GcManifest* m = reached.front();
    reached.pop_front();
    auto keep = [&](const GcManifest* other) {
      if (kept.insert(other->id).second) reached.push_back(other);
    };
    for (const std::string& child : m->children) {
      if (auto at = by_digest.find({m->repository_id, child}); at != by_digest.end())
        keep(at->second);
    }
    if (auto at = referrers.find({m->repository_id, m->digest}); at != referrers.end()) {
      for (const GcManifest* referrer : at->second) keep(referrer);
    }
  }
  std::set<RepositoryDigest> listed;
  for (const GcManifest& m : snapshot.manifests) {
    if (!kept.count(m.id)) {
      plan.manifests.push_back(m.id);
      continue;
    }
    for (const std::string& blob : m.blobs) listed.insert({m.repository_id, blob});
  }
  // Links no remaining manifest lists; then blobs no remaining link holds.
  std::unordered_map<std::string, size_t> links_left;
  for (const GcLink& link : snapshot.links) {
    if (!listed.count({link.repository_id, link.digest}) && link.created_at < before) {
      plan.links.push_back(link);
    } else {
      ++links_left[link.digest];
    }
  }
  std::unordered_set<std::string> known;
  for (const GcBlob& blob : snapshot.blobs) {
    known.insert(blob.digest);
    if (!links_left.count(blob.digest) && blob.created_at < before && !blob.committing)
      plan.blobs.push_back(blob);
  }
  for (const StoredBlob& s : stored) {
    const std::string digest = s.digest.str();
    if (!known.count(digest) && s.modified < before)
      plan.orphans.push_back(GcBlob{digest, s.size, s.modified, false});
  }
  return plan;
}

GarbageCollector::GarbageCollector(MetadataStore& meta, BlobStore& blobs, const Clock& clock,
                                   PurgeUploads purge_uploads, Changed changed)
    : meta_(meta),
      blobs_(blobs),
      clock_(clock),
      purge_uploads_(std::move(purge_uploads)),
      changed_(std::move(changed)) {}

Result<GcReport> GarbageCollector::Run(const GcOptions& options, const Log& log,
                                       const std::atomic<bool>* stop) {
  auto stopping = [&] { return stop && stop->load(); };
  const int64_t started = clock_.Now();
  const int64_t before = started - options.grace_period.count();
  GcReport report;
  log(std::string(options.dry_run ? "dry run" : "run") +
      ": delete_untagged=" + (options.delete_untagged ? "true" : "false") +
      ", grace period " + std::to_string(options.grace_period.count()) + " s, " +
      std::to_string(options.workers) + " worker(s)");
  // The store is listed before the metadata is read: a blob stored in between has its row by
  // then (ReserveBlob comes before the bytes), so it is never taken for an orphan.
  auto stored = blobs_.ListBlobs();
  if (!stored) return tl::unexpected(stored.error());
  auto snapshot = meta_.ReadGcSnapshot();
  if (!snapshot) return tl::unexpected(snapshot.error());
  const GcPlan plan = PlanCollection(*snapshot, *stored, options.delete_untagged, before);
  log("marked: " + std::to_string(snapshot->manifests.size()) + " manifests, " +
      std::to_string(snapshot->links.size()) + " links, " +
      std::to_string(snapshot->blobs.size()) + " blobs in the metadata, " +
      std::to_string(stored->size()) + " in the store");

  std::unordered_map<std::string, uint64_t> sizes;
  for (const GcBlob& b : plan.blobs) sizes[b.digest] = b.size;
  for (const GcBlob& b : plan.orphans) sizes[b.digest] = b.size;
  std::unordered_map<int64_t, const GcManifest*> manifests;
  for (const GcManifest& m : snapshot->manifests) manifests[m.id] = &m;
  auto name_of = [&](const GcManifest& m) {
    auto repo = snapshot->repositories.find(m.repository_id);
    return (repo == snapshot->repositories.end() ? std::string("?") : repo->second) + "@" +
           m.digest;
  };

  if (options.dry_run) {
    report.manifests = plan.manifests.size();
    report.links = plan.links.size();
    report.blobs = plan.blobs.size() + plan.orphans.size();
    report.orphans = plan.orphans.size();
    for (const auto& [digest, size] : sizes) report.bytes += size;
    for (int64_t id : plan.manifests) log("would delete manifest " + name_of(*manifests[id]));
    for (const GcBlob& b : plan.blobs)
      log("would delete blob " + b.digest + " (" + std::to_string(b.size) + " bytes)");
    for (const GcBlob& b : plan.orphans)
      log("would delete orphan blob " + b.digest + " (" + std::to_string(b.size) + " bytes)");
  } else {
    // Indexes before their children and subjects before their referrers: each pass deletes
    // what nothing remaining needs, until a pass deletes nothing.
    std::vector<int64_t> pending = plan.manifests;
    std::set<int64_t> touched;  // repositories
    for (bool progress = true; progress && !pending.empty() && !stopping();) {
      progress = false;
      std::vector<int64_t> left;
      for (int64_t id : pending) {
        auto deleted = meta_.DeleteUnneededManifest(id, before);
        if (!deleted) return tl::unexpected(deleted.error());
        if (*deleted) {
          ++report.manifests;
          progress = true;
          touched.insert(manifests[id]->repository_id);
          log("deleted manifest " + name_of(*manifests[id]));
        } else {
          left.push_back(id);
        }
      }
      pending = std::move(left);
    }
    if (changed_) {
      for (int64_t repository : touched) changed_(snapshot->repositories[repository]);
    }
    constexpr size_t kLinkBatch = 256;
    for (size_t at = 0; at < plan.links.size() && !stopping(); at += kLinkBatch) {
      auto removed = meta_.UnlinkUnreferenced(
          std::span(plan.links).subspan(at, std::min(kLinkBatch, plan.links.size() - at)), before);
      if (!removed) return tl::unexpected(removed.error());
      report.links += *removed;
    }
    if (!plan.orphans.empty() && !stopping()) {
      if (auto s = meta_.AdoptBlobs(plan.orphans); !s) return tl::unexpected(s.error());
    }
    std::vector<Digest> doomed;
    for (const std::vector<GcBlob>* list : {&plan.blobs, &plan.orphans}) {
      for (const GcBlob& b : *list) {
        if (auto d = Digest::Parse(b.digest)) doomed.push_back(*d);
      }
    }
    std::unordered_set<std::string> orphans;
    for (const GcBlob& b : plan.orphans) orphans.insert(b.digest);
    constexpr size_t kBlobBatch = 1000;
    std::mutex mu;
    size_t next = 0;
    std::optional<Error> failure;
    auto work = [&] {
      while (true) {
        size_t first;
        {
          std::lock_guard lock(mu);
          if (failure || next >= doomed.size() || stopping()) return;
          first = next;
          next += kBlobBatch;
        }
        auto batch = std::span(doomed).subspan(first, std::min(kBlobBatch, doomed.size() - first));
        auto gone = meta_.SweepBlobs(batch, before, [&](std::span<const Digest> held) {
          return blobs_.DeleteBlobs(held);
        });
        std::lock_guard lock(mu);
        if (!gone) {
          failure = gone.error();
          return;
        }
        for (const Digest& d : *gone) {
          const uint64_t size = sizes[d.str()];
          ++report.blobs;
          report.bytes += size;
          const bool orphan = orphans.count(d.str()) > 0;
          report.orphans += orphan ? 1 : 0;
          log(std::string(orphan ? "deleted orphan blob " : "deleted blob ") + d.str() + " (" +
              std::to_string(size) + " bytes)");
        }
      }
    };
    std::vector<std::thread> workers;
    for (int i = 1; i < std::clamp(options.workers, 1, 5); ++i) workers.emplace_back(work);
    work();
    for (std::thread& t : workers) t.join();
    if (failure) return tl::unexpected(*failure);
    if (purge_uploads_ && !stopping()) report.uploads = purge_uploads_();
  }
  report.stopped = stopping();
  log(std::string(report.stopped ? "stopped: " : "") + (options.dry_run ? "would free " : "freed ") +
      std::to_string(report.blobs) + " blobs (" + std::to_string(report.orphans) +
      " orphans), " + std::to_string(report.bytes) + " bytes (" + Mebibytes(report.bytes) +
      "); " + std::to_string(report.manifests) + " manifests, " + std::to_string(report.links) +
      " links, " + std::to_string(report.uploads) + " expired uploads; " +
      std::to_string(clock_.Now() - started) + " s");
  return report;
}

}  // namespace berth
