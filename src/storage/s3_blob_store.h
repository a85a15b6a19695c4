// S3BlobStore: blobs in an S3-compatible bucket, under the same layout as the filesystem's
// (blobs/<alg>/<first 2 hex>/<hex>, uploads/<uuid>/...), below the configured prefix.
//
// An upload streams into a multipart upload, a part whenever a part's worth has arrived: no blob
// and no whole chunk is held in memory, only the part being filled. At the end of a request, what
// is left is made a part when it is at least S3's 5 MiB minimum, or kept as a small "tail"
// object otherwise, which the next request (at any node) takes up again; the upload's record
// (the multipart upload's id, its parts, the tail's size) travels with the session. Completion
// puts a small blob in one PUT, or completes the multipart upload and copies it into place
// (server-side); the blob is visible only then. Thread-safe.
#pragma once

#include <memory>

#include "storage/blob_store.h"
#include "storage/s3_client.h"

namespace berth {

class S3BlobStore : public BlobStore {
 public:
  struct Options {
    S3Options s3;
    bool redirect = false;  // RedirectUrl offers presigned GETs
    size_t part_bytes = 8 << 20;
  };
  // Checks the bucket first: a bad endpoint, bucket or credentials fail here.
  static Result<std::unique_ptr<S3BlobStore>> Open(Options options);

  Result<uint64_t> Stat(const Digest& digest) override;
  Result<std::unique_ptr<BlobReader>> Open(const Digest& digest) override;
  Status Delete(const Digest& digest) override;
  Result<std::vector<Digest>> DeleteBlobs(std::span<const Digest> digests) override;
  Result<std::vector<StoredBlob>> ListBlobs() override;
  std::optional<std::string> RedirectUrl(const Digest& digest) override;

  bool SharedUploads() const override { return true; }
  Result<std::string> CreateUpload(const std::string& uuid) override;
  Result<uint64_t> UploadSize(const std::string& uuid, const std::string& record) override;
  Result<std::unique_ptr<UploadWriter>> OpenUploadWriter(const std::string& uuid,
                                                         const std::string& record) override;
  Result<std::unique_ptr<BlobReader>> OpenUploadReader(const std::string& uuid,
                                                       const std::string& record) override;
  Status DeleteUpload(const std::string& uuid) override;
  Result<std::vector<std::string>> ListUploads() override;

  S3Client& client() { return *client_; }

 private:
  explicit S3BlobStore(Options options);

  Options options_;
  std::unique_ptr<S3Client> client_;
};

}  // namespace berth
