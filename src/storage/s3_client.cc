#include "storage/s3_client.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <algorithm>

#include <chrono>
#include <cstring>
#include <ctime>

namespace berth {
namespace {

constexpr const char* kOperations[] = {"HeadBucket",
                                       "HeadObject",
                                       "GetObject",
                                       "PutObject",
                                       "DeleteObject",
                                       "CopyObject",
                                       "UploadPartCopy",
                                       "ListObjectsV2",
                                       "DeleteObjects",
                                       "ListMultipartUploads",
                                       "CreateMultipartUpload",
                                       "UploadPart",
                                       "CompleteMultipartUpload",
                                       "AbortMultipartUpload"};

// The text of the first <tag>...</tag> in an S3 reply, entities decoded. S3's replies are small
// and flat; four tags do not call for an XML library.
std::string XmlText(std::string_view xml, std::string_view tag, size_t* from = nullptr) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  const size_t a = xml.find(open, from ? *from : 0);
  if (a == std::string_view::npos) return {};
  const size_t b = xml.find(close, a + open.size());
  if (b == std::string_view::npos) return {};
  if (from) *from = b + close.size();
  std::string raw(xml.substr(a + open.size(), b - a - open.size()));
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '&') {
      out.push_back(raw[i]);
      continue;
    }
    static const std::pair<const char*, char> kEntities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    bool decoded = false;
    for (const auto& [entity, c] : kEntities) {
      if (raw.compare(i, std::strlen(entity), entity) == 0) {
        out.push_back(c);
        i += std::strlen(entity) - 1;
        decoded = true;
        break;
      }
    }
    if (!decoded) out.push_back('&');
  }
  return out;
}

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t CollectHeader(char* data, size_t size, size_t n, void* out) {
  std::string_view line(data, size * n);
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.remove_suffix(1);
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = std::string(value);
  }
  return size * n;
}

struct Upload {
  std::string_view bytes;
  size_t sent = 0;
};

size_t Feed(char* out, size_t size, size_t n, void* in) {
  auto* upload = static_cast<Upload*>(in);
  const size_t take = std::min(size * n, upload->bytes.size() - upload->sent);
  std::memcpy(out, upload->bytes.data() + upload->sent, take);
  upload->sent += take;
  return take;
}

// What every request to the store sets: where, its signed headers, and that its body lands in
// `body`.
void CommonOptions(CURL* curl, const std::string& url, curl_slist* headers, std::string* body) {
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
}

// The thread's handle: curl keeps its connections to the endpoint alive between requests.
CURL* ThreadHandle() {
  struct Handle {
    CURL* curl = curl_easy_init();
    ~Handle() { curl_easy_cleanup(curl); }
  };
  thread_local Handle handle;
  curl_easy_reset(handle.curl);
  return handle.curl;
}

tl::unexpected<Error> Unreachable(const std::string& what) {
  return Fail(ErrorCode::kUnavailable, "the object store is unavailable: " + what);
}

// An S3 error reply as an Error: 5xx (and 429, SlowDown) mean the store is unavailable for now.
tl::unexpected<Error> FromReply(const char* operation, long status, const std::string& body) {
  std::string code = XmlText(body, "Code");
  std::string message = XmlText(body, "Message");
  std::string text = std::string(operation) + " answered HTTP " + std::to_string(status) +
                     (code.empty() ? "" : " " + code) + (message.empty() ? "" : ": " + message);
  if (status >= 500 || status == 429 || code == "SlowDown") return Unreachable(text);
  if (status == 404) return Fail(ErrorCode::kNotFound, text);
  return Fail(ErrorCode::kInternal, "object store: " + text);
}

}  // namespace

S3Client::S3Client(S3Options options) : options_(std::move(options)) {
  credentials_ = {options_.access_key, options_.secret_key, options_.region};
  for (const char* op : kOperations) stats_[op];
  std::string endpoint = options_.endpoint;
  if (endpoint.empty()) {
    // AWS: virtual-hosted buckets, as it asks of new ones.
    scheme_ = "https";
    host_ = options_.bucket + ".s3." + options_.region + ".amazonaws.com";
    virtual_hosted_ = true;
  } else {
    const size_t scheme_end = endpoint.find("://");
    scheme_ = scheme_end == std::string::npos ? "https" : endpoint.substr(0, scheme_end);
    host_ = scheme_end == std::string::npos ? endpoint : endpoint.substr(scheme_end + 3);
    while (!host_.empty() && host_.back() == '/') host_.pop_back();
  }
  while (!options_.prefix.empty() && options_.prefix.back() == '/') options_.prefix.pop_back();
  while (!options_.prefix.empty() && options_.prefix.front() == '/') options_.prefix.erase(0, 1);
}

S3Client::~S3Client() = default;

S3OperationStats& S3Client::Stats(const char* operation) { return stats_.at(operation); }

std::string S3Client::ObjectPath(const std::string& key) const {
  std::string full = options_.prefix.empty() ? key : options_.prefix + "/" + key;
  std::string path = virtual_hosted_ ? "" : "/" + options_.bucket;
  if (!key.empty()) path += "/" + UriEncode(full, true);
  return path.empty() ? "/" : path;
}

std::string S3Client::Url(const std::string& path) const { return scheme_ + "://" + host_ + path; }

std::vector<std::string> S3Client::SignedHeaders(
    const std::string& method, const std::string& path,
    const std::vector<std::pair<std::string, std::string>>& query,
    std::vector<std::pair<std::string, std::string>> headers) const {
  const std::string date = AmzDate(std::time(nullptr));
  headers.emplace_back("x-amz-date", date);
  headers.emplace_back("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  SigV4Request request{method, host_, path, query, headers};
  std::vector<std::string> lines;
  for (const auto& [k, v] : headers) lines.push_back(k + ": " + v);
  lines.push_back("Authorization: " + AuthorizationV4(credentials_, request, date));
  return lines;
}

Result<S3Client::Reply> S3Client::Send(const char* operation, const std::string& method,
                                       const std::string& key,
                                       std::vector<std::pair<std::string, std::string>> query,
                                       std::vector<std::pair<std::string, std::string>> headers,
                                       std::string_view body) {
  S3OperationStats& stats = Stats(operation);
  const auto started = std::chrono::steady_clock::now();
  const std::string path = ObjectPath(key);
  std::string url = Url(path);
  for (size_t i = 0; i < query.size(); ++i) {
    url += (i ? "&" : "?") + UriEncode(query[i].first, false) + "=" +
           UriEncode(query[i].second, false);
  }
  curl_slist* list = nullptr;
  for (const std::string& line : SignedHeaders(method, path, query, headers))
    list = curl_slist_append(list, line.c_str());
  // curl sends "Expect: 100-continue" before large bodies, a round trip for nothing here.
  list = curl_slist_append(list, "Expect:");
  CURL* curl = ThreadHandle();
  Reply reply;
  Upload upload{body};
  CommonOptions(curl, url, list, &reply.body);
  // A request that stalls (a store that stopped answering) ends instead of holding a thread.
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.headers);
  if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (method == "PUT" || method == "POST") {
    curl_easy_setopt(curl, method == "PUT" ? CURLOPT_UPLOAD : CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, Feed);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    if (method == "PUT") {
      curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body.size()));
    } else {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
  } else if (method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  const CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(list);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  stats.requests++;
  stats.micros += static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                            std::chrono::steady_clock::now() - started)
                                            .count());
  if (rc != CURLE_OK) {
    stats.errors++;
    down_ = true;
    return Unreachable(std::string(operation) + " " + Url(path) + ": " + curl_easy_strerror(rc));
  }
  down_ = reply.status >= 500;
  // CompleteMultipartUpload and CopyObject may fail with 200 and an <Error> body.
  if (reply.status < 200 || reply.status >= 300 ||
      (method != "GET" && reply.body.find("<Error>") != std::string::npos)) {
    if (reply.status != 404) stats.errors++;
    return FromReply(operation, reply.status, reply.body);
  }
  return reply;
}

Status S3Client::CheckBucket() {
  auto reply = Send("HeadBucket", "HEAD", "", {}, {}, {});
  if (reply) return {};
  const Error& e = reply.error();
  const std::string where = "bucket " + options_.bucket + " at " + Url("");
  if (e.code == ErrorCode::kUnavailable) {
    return Fail(ErrorCode::kUnavailable, "cannot reach the object store: " + e.message);
  }
  if (e.code == ErrorCode::kNotFound) return Fail(ErrorCode::kNotFound, where + " does not exist");
  return Fail(
      ErrorCode::kForbidden,
      where + " refuses these credentials (storage.s3.access_key/secret_key): " + e.message);
}

Result<uint64_t> S3Client::Head(const std::string& key) {
  auto reply = Send("HeadObject", "HEAD", key, {}, {}, {});
  if (!reply) return tl::unexpected(reply.error());
  return std::strtoull(reply->headers["content-length"].c_str(), nullptr, 10);
}

Status S3Client::Put(const std::string& key, std::string_view bytes) {
  auto reply = Send("PutObject", "PUT", key, {}, {}, bytes);
  if (!reply) return tl::unexpected(reply.error());
  return {};
}

Status S3Client::Delete(const std::string& key) {
  auto reply = Send("DeleteObject", "DELETE", key, {}, {}, {});
  if (!reply && reply.error().code != ErrorCode::kNotFound) return tl::unexpected(reply.error());
  return {};
}

Status S3Client::Copy(const std::string& from, const std::string& to, uint64_t size) {
  const std::string source =
      "/" + options_.bucket + "/" +
      UriEncode(options_.prefix.empty() ? from : options_.prefix + "/" + from, true);
  constexpr uint64_t kMaxCopy = 5ull << 30;
  if (size <= kMaxCopy) {
    auto reply = Send("CopyObject", "PUT", to, {}, {{"x-amz-copy-source", source}}, {});
    if (!reply) return tl::unexpected(reply.error());
    return {};
  }
  auto id = CreateMultipartUpload(to);
  if (!id) return tl::unexpected(id.error());
  std::vector<Part> parts;
  for (uint64_t at = 0; at < size; at += kMaxCopy) {
    const uint64_t last = std::min(size, at + kMaxCopy) - 1;
    const int number = static_cast<int>(parts.size()) + 1;
    auto reply = Send(
        "UploadPartCopy", "PUT", to, {{"partNumber", std::to_string(number)}, {"uploadId", *id}},
        {{"x-amz-copy-source", source},
         {"x-amz-copy-source-range", "bytes=" + std::to_string(at) + "-" + std::to_string(last)}},
        {});
    if (!reply) {
      AbortMultipartUpload(to, *id);
      return tl::unexpected(reply.error());
    }
    parts.push_back({number, XmlText(reply->body, "ETag")});
  }
  return CompleteMultipartUpload(to, *id, parts);
}

Result<std::vector<std::string>> S3Client::List(const std::string& prefix) {
  auto objects = ListObjects(prefix);
  if (!objects) return tl::unexpected(objects.error());
  std::vector<std::string> keys;
  keys.reserve(objects->size());
  for (Object& o : *objects) keys.push_back(std::move(o.key));
  return keys;
}

Result<std::vector<S3Client::Object>> S3Client::ListObjects(const std::string& prefix) {
  const std::string full = options_.prefix.empty() ? prefix : options_.prefix + "/" + prefix;
  const size_t strip = options_.prefix.empty() ? 0 : options_.prefix.size() + 1;
  std::vector<Object> objects;
  std::string token;
  while (true) {
    std::vector<std::pair<std::string, std::string>> query = {{"list-type", "2"}, {"prefix", full}};
    if (!token.empty()) query.emplace_back("continuation-token", token);
    auto reply = Send("ListObjectsV2", "GET", "", query, {}, {});
    if (!reply) return tl::unexpected(reply.error());
    size_t at = 0;
    while (true) {
      const std::string contents = XmlText(reply->body, "Contents", &at);
      if (contents.empty()) break;
      Object o;
      const std::string key = XmlText(contents, "Key");
      if (key.size() < strip) continue;
      o.key = key.substr(strip);
      o.size = std::strtoull(XmlText(contents, "Size").c_str(), nullptr, 10);
      // 2026-12-02T13:05:00.000Z
      std::tm tm{};
      const std::string modified = XmlText(contents, "LastModified");
      if (strptime(modified.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) o.modified = timegm(&tm);
      objects.push_back(std::move(o));
    }
    if (XmlText(reply->body, "IsTruncated") != "true") return objects;
    token = XmlText(reply->body, "NextContinuationToken");
    if (token.empty()) return objects;
  }
}

Result<std::vector<std::string>> S3Client::DeleteMany(std::span<const std::string> keys) {
  constexpr size_t kMaxPerRequest = 1000;
  std::vector<std::string> failed;
  for (size_t first = 0; first < keys.size(); first += kMaxPerRequest) {
    std::string body = "<Delete><Quiet>true</Quiet>";
    for (const std::string& key : keys.subspan(first, std::min(kMaxPerRequest, keys.size() - first)))
      body += "<Object><Key>" + (options_.prefix.empty() ? key : options_.prefix + "/" + key) +
              "</Key></Object>";
    body += "</Delete>";
    // S3 takes a DeleteObjects body only with its MD5.
    unsigned char md5[EVP_MAX_MD_SIZE];
    unsigned int md5_size = 0;
    EVP_Digest(body.data(), body.size(), md5, &md5_size, EVP_md5(), nullptr);
    unsigned char encoded[64];
    const int encoded_size = EVP_EncodeBlock(encoded, md5, static_cast<int>(md5_size));
    auto reply = Send("DeleteObjects", "POST", "", {{"delete", ""}},
                      {{"content-md5", std::string(reinterpret_cast<char*>(encoded),
                                                   static_cast<size_t>(encoded_size))}},
                      body);
    if (!reply) return tl::unexpected(reply.error());
    // Quiet: the reply lists only the keys that could not be removed.
    const size_t strip = options_.prefix.empty() ? 0 : options_.prefix.size() + 1;
    size_t at = 0;
    while (true) {
      const std::string error = XmlText(reply->body, "Error", &at);
      if (error.empty()) break;
      const std::string key = XmlText(error, "Key");
      if (key.size() >= strip) failed.push_back(key.substr(strip));
    }
  }
  std::sort(failed.begin(), failed.end());
  return failed;
}

Result<std::string> S3Client::CreateMultipartUpload(const std::string& key) {
  auto reply = Send("CreateMultipartUpload", "POST", key, {{"uploads", ""}}, {}, {});
  if (!reply) return tl::unexpected(reply.error());
  std::string id = XmlText(reply->body, "UploadId");
  if (id.empty()) return Fail(ErrorCode::kInternal, "object store: no UploadId in its reply");
  return id;
}

Result<std::string> S3Client::UploadPart(const std::string& key, const std::string& upload_id,
                                         int part, std::string_view bytes) {
  auto reply = Send("UploadPart", "PUT", key,
                    {{"partNumber", std::to_string(part)}, {"uploadId", upload_id}}, {}, bytes);
  if (!reply) return tl::unexpected(reply.error());
  return reply->headers["etag"];
}

Status S3Client::CompleteMultipartUpload(const std::string& key, const std::string& upload_id,
                                         const std::vector<Part>& parts) {
  std::string body = "<CompleteMultipartUpload>";
  for (const Part& p : parts) {
    body += "<Part><PartNumber>" + std::to_string(p.number) + "</PartNumber><ETag>" + p.etag +
            "</ETag></Part>";
  }
  body += "</CompleteMultipartUpload>";
  auto reply = Send("CompleteMultipartUpload", "POST", key, {{"uploadId", upload_id}}, {}, body);
  if (!reply) return tl::unexpected(reply.error());
  return {};
}

Status S3Client::AbortMultipartUpload(const std::string& key, const std::string& upload_id) {
  auto reply = Send("AbortMultipartUpload", "DELETE", key, {{"uploadId", upload_id}}, {}, {});
  if (!reply && reply.error().code != ErrorCode::kNotFound) return tl::unexpected(reply.error());
  return {};
}

Result<std::vector<std::pair<std::string, std::string>>> S3Client::ListMultipartUploads(
    const std::string& prefix) {
  const std::string full = options_.prefix.empty() ? prefix : options_.prefix + "/" + prefix;
  const size_t strip = options_.prefix.empty() ? 0 : options_.prefix.size() + 1;
  std::vector<std::pair<std::string, std::string>> out;
  std::string key_marker, id_marker;
  while (true) {
    std::vector<std::pair<std::string, std::string>> query = {{"prefix", full}, {"uploads", ""}};
    if (!key_marker.empty()) {
      query.emplace_back("key-marker", key_marker);
      query.emplace_back("upload-id-marker", id_marker);
    }
    auto reply = Send("ListMultipartUploads", "GET", "", query, {}, {});
    if (!reply) return tl::unexpected(reply.error());
    size_t at = 0;
    while (true) {
      std::string upload = XmlText(reply->body, "Upload", &at);
      if (upload.empty()) break;
      out.emplace_back(XmlText(upload, "Key").substr(strip), XmlText(upload, "UploadId"));
    }
    if (XmlText(reply->body, "IsTruncated") != "true") return out;
    key_marker = XmlText(reply->body, "NextKeyMarker");
    id_marker = XmlText(reply->body, "NextUploadIdMarker");
    if (key_marker.empty()) return out;
  }
}

std::string S3Client::PresignedGet(const std::string& key, int seconds) const {
  const std::string path = ObjectPath(key);
  SigV4Request request{"GET", host_, path, {}, {}};
  return Url(path) + "?" +
         PresignedQueryV4(credentials_, request, AmzDate(std::time(nullptr)), seconds);
}

// A GET read as it arrives: curl's multi interface driven from Read, so that the bytes wait in
// the socket, not in memory, until they are asked for.
class S3ReadStream : public S3Client::Stream {
 public:
  S3ReadStream(S3Client& client, S3OperationStats& stats) : client_(client), stats_(stats) {}
  ~S3ReadStream() override {
    if (multi_) {
      curl_multi_remove_handle(multi_, easy_);
      curl_multi_cleanup(multi_);
    }
    if (easy_) curl_easy_cleanup(easy_);
    curl_slist_free_all(headers_);
  }

  void Start(const std::string& key, uint64_t offset, uint64_t length) {
    stats_.requests++;
    const std::string path = client_.ObjectPath(key);
    const std::string range =
        "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1);
    for (const std::string& line : client_.SignedHeaders("GET", path, {}, {{"range", range}}))
      headers_ = curl_slist_append(headers_, line.c_str());
    easy_ = curl_easy_init();
    multi_ = curl_multi_init();
    url_ = client_.Url(path);
    CommonOptions(easy_, url_, headers_, &buffer_);
    curl_multi_add_handle(multi_, easy_);
  }

  Result<size_t> Read(std::span<char> out) override {
    while (buffer_.size() == taken_ && !done_) {
      if (auto s = Turn(); !s) return tl::unexpected(s.error());
    }
    if (!checked_) {
      long status = 0;
      curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
      if (done_ && result_ != CURLE_OK) {
        return Failed(std::string("GetObject ") + url_ + ": " + curl_easy_strerror(result_));
      }
      if (status != 200 && status != 206) {
        // The reply is an error document: the whole of it is needed.
        while (!done_) {
          if (auto s = Turn(); !s) return tl::unexpected(s.error());
        }
        stats_.errors++;
        return FromReply("GetObject", status, buffer_);
      }
      checked_ = true;
    }
    if (done_ && result_ != CURLE_OK && buffer_.size() == taken_) {
      return Failed(std::string("GetObject ") + url_ + ": " + curl_easy_strerror(result_));
    }
    const size_t n = std::min(out.size(), buffer_.size() - taken_);
    std::memcpy(out.data(), buffer_.data() + taken_, n);
    taken_ += n;
    // The buffer never holds more than one turn of curl's delivers.
    if (taken_ == buffer_.size()) {
      buffer_.clear();
      taken_ = 0;
    }
    return n;
  }

 private:
  // Lets curl take what has arrived; waits (a second at most) when nothing has.
  Status Turn() {
    const size_t before = buffer_.size();
    int running = 0;
    if (curl_multi_perform(multi_, &running) != CURLM_OK) return Failed("curl_multi_perform");
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
      if (msg->msg == CURLMSG_DONE) {
        done_ = true;
        result_ = msg->data.result;
      }
    }
    if (!done_ && buffer_.size() == before) curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
    return {};
  }
  tl::unexpected<Error> Failed(const std::string& what) {
    stats_.errors++;
    return Unreachable(what);
  }

  S3Client& client_;
  S3OperationStats& stats_;
  CURL* easy_ = nullptr;
  CURLM* multi_ = nullptr;
  curl_slist* headers_ = nullptr;
  std::string url_;
  std::string buffer_;
  size_t taken_ = 0;
  bool done_ = false;
  bool checked_ = false;
  CURLcode result_ = CURLE_OK;
};

std::unique_ptr<S3Client::Stream> S3Client::OpenRead(const std::string& key, uint64_t offset,
                                                     uint64_t length) {
  auto stream = std::make_unique<S3ReadStream>(*this, Stats("GetObject"));
  stream->Start(key, offset, length);
  return stream;
}

}  // namespace berth
