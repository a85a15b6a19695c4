// A running SHA-256 whose state can be saved and taken up again elsewhere: an upload's digest
// travels with its session, so a chunk arriving at another node goes on hashing where the last
// one stopped instead of reading the upload again from the start. Used by one thread at a time.
#pragma once

#include <openssl/sha.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/digest.h"

namespace berth {

class ResumableSha256 {
 public:
  ResumableSha256();
  // nullopt when `state` is not one that State() made.
  static std::optional<ResumableSha256> FromState(std::string_view state);

  void Update(std::span<const char> bytes);
  // The digest of every byte so far; the hasher goes on unchanged.
  Digest Peek() const;
  std::string State() const;

 private:
  // OpenSSL's low-level context: a plain struct, so it can be copied out and back (EVP's
  // contexts are opaque). Deprecated in OpenSSL 3, which offers no serialisable alternative.
  SHA256_CTX ctx_;
};

}  // namespace berth
