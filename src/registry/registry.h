// The OCI Distribution API v1.1 (/v2/...): blobs, uploads, manifests, tags, catalog and
// referrers, over a BlobStore and a MetadataStore. Thread-safe: the server calls it from the
// event loop (TryFast) and from worker threads (Handle) at once.
#pragma once

#include <condition_variable>
#include <string>
#include <thread>

#include "core/clock.h"
#include "http/message.h"
#include "meta/metadata_store.h"
#include "registry/manifest_cache.h"
#include "registry/uploads.h"
#include "storage/blob_store.h"

namespace berth {

struct RegistryOptions {
  size_t manifest_cache_entries = 8192;
  std::chrono::seconds upload_ttl{std::chrono::hours(24)};
  std::chrono::seconds upload_purge_interval{std::chrono::minutes(10)};
};

class Registry : public http::Handler {
 public:
  Registry(BlobStore& blobs, MetadataStore& meta, const Clock& clock, RegistryOptions options);
  ~Registry() override;

  std::optional<http::Response> TryFast(const http::Request& request) override;
  http::Dispatch Handle(const http::Request& request) override;

  // Starts the background purge of expired upload sessions; stopped by the destructor.
  void StartPurger();
  size_t PurgeExpiredUploads() { return uploads_.PurgeStale(options_.upload_ttl.count()); }

 // A parsed /v2/ path: which endpoint, for which repository and reference.
  struct Route;

 private:
  http::Dispatch HandleRoute(const http::Request& req, const Route& route);
  http::Response GetManifest(const http::Request& req, const Route& route);
  http::Response PutManifest(const http::Request& req, const Route& route, std::string body);
  http::Response DeleteManifest(const Route& route);
  http::Response GetBlob(const http::Request& req, const Route& route);
  http::Response DeleteBlob(const Route& route);
  http::Dispatch StartUpload(const http::Request& req, const Route& route);
  http::Dispatch WriteUpload(const http::Request& req, const Route& route, bool complete);
  http::Response UploadStatus(const Route& route);
  http::Response CancelUpload(const Route& route);
  http::Response ListTags(const http::Request& req, const Route& route);
  http::Response Catalog(const http::Request& req);
  http::Response Referrers(const http::Request& req, const Route& route);
  http::Response ManifestResponse(const http::Request& req, const ManifestCache::Entry& entry);

  BlobStore& blobs_;
  MetadataStore& meta_;
  const Clock& clock_;
  RegistryOptions options_;
  Uploads uploads_;
  ManifestCache manifests_;

  std::mutex purger_mu_;
  std::condition_variable purger_wake_;
  bool stopping_ = false;  // guarded by purger_mu_
  std::thread purger_;
};

}  // namespace berth
