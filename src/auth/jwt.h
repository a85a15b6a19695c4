// The registry's bearer tokens (the Docker token specification's JWT): ES256-signed claims
// with the `access` entries granted. TokenSigner is immutable after loading; thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace berth {

struct AccessEntry {
  std::string type;  // "repository", "registry"
  std::string name;  // "library/busybox", "catalog"
  std::vector<std::string> actions;
  friend bool operator==(const AccessEntry&, const AccessEntry&) = default;
};

struct TokenClaims {
  std::string issuer;
  std::string subject;  // "" for anonymous
  std::string audience;
  int64_t issued_at = 0;
  int64_t not_before = 0;
  int64_t expires_at = 0;
  std::string id;  // jti
  std::vector<AccessEntry> access;
};

struct TokenCheck {
  std::string issuer;
  std::string audience;
  int64_t now = 0;
  int64_t leeway = 60;  // seconds of clock skew tolerated on exp and nbf
};

class TokenSigner {
 public:
  // The P-256 private key in `pem`.
  static Result<std::unique_ptr<TokenSigner>> FromPem(const std::string& pem);
  // A new P-256 private key, as PEM.
  static Result<std::string> NewKeyPem();
  ~TokenSigner();

  std::string Sign(const TokenClaims& claims) const;
  // TOKEN_INVALID unless: three parts, alg exactly ES256, a valid signature by this key, the
  // expected issuer and audience, and now within [nbf - leeway, exp + leeway).
  Result<TokenClaims> Verify(std::string_view token, const TokenCheck& check) const;

  // The key id in the JOSE header (libtrust's format: the SHA-256 of the public key's DER,
  // base32 in 12 groups of 4), by which Distribution finds the key too.
  const std::string& key_id() const { return key_id_; }

 private:
  struct Key;
  explicit TokenSigner(std::unique_ptr<Key> key);
  std::unique_ptr<Key> key_;
  std::string key_id_;
};

}  // namespace berth
