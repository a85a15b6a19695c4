// The low-level SHA-256 calls are deprecated in OpenSSL 3 but not going away in it; see the header.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "core/resumable_sha256.h"

#include <cstring>

namespace berth {
namespace {

// Saved states name their layout, so a node never takes up a state it would misread.
constexpr std::string_view kTag = "sha256-ctx-v1:";

}  // namespace

ResumableSha256::ResumableSha256() { SHA256_Init(&ctx_); }

std::optional<ResumableSha256> ResumableSha256::FromState(std::string_view state) {
  if (!state.starts_with(kTag) || state.size() != kTag.size() + sizeof(SHA256_CTX))
    return std::nullopt;
  ResumableSha256 out;
  std::memcpy(&out.ctx_, state.data() + kTag.size(), sizeof(SHA256_CTX));
  if (out.ctx_.md_len != SHA256_DIGEST_LENGTH || out.ctx_.num >= SHA256_CBLOCK) return std::nullopt;
  return out;
}

void ResumableSha256::Update(std::span<const char> bytes) {
  SHA256_Update(&ctx_, bytes.data(), bytes.size());
}

Digest ResumableSha256::Peek() const {
  SHA256_CTX copy = ctx_;
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256_Final(md, &copy);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text = "sha256:";
  for (unsigned char b : md) {
    text.push_back(kHex[b >> 4]);
    text.push_back(kHex[b & 15]);
  }
  return *Digest::Parse(text);
}

std::string ResumableSha256::State() const {
  std::string out(kTag);
  out.append(reinterpret_cast<const char*>(&ctx_), sizeof ctx_);
  return out;
}

}  // namespace berth
