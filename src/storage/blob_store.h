// BlobStore: content-addressed bytes. Blobs become visible only once whole and verified, by
// committing an upload under its digest. Implementations are thread-safe; one upload is
// written by one caller at a time (the registry serialises each upload session).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
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

// Reads every byte of `reader`, from the start, into `hasher` (a Hasher, a ResumableSha256):
// to check what a blob or an upload holds.
template <class H>
Result<H> HashFrom(BlobReader& reader, H hasher) {
  std::vector<char> buf(1 << 20);
  uint64_t offset = 0;
  while (true) {
    auto n = reader.ReadAt(offset, buf);
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) return hasher;
    hasher.Update(std::span<const char>(buf.data(), *n));
    offset += *n;
  }
}

class UploadWriter {
 public:
  virtual ~UploadWriter() = default;
  // Appends at the end of the upload.
  virtual Status Append(std::span<const char> bytes) = 0;
  // Makes every byte appended so far durable, so that the upload can go on from another writer,
  // at another node; returns the store's record of the upload, to keep with its session.
  virtual Result<std::string> Flush() = 0;
  // Flush, for an upload no byte will be added to: afterwards OpenUploadReader, given the record
  // returned, reads it back (an object store cannot read an unfinished upload).
  virtual Result<std::string> Seal() { return Flush(); }
  // Makes the upload's bytes durable and visible as `digest`, which the caller has verified; the
  // upload is gone afterwards.
  virtual Status Commit(const Digest& digest) = 0;
};

// A blob as the store holds it, for garbage collection and checks.
struct StoredBlob {
  Digest digest;
  uint64_t size = 0;
  int64_t modified = 0;  // Unix seconds
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
  // Removes the blobs, in as few requests as the store allows; returns those now absent (deleted,
  // or not there). A failure to remove one leaves it out of the answer, not the others.
  virtual Result<std::vector<Digest>> DeleteBlobs(std::span<const Digest> digests);
  // Every blob stored, in no particular order; a name that is no digest is left out.
  virtual Result<std::vector<StoredBlob>> ListBlobs() = 0;
  // A URL the client may fetch the blob from itself, when the store offers one (a presigned
  // object URL); nullopt: the registry serves the bytes.
  virtual std::optional<std::string> RedirectUrl(const Digest& digest) { return std::nullopt; }

  // Whether an upload may go on at another node than the one that began it: its record and its
  // running digest then travel with the session, in the metadata.
  virtual bool SharedUploads() const { return false; }
  // An upload is named by `uuid` and described by the store's `record` of it (what Flush last
  // returned; "" for a new one).
  // Starts an empty upload; returns its record.
  virtual Result<std::string> CreateUpload(const std::string& uuid) = 0;
  // Returns the bytes written so far; kBlobUploadUnknown if there is no such upload.
  virtual Result<uint64_t> UploadSize(const std::string& uuid, const std::string& record) = 0;
  virtual Result<std::unique_ptr<UploadWriter>> OpenUploadWriter(const std::string& uuid,
                                                                 const std::string& record) = 0;
  virtual Result<std::unique_ptr<BlobReader>> OpenUploadReader(const std::string& uuid,
                                                               const std::string& record) = 0;
  // Removes an upload and its bytes, whatever its record says; succeeds when there is none.
  virtual Status DeleteUpload(const std::string& uuid) = 0;
  // Names of every upload present, for purging those the metadata no longer knows.
  virtual Result<std::vector<std::string>> ListUploads() = 0;
};

}  // namespace berth
