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

// Who may do what on /v2/ is decided outside the registry (src/auth). Without a guard the
// registry is open to everyone, as its unit tests run it.
class RegistryGuard {
 public:
  // A token scope's parts: ("repository", "library/app", "pull"), ("registry", "catalog", "*");
  // an empty type for the base endpoint, which asks only that the caller be known.
  struct Ask {
    std::string_view type;
    std::string_view name;
    std::string_view action;
  };
  enum class Verdict {
    kAllow,
    kUnauthenticated,    // no or bad credentials: 401 and a challenge
    kInsufficientScope,  // a token that does not cover the ask: 401 and a challenge
    kDenied,             // known caller without the permission: 403
    kProjectUnknown,     // the repository's project does not exist: 404
    kWouldBlock,         // deciding needs the database or a password hash: ask again off-loop
  };
  virtual ~RegistryGuard() = default;
  virtual Verdict Check(const http::Request& request, const Ask& ask, bool may_block) = 0;
  // The WWW-Authenticate value that sends the client for a token covering `ask`.
  virtual std::string Challenge(const Ask& ask, bool insufficient_scope) const = 0;
};

class Registry : public http::Handler {
 public:
  Registry(BlobStore& blobs, MetadataStore& meta, const Clock& clock, RegistryOptions options,
           RegistryGuard* guard = nullptr);
  ~Registry() override;

  std::optional<http::Response> TryFast(const http::Request& request) override;
  http::Dispatch Handle(const http::Request& request) override;

  // Deletes the repository with its manifests and tags (the management API's DELETE), and
  // forgets its cached manifests; kNotFound when absent.
  Status DeleteRepository(const std::string& name);

  // Starts the background purge of expired upload sessions; stopped by the destructor.
  void StartPurger();
  size_t PurgeExpiredUploads() { return uploads_.PurgeStale(options_.upload_ttl.count()); }

  // A parsed /v2/ path: which endpoint, for which repository and reference.
  struct Route;

 private:
  http::Dispatch HandleRoute(const http::Request& req, const Route& route);
  // The refusal when the guard does not allow the request; nullopt to go on. Sets
  // *would_block instead when the guard cannot decide without blocking.
  std::optional<http::Response> Refusal(const http::Request& req, const Route& route,
                                        bool may_block, bool* would_block = nullptr);
  bool MayPull(const http::Request& req, std::string_view repository);
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
  RegistryGuard* guard_;
  Uploads uploads_;
  ManifestCache manifests_;

  std::mutex purger_mu_;
  std::condition_variable purger_wake_;
  bool stopping_ = false;  // guarded by purger_mu_
  std::thread purger_;
};

}  // namespace berth
