// The Docker token service (/service/token) and the registry's side of it: the guard that
// accepts the tokens it issued, or Basic credentials, before any /v2/ request runs.
//
// GET  /service/token?service=&scope=...   Basic credentials or none (anonymous)
// POST /service/token  OAuth2 form: grant_type=password | refresh_token
//
// A token's `access` holds what was asked intersected with what the caller may do: asking for
// too much is never an error. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <shared_mutex>
#include <string>

#include "auth/access.h"
#include "auth/authenticator.h"
#include "auth/jwt.h"
#include "core/clock.h"
#include "core/settings.h"
#include "core/strings.h"
#include "http/message.h"
#include "registry/registry.h"

namespace berth {

struct TokenServiceOptions {
  std::string realm;  // <external URL>/service/token
  std::string service = "harbor-registry";
  std::string issuer = "harbor-token-issuer";
  std::chrono::seconds expiration{std::chrono::minutes(30)};
  // When given, the token lifetime follows the run-time setting instead of `expiration`.
  const Settings* settings = nullptr;
  std::chrono::seconds refresh_expiration{std::chrono::hours(24 * 30)};
};

class TokenService : public http::Handler {
 public:
  TokenService(const TokenSigner& signer, Authenticator& authenticator, AccessControl& access,
               IdentityStore& store, const Clock& clock, TokenServiceOptions options);

  http::Dispatch Handle(const http::Request& request) override;

  // The claims of a token this service issued for the registry; checked once, then
  // remembered until it expires.
  Result<std::shared_ptr<const TokenClaims>> Verify(std::string_view token);
  // The access entries of `asked` that `principal` is granted (entries granting nothing
  // are left out).
  Result<std::vector<AccessEntry>> Grant(const Principal& principal,
                                         const std::vector<AccessEntry>& asked);
  // A signed access token for the principal.
  std::string Issue(const Principal& principal, std::vector<AccessEntry> access,
                    int64_t* issued_at = nullptr);

  const TokenServiceOptions& options() const { return options_; }

 private:
  int64_t Expiration() const {
    return options_.settings ? options_.settings->token_expiration_seconds()
                             : options_.expiration.count();
  }
  std::optional<http::Response> WrongService(std::string_view service) const;
  http::Response GetToken(const http::Request& request);
  http::Response PostToken(const std::string& form);
  http::Response TokenResponse(const Principal& principal, const std::vector<AccessEntry>& asked,
                               bool with_refresh, bool oauth);
  Result<Principal> FromRefreshToken(std::string_view token);

  const TokenSigner& signer_;
  Authenticator& authenticator_;
  AccessControl& access_;
  IdentityStore& store_;
  const Clock& clock_;
  TokenServiceOptions options_;

  std::shared_mutex mu_;
  TextMap<std::shared_ptr<const TokenClaims>> verified_;  // guarded by mu_
};

class TokenGuard : public RegistryGuard {
 public:
  TokenGuard(TokenService& tokens, Authenticator& authenticator, AccessControl& access)
      : tokens_(tokens), authenticator_(authenticator), access_(access) {}

  Verdict Check(const http::Request& request, const Ask& ask, bool may_block,
                std::string* caller = nullptr) override;
  std::string Challenge(const Ask& ask, bool insufficient_scope) const override;
  std::string DenialReason(const Ask& ask) const override;

 private:
  Verdict Decide(const Principal& principal, const Ask& ask, bool may_block);
  static Verdict Undecided(const char* step, const Error& error, Verdict otherwise);
  Verdict CheckToken(const std::string& token, const Ask& ask, bool may_block,
                     std::string* caller);

  TokenService& tokens_;
  Authenticator& authenticator_;
  AccessControl& access_;
};

}  // namespace berth
