#include "storage/s3_blob_store.h"

#include <boost/json.hpp>
#include <algorithm>
#include <set>

namespace berth {
namespace {

// S3's smallest part but the last.
constexpr size_t kMinPart = 5 << 20;
// How long a presigned blob URL stays good: enough to start a large download.
constexpr int kRedirectSeconds = 20 * 60;

std::string BlobKey(const Digest& digest) {
  const std::string_view hex = digest.hex();
  return "blobs/" + std::string(digest.algorithm()) + "/" + std::string(hex.substr(0, 2)) + "/" +
         std::string(hex);
}

std::string UploadPrefix(const std::string& uuid) { return "uploads/" + uuid + "/"; }
std::string DataKey(const std::string& uuid) { return UploadPrefix(uuid) + "data"; }

// The store's record of an upload, kept with the session as JSON.
struct Record {
  struct Part {
    std::string etag;
    uint64_t size = 0;
  };
  std::string upload_id;    // the multipart upload's, once a part went up
  std::vector<Part> parts;  // numbered from 1 in this order
  uint64_t tail = 0;        // bytes after the parts, in the tail object
  bool sealed = false;      // assembled into the data object, nothing more to come
  uint64_t sealed_size = 0;

  uint64_t InParts() const {
    uint64_t n = 0;
    for (const Part& p : parts) n += p.size;
    return n;
  }
  uint64_t Size() const { return sealed ? sealed_size : InParts() + tail; }
  // The tail's key names the offset it starts at: a request that failed before its record was
  // kept may have written another tail, and must not have written over this one.
  std::string TailKey(const std::string& uuid) const {
    return UploadPrefix(uuid) + "tail-" + std::to_string(InParts());
  }
  std::vector<S3Client::Part> Numbered() const {
    std::vector<S3Client::Part> out;
    for (const Part& p : parts) out.push_back({static_cast<int>(out.size()) + 1, p.etag});
    return out;
  }

  std::string Json() const {
    boost::json::array parts_json;
    for (const Part& p : parts) parts_json.push_back(boost::json::array{p.etag, p.size});
    boost::json::object o{{"id", upload_id}, {"parts", parts_json}, {"tail", tail}};
    if (sealed) o["sealed"] = sealed_size;
    return boost::json::serialize(o);
  }

  static Result<Record> Parse(const std::string& text) {
    Record r;
    if (text.empty()) return r;
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    if (ec || !v.is_object())
      return Fail(ErrorCode::kBlobUploadInvalid, "unreadable upload record");
    try {
      const auto& o = v.as_object();
      r.upload_id = std::string(o.at("id").as_string());
      for (const auto& p : o.at("parts").as_array()) {
        r.parts.push_back({std::string(p.as_array().at(0).as_string()),
                           p.as_array().at(1).to_number<uint64_t>()});
      }
      r.tail = o.at("tail").to_number<uint64_t>();
      if (const auto* sealed = o.if_contains("sealed")) {
        r.sealed = true;
        r.sealed_size = sealed->to_number<uint64_t>();
      }
    } catch (const std::exception& e) {
      return Fail(ErrorCode::kBlobUploadInvalid,
                  std::string("unreadable upload record: ") + e.what());
    }
    return r;
  }
};

Status DeleteUnder(S3Client& client, const std::string& prefix) {
  auto keys = client.List(prefix);
  if (!keys) return tl::unexpected(keys.error());
  for (const std::string& key : *keys) {
    if (auto s = client.Delete(key); !s) return s;
  }
  return {};
}

class S3BlobReader : public BlobReader {
 public:
  S3BlobReader(S3Client& client, std::string key, uint64_t size)
      : client_(client), key_(std::move(key)), size_(size) {}
  uint64_t size() const override { return size_; }

  Result<size_t> ReadAt(uint64_t offset, std::span<char> out) override {
    if (offset >= size_ || out.empty()) return 0;
    // One GET serves reads that follow each other; a jump starts another.
    if (!stream_ || offset != position_) {
      stream_ = client_.OpenRead(key_, offset, size_ - offset);
      position_ = offset;
    }
    auto n = stream_->Read(out);
    if (!n) {
      stream_.reset();
      return n;
    }
    position_ += *n;
    return n;
  }

 private:
  S3Client& client_;
  const std::string key_;
  const uint64_t size_;
  std::unique_ptr<S3Client::Stream> stream_;
  uint64_t position_ = 0;
};

class S3UploadWriter : public UploadWriter {
 public:
  S3UploadWriter(S3Client& client, std::string uuid, Record record, size_t part_bytes)
      : client_(client),
        uuid_(std::move(uuid)),
        record_(std::move(record)),
        part_bytes_(part_bytes) {}

  Status Append(std::span<const char> bytes) override {
    if (record_.sealed) return Fail(ErrorCode::kBlobUploadInvalid, "the upload is complete");
    if (auto s = TakeUpTail(); !s) return s;
    while (!bytes.empty()) {
      const size_t take = std::min(bytes.size(), part_bytes_ - buffer_.size());
      buffer_.append(bytes.data(), take);
      bytes = bytes.subspan(take);
      if (buffer_.size() == part_bytes_) {
        if (auto s = PutPart(); !s) return s;
      }
    }
    return {};
  }

  Result<std::string> Flush() override {
    if (record_.sealed) return record_.Json();
    if (auto s = TakeUpTail(); !s) return tl::unexpected(s.error());
    if (buffer_.size() >= kMinPart) {
      if (auto s = PutPart(); !s) return tl::unexpected(s.error());
    }
    if (!buffer_.empty()) {
      if (auto s = client_.Put(record_.TailKey(uuid_), buffer_); !s)
        return tl::unexpected(s.error());
    }
    record_.tail = buffer_.size();
    return record_.Json();
  }

  Result<std::string> Seal() override {
    if (record_.sealed) return record_.Json();
    if (auto s = TakeUpTail(); !s) return tl::unexpected(s.error());
    const uint64_t size = record_.InParts() + buffer_.size();
    if (auto s = Assemble(DataKey(uuid_)); !s) return tl::unexpected(s.error());
    record_ = Record{};
    record_.sealed = true;
    record_.sealed_size = size;
    return record_.Json();
  }

  Status Commit(const Digest& digest) override {
    const std::string key = BlobKey(digest);
    if (record_.sealed) {
      if (auto s = client_.Copy(DataKey(uuid_), key, record_.sealed_size); !s) return s;
    } else {
      if (auto s = TakeUpTail(); !s) return s;
      if (record_.parts.empty()) {
        // Small enough to have never made a part: one PUT, straight into place.
        if (auto s = client_.Put(key, buffer_); !s) return s;
      } else {
        if (auto s = Assemble(DataKey(uuid_)); !s) return s;
        if (auto s = client_.Copy(DataKey(uuid_), key, record_.InParts()); !s) return s;
      }
    }
    // The blob is in place; what is left of the upload is garbage, swept now if it can be (the
    // expiry of sessions finds it otherwise).
    DeleteUnder(client_, UploadPrefix(uuid_));
    return {};
  }

 private:
  // The bytes the last request left in the tail object go first into this one's buffer: at most
  // a part's minimum read back, never the upload from its start.
  Status TakeUpTail() {
    if (tail_taken_ || record_.tail == 0) {
      tail_taken_ = true;
      return {};
    }
    auto stream = client_.OpenRead(record_.TailKey(uuid_), 0, record_.tail);
    buffer_.resize(record_.tail);
    size_t have = 0;
    while (have < record_.tail) {
      auto n = stream->Read(std::span(buffer_.data() + have, buffer_.size() - have));
      if (!n) return tl::unexpected(n.error());
      if (*n == 0) return Fail(ErrorCode::kBlobUploadInvalid, "the upload's tail is short");
      have += *n;
    }
    tail_taken_ = true;
    return {};
  }

  // Sends the buffer as the next part. Its number follows from the record, so a request that
  // failed and is sent again writes over the same part rather than adding one.
  Status PutPart() {
    if (record_.upload_id.empty()) {
      auto id = client_.CreateMultipartUpload(DataKey(uuid_));
      if (!id) return tl::unexpected(id.error());
      record_.upload_id = std::move(*id);
    }
    const int number = static_cast<int>(record_.parts.size()) + 1;
    auto etag = client_.UploadPart(DataKey(uuid_), record_.upload_id, number, buffer_);
    if (!etag) return tl::unexpected(etag.error());
    record_.parts.push_back({std::move(*etag), buffer_.size()});
    record_.tail = 0;
    buffer_.clear();
    return {};
  }

  // Every byte so far as the object at `key`: the buffer as the last part, then the multipart
  // upload completed (or, with no part yet, the buffer put as is).
  Status Assemble(const std::string& key) {
    if (record_.parts.empty()) return client_.Put(key, buffer_);
    if (!buffer_.empty()) {
      if (auto s = PutPart(); !s) return s;
    }
    return client_.CompleteMultipartUpload(key, record_.upload_id, record_.Numbered());
  }

  S3Client& client_;
  const std::string uuid_;
  Record record_;
  const size_t part_bytes_;
  std::string buffer_;
  bool tail_taken_ = false;
};

}  // namespace

S3BlobStore::S3BlobStore(Options options)
    : options_(std::move(options)), client_(std::make_unique<S3Client>(options_.s3)) {}

Result<std::unique_ptr<S3BlobStore>> S3BlobStore::Open(Options options) {
  if (options.s3.bucket.empty()) {
    return Fail(ErrorCode::kInternal, "storage.s3.bucket is empty: name the bucket to use");
  }
  if (!options.s3.endpoint.empty() && !options.s3.endpoint.starts_with("http://") &&
      !options.s3.endpoint.starts_with("https://")) {
    return Fail(ErrorCode::kInternal, "storage.s3.endpoint " + options.s3.endpoint +
                                          " is not an http:// or https:// URL");
  }
  std::unique_ptr<S3BlobStore> store(new S3BlobStore(std::move(options)));
  if (auto s = store->client_->CheckBucket(); !s) return tl::unexpected(s.error());
  return store;
}

Result<uint64_t> S3BlobStore::Stat(const Digest& digest) {
  auto size = client_->Head(BlobKey(digest));
  if (!size && size.error().code == ErrorCode::kNotFound) return Fail(ErrorCode::kBlobUnknown);
  return size;
}

Result<std::unique_ptr<BlobReader>> S3BlobStore::Open(const Digest& digest) {
  auto size = Stat(digest);
  if (!size) return tl::unexpected(size.error());
  return std::make_unique<S3BlobReader>(*client_, BlobKey(digest), *size);
}

Status S3BlobStore::Delete(const Digest& digest) {
  if (auto size = Stat(digest); !size) return tl::unexpected(size.error());
  return client_->Delete(BlobKey(digest));
}

Result<std::vector<Digest>> S3BlobStore::DeleteBlobs(std::span<const Digest> digests) {
  std::vector<std::string> keys;
  for (const Digest& digest : digests) keys.push_back(BlobKey(digest));
  auto failed = client_->DeleteMany(keys);
  if (!failed) return tl::unexpected(failed.error());
  std::vector<Digest> absent;
  for (size_t i = 0; i < digests.size(); ++i) {
    if (!std::binary_search(failed->begin(), failed->end(), keys[i])) absent.push_back(digests[i]);
  }
  return absent;
}

Result<std::vector<StoredBlob>> S3BlobStore::ListBlobs() {
  auto objects = client_->ListObjects("blobs/");
  if (!objects) return tl::unexpected(objects.error());
  std::vector<StoredBlob> out;
  for (const S3Client::Object& o : *objects) {
    // blobs/<algorithm>/<first two hex>/<hex>
    const std::string_view key = o.key;
    const size_t algorithm_end = key.find('/', 6);
    const size_t hex_at = key.rfind('/');
    if (algorithm_end == std::string_view::npos || hex_at <= algorithm_end) continue;
    auto digest = Digest::Parse(std::string(key.substr(6, algorithm_end - 6)) + ":" +
                                std::string(key.substr(hex_at + 1)));
    if (!digest || BlobKey(*digest) != key) continue;
    out.push_back({*digest, o.size, o.modified});
  }
  return out;
}

std::optional<std::string> S3BlobStore::RedirectUrl(const Digest& digest) {
  if (!options_.redirect) return std::nullopt;
  return client_->PresignedGet(BlobKey(digest), kRedirectSeconds);
}

// Nothing is sent yet: the multipart upload begins with the first part, a small blob never
// needs one. But while the last request found the store out of reach, one look at the bucket
// decides first: a client retrying through an outage is refused at the start rather than
// leaving a session behind at each attempt.
Result<std::string> S3BlobStore::CreateUpload(const std::string&) {
  if (client_->Down()) {
    if (auto s = client_->CheckBucket(); !s) return tl::unexpected(s.error());
  }
  return Record{}.Json();
}

Result<uint64_t> S3BlobStore::UploadSize(const std::string&, const std::string& record) {
  auto r = Record::Parse(record);
  if (!r) return tl::unexpected(r.error());
  return r->Size();
}

Result<std::unique_ptr<UploadWriter>> S3BlobStore::OpenUploadWriter(const std::string& uuid,
                                                                    const std::string& record) {
  auto r = Record::Parse(record);
  if (!r) return tl::unexpected(r.error());
  return std::make_unique<S3UploadWriter>(*client_, uuid, std::move(*r), options_.part_bytes);
}

Result<std::unique_ptr<BlobReader>> S3BlobStore::OpenUploadReader(const std::string& uuid,
                                                                  const std::string& record) {
  auto r = Record::Parse(record);
  if (!r) return tl::unexpected(r.error());
  if (!r->sealed) {
    return Fail(ErrorCode::kBlobUploadInvalid,
                "an upload in an object store can be read back only once it is complete");
  }
  return std::make_unique<S3BlobReader>(*client_, DataKey(uuid), r->sealed_size);
}

Status S3BlobStore::DeleteUpload(const std::string& uuid) {
  // A multipart upload never completed keeps its parts until it is aborted.
  auto open = client_->ListMultipartUploads(UploadPrefix(uuid));
  if (!open) return tl::unexpected(open.error());
  for (const auto& [key, id] : *open) {
    if (auto s = client_->AbortMultipartUpload(key, id); !s) return s;
  }
  return DeleteUnder(*client_, UploadPrefix(uuid));
}

Result<std::vector<std::string>> S3BlobStore::ListUploads() {
  auto keys = client_->List("uploads/");
  if (!keys) return tl::unexpected(keys.error());
  auto open = client_->ListMultipartUploads("uploads/");
  if (!open) return tl::unexpected(open.error());
  for (const auto& upload : *open) keys->push_back(upload.first);
  std::set<std::string> names;
  for (const std::string& key : *keys) {
    constexpr size_t kAfter = sizeof("uploads/") - 1;
    names.insert(key.substr(kAfter, key.find('/', kAfter) - kAfter));
  }
  return std::vector<std::string>(names.begin(), names.end());
}

}  // namespace berth
