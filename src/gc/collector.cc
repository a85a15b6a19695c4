#include "gc/collector.h"

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/strings.h"

namespace berth {
namespace {

// Digests are compared within a repository: (repository id, digest).
using RepositoryDigest = std::pair<int64_t, std::string>;


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

namespace {

// A blob a collection removes, or would.
struct Doomed {
  Digest digest;
  uint64_t size = 0;
  bool orphan = false;
};

// One run's work once its plan is made: each step checks the stop flag, and logs what it removed.
class Collection {
 public:
  Collection(MetadataStore& meta, BlobStore& blobs, const GcSnapshot& snapshot, int64_t before,
             const GarbageCollector::Log& log, const std::atomic<bool>* stop, GcReport& report)
      : meta_(meta),
        blobs_(blobs),
        snapshot_(snapshot),
        before_(before),
        log_(log),
        stop_(stop),
        report_(report) {
    for (const GcManifest& m : snapshot.manifests) manifests_[m.id] = &m;
  }

  bool Stopping() const { return stop_ && stop_->load(); }

  std::string NameOf(int64_t manifest_id) const {
    const GcManifest& m = *manifests_.at(manifest_id);
    auto repository = snapshot_.repositories.find(m.repository_id);
    return (repository == snapshot_.repositories.end() ? std::string("?") : repository->second) +
           "@" + m.digest;
  }

  // Indexes before their children and subjects before their referrers: each pass deletes what
  // nothing remaining needs, until a pass deletes nothing. Returns the repositories touched.
  Result<std::set<std::string>> DeleteManifests(std::vector<int64_t> pending) {
    std::set<std::string> touched;
    for (bool progress = true; progress && !pending.empty() && !Stopping();) {
      progress = false;
      std::vector<int64_t> left;
      for (int64_t id : pending) {
        auto deleted = meta_.DeleteUnneededManifest(id, before_);
        if (!deleted) return tl::unexpected(deleted.error());
        if (!*deleted) {
          left.push_back(id);
          continue;
        }
        ++report_.manifests;
        progress = true;
        touched.insert(snapshot_.repositories.at(manifests_.at(id)->repository_id));
        log_("deleted manifest " + NameOf(id));
      }
      pending = std::move(left);
    }
    return touched;
  }

  Status Unlink(std::span<const GcLink> links) {
    constexpr size_t kBatch = 256;
    for (size_t at = 0; at < links.size() && !Stopping(); at += kBatch) {
      auto removed = meta_.UnlinkUnreferenced(links.subspan(at, std::min(kBatch, links.size() - at)),
                                              before_);
      if (!removed) return tl::unexpected(removed.error());
      report_.links += *removed;
    }
    return {};
  }

  // Batches of blobs (S3's DeleteObjects takes 1,000), `workers` at once.
  Status Sweep(const std::vector<Doomed>& doomed, int workers) {
    constexpr size_t kBatch = 1000;
    std::unordered_map<std::string, const Doomed*> by_digest;
    std::vector<Digest> digests;
    for (const Doomed& d : doomed) {
      by_digest[d.digest.str()] = &d;
      digests.push_back(d.digest);
    }
    std::mutex mu;
    size_t next = 0;
    std::optional<Error> failure;
    auto work = [&] {
      while (true) {
        size_t first;
        {
          std::lock_guard lock(mu);
          if (failure || next >= digests.size() || Stopping()) return;
          first = next;
          next += kBatch;
        }
        auto gone = meta_.SweepBlobs(
            std::span(digests).subspan(first, std::min(kBatch, digests.size() - first)), before_,
            [&](std::span<const Digest> held) { return blobs_.DeleteBlobs(held); });
        std::lock_guard lock(mu);
        if (!gone) {
          failure = gone.error();
          return;
        }
        for (const Digest& digest : *gone) Count(*by_digest.at(digest.str()), "deleted");
      }
    };
    std::vector<std::thread> threads;
    for (int i = 1; i < std::clamp(workers, 1, 5); ++i) threads.emplace_back(work);
    work();
    for (std::thread& t : threads) t.join();
    if (failure) return tl::unexpected(*failure);
    return {};
  }

  void Count(const Doomed& d, const char* verb) {
    ++report_.blobs;
    report_.bytes += d.size;
    report_.orphans += d.orphan ? 1 : 0;
    log_(std::string(verb) + (d.orphan ? " orphan blob " : " blob ") + d.digest.str() + " (" +
         std::to_string(d.size) + " bytes)");
  }

 private:
  MetadataStore& meta_;
  BlobStore& blobs_;
  const GcSnapshot& snapshot_;
  const int64_t before_;
  const GarbageCollector::Log& log_;
  const std::atomic<bool>* stop_;
  GcReport& report_;
  std::unordered_map<int64_t, const GcManifest*> manifests_;
};

}  // namespace

GarbageCollector::GarbageCollector(MetadataStore& meta, BlobStore& blobs, const Clock& clock,
                                   PurgeUploads purge_uploads, Changed changed)
    : meta_(meta),
      blobs_(blobs),
      clock_(clock),
      purge_uploads_(std::move(purge_uploads)),
      changed_(std::move(changed)) {}

Result<GcReport> GarbageCollector::Run(const GcOptions& options, const Log& log,
                                       const std::atomic<bool>* stop) {
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
  std::vector<Doomed> doomed;
  for (const auto& [list, orphan] : {std::pair{&plan.blobs, false}, std::pair{&plan.orphans, true}}) {
    for (const GcBlob& b : *list) {
      if (auto digest = Digest::Parse(b.digest)) doomed.push_back({*digest, b.size, orphan});
    }
  }

  Collection collection(meta_, blobs_, *snapshot, before, log, stop, report);
  if (options.dry_run) {
    report.manifests = plan.manifests.size();
    report.links = plan.links.size();
    for (int64_t id : plan.manifests) log("would delete manifest " + collection.NameOf(id));
    for (const Doomed& d : doomed) collection.Count(d, "would delete");
  } else {
    auto touched = collection.DeleteManifests(plan.manifests);
    if (!touched) return tl::unexpected(touched.error());
    if (changed_) {
      for (const std::string& repository : *touched) changed_(repository);
    }
    if (auto s = collection.Unlink(plan.links); !s) return tl::unexpected(s.error());
    if (!plan.orphans.empty() && !collection.Stopping()) {
      if (auto s = meta_.AdoptBlobs(plan.orphans); !s) return tl::unexpected(s.error());
    }
    if (auto s = collection.Sweep(doomed, options.workers); !s) return tl::unexpected(s.error());
    if (purge_uploads_ && !collection.Stopping()) report.uploads = purge_uploads_();
  }
  report.stopped = collection.Stopping();
  log(std::string(report.stopped ? "stopped: " : "") + (options.dry_run ? "would free " : "freed ") +
      std::to_string(report.blobs) + " blobs (" + std::to_string(report.orphans) + " orphans), " +
      std::to_string(report.bytes) + " bytes (" + Mebibytes(static_cast<int64_t>(report.bytes)) +
      "); " + std::to_string(report.manifests) + " manifests, " + std::to_string(report.links) +
      " links, " + std::to_string(report.uploads) + " expired uploads; " +
      std::to_string(clock_.Now() - started) + " s");
  return report;
}

}  // namespace berth
