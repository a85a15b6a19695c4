// Blob upload sessions: bytes streamed into the BlobStore in order while their digest is
// computed, the session itself recorded in the MetadataStore so that a client can resume it
// after a restart. Thread-safe; each session is written by one request at a time.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>

#include "core/clock.h"
#include "core/digest.h"
#include "core/result.h"
#include "core/resumable_sha256.h"
#include "meta/metadata_store.h"
#include "storage/blob_store.h"

namespace berth {

class Uploads {
 public:
  // Activity is recorded at most once per `touch_interval` seconds per session; `limits` bound
  // how many sessions may be open at once.
  Uploads(BlobStore& blobs, MetadataStore& meta, const Clock& clock, int64_t touch_interval,
          UploadLimits limits)
      : blobs_(blobs),
        meta_(meta),
        clock_(clock),
        touch_interval_(touch_interval),
        limits_(limits) {}

  // Exclusive hold on one session for the length of one request.
  class Writer {
   public:
    ~Writer();
    uint64_t offset() const;
    // Appends the bytes and feeds them to the running digest.
    Status Append(std::span<const char> bytes);
    // The end of a request that did not complete the upload: what arrived is kept, where the
    // next request finds it (at another node too, when the store allows that), and the session
    // does not expire while it is used.
    Status Checkpoint();
    // Verifies the whole upload against `expected`; on a match the blob becomes visible and is
    // linked to the repository, on a mismatch the upload is dropped (DIGEST_INVALID).
    Status Complete(const Digest& expected);
    // Drops the session and its bytes: the upload cannot go on.
    void Discard();

   private:
    friend class Uploads;
    struct State;
    Writer(Uploads& owner, std::string repository, std::string uuid, std::shared_ptr<State> state);
    Uploads& owner_;
    std::string repository_;
    std::string uuid_;
    std::shared_ptr<State> state_;
    std::unique_ptr<UploadWriter> file_;
    uint64_t opened_at_ = 0;  // the upload's size when this request took it
  };

  // Starts an empty session in `repository`; returns its id. TOOMANYREQUESTS past the limits.
  Result<std::string> Start(const std::string& repository);
  // BLOB_UPLOAD_UNKNOWN if there is no such session in `repository`; BLOB_UPLOAD_INVALID while
  // another request holds it.
  Result<std::unique_ptr<Writer>> Open(const std::string& repository, const std::string& uuid);
  // Bytes received so far.
  Result<uint64_t> Offset(const std::string& repository, const std::string& uuid);
  Status Cancel(const std::string& repository, const std::string& uuid);
  // Removes sessions idle for longer than `ttl` seconds, and upload bytes no session owns.
  // Returns how many it removed.
  size_t PurgeStale(int64_t ttl);
  // Sessions a request is writing at this node now.
  size_t InFlight();

 private:
  Result<UploadRecord> Check(const std::string& repository, const std::string& uuid);
  Status OpenFile(Writer& writer);
  void Drop(const std::string& uuid);

  BlobStore& blobs_;
  MetadataStore& meta_;
  const Clock& clock_;
  const int64_t touch_interval_;
  const UploadLimits limits_;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<Writer::State>> states_;  // guarded by mu_
};

}  // namespace berth
