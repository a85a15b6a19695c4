#include "registry/registry.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <charconv>
#include <vector>

#include "core/reference.h"
#include "core/strings.h"
#include "registry/manifest.h"

namespace berth {
namespace {

using http::Dispatch;
using http::Request;
using http::Response;

constexpr size_t kMaxPageSize = 10000;

enum class Endpoint {
  kBase,
  kCatalog,
  kTags,
  kManifest,
  kBlob,
  kUploadStart,
  kUpload,
  kReferrers,
  kNone
};

std::string EncodeQueryValue(std::string_view v) {
  return boost::urls::encode(v, boost::urls::unreserved_chars);
}

Response WithApiVersion(Response res) {
  res.headers.Set("Docker-Distribution-API-Version", "registry/2.0");
  return res;
}

Response ErrorResponse(const Error& error, bool head = false) {
  const ErrorInfo& info = Describe(error.code);
  Response res;
  res.status = info.http_status;
  res.headers.Set("Content-Type", "application/json");
  boost::json::object e;
  e["code"] = info.code;
  e["message"] = error.Message();
  e["detail"] = nullptr;
  boost::json::array errors;
  errors.push_back(std::move(e));
  res.body = boost::json::serialize(boost::json::object{{"errors", std::move(errors)}});
  res.head_only = head;
  return WithApiVersion(std::move(res));
}

Response ErrorResponse(ErrorCode code, std::string message = {}, bool head = false) {
  return ErrorResponse(Error{code, std::move(message)}, head);
}

Response JsonResponse(int status, std::string body, std::string content_type = "application/json") {
  Response res;
  res.status = status;
  res.headers.Set("Content-Type", std::move(content_type));
  res.body = std::move(body);
  return WithApiVersion(std::move(res));
}

// A handler's answer that needs no request body.
Dispatch Answer(Response res) { return Dispatch{std::move(res), nullptr}; }

Response Empty(int status) {
  Response res;
  res.status = status;
  return WithApiVersion(std::move(res));
}

std::string Join(const std::vector<std::string_view>& parts, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    if (i) out.push_back('/');
    out.append(parts[i]);
  }
  return out;
}

// "0-<last byte>", as Distribution answers (an empty upload is "0-0").
std::string RangeHeader(uint64_t size) { return "0-" + std::to_string(size ? size - 1 : 0); }

struct ByteRange {
  uint64_t first = 0;
  uint64_t length = 0;
};

// A single "bytes=a-b", "bytes=a-" or "bytes=-n" range of RFC 9110. nullopt: serve the whole
// blob (no Range, or a form this server does not support such as several ranges); an error:
// not satisfiable.
Result<std::optional<ByteRange>> ParseRange(std::string_view header, uint64_t size) {
  if (!header.starts_with("bytes=")) return std::nullopt;
  std::string_view spec = header.substr(6);
  if (spec.find(',') != spec.npos) return std::nullopt;
  size_t dash = spec.find('-');
  if (dash == spec.npos) return std::nullopt;
  auto number = [](std::string_view s) -> std::optional<uint64_t> {
    uint64_t v = 0;
    if (s.empty()) return std::nullopt;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
  };
  auto first = number(spec.substr(0, dash));
  auto last = number(spec.substr(dash + 1));
  if (!first && !last) return std::nullopt;
  if (!first) {  // suffix: the last n bytes
    if (*last == 0 || size == 0) return Fail(ErrorCode::kRangeNotSatisfiable);
    uint64_t n = std::min(*last, size);
    return ByteRange{size - n, n};
  }
  if (!spec.substr(dash + 1).empty() && !last) return std::nullopt;
  if (*first >= size) return Fail(ErrorCode::kRangeNotSatisfiable);
  uint64_t end = last ? std::min(*last, size - 1) : size - 1;
  if (end < *first) return std::nullopt;
  return ByteRange{*first, end - *first + 1};
}

// Content-Range of a chunk: "<first>-<last>", also with a "bytes " prefix.
std::optional<std::pair<uint64_t, uint64_t>> ParseContentRange(std::string_view v) {
  if (v.starts_with("bytes ")) v.remove_prefix(6);
  if (auto slash = v.find('/'); slash != v.npos) v = v.substr(0, slash);
  size_t dash = v.find('-');
  if (dash == v.npos) return std::nullopt;
  uint64_t a = 0, b = 0;
  auto [e1, c1] = std::from_chars(v.data(), v.data() + dash, a);
  auto [e2, c2] = std::from_chars(v.data() + dash + 1, v.data() + v.size(), b);
  if (c1 != std::errc() || c2 != std::errc() || e1 != v.data() + dash ||
      e2 != v.data() + v.size() || b < a) {
    return std::nullopt;
  }
  return std::pair{a, b};
}

// n and last of a paginated list; n absent means "everything" up to kMaxPageSize.
Result<Page> ParsePage(const Request& req) {
  Page page;
  page.limit = kMaxPageSize;
  if (auto n = req.Query("n")) {
    size_t v = 0;
    auto [end, ec] = std::from_chars(n->data(), n->data() + n->size(), v);
    if (ec != std::errc() || end != n->data() + n->size()) {
      return Fail(ErrorCode::kPaginationInvalid, "n must be a non-negative integer");
    }
    page.limit = std::min(v, kMaxPageSize);
  }
  if (auto last = req.Query("last")) page.last = std::string(*last);
  return page;
}

// Answers a page of names, asking for one more than it shows to know if a next page exists.
Response PagedNames(const std::string& link_path, const Page& page,
                    const std::function<Result<std::vector<std::string>>(const Page&)>& fetch,
                    const std::function<boost::json::object(boost::json::array)>& body) {
  if (page.limit == 0) return JsonResponse(200, boost::json::serialize(body({})));
  Page probe = page;
  ++probe.limit;
  auto names = fetch(probe);
  if (!names) return ErrorResponse(names.error());
  bool more = names->size() > page.limit;
  if (more) names->resize(page.limit);
  boost::json::array items;
  for (auto& n : *names) items.emplace_back(n);
  Response res = JsonResponse(200, boost::json::serialize(body(std::move(items))));
  if (more) {
    res.headers.Set("Link", "<" + link_path + "?n=" + std::to_string(page.limit) +
                                "&last=" + EncodeQueryValue(names->back()) + ">; rel=\"next\"");
  }
  return res;
}

// A blob with no file here, read as the connection takes it.
class BlobSource : public http::BodySource {
 public:
  BlobSource(std::shared_ptr<BlobReader> blob, std::string digest)
      : blob_(std::move(blob)), digest_(std::move(digest)) {}
  size_t ReadAt(uint64_t offset, std::span<char> out) override {
    auto n = blob_->ReadAt(offset, out);
    if (!n) {
      spdlog::error("reading blob {} at {}: {}", digest_, offset, n.error().message);
      return 0;
    }
    return *n;
  }

 private:
  std::shared_ptr<BlobReader> blob_;
  std::string digest_;
};

// Streams a request body into an upload session; completes it when `complete` holds a digest.
class UploadSink : public http::BodySink {
 public:
  // `room`: the bytes the project may still take (nullopt: no limit); past it the upload is
  // dropped and `over_quota` answers.
  // `linked`, when given, runs once the blob is in the repository.
  UploadSink(std::unique_ptr<Uploads::Writer> writer, std::string name, std::string uuid,
             std::optional<Digest> complete, std::optional<uint64_t> room,
             std::function<Response(const Error&)> over_quota, std::function<void()> linked)
      : writer_(std::move(writer)),
        name_(std::move(name)),
        uuid_(std::move(uuid)),
        complete_(std::move(complete)),
        room_(room),
        over_quota_(std::move(over_quota)),
        linked_(std::move(linked)) {}

  std::optional<Response> Write(std::span<const char> bytes) override {
    if (room_ && writer_->offset() + bytes.size() > *room_) {
      writer_->Discard();
      return over_quota_(Error{ErrorCode::kQuotaExceeded,
                               "quota exceeded: the upload would pass the storage limit of "
                               "project " +
                                   std::string(ProjectOf(name_)) + " (" + std::to_string(*room_) +
                                   " bytes left)"});
    }
    if (auto s = writer_->Append(bytes); !s) return ErrorResponse(s.error());
    return std::nullopt;
  }

  Response Finish() override {
    if (complete_) {
      if (auto s = writer_->Complete(*complete_); !s) {
        if (s.error().code == ErrorCode::kQuotaExceeded) return over_quota_(s.error());
        return ErrorResponse(s.error());
      }
      if (linked_) linked_();
      Response res = Empty(201);
      res.headers.Set("Location", "/v2/" + name_ + "/blobs/" + complete_->str());
      res.headers.Set("Docker-Content-Digest", complete_->str());
      return res;
    }
    if (auto s = writer_->Checkpoint(); !s) return ErrorResponse(s.error());
    Response res = Empty(202);
    res.headers.Set("Location", "/v2/" + name_ + "/blobs/uploads/" + uuid_);
    res.headers.Set("Range", RangeHeader(writer_->offset()));
    res.headers.Set("Docker-Upload-UUID", uuid_);
    return res;
  }

  // The bytes that arrived stay in the session, so the client can resume after them.
  void Abort() override { writer_->Checkpoint(); }

 private:
  std::unique_ptr<Uploads::Writer> writer_;
  std::string name_;
  std::string uuid_;
  std::optional<Digest> complete_;
  std::optional<uint64_t> room_;
  std::function<Response(const Error&)> over_quota_;
  std::function<void()> linked_;
};

}  // namespace

struct Registry::Route {
  Endpoint endpoint = Endpoint::kNone;
  std::string name;
  std::string reference;  // tag or digest, upload id
};

namespace {

// Routes by the path's tail, since repository names may themselves contain slashes (and even
// components named "blobs" or "manifests").
Result<Registry::Route> ParseRoute(std::string_view path) {
  Registry::Route route;
  if (!path.starts_with("/v2")) return route;
  path.remove_prefix(3);
  if (path.empty() || path == "/") {
    route.endpoint = Endpoint::kBase;
    return route;
  }
  path.remove_prefix(1);
  if (path == "_catalog") {
    route.endpoint = Endpoint::kCatalog;
    return route;
  }
  auto parts = Split(path, '/');
  const size_t n = parts.size();
  auto at = [&](size_t from_end) {
    return from_end <= n ? parts[n - from_end] : std::string_view();
  };
  size_t name_parts = 0;
  if (n >= 3 && at(2) == "tags" && at(1) == "list") {
    route.endpoint = Endpoint::kTags;
    name_parts = n - 2;
  } else if (n >= 3 && at(2) == "blobs" && at(1) == "uploads") {
    route.endpoint = Endpoint::kUploadStart;
    name_parts = n - 2;
  } else if (n >= 4 && at(3) == "blobs" && at(2) == "uploads") {
    route.endpoint = at(1).empty() ? Endpoint::kUploadStart : Endpoint::kUpload;
    name_parts = n - 3;
  } else if (n >= 3 && at(2) == "manifests") {
    route.endpoint = Endpoint::kManifest;
    name_parts = n - 2;
  } else if (n >= 3 && at(2) == "blobs") {
    route.endpoint = Endpoint::kBlob;
    name_parts = n - 2;
  } else if (n >= 3 && at(2) == "referrers") {
    route.endpoint = Endpoint::kReferrers;
    name_parts = n - 2;
  } else {
    return route;
  }
  route.name = Join(parts, name_parts);
  if (route.endpoint != Endpoint::kTags && route.endpoint != Endpoint::kUploadStart) {
    route.reference = std::string(at(1));
  }
  if (!IsValidRepositoryName(route.name)) {
    return Fail(ErrorCode::kNameInvalid, "invalid repository name: " + route.name);
  }
  return route;
}

// A manifest reference: a digest, or (nullopt) a tag; DIGEST_INVALID or a tag error otherwise.
Result<std::optional<Digest>> ParseManifestReference(std::string_view reference) {
  if (reference.find(':') != reference.npos) {
    auto digest = Digest::Parse(reference);
    if (!digest) return tl::unexpected(digest.error());
    return std::optional<Digest>(std::move(*digest));
  }
  if (!IsValidTag(reference)) return Fail(ErrorCode::kTagInvalid);
  return std::optional<Digest>();
}

}  // namespace

Registry::Registry(BlobStore& blobs, MetadataStore& meta, const Clock& clock,
                   RegistryOptions options, RegistryGuard* guard, EventSink* events,
                   const Settings* settings, ChangeFeed* changes)
    : blobs_(blobs),
      meta_(meta),
      clock_(clock),
      options_(options),
      guard_(guard),
      events_(events),
      settings_(settings),
      uploads_(blobs, meta, clock, std::clamp<int64_t>(options.upload_ttl.count() / 10, 0, 60),
               options.upload_limits),
      manifests_(options.manifest_cache_entries),
      changes_(changes ? *changes : own_changes_) {
  changes_.Subscribe([this](ChangeTopic topic, const std::string& repository) {
    if (topic != ChangeTopic::kRepository) return;
    if (repository.empty()) {
      manifests_.InvalidateAll();
    } else {
      manifests_.Invalidate(repository);
    }
  });
}

void Registry::Changed(const std::string& repository) {
  changes_.Publish(ChangeTopic::kRepository, repository);
}

Registry::~Registry() {
  {
    std::lock_guard lock(purger_mu_);
    stopping_ = true;
  }
  purger_wake_.notify_all();
  if (purger_.joinable()) purger_.join();
}

Status Registry::DeleteRepository(const std::string& name, const std::string& caller) {
  if (ReadOnly()) return Fail(ErrorCode::kReadOnly);
  const auto event = StoredEvent(EventKind::kDeleteRepository, caller, name, {});
  Status deleted = meta_.DeleteRepository(name, event);
  Changed(name);
  return deleted;
}

Status Registry::DeleteArtifact(const std::string& repository, const Digest& digest,
                                const std::string& caller) {
  if (ReadOnly()) return Fail(ErrorCode::kReadOnly);
  const auto event = StoredEvent(EventKind::kDeleteArtifact, caller, repository, digest.str());
  Status deleted = meta_.DeleteManifest(repository, digest, event);
  Changed(repository);
  return deleted;
}

Status Registry::DeleteTag(const std::string& repository, const std::string& tag,
                           const std::string& caller) {
  if (ReadOnly()) return Fail(ErrorCode::kReadOnly);
  auto record = meta_.GetManifest(repository, tag);
  if (!record) return tl::unexpected(record.error());
  const auto event = StoredEvent(EventKind::kDeleteTag, caller, repository, record->digest, tag);
  Status deleted = meta_.DeleteTag(repository, tag, event);
  Changed(repository);
  return deleted;
}

Status Registry::PutTag(const std::string& repository, const std::string& digest,
                        const std::string& tag, const std::string& caller) {
  if (ReadOnly()) return Fail(ErrorCode::kReadOnly);
  if (!IsValidTag(tag)) return Fail(ErrorCode::kBadRequest, "invalid tag " + tag);
  auto record = meta_.GetManifest(repository, digest);
  if (!record) return tl::unexpected(record.error());
  const auto event = StoredEvent(EventKind::kCreateTag, caller, repository, record->digest, tag);
  Status stored = meta_.PutManifest(*record, tag, clock_.Now(), event);
  Changed(repository);
  return stored;
}

Status Registry::CopyArtifact(const std::string& from, const std::string& reference,
                              const std::string& to, const std::string& caller) {
  if (ReadOnly()) return Fail(ErrorCode::kReadOnly);
  auto record = meta_.GetManifest(from, reference);
  if (!record) return tl::unexpected(record.error());
  // The stored record holds the bytes; what they reference comes from parsing them again.
  auto parsed = ParseManifest(record->content, record->media_type);
  if (!parsed) return tl::unexpected(parsed.error());
  record->blobs = std::move(parsed->blobs);
  record->children = std::move(parsed->children);
  record->subject = std::move(parsed->subject);
  record->artifact_type = std::move(parsed->artifact_type);
  // An index's manifests first: the copy must be whole before anything points at it.
  // Without events of their own (no caller): the copy is one artifact to the audit log and
  // webhooks, as Harbor's copy is.
  for (const std::string& child : record->children) {
    if (auto s = CopyArtifact(from, child, to, {}); !s) return s;
  }
  for (const std::string& blob : record->blobs) {
    auto digest = Digest::Parse(blob);
    if (!digest) return tl::unexpected(digest.error());
    auto size = meta_.LinkedBlobSize(from, *digest);
    if (!size) return tl::unexpected(size.error());
    if (auto s = meta_.LinkBlob(to, *digest, *size, clock_.Now()); !s) return s;
  }
  ManifestRecord copy = *record;
  copy.repository = to;
  const bool by_tag = reference.find(':') == std::string::npos;
  const auto event = caller.empty() ? std::nullopt
                                    : StoredEvent(EventKind::kPushArtifact, caller, to, copy.digest,
                                                  by_tag ? reference : "");
  Status stored = meta_.PutManifest(copy, by_tag ? std::optional(reference) : std::nullopt,
                                    clock_.Now(), event);
  Changed(to);
  return stored;
}

Event Registry::EventOf(EventKind kind, const std::string& caller, const std::string& repository,
                        std::string digest, std::string tag, std::string detail) const {
  return Event{kind,           caller.empty() ? std::string(kAnonymous) : caller,
               clock_.Now(),   std::string(ProjectOf(repository)),
               repository,     std::move(digest),
               std::move(tag), std::move(detail)};
}

void Registry::Announce(EventKind kind, const std::string& caller, const std::string& repository,
                        std::string digest, std::string tag, std::string detail) {
  if (!events_) return;
  events_->Publish(
      EventOf(kind, caller, repository, std::move(digest), std::move(tag), std::move(detail)));
}

std::optional<Event> Registry::StoredEvent(EventKind kind, const std::string& caller,
                                           const std::string& repository, std::string digest,
                                           std::string tag) const {
  if (!events_) return std::nullopt;
  return EventOf(kind, caller, repository, std::move(digest), std::move(tag));
}

Response Registry::OverQuota(const std::string& caller, const std::string& repository,
                             const Error& error) {
  Announce(EventKind::kQuotaExceed, caller, repository, {}, {}, error.message);
  return ErrorResponse(error);
}

void Registry::WarnNearQuota(const std::string& caller, const std::string& repository,
                             int64_t used_before) {
  auto storage = meta_.ProjectStorage(std::string(ProjectOf(repository)));
  if (!storage || !*storage) return;
  const StorageUse& use = **storage;
  // Harbor's threshold: a warning the moment usage reaches 85% of the limit.
  auto reached = [&](int64_t used) { return used * 100 >= use.limit * 85; };
  if (!reached(use.used) || reached(used_before)) return;
  Announce(EventKind::kQuotaWarning, caller, repository, {}, {},
           "project " + std::string(ProjectOf(repository)) + " uses " +
               std::to_string(use.used * 100 / use.limit) + "% of its storage quota");
}

void Registry::StartPurger() {
  purger_ = std::thread([this] {
    std::unique_lock lock(purger_mu_);
    while (!purger_wake_.wait_for(lock, options_.upload_purge_interval,
                                  [this] { return stopping_; })) {
      lock.unlock();
      size_t removed = PurgeExpiredUploads();
      if (removed) spdlog::info("purged {} expired upload sessions", removed);
      lock.lock();
    }
  });
}

namespace {

// What a request asks of the guard: the scope a token for it must hold.
RegistryGuard::Ask AskFor(const std::string& method, const Registry::Route& route) {
  switch (route.endpoint) {
    case Endpoint::kBase:
      return {};
    case Endpoint::kCatalog:
      return {"registry", "catalog", "*"};
    case Endpoint::kUploadStart:
    case Endpoint::kUpload:
      return {"repository", route.name, "push"};
    case Endpoint::kManifest:
    case Endpoint::kBlob:
      if (method == "PUT") return {"repository", route.name, "push"};
      if (method == "DELETE") return {"repository", route.name, "delete"};
      return {"repository", route.name, "pull"};
    default:
      return {"repository", route.name, "pull"};
  }
}

}  // namespace

std::optional<Response> Registry::Refusal(const Request& req, const Route& route, bool may_block,
                                          bool* would_block, std::string* caller) {
  if (!guard_ || route.endpoint == Endpoint::kNone) return std::nullopt;
  const RegistryGuard::Ask ask = AskFor(req.method, route);
  const bool head = req.method == "HEAD";
  const RegistryGuard::Verdict verdict = guard_->Check(req, ask, may_block, caller);
  switch (verdict) {
    case RegistryGuard::Verdict::kAllow:
      return std::nullopt;
    case RegistryGuard::Verdict::kWouldBlock:
      if (would_block) *would_block = true;
      return std::nullopt;
    case RegistryGuard::Verdict::kUnauthenticated:
    case RegistryGuard::Verdict::kInsufficientScope: {
      Response res = ErrorResponse(ErrorCode::kUnauthorized, {}, head);
      res.headers.Set(
          "WWW-Authenticate",
          guard_->Challenge(ask, verdict == RegistryGuard::Verdict::kInsufficientScope));
      return res;
    }
    case RegistryGuard::Verdict::kDenied:
      return ErrorResponse(ErrorCode::kDenied, guard_->DenialReason(ask), head);
    case RegistryGuard::Verdict::kProjectUnknown:
      return ErrorResponse(ErrorCode::kNameUnknown,
                           "project " + std::string(ProjectOf(route.name)) + " not found", head);
    case RegistryGuard::Verdict::kUnavailable:
      return ErrorResponse(ErrorCode::kUnavailable,
                           "access cannot be decided now: the database is unavailable", head);
  }
  return std::nullopt;
}

bool Registry::MayPull(const Request& req, std::string_view repository) {
  return !guard_ || guard_->Check(req, {"repository", repository, "pull"}, true) ==
                        RegistryGuard::Verdict::kAllow;
}

std::optional<Response> Registry::TryFast(const Request& req) {
  if (req.method != "GET" && req.method != "HEAD") return std::nullopt;
  auto route = ParseRoute(req.path);
  if (!route || route->endpoint != Endpoint::kManifest) return std::nullopt;
  bool would_block = false;
  std::string caller;
  if (auto refused = Refusal(req, *route, false, &would_block, &caller)) return refused;
  if (would_block) return std::nullopt;
  auto entry = manifests_.Get(route->name, route->reference);
  if (!entry) return std::nullopt;
  if (req.method == "GET") AnnouncePull(caller, route->name, route->reference, *entry);
  return ManifestResponse(req, *entry);
}

void Registry::AnnouncePull(const std::string& caller, const std::string& repository,
                            const std::string& reference, const ManifestCache::Entry& entry) {
  if (!options_.pull_events) return;
  const bool by_digest = reference.find(':') != std::string::npos;
  Announce(EventKind::kPullArtifact, caller, repository, entry.digest, by_digest ? "" : reference);
}

namespace {

bool Changes(const std::string& method) {
  return method == "PUT" || method == "POST" || method == "PATCH" || method == "DELETE";
}

}  // namespace

Dispatch Registry::Handle(const Request& req) {
  auto route = ParseRoute(req.path);
  if (!route) return {ErrorResponse(route.error(), req.method == "HEAD"), nullptr};
  std::string caller;
  if (auto refused = Refusal(req, *route, true, nullptr, &caller))
    return {std::move(*refused), nullptr};
  if (ReadOnly() && Changes(req.method)) return {ErrorResponse(ErrorCode::kReadOnly), nullptr};
  return HandleRoute(req, *route, caller);
}

Dispatch Registry::HandleRoute(const Request& req, const Route& route, const std::string& caller) {
  const std::string& m = req.method;
  const bool head = m == "HEAD";
  auto not_allowed = [&] { return Answer(ErrorResponse(ErrorCode::kMethodNotAllowed, {}, head)); };
  switch (route.endpoint) {
    case Endpoint::kBase:
      if (m != "GET" && m != "HEAD") return not_allowed();
      return Answer(JsonResponse(200, "{}"));
    case Endpoint::kCatalog:
      if (m != "GET") return not_allowed();
      return Answer(Catalog(req));
    case Endpoint::kTags:
      if (m != "GET") return not_allowed();
      return Answer(ListTags(req, route));
    case Endpoint::kManifest:
      if (m == "GET" || m == "HEAD") return Answer(GetManifest(req, route, caller));
      if (m == "DELETE") return Answer(DeleteManifest(route, caller));
      if (m == "PUT") {
        if (req.content_length && *req.content_length > kMaxManifestBytes) {
          return Answer(ErrorResponse(ErrorCode::kManifestTooLarge));
        }
        return {std::nullopt, http::BufferBody(
                                  kMaxManifestBytes,
                                  [this, req, route, caller](std::string body) {
                                    return PutManifest(req, route, std::move(body), caller);
                                  },
                                  [] { return ErrorResponse(ErrorCode::kManifestTooLarge); })};
      }
      return not_allowed();
    case Endpoint::kBlob:
      if (m == "GET" || m == "HEAD") return Answer(GetBlob(req, route));
      if (m == "DELETE") return Answer(DeleteBlob(route));
      return not_allowed();
    case Endpoint::kUploadStart:
      if (m != "POST") return not_allowed();
      return StartUpload(req, route, caller);
    case Endpoint::kUpload:
      if (m == "GET") return Answer(UploadStatus(route));
      if (m == "PATCH") return WriteUpload(req, route, false, caller);
      if (m == "PUT") return WriteUpload(req, route, true, caller);
      if (m == "DELETE") return Answer(CancelUpload(route));
      return not_allowed();
    case Endpoint::kReferrers:
      if (m != "GET") return not_allowed();
      return Answer(Referrers(req, route));
    case Endpoint::kNone:
      break;
  }
  return Answer(ErrorResponse(ErrorCode::kRouteUnknown, {}, head));
}

Response Registry::ManifestResponse(const Request& req, const ManifestCache::Entry& entry) {
  Response res = WithApiVersion({});
  res.headers.Set("Content-Type", entry.media_type);
  res.headers.Set("Docker-Content-Digest", entry.digest);
  res.headers.Set("ETag", "\"" + entry.digest + "\"");
  res.body = *entry.content;
  res.head_only = req.method == "HEAD";
  return res;
}

Response Registry::GetManifest(const Request& req, const Route& route, const std::string& caller) {
  const bool head = req.method == "HEAD";
  // As Distribution: what is neither a tag nor a digest names no manifest (clients probe with
  // such names); only a PUT is told its tag is invalid.
  if (auto ref = ParseManifestReference(route.reference); !ref) {
    return ErrorResponse(ErrorCode::kManifestUnknown,
                         "no manifest " + route.reference + " (neither a tag nor a digest)", head);
  }
  const uint64_t generation = manifests_.Generation(route.name);
  auto record = meta_.GetManifest(route.name, route.reference);
  if (!record) return ErrorResponse(record.error(), head);
  ManifestCache::Entry entry{record->digest, record->media_type,
                             std::make_shared<const std::string>(std::move(record->content)),
                             generation};
  manifests_.Put(route.name, route.reference, entry);
  if (!head) AnnouncePull(caller, route.name, route.reference, entry);
  return ManifestResponse(req, entry);
}

Response Registry::PutManifest(const Request& req, const Route& route, std::string body,
                               const std::string& caller) {
  auto ref = ParseManifestReference(route.reference);
  if (!ref) return ErrorResponse(ref.error());
  std::optional<std::string> tag;
  Digest digest = DigestOf(body, *ref ? (*ref)->algorithm() : "sha256");
  if (!*ref) {
    tag = route.reference;
  } else if (digest != **ref) {
    return ErrorResponse(ErrorCode::kDigestInvalid,
                         "manifest digest " + digest.str() + " does not match " + (*ref)->str());
  }
  auto parsed = ParseManifest(body, req.headers.Get("Content-Type").value_or(""));
  if (!parsed) return ErrorResponse(parsed.error());
  ManifestRecord record;
  record.repository = route.name;
  record.digest = digest.str();
  record.media_type = parsed->media_type;
  record.content = std::move(body);
  record.subject = parsed->subject;
  record.artifact_type = parsed->artifact_type;
  record.blobs = std::move(parsed->blobs);
  record.children = std::move(parsed->children);
  const auto event =
      StoredEvent(EventKind::kPushArtifact, caller, route.name, digest.str(), tag.value_or(""));
  auto stored = meta_.PutManifest(record, tag, clock_.Now(), event);
  Changed(route.name);
  if (!stored) return ErrorResponse(stored.error());
  Response res = Empty(201);
  res.headers.Set("Location", "/v2/" + route.name + "/manifests/" + digest.str());
  res.headers.Set("Docker-Content-Digest", digest.str());
  if (!record.subject.empty()) res.headers.Set("OCI-Subject", record.subject);
  return res;
}

Response Registry::DeleteManifest(const Route& route, const std::string& caller) {
  auto ref = ParseManifestReference(route.reference);
  if (!ref) return ErrorResponse(ref.error());
  Status deleted = *ref ? DeleteArtifact(route.name, **ref, caller)
                        : DeleteTag(route.name, route.reference, caller);
  if (!deleted) return ErrorResponse(deleted.error());
  return Empty(202);
}

Response Registry::GetBlob(const Request& req, const Route& route) {
  const bool head = req.method == "HEAD";
  auto digest = Digest::Parse(route.reference);
  if (!digest) return ErrorResponse(digest.error(), head);
  auto linked = meta_.LinkedBlobSize(route.name, *digest);
  if (!linked) return ErrorResponse(linked.error(), head);
  if (!head) {
    // The object store serves the bytes itself, from a URL good for a while.
    if (auto url = blobs_.RedirectUrl(*digest)) {
      Response res = WithApiVersion(Empty(307));
      res.headers.Set("Location", *url);
      res.headers.Set("Docker-Content-Digest", digest->str());
      return res;
    }
  }
  auto reader = blobs_.Open(*digest);
  if (!reader) return ErrorResponse(reader.error(), head);
  std::shared_ptr<BlobReader> blob = std::move(*reader);
  const uint64_t size = blob->size();

  Response res = WithApiVersion({});
  res.headers.Set("Content-Type", "application/octet-stream");
  res.headers.Set("Docker-Content-Digest", digest->str());
  res.headers.Set("ETag", "\"" + digest->str() + "\"");
  res.headers.Set("Accept-Ranges", "bytes");
  res.headers.Set("Cache-Control", "max-age=31536000");
  ByteRange range{0, size};
  if (auto header = req.headers.Get("Range")) {
    auto parsed = ParseRange(*header, size);
    if (!parsed) {
      Response refused = ErrorResponse(parsed.error(), head);
      refused.headers.Set("Content-Range", "bytes */" + std::to_string(size));
      return refused;
    }
    if (*parsed) {
      range = **parsed;
      res.status = 206;
      res.headers.Set("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                           std::to_string(range.first + range.length - 1) + "/" +
                                           std::to_string(size));
    }
  }
  if (head) {
    res.head_only = true;
    res.file = http::FileBody{-1, range.first, range.length, nullptr, nullptr};
    return res;
  }
  if (blob->fd() >= 0) {
    res.file = http::FileBody{blob->fd(), range.first, range.length, blob, nullptr};
    return res;
  }
  res.file = http::FileBody{-1, range.first, range.length, nullptr,
                            std::make_shared<BlobSource>(std::move(blob), digest->str())};
  return res;
}

Response Registry::DeleteBlob(const Route& route) {
  auto digest = Digest::Parse(route.reference);
  if (!digest) return ErrorResponse(digest.error());
  if (auto s = meta_.UnlinkBlob(route.name, *digest); !s) return ErrorResponse(s.error());
  return Empty(202);
}

Dispatch Registry::StartUpload(const Request& req, const Route& route, const std::string& caller) {
  auto mount = req.Query("mount");
  if (mount) {
    auto digest = Digest::Parse(*mount);
    if (!digest) return Answer(ErrorResponse(digest.error()));
    auto from = req.Query("from");
    // Mount only what the source repository really holds and the caller may read; otherwise a
    // normal upload begins, which tells nothing about the source.
    if (from && IsValidRepositoryName(*from) && MayPull(req, *from)) {
      auto size = meta_.LinkedBlobSize(std::string(*from), *digest);
      if (size && blobs_.Stat(*digest)) {
        if (auto s = meta_.LinkBlob(route.name, *digest, *size, clock_.Now()); !s) {
          if (s.error().code == ErrorCode::kQuotaExceeded)
            return Answer(OverQuota(caller, route.name, s.error()));
          return Answer(ErrorResponse(s.error()));
        }
        Response res = Empty(201);
        res.headers.Set("Location", "/v2/" + route.name + "/blobs/" + digest->str());
        res.headers.Set("Docker-Content-Digest", digest->str());
        return Answer(std::move(res));
      }
    }
  }
  std::optional<Digest> digest;
  if (auto d = req.Query("digest")) {
    auto parsed = Digest::Parse(*d);
    if (!parsed) return Answer(ErrorResponse(parsed.error()));
    digest = std::move(*parsed);
  }
  auto uuid = uploads_.Start(route.name);
  if (!uuid) return Answer(ErrorResponse(uuid.error()));
  if (!digest) {
    Response res = Empty(202);
    res.headers.Set("Location", "/v2/" + route.name + "/blobs/uploads/" + *uuid);
    res.headers.Set("Range", RangeHeader(0));
    res.headers.Set("Docker-Upload-UUID", *uuid);
    return Answer(std::move(res));
  }
  auto writer = uploads_.Open(route.name, *uuid);
  if (!writer) return Answer(ErrorResponse(writer.error()));
  return UploadInto(std::move(*writer), route, *uuid, std::move(digest), caller);
}

Dispatch Registry::UploadInto(std::unique_ptr<Uploads::Writer> writer, const Route& route,
                              const std::string& uuid, std::optional<Digest> complete,
                              const std::string& caller) {
  auto storage = meta_.ProjectStorage(std::string(ProjectOf(route.name)));
  if (!storage) return Answer(ErrorResponse(storage.error()));
  std::optional<uint64_t> room;
  std::function<void()> linked;
  if (*storage) {
    const StorageUse use = **storage;
    room = static_cast<uint64_t>(std::max<int64_t>(0, use.limit - use.used));
    linked = [this, caller, name = route.name, used = use.used] {
      WarnNearQuota(caller, name, used);
    };
  }
  auto refuse = [this, caller, name = route.name](const Error& e) {
    return OverQuota(caller, name, e);
  };
  return {std::nullopt,
          std::make_unique<UploadSink>(std::move(writer), route.name, uuid, std::move(complete),
                                       room, refuse, std::move(linked))};
}

Dispatch Registry::WriteUpload(const Request& req, const Route& route, bool complete,
                               const std::string& caller) {
  std::optional<Digest> digest;
  if (complete) {
    auto d = req.Query("digest");
    if (!d)
      return Answer(ErrorResponse(ErrorCode::kDigestInvalid, "the digest parameter is required"));
    auto parsed = Digest::Parse(*d);
    if (!parsed) return Answer(ErrorResponse(parsed.error()));
    digest = std::move(*parsed);
  }
  auto writer = uploads_.Open(route.name, route.reference);
  if (!writer) return Answer(ErrorResponse(writer.error()));
  if (auto header = req.headers.Get("Content-Range"); header && req.has_body) {
    auto range = ParseContentRange(*header);
    if (!range)
      return Answer(ErrorResponse(ErrorCode::kBlobUploadInvalid, "malformed Content-Range"));
    const uint64_t offset = (*writer)->offset();
    if (range->first != offset) {
      Response res = ErrorResponse(ErrorCode::kUploadRangeInvalid,
                                   "chunk starts at " + std::to_string(range->first) +
                                       " but the upload has " + std::to_string(offset) + " bytes");
      res.headers.Set("Location", "/v2/" + route.name + "/blobs/uploads/" + route.reference);
      res.headers.Set("Range", RangeHeader(offset));
      res.headers.Set("Docker-Upload-UUID", route.reference);
      return Answer(std::move(res));
    }
    if (req.content_length && *req.content_length != range->second - range->first + 1) {
      return Answer(
          ErrorResponse(ErrorCode::kSizeInvalid, "Content-Range and Content-Length disagree"));
    }
  }
  return UploadInto(std::move(*writer), route, route.reference, std::move(digest), caller);
}

Response Registry::UploadStatus(const Route& route) {
  auto offset = uploads_.Offset(route.name, route.reference);
  if (!offset) return ErrorResponse(offset.error());
  Response res = Empty(204);
  res.headers.Set("Location", "/v2/" + route.name + "/blobs/uploads/" + route.reference);
  res.headers.Set("Range", RangeHeader(*offset));
  res.headers.Set("Docker-Upload-UUID", route.reference);
  return res;
}

Response Registry::CancelUpload(const Route& route) {
  if (auto s = uploads_.Cancel(route.name, route.reference); !s) return ErrorResponse(s.error());
  return Empty(204);
}

Response Registry::ListTags(const Request& req, const Route& route) {
  auto page = ParsePage(req);
  if (!page) return ErrorResponse(page.error());
  if (page->limit == 0) {
    // n=0 still answers 404 for an unknown repository.
    if (auto probe = meta_.ListTags(route.name, {"", 1}); !probe)
      return ErrorResponse(probe.error());
  }
  return PagedNames(
      "/v2/" + route.name + "/tags/list", *page,
      [&](const Page& p) { return meta_.ListTags(route.name, p); },
      [&](boost::json::array tags) {
        return boost::json::object{{"name", route.name}, {"tags", std::move(tags)}};
      });
}

Response Registry::Catalog(const Request& req) {
  auto page = ParsePage(req);
  if (!page) return ErrorResponse(page.error());
  return PagedNames(
      "/v2/_catalog", *page, [&](const Page& p) { return meta_.ListRepositories(p); },
      [](boost::json::array repos) {
        return boost::json::object{{"repositories", std::move(repos)}};
      });
}

Response Registry::Referrers(const Request& req, const Route& route) {
  auto subject = Digest::Parse(route.reference);
  if (!subject) return ErrorResponse(subject.error());
  auto referrers = meta_.ListReferrers(route.name, *subject);
  if (!referrers) return ErrorResponse(referrers.error());
  auto filter = req.Query("artifactType");
  std::string body =
      R"({"schemaVersion":2,"mediaType":")" + std::string(kOciIndex) + R"(","manifests":[)";
  bool first = true;
  for (const ManifestRecord& m : *referrers) {
    if (filter && m.artifact_type != *filter) continue;
    if (!first) body.push_back(',');
    first = false;
    body += ReferrerDescriptor(m.content, m.media_type, m.digest, m.artifact_type);
  }
  body += "]}";
  Response res = JsonResponse(200, std::move(body), std::string(kOciIndex));
  if (filter) res.headers.Set("OCI-Filters-Applied", "artifactType");
  return res;
}

}  // namespace berth
