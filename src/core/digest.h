// Content digests ("sha256:<64 hex>") and the streaming hasher that computes them.
// Digest is a value type; a Hasher is used by one thread at a time.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

namespace berth {

class Digest {
 public:
  // Accepts sha256 and sha512 with lowercase hex of the right length; DIGEST_INVALID otherwise.
  static Result<Digest> Parse(std::string_view text);

  const std::string& str() const { return text_; }
  std::string_view algorithm() const { return std::string_view(text_).substr(0, colon_); }
  std::string_view hex() const { return std::string_view(text_).substr(colon_ + 1); }

  friend bool operator==(const Digest&, const Digest&) = default;
  friend auto operator<=>(const Digest&, const Digest&) = default;

 private:
  Digest(std::string text, size_t colon) : text_(std::move(text)), colon_(colon) {}
  std::string text_;
  size_t colon_ = 0;
};

class Hasher {
 public:
  // algorithm is "sha256" or "sha512" (as Digest::algorithm() returns).
  explicit Hasher(std::string_view algorithm = "sha256");
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;

  void Update(std::span<const char> bytes);
  void Update(std::string_view bytes) { Update(std::span(bytes.data(), bytes.size())); }
  // Returns the digest of everything passed to Update; the hasher is spent afterwards.
  Digest Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

Digest DigestOf(std::string_view bytes, std::string_view algorithm = "sha256");

}  // namespace berth
