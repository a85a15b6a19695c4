// Garbage collection, online: marks from the metadata what is still needed, sweeps the rest
// from the database and the blob store while pushes and pulls go on.
//
// A plan is made from one snapshot of the metadata and a listing of the store: with
// delete_untagged, the manifests no tag reaches (through an index's children or a referrer's
// subject) and older than the grace period; then every repository's links to blobs that no
// remaining manifest of it lists; then the blobs linked nowhere, older than the grace period and
// committed by no live upload, and the blobs the store holds that the metadata never knew. A
// dry run reports the plan. A real run carries it out with deletes that check each condition
// again as they delete (MetadataStore's garbage collection calls), so that a push, a tag or a
// mount since the snapshot wins over the plan: a run frees what its dry run reported, or less
// when the registry changed meanwhile, never more. Blobs go in batches (S3's DeleteObjects
// takes 1,000), `workers` batches at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "meta/metadata_store.h"
#include "storage/blob_store.h"

namespace berth {

struct GcOptions {
  bool dry_run = false;
  bool delete_untagged = false;
  std::chrono::seconds grace_period{std::chrono::hours(1)};
  int workers = 1;  // 1 to 5, as Harbor's
};

// What a run removed, or a dry run would.
struct GcReport {
  size_t manifests = 0;  // untagged manifests
  size_t links = 0;      // repositories' links to blobs
  size_t blobs = 0;      // blobs out of the store, orphans among them
  uint64_t bytes = 0;    // the bytes of those blobs
  size_t orphans = 0;    // blobs the metadata never knew
  size_t uploads = 0;    // expired upload sessions
  bool stopped = false;  // asked to stop before the end
};

struct GcPlan {
  std::vector<int64_t> manifests;  // ids
  std::vector<GcLink> links;
  std::vector<GcBlob> blobs;    // rows linked nowhere once the links go
  std::vector<GcBlob> orphans;  // in the store, not in the metadata
};

// What a collection that began at `before` (the grace period taken off) would remove.
GcPlan PlanCollection(const GcSnapshot& snapshot, const std::vector<StoredBlob>& stored,
                      bool delete_untagged, int64_t before);

class GarbageCollector {
 public:
  using Log = std::function<void(const std::string&)>;
  // Purges expired upload sessions; returns how many (Registry::PurgeExpiredUploads).
  using PurgeUploads = std::function<size_t()>;
  // Told of each repository whose manifests a run deleted, for the caches that hold them (the
  // change feed's kRepository).
  using Changed = std::function<void(const std::string& repository)>;

  GarbageCollector(MetadataStore& meta, BlobStore& blobs, const Clock& clock,
                   PurgeUploads purge_uploads, Changed changed);

  // Ends early, `stopped`, once `stop` is set (it is read between steps and batches); what was
  // removed until then stays removed, and is in the report and the log.
  Result<GcReport> Run(const GcOptions& options, const Log& log,
                       const std::atomic<bool>* stop = nullptr);

 private:
  MetadataStore& meta_;
  BlobStore& blobs_;
  const Clock& clock_;
  PurgeUploads purge_uploads_;
  Changed changed_;
};

}  // namespace berth
