// MetadataStore: the single source of truth for repositories, manifests, tags, each
// repository's blob links and upload sessions. Every call is one transaction, so concurrent
// pushes of the same blob or tag leave the store consistent. Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/digest.h"
#include "core/list_query.h"
#include "core/result.h"
#include "events/event.h"

namespace berth {

struct ManifestRecord {
  std::string repository;
  std::string digest;
  std::string media_type;
  std::string content;  // the bytes exactly as pushed
  std::string subject;  // digest of the `subject` manifest, or empty
  std::string artifact_type;
  int64_t pushed_at = 0;              // Unix seconds
  std::vector<std::string> blobs;     // config and layers: must be linked to the repository
  std::vector<std::string> children;  // an index's manifests: must exist in the repository
};

struct UploadLimits {
  int64_t per_repository = 0;
  int64_t total = 0;
};

struct UploadRecord {
  std::string uuid;
  std::string repository;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  // Where an upload that may go on at another node stands (BlobStore::SharedUploads): the bytes
  // received, the running digest's state, and the blob store's record of the upload.
  uint64_t size = 0;
  std::string digest_state;
  std::string store_record;
};

struct RepositoryRecord {
  int64_t id = 0;
  std::string name;
  std::string description;
  int64_t created_at = 0;
  int64_t updated_at = 0;      // the last push or tag change, or creation
  int64_t artifact_count = 0;  // manifests in the repository
  int64_t pull_count = 0;      // manifest GETs, counted off the request path
};

// A project's storage quota as it stands.
struct StorageUse {
  int64_t limit = 0;  // bytes
  int64_t used = 0;
};

struct Page {
  std::string last;  // exclusive lower bound; empty for the first page
  size_t limit = 0;  // 0: no limit
};

// What garbage collection plans from (gc/collector.h): every manifest, link and blob row, read
// in one transaction.
struct GcManifest {
  int64_t id = 0;
  int64_t repository_id = 0;
  std::string digest;
  std::string subject;  // the digest of what it refers to; empty if nothing
  uint64_t size = 0;
  bool tagged = false;
  int64_t pushed_at = 0;
  std::vector<std::string> blobs;     // config and layers
  std::vector<std::string> children;  // an index's manifests
};
struct GcLink {
  int64_t repository_id = 0;
  std::string digest;
  int64_t created_at = 0;
};
struct GcBlob {
  std::string digest;
  uint64_t size = 0;
  int64_t created_at = 0;
  bool committing = false;  // a live upload is putting its bytes in the store
};
struct GcSnapshot {
  std::map<int64_t, std::string> repositories;  // by id
  std::vector<GcManifest> manifests;
  std::vector<GcLink> links;
  std::vector<GcBlob> blobs;
};

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  // Repository names in lexical order, after page.last.
  virtual Result<std::vector<std::string>> ListRepositories(const Page& page) = 0;

  // The repositories that hold an artifact, of the `projects` named (nullopt: of every
  // project), filtered by name, sorted (name, creation_time, update_time, artifact_count,
  // pull_count; by name when unsaid) and cut in the database. BAD_REQUEST for another field.
  virtual Result<ListPage<RepositoryRecord>> ListRepositoryRecords(
      const std::optional<std::vector<std::string>>& projects, const ListRequest& request) = 0;
  // kNotFound when absent.
  virtual Result<RepositoryRecord> GetRepository(const std::string& name) = 0;
  virtual Status SetRepositoryDescription(const std::string& name, const std::string& description,
                                          int64_t now) = 0;
  // The repository with its manifests, tags and blob links (the blobs stay for garbage
  // collection); kNotFound when absent. Each change below records `event`, when given, in its
  // own transaction (meta/outbox_store.h).
  virtual Status DeleteRepository(const std::string& name,
                                  const std::optional<Event>& event = std::nullopt) = 0;

  // The project's quota and what it holds; nullopt when it has no limit.
  virtual Result<std::optional<StorageUse>> ProjectStorage(const std::string& project) = 0;

  // Returns the size of `digest` if it is linked to `repository`; kBlobUnknown otherwise.
  virtual Result<uint64_t> LinkedBlobSize(const std::string& repository, const Digest& digest) = 0;
  // Records the blob and links it to the repository, creating the repository if needed;
  // kQuotaExceeded if the blob is new to the project and would pass its storage limit.
  virtual Status LinkBlob(const std::string& repository, const Digest& digest, uint64_t size,
                          int64_t now) = 0;
  // LinkBlob and DeleteUpload(uuid) in one transaction: the end of a verified upload.
  virtual Status LinkUploadedBlob(const std::string& uuid, const std::string& repository,
                                  const Digest& digest, uint64_t size, int64_t now) = 0;
  // Removes the link; kBlobUnknown if it was not linked.
  virtual Status UnlinkBlob(const std::string& repository, const Digest& digest) = 0;

  // Stores the manifest (a no-op if that digest is already there) and, when `tag` is given,
  // points the tag at it. kManifestBlobUnknown if a blob or child it references is missing.
  virtual Status PutManifest(const ManifestRecord& manifest, const std::optional<std::string>& tag,
                             int64_t now, const std::optional<Event>& event = std::nullopt) = 0;
  // `reference` is a tag or a digest; kManifestUnknown if absent, kNameUnknown without repo.
  virtual Result<ManifestRecord> GetManifest(const std::string& repository,
                                             const std::string& reference) = 0;
  // Deletes the manifest and every tag on it; kManifestUnknown if absent.
  virtual Status DeleteManifest(const std::string& repository, const Digest& digest,
                                const std::optional<Event>& event = std::nullopt) = 0;
  // kManifestUnknown if the tag is absent.
  virtual Status DeleteTag(const std::string& repository, const std::string& tag,
                           const std::optional<Event>& event = std::nullopt) = 0;
  // Tags in lexical order (case-insensitive first); kNameUnknown if there is no repository.
  virtual Result<std::vector<std::string>> ListTags(const std::string& repository,
                                                    const Page& page) = 0;
  // Manifests of the repository whose subject is `subject`, oldest first.
  virtual Result<std::vector<ManifestRecord>> ListReferrers(const std::string& repository,
                                                            const Digest& subject) = 0;

  // TOOMANYREQUESTS when the repository already has `per_repository` sessions or the registry
  // `total` (0: no bound); counted and inserted in one transaction.
  virtual Status CreateUpload(const UploadRecord& upload, const UploadLimits& limits) = 0;
  // kBlobUploadUnknown if absent.
  virtual Result<UploadRecord> GetUpload(const std::string& uuid) = 0;
  virtual Status TouchUpload(const std::string& uuid, int64_t now) = 0;
  // Records how far the upload has come (size, digest_state, store_record, updated_at), if it
  // still stands at `previous_size`; BLOB_UPLOAD_INVALID when another request moved it on
  // meanwhile, BLOB_UPLOAD_UNKNOWN when it is gone.
  virtual Status SaveUploadProgress(const UploadRecord& progress, uint64_t previous_size) = 0;
  virtual Status DeleteUpload(const std::string& uuid) = 0;
  // Uploads not touched since `before` (Unix seconds).
  virtual Result<std::vector<std::string>> StaleUploads(int64_t before) = 0;

  // Garbage collection. Before an upload's bytes reach the store as `digest`, its blob row is
  // made (or dated `now` again) and the upload marked as committing it, in one transaction: a
  // collection that has not begun to sweep the blob sees it as fresh and live, and one that has
  // holds the row until its bytes are gone, so the upload's bytes land after.
  virtual Status ReserveBlob(const std::string& uuid, const Digest& digest, uint64_t size,
                             int64_t now) = 0;
  virtual Result<GcSnapshot> ReadGcSnapshot() = 0;
  // Deletes the manifest if it is still untagged, pushed before `before`, listed by no index
  // of its repository and the referrer of nothing there; returns whether it did.
  virtual Result<bool> DeleteUnneededManifest(int64_t id, int64_t before) = 0;
  // Removes each link still listed by no manifest of its repository and made before `before`;
  // returns how many it removed.
  virtual Result<size_t> UnlinkUnreferenced(std::span<const GcLink> links, int64_t before) = 0;
  // Of `digests`, the blob rows still linked nowhere, made before `before` and committed by no
  // live upload are held while `remove` deletes their bytes; the rows of those it returns as
  // gone are deleted. Returns those.
  using RemoveBlobs = std::function<Result<std::vector<Digest>>(std::span<const Digest>)>;
  virtual Result<std::vector<Digest>> SweepBlobs(std::span<const Digest> digests, int64_t before,
                                                 const RemoveBlobs& remove) = 0;
  // Rows, dated as given, for blobs in the store that the metadata never knew (a crash between
  // the bytes and their row); rows that exist are left as they are.
  virtual Status AdoptBlobs(std::span<const GcBlob> blobs) = 0;
  // Sets the size a blob row claims, for `berth fsck --repair` when the store's differs.
  virtual Status SetBlobSize(const std::string& digest, uint64_t size) = 0;
};

}  // namespace berth
