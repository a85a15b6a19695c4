#include "registry/uploads.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <vector>

namespace berth {
namespace {

std::string NewUuid() {
  unsigned char b[16];
  RAND_bytes(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 15]);
  }
  return out;
}

bool IsUuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// What the client is told; the system's own words go to the log.
tl::unexpected<Error> OutOfSpace(const Error& cause) {
  spdlog::error("out of storage space: {}", cause.message);
  return Fail(ErrorCode::kStorageFull,
              "the registry is out of storage space: the upload was discarded; push again once "
              "space is freed");
}

}  // namespace

struct Uploads::Writer::State {
  bool busy = false;  // guarded by Uploads::mu_
  // The running digest of the first `hashed` bytes, and the store's record of the upload; only
  // the holder of `busy` touches these.
  std::optional<ResumableSha256> hasher;
  uint64_t hashed = 0;
  std::string record;
  int64_t touched_at = 0;  // the activity time last written to the metadata store
};

Uploads::Writer::Writer(Uploads& owner, std::string repository, std::string uuid,
                        std::shared_ptr<State> state)
    : owner_(owner),
      repository_(std::move(repository)),
      uuid_(std::move(uuid)),
      state_(std::move(state)) {}

Uploads::Writer::~Writer() {
  file_.reset();
  std::lock_guard lock(owner_.mu_);
  state_->busy = false;
  // A session in a shared store is read afresh at each request, which may come to any node:
  // none of it is kept here in between. The slot goes only if it is still this writer's, not
  // one a later request made after Complete or Drop let this one go.
  if (owner_.blobs_.SharedUploads()) {
    auto it = owner_.states_.find(uuid_);
    if (it != owner_.states_.end() && it->second == state_) owner_.states_.erase(it);
  }
}

uint64_t Uploads::Writer::offset() const { return state_->hashed; }

Status Uploads::OpenFile(Writer& writer) {
  if (writer.file_) return {};
  auto file = blobs_.OpenUploadWriter(writer.uuid_, writer.state_->record);
  if (!file) return tl::unexpected(file.error());
  writer.file_ = std::move(*file);
  return {};
}

Status Uploads::Writer::Append(std::span<const char> bytes) {
  if (auto s = owner_.OpenFile(*this); !s) return s;
  if (!state_->hasher) return Fail(ErrorCode::kInternal, "upload digest lost after a failed write");
  if (auto s = file_->Append(bytes); !s) {
    // Out of space: the session ends now, its bytes freed, rather than held for the TTL.
    if (s.error().code == ErrorCode::kStorageFull) {
      file_.reset();
      owner_.Drop(uuid_);
      return OutOfSpace(s.error());
    }
    // The store may now hold part of these bytes: rehash from it next time.
    state_->hasher.reset();
    return s;
  }
  state_->hasher->Update(bytes);
  state_->hashed += bytes.size();
  return {};
}

Status Uploads::Writer::Checkpoint() {
  const int64_t now = owner_.clock_.Now();
  if (owner_.blobs_.SharedUploads() && file_ && state_->hasher) {
    auto record = file_->Flush();
    if (!record) {
      state_->hasher.reset();
      return tl::unexpected(record.error());
    }
    UploadRecord progress{uuid_,  repository_, 0, now, state_->hashed, state_->hasher->State(),
                          *record};
    if (auto s = owner_.meta_.SaveUploadProgress(progress, opened_at_); !s) {
      state_->hasher.reset();
      return s;
    }
    state_->record = std::move(*record);
    state_->touched_at = now;
    return {};
  }
  // Only the expiry reads this time, and it counts in hours: a commit (an fsync) for every
  // chunk of a chunked push would buy nothing.
  if (state_->touched_at != 0 && now - state_->touched_at < owner_.touch_interval_) return {};
  state_->touched_at = now;
  return owner_.meta_.TouchUpload(uuid_, now);
}

Status Uploads::Writer::Complete(const Digest& expected) {
  if (auto s = owner_.OpenFile(*this); !s) return s;
  Digest actual = expected;
  if (expected.algorithm() == "sha256" && state_->hasher) {
    actual = state_->hasher->Peek();
  } else {
    auto record = file_->Seal();
    if (!record) return tl::unexpected(record.error());
    state_->record = std::move(*record);
    auto reader = owner_.blobs_.OpenUploadReader(uuid_, state_->record);
    if (!reader) return tl::unexpected(reader.error());
    auto hasher = HashFrom(**reader, Hasher(expected.algorithm()));
    if (!hasher) return tl::unexpected(hasher.error());
    actual = hasher->Finish();
  }
  if (actual != expected) {
    file_.reset();
    owner_.Drop(uuid_);
    return Fail(ErrorCode::kDigestInvalid,
                "upload digest " + actual.str() + " does not match " + expected.str());
  }
  // Garbage collection leaves the blob alone from here on (MetadataStore::ReserveBlob).
  if (auto s = owner_.meta_.ReserveBlob(uuid_, actual, state_->hashed, owner_.clock_.Now()); !s)
    return s;
  Status committed = file_->Commit(actual);
  file_.reset();
  if (!committed) {
    if (committed.error().code != ErrorCode::kStorageFull) return committed;
    owner_.Drop(uuid_);
    return OutOfSpace(committed.error());
  }
  if (auto s = owner_.meta_.LinkUploadedBlob(uuid_, repository_, actual, state_->hashed,
                                             owner_.clock_.Now());
      !s) {
    // Refused by the project's quota: the session is over (the blob, unlinked, is garbage).
    if (s.error().code == ErrorCode::kQuotaExceeded) owner_.Drop(uuid_);
    return s;
  }
  std::lock_guard lock(owner_.mu_);
  owner_.states_.erase(uuid_);
  return {};
}

void Uploads::Writer::Discard() {
  file_.reset();
  owner_.Drop(uuid_);
}

Result<std::string> Uploads::Start(const std::string& repository) {
  std::string uuid = NewUuid();
  int64_t now = clock_.Now();
  // The row first: bytes in the store without a row are purged, a row without bytes is
  // "unknown".
  UploadRecord session;
  session.uuid = uuid;
  session.repository = repository;
  session.created_at = session.updated_at = now;
  if (auto s = meta_.CreateUpload(session, limits_); !s) return tl::unexpected(s.error());
  auto record = blobs_.CreateUpload(uuid);
  if (!record) {
    meta_.DeleteUpload(uuid);
    return tl::unexpected(record.error());
  }
  if (blobs_.SharedUploads()) return uuid;  // kept in the metadata alone (see ~Writer)
  auto state = std::make_shared<Writer::State>();
  state->hasher.emplace();
  state->record = std::move(*record);
  state->touched_at = now;
  std::lock_guard lock(mu_);
  states_[uuid] = std::move(state);
  return uuid;
}

Result<UploadRecord> Uploads::Check(const std::string& repository, const std::string& uuid) {
  if (!IsUuid(uuid)) return Fail(ErrorCode::kBlobUploadUnknown);
  auto record = meta_.GetUpload(uuid);
  if (!record) return tl::unexpected(record.error());
  if (record->repository != repository) return Fail(ErrorCode::kBlobUploadUnknown);
  return record;
}

Result<std::unique_ptr<Uploads::Writer>> Uploads::Open(const std::string& repository,
                                                       const std::string& uuid) {
  auto session = Check(repository, uuid);
  if (!session) return tl::unexpected(session.error());
  std::shared_ptr<Writer::State> state;
  {
    std::lock_guard lock(mu_);
    auto& slot = states_[uuid];
    if (!slot) slot = std::make_shared<Writer::State>();
    if (slot->busy) {
      return Fail(ErrorCode::kBlobUploadInvalid, "the upload is being written by another request");
    }
    slot->busy = true;
    state = slot;
  }
  std::unique_ptr<Writer> writer(new Writer(*this, repository, uuid, state));
  if (blobs_.SharedUploads()) {
    // The session says where the upload stands: the last request may have been another node's.
    state->record = session->store_record;
    state->hashed = session->size;
    state->hasher = session->size == 0 ? std::optional<ResumableSha256>(ResumableSha256())
                                       : ResumableSha256::FromState(session->digest_state);
    writer->opened_at_ = session->size;
    if (state->hasher) return writer;
  }
  auto size = blobs_.UploadSize(uuid, state->record);
  if (!size) return tl::unexpected(size.error());
  writer->opened_at_ = *size;
  if (!state->hasher || state->hashed != *size) {
    auto reader = blobs_.OpenUploadReader(uuid, state->record);
    if (!reader) return tl::unexpected(reader.error());
    auto hasher = HashFrom(**reader, ResumableSha256());
    if (!hasher) return tl::unexpected(hasher.error());
    state->hasher = std::move(*hasher);
    state->hashed = *size;
  }
  return writer;
}

Result<uint64_t> Uploads::Offset(const std::string& repository, const std::string& uuid) {
  auto session = Check(repository, uuid);
  if (!session) return tl::unexpected(session.error());
  if (blobs_.SharedUploads()) return session->size;
  return blobs_.UploadSize(uuid, session->store_record);
}

Status Uploads::Cancel(const std::string& repository, const std::string& uuid) {
  if (auto s = Check(repository, uuid); !s) return tl::unexpected(s.error());
  Drop(uuid);
  return {};
}

void Uploads::Drop(const std::string& uuid) {
  meta_.DeleteUpload(uuid);
  blobs_.DeleteUpload(uuid);
  std::lock_guard lock(mu_);
  states_.erase(uuid);
}

size_t Uploads::PurgeStale(int64_t ttl) {
  size_t removed = 0;
  auto stale = meta_.StaleUploads(clock_.Now() - ttl);
  if (stale) {
    for (const std::string& uuid : *stale) {
      {
        // Claim the session as a request would, so none can open it while it is dropped.
        std::lock_guard lock(mu_);
        auto& slot = states_[uuid];
        if (!slot) slot = std::make_shared<Writer::State>();
        if (slot->busy) continue;
        slot->busy = true;
      }
      Drop(uuid);
      ++removed;
    }
  }
  auto present = blobs_.ListUploads();
  if (present) {
    for (const std::string& uuid : *present) {
      auto record = meta_.GetUpload(uuid);
      if (!record && record.error().code == ErrorCode::kBlobUploadUnknown) {
        blobs_.DeleteUpload(uuid);
        ++removed;
      }
    }
  }
  return removed;
}

size_t Uploads::InFlight() {
  std::lock_guard lock(mu_);
  size_t busy = 0;
  for (const auto& [uuid, state] : states_) busy += state->busy ? 1 : 0;
  return busy;
}

}  // namespace berth
