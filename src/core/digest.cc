#include "core/digest.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace berth {
namespace {

size_t HexLength(std::string_view algorithm) {
  if (algorithm == "sha256") return 64;
  if (algorithm == "sha512") return 128;
  return 0;
}

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Result<Digest> Digest::Parse(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return Fail(ErrorCode::kDigestInvalid, "malformed digest");
  std::string_view algorithm = text.substr(0, colon);
  std::string_view hex = text.substr(colon + 1);
  size_t want = HexLength(algorithm);
  if (want == 0) return Fail(ErrorCode::kDigestInvalid, "unsupported digest algorithm");
  if (hex.size() != want || !IsLowerHex(hex)) {
    return Fail(ErrorCode::kDigestInvalid, "malformed digest");
  }
  return Digest(std::string(text), colon);
}

struct Hasher::Impl {
  EVP_MD_CTX* ctx = nullptr;
  std::string algorithm;
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Hasher::Hasher(std::string_view algorithm) : impl_(std::make_unique<Impl>()) {
  impl_->algorithm = algorithm;
  impl_->ctx = EVP_MD_CTX_new();
  const EVP_MD* md = algorithm == "sha512" ? EVP_sha512() : EVP_sha256();
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx, md, nullptr) != 1) {
    throw std::runtime_error("EVP_DigestInit_ex failed");
  }
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::Update(std::span<const char> bytes) {
  EVP_DigestUpdate(impl_->ctx, bytes.data(), bytes.size());
}

Digest Hasher::Finish() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, md, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text = impl_->algorithm + ":";
  for (unsigned int i = 0; i < len; ++i) {
    text.push_back(kHex[md[i] >> 4]);
    text.push_back(kHex[md[i] & 15]);
  }
  return *Digest::Parse(text);
}

Digest DigestOf(std::string_view bytes, std::string_view algorithm) {
  Hasher hasher(algorithm);
  hasher.Update(bytes);
  return hasher.Finish();
}

}  // namespace berth
