// BlobStore: content-addressed bytes. Blobs become visible only once whole and verified, by
// committing an upload under its digest. Implementations are thread-safe; one upload is
// written by one caller at a time (the registry serialises each upload session).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/digest.h"
#include "core/result.h"

namespace berth {

// A readable blob or upload. Reads are positional, so one reader may serve many ranges.
class BlobReader {
 public:
  virtual ~BlobReader() = default;
  virtual uint64_t size() const = 0;
  // Returns bytes read into `out` from `offset`; 0 at the end.
  virtual Result<size_t> ReadAt(uint64_t offset, std::span<char> out) = 0;
  // A file descriptor for zero-copy sends (sendfile), or -1 when the store has none.
  virtual int fd() const { return -1; }
};

class UploadWriter {
 public:
  virtual ~UploadWriter() = default;
  // Appends at the end of the upload.
  virtual Status Append(std::span<const char> bytes) = 0;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Returns the blob's size; kBlobUnknown if absent.
  virtual Result<uint64_t> Stat(const Digest& digest) = 0;
  // Opens the blob for reading; kBlobUnknown if absent.
  virtual Result<std::unique_ptr<BlobReader>> Open(const Digest& digest) = 0;
  // Removes the blob; kBlobUnknown if absent.
  virtual Status Delete(const Digest& digest) = 0;

  // Starts an empty upload named `uuid`.
  virtual Status CreateUpload(const std::string& uuid) = 0;
  // Returns the bytes written so far; kBlobUploadUnknown if there is no such upload.
  virtual Result<uint64_t> UploadSize(const std::string& uuid) = 0;
  virtual Result<std::unique_ptr<UploadWriter>> OpenUploadWriter(const std::string& uuid) = 0;
  virtual Result<std::unique_ptr<BlobReader>> OpenUploadReader(const std::string& uuid) = 0;
  // Makes the upload's bytes durable and visible as `digest`, which the caller has verified.
  virtual Status CommitUpload(const std::string& uuid, const Digest& digest) = 0;
  // Removes an upload and its bytes; succeeds when there is none.
  virtual Status DeleteUpload(const std::string& uuid) = 0;
  // Names of every upload present, for purging those the metadata no longer knows.
  virtual Result<std::vector<std::string>> ListUploads() = 0;
};

}  // namespace berth
