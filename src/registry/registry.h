// The OCI Distribution API v1.1 (/v2/...): blobs, uploads, manifests, tags, catalog and
// referrers, over a BlobStore and a MetadataStore. Thread-safe: the server calls it from the
// event loop (TryFast) and from worker threads (Handle) at once.
#pragma once

#include <condition_variable>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/settings.h"
#include "events/event.h"
#include "http/message.h"
#include "meta/change_feed.h"
#include "meta/metadata_store.h"
#include "registry/manifest_cache.h"
#include "registry/uploads.h"
#include "storage/blob_store.h"

namespace berth {

struct RegistryOptions {
  size_t manifest_cache_entries = 8192;
  std::chrono::seconds upload_ttl{std::chrono::hours(24)};
  std::chrono::seconds upload_purge_interval{std::chrono::minutes(10)};
  bool pull_events = true;  // manifest GETs raise PULL_ARTIFACT
  UploadLimits upload_limits{64, 1024};  // sessions open at once, per repository and in all
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
    kUnavailable,        // the database that decides cannot be reached now: 503
  };
  virtual ~RegistryGuard() = default;
  // Sets *caller, when given, to who the request acts as: a user or robot name, or "anonymous".
  virtual Verdict Check(const http::Request& request, const Ask& ask, bool may_block,
                        std::string* caller = nullptr) = 0;
  // The WWW-Authenticate value that sends the client for a token covering `ask`.
  virtual std::string Challenge(const Ask& ask, bool insufficient_scope) const = 0;
  // Why a known caller was denied `ask`, in words that say what would allow it.
  virtual std::string DenialReason(const Ask& ask) const = 0;
};

class Registry : public http::Handler {
 public:
  // Without events nothing is announced; without settings the registry is never read-only.
  Registry(BlobStore& blobs, MetadataStore& meta, const Clock& clock, RegistryOptions options,
           RegistryGuard* guard = nullptr, EventSink* events = nullptr,
           const Settings* settings = nullptr, ChangeFeed* changes = nullptr);
  ~Registry() override;
  // Uploads a request is writing at this node now.
  size_t UploadsInFlight() { return uploads_.InFlight(); }

  std::optional<http::Response> TryFast(const http::Request& request) override;
  http::Dispatch Handle(const http::Request& request) override;

  // Deletes the repository with its manifests and tags (the management API's DELETE), and
  // forgets its cached manifests; kNotFound when absent.
  Status DeleteRepository(const std::string& name, const std::string& caller);
  // The management API's changes to content, made as a push or delete on /v2/ would be:
  // cached manifests forgotten, events raised for `caller`.
  Status DeleteArtifact(const std::string& repository, const Digest& digest,
                        const std::string& caller);
  Status DeleteTag(const std::string& repository, const std::string& tag,
                   const std::string& caller);
  // Points `tag` at the manifest `digest` of `repository`, copying it from `from` (another
  // repository, whose blobs are linked too) when given.
  Status PutTag(const std::string& repository, const std::string& digest, const std::string& tag,
                const std::string& caller);
  Status CopyArtifact(const std::string& from, const std::string& reference,
                      const std::string& to, const std::string& caller);

  // Starts the background purge of expired upload sessions; stopped by the destructor.
  void StartPurger();
  size_t PurgeExpiredUploads() { return uploads_.PurgeStale(options_.upload_ttl.count()); }

  // A parsed /v2/ path: which endpoint, for which repository and reference.
  struct Route;

 private:
  http::Dispatch HandleRoute(const http::Request& req, const Route& route,
                             const std::string& caller);
  // The refusal when the guard does not allow the request; nullopt to go on. Sets
  // *would_block instead when the guard cannot decide without blocking, and *caller to who
  // the request acts as.
  std::optional<http::Response> Refusal(const http::Request& req, const Route& route,
                                        bool may_block, bool* would_block, std::string* caller);
  void AnnouncePull(const std::string& caller, const std::string& repository,
                    const std::string& reference, const ManifestCache::Entry& entry);
  Event EventOf(EventKind kind, const std::string& caller, const std::string& repository,
                std::string digest, std::string tag = {}, std::string detail = {}) const;
  // What is not a stored change (pulls, quota refusals) goes to the event sink, when there is
  // one; a change's event goes to the store's outbox with the change (StoredEvent).
  void Announce(EventKind kind, const std::string& caller, const std::string& repository,
                std::string digest, std::string tag = {}, std::string detail = {});
  // The event a change records, or none when the registry has no event sink (a tool, a test).
  std::optional<Event> StoredEvent(EventKind kind, const std::string& caller,
                                   const std::string& repository, std::string digest,
                                   std::string tag = {}) const;
  bool ReadOnly() const { return settings_ && settings_->read_only(); }
  // QUOTA_EXCEED for `caller` and the refusal that goes with it.
  http::Response OverQuota(const std::string& caller, const std::string& repository,
                           const Error& error);
  // QUOTA_WARNING when the project's usage has just reached 85% of its limit.
  void WarnNearQuota(const std::string& caller, const std::string& repository,
                     int64_t used_before);
  bool MayPull(const http::Request& req, std::string_view repository);
  http::Response GetManifest(const http::Request& req, const Route& route,
                             const std::string& caller);
  http::Response PutManifest(const http::Request& req, const Route& route, std::string body,
                             const std::string& caller);
  http::Response DeleteManifest(const Route& route, const std::string& caller);
  http::Response GetBlob(const http::Request& req, const Route& route);
  http::Response DeleteBlob(const Route& route);
  http::Dispatch StartUpload(const http::Request& req, const Route& route,
                             const std::string& caller);
  http::Dispatch WriteUpload(const http::Request& req, const Route& route, bool complete,
                             const std::string& caller);
  // The sink for an upload's bytes, refusing them once they would pass the project's quota.
  http::Dispatch UploadInto(std::unique_ptr<Uploads::Writer> writer, const Route& route,
                            const std::string& uuid, std::optional<Digest> complete,
                            const std::string& caller);
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
  EventSink* events_;
  const Settings* settings_;
  Uploads uploads_;
  // A repository's manifests or tags changed here: every node's cache forgets them.
  void Changed(const std::string& repository);

  ManifestCache manifests_;
  ChangeFeed own_changes_;  // this node's alone, when none is given
  ChangeFeed& changes_;

  std::mutex purger_mu_;
  std::condition_variable purger_wake_;
  bool stopping_ = false;  // guarded by purger_mu_
  std::thread purger_;
};

}  // namespace berth
