// A small S3 client over libcurl: the object calls the S3 blob store makes (head, get, put,
// delete, copy, list, multipart uploads) and presigned URLs, each signed with SigV4. Blocking;
// thread-safe (each thread keeps its own connection to the endpoint). Counts its requests, errors
// and time for /metrics.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "storage/sigv4.h"

namespace berth {

struct S3Options {
  std::string endpoint;  // http(s)://host:port; empty: AWS's regional endpoint
  std::string region = "us-east-1";
  std::string bucket;
  std::string access_key;
  std::string secret_key;
  std::string prefix;  // prepended, with a '/', to every key
};

// Per operation ("GetObject", "PutObject", ...): for /metrics.
struct S3OperationStats {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> micros{0};
};

class S3Client {
 public:
  explicit S3Client(S3Options options);
  ~S3Client();

  // Checks that the bucket answers to these credentials: one clear error saying what is wrong.
  Status CheckBucket();

  // The object's size; kNotFound when there is none.
  Result<uint64_t> Head(const std::string& key);
  Status Put(const std::string& key, std::string_view bytes);
  // Removes the object; succeeds when there is none.
  Status Delete(const std::string& key);
  // Server-side copy, in parts when the object is larger than one copy may be (5 GiB).
  Status Copy(const std::string& from, const std::string& to, uint64_t size);
  // Every key under `prefix` (relative to the client's prefix), in order.
  Result<std::vector<std::string>> List(const std::string& prefix);
  struct Object {
    std::string key;  // relative to the client's prefix
    uint64_t size = 0;
    int64_t modified = 0;  // Unix seconds
  };
  // Every object under `prefix`, in key order.
  Result<std::vector<Object>> ListObjects(const std::string& prefix);
  // Removes the objects, up to 1,000 a request (DeleteObjects); returns the keys that could not
  // be removed, sorted. One missing is removed.
  Result<std::vector<std::string>> DeleteMany(std::span<const std::string> keys);

  Result<std::string> CreateMultipartUpload(const std::string& key);
  // Returns the part's ETag.
  Result<std::string> UploadPart(const std::string& key, const std::string& upload_id, int part,
                                 std::string_view bytes);
  struct Part {
    int number;
    std::string etag;
  };
  Status CompleteMultipartUpload(const std::string& key, const std::string& upload_id,
                                 const std::vector<Part>& parts);
  Status AbortMultipartUpload(const std::string& key, const std::string& upload_id);
  // The multipart uploads begun and neither completed nor aborted under `prefix`: key and id.
  Result<std::vector<std::pair<std::string, std::string>>> ListMultipartUploads(
      const std::string& prefix);

  // Bytes [offset, offset+length) of an object, read as they arrive: one GET, however many
  // reads take it.
  class Stream {
   public:
    virtual ~Stream() = default;
    // Returns bytes read into `out`; 0 at the end.
    virtual Result<size_t> Read(std::span<char> out) = 0;
  };
  // The GET is sent at the first read, which reports what went wrong.
  std::unique_ptr<Stream> OpenRead(const std::string& key, uint64_t offset, uint64_t length);

  // A GET URL for the object, valid for `seconds`.
  std::string PresignedGet(const std::string& key, int seconds) const;

  const std::map<std::string, S3OperationStats>& stats() const { return stats_; }
  // Whether the last request found the store out of reach (no answer, or a 5xx).
  bool Down() const { return down_; }

 private:
  struct Reply {
    long status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names
  };
  // One signed request; `key` empty: the bucket itself.
  Result<Reply> Send(const char* operation, const std::string& method, const std::string& key,
                     std::vector<std::pair<std::string, std::string>> query,
                     std::vector<std::pair<std::string, std::string>> headers,
                     std::string_view body);
  // The signed header lines of a request.
  std::vector<std::string> SignedHeaders(
      const std::string& method, const std::string& path,
      const std::vector<std::pair<std::string, std::string>>& query,
      std::vector<std::pair<std::string, std::string>> headers) const;
  S3OperationStats& Stats(const char* operation);
  friend class S3ReadStream;
  std::string ObjectPath(const std::string& key) const;  // encoded: /bucket/prefix/key
  std::string Url(const std::string& path) const;

  S3Options options_;
  S3Credentials credentials_;
  std::atomic<bool> down_ = false;
  std::string scheme_;  // "http" or "https"
  std::string host_;    // host[:port]
  bool virtual_hosted_ = false;
  std::map<std::string, S3OperationStats> stats_;  // every operation's entry made up front
};

}  // namespace berth
