#include "auth/token_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>

#include "api/harbor_json.h"
#include "auth/credentials.h"
#include "auth/scope.h"
#include "core/random.h"

namespace berth {
namespace {

constexpr size_t kMaxVerifiedTokens = 10000;
constexpr size_t kMaxFormBytes = 64 * 1024;
// Refresh tokens are signed by the same key but for another audience, so that one can never
// pass for an access token.
constexpr std::string_view kRefreshAudienceSuffix = "/refresh";

std::string ScopeText(const std::vector<AccessEntry>& access) {
  std::string out;
  for (const AccessEntry& e : access) {
    if (!out.empty()) out += ' ';
    out += e.type + ":" + e.name + ":";
    for (size_t i = 0; i < e.actions.size(); ++i) out += (i ? "," : "") + e.actions[i];
  }
  return out;
}

}  // namespace

TokenService::TokenService(const TokenSigner& signer, Authenticator& authenticator,
                           AccessControl& access, IdentityStore& store, const Clock& clock,
                           TokenServiceOptions options)
    : signer_(signer),
      authenticator_(authenticator),
      access_(access),
      store_(store),
      clock_(clock),
      options_(std::move(options)) {}

http::Dispatch TokenService::Handle(const http::Request& req) {
  if (req.method == "GET") return {GetToken(req), nullptr};
  if (req.method == "POST") {
    return {std::nullopt,
            http::BufferBody(
                kMaxFormBytes, [this](std::string form) { return PostToken(form); },
                [] { return HarborError(ErrorCode::kBadRequest, "the form is too large"); })};
  }
  return {HarborError(ErrorCode::kMethodNotAllowed), nullptr};
}

Result<std::shared_ptr<const TokenClaims>> TokenService::Verify(std::string_view token) {
  const int64_t now = clock_.Now();
  {
    std::shared_lock lock(mu_);
    if (auto it = verified_.find(token); it != verified_.end() && it->second->expires_at > now)
      return it->second;
  }
  auto claims = signer_.Verify(token, TokenCheck{options_.issuer, options_.service, now});
  if (!claims) return tl::unexpected(claims.error());
  auto shared = std::make_shared<const TokenClaims>(std::move(*claims));
  std::unique_lock lock(mu_);
  // Expired entries go all at once when the cache is full, rather than one by one.
  if (verified_.size() >= kMaxVerifiedTokens) verified_.clear();
  verified_.insert_or_assign(std::string(token), shared);
  return shared;
}

Result<std::vector<AccessEntry>> TokenService::Grant(const Principal& principal,
                                                     const std::vector<AccessEntry>& asked) {
  std::vector<AccessEntry> granted;
  for (const AccessEntry& entry : asked) {
    AccessEntry out{entry.type, entry.name, {}};
    if (entry.type == "repository") {
      auto actions = access_.GrantRepository(principal, entry.name, entry.actions);
      if (!actions) return tl::unexpected(actions.error());
      out.actions = std::move(*actions);
    } else if (entry.type == "registry" && entry.name == "catalog" &&
               (principal.sysadmin || principal.robot_may_list_catalog)) {
      out.actions = {"*"};
    }
    if (out.actions.empty()) continue;
    auto same = std::find_if(granted.begin(), granted.end(), [&](const AccessEntry& g) {
      return g.type == out.type && g.name == out.name;
    });
    if (same == granted.end()) {
      granted.push_back(std::move(out));
    } else {
      for (std::string& a : out.actions) {
        if (std::find(same->actions.begin(), same->actions.end(), a) == same->actions.end())
          same->actions.push_back(std::move(a));
      }
    }
  }
  return granted;
}

std::string TokenService::Issue(const Principal& principal, std::vector<AccessEntry> access,
                                int64_t* issued_at) {
  const int64_t now = clock_.Now();
  if (issued_at) *issued_at = now;
  TokenClaims claims;
  claims.issuer = options_.issuer;
  claims.subject = principal.name;
  claims.audience = options_.service;
  claims.issued_at = now;
  claims.not_before = now;
  claims.expires_at = now + Expiration();
  claims.id = RandomHex(16);
  claims.access = std::move(access);
  return signer_.Sign(claims);
}

http::Response TokenService::TokenResponse(const Principal& principal,
                                           const std::vector<AccessEntry>& asked, bool with_refresh,
                                           bool oauth) {
  auto granted = Grant(principal, asked);
  if (!granted) return HarborError(granted.error());
  int64_t issued_at = 0;
  const std::string scope = ScopeText(*granted);
  const std::string token = Issue(principal, std::move(*granted), &issued_at);
  boost::json::object body{{"token", token},
                           {"access_token", token},
                           {"expires_in", Expiration()},
                           {"issued_at", Rfc3339(issued_at)}};
  if (oauth) body["scope"] = scope;
  if (with_refresh && !principal.anonymous()) {
    TokenClaims refresh;
    refresh.issuer = options_.issuer;
    refresh.subject = principal.name;
    refresh.audience = options_.service + std::string(kRefreshAudienceSuffix);
    refresh.issued_at = issued_at;
    refresh.not_before = issued_at;
    refresh.expires_at = issued_at + options_.refresh_expiration.count();
    refresh.id = RandomHex(16);
    body["refresh_token"] = signer_.Sign(refresh);
  }
  http::Response res = JsonBody(200, body);
  res.headers.Set("Cache-Control", "no-store");
  return res;
}

// Harbor answers a token request for another service, or for none, with 400.
std::optional<http::Response> TokenService::WrongService(std::string_view service) const {
  if (service == options_.service) return std::nullopt;
  return HarborError(ErrorCode::kBadRequest, "service must be " + options_.service);
}

http::Response TokenService::GetToken(const http::Request& req) {
  if (auto wrong = WrongService(req.Query("service").value_or(""))) return *wrong;
  std::vector<AccessEntry> asked;
  for (const auto& [name, value] : req.query) {
    if (name != "scope") continue;
    auto scopes = ParseScopes(value);
    asked.insert(asked.end(), scopes.begin(), scopes.end());
  }
  Credentials creds = ParseAuthorization(req.headers.Get("Authorization"));
  Principal principal;
  if (creds.kind == Credentials::Kind::kBasic) {
    auto login = authenticator_.Login(creds.user, creds.password);
    if (!login) return HarborError(login.error());
    principal = std::move(*login);
  } else if (creds.kind != Credentials::Kind::kNone) {
    return HarborError(ErrorCode::kUnauthenticated, "the token service takes Basic credentials");
  }
  const bool offline = req.Query("offline_token") == std::optional<std::string_view>("true");
  return TokenResponse(principal, asked, offline, false);
}

Result<Principal> TokenService::FromRefreshToken(std::string_view token) {
  auto claims = signer_.Verify(
      token, TokenCheck{options_.issuer, options_.service + std::string(kRefreshAudienceSuffix),
                        clock_.Now()});
  if (!claims) return Fail(ErrorCode::kUnauthenticated, "invalid refresh token");
  // An account changed since the token was issued (a new password or secret, disabled, deleted
  // and made again) no longer honours it: the holder must log in again.
  if (claims->subject.starts_with(kRobotPrefix)) {
    auto robot = store_.FindRobot(claims->subject);
    if (!robot || robot->updated_at > claims->issued_at)
      return Fail(ErrorCode::kUnauthenticated, "invalid refresh token");
    return authenticator_.ForRobot(*robot);
  }
  auto user = store_.FindUser(claims->subject);
  if (!user || user->updated_at > claims->issued_at)
    return Fail(ErrorCode::kUnauthenticated, "invalid refresh token");
  return authenticator_.ForUser(*user);
}

http::Response TokenService::PostToken(const std::string& form) {
  auto fields = http::ParseForm(form);
  if (!fields) return HarborError(ErrorCode::kBadRequest, "the body is not a URL-encoded form");
  std::string grant_type, username, password, refresh_token, scope, access_type, service;
  for (const auto& [key, value] : *fields) {
    if (key == "grant_type")
      grant_type = value;
    else if (key == "username")
      username = value;
    else if (key == "password")
      password = value;
    else if (key == "refresh_token")
      refresh_token = value;
    else if (key == "scope")
      scope += (scope.empty() ? "" : " ") + value;
    else if (key == "access_type")
      access_type = value;
    else if (key == "service")
      service = value;
  }
  if (auto wrong = WrongService(service)) return *wrong;
  Result<Principal> principal = Fail(ErrorCode::kBadRequest);
  if (grant_type == "password") {
    principal = authenticator_.Login(username, password);
  } else if (grant_type == "refresh_token") {
    principal = FromRefreshToken(refresh_token);
  } else {
    return HarborError(ErrorCode::kBadRequest, "grant_type must be password or refresh_token");
  }
  if (!principal) return HarborError(principal.error());
  // A password grant returns a refresh token when asked for offline access, as docker's
  // login does; a refresh grant keeps using the one it has.
  return TokenResponse(*principal, ParseScopes(scope),
                       grant_type == "password" && access_type == "offline", true);
}

// A decision that a store's failure stopped: a database out of reach is said as such (503, so
// that clients retry), not as bad credentials; any other failure refuses.
RegistryGuard::Verdict TokenGuard::Undecided(const char* step, const Error& error,
                                             Verdict otherwise) {
  spdlog::error("{}: {}", step, error.message);
  return error.code == ErrorCode::kUnavailable ? Verdict::kUnavailable : otherwise;
}

RegistryGuard::Verdict TokenGuard::Check(const http::Request& req, const Ask& ask, bool may_block,
                                         std::string* caller) {
  Credentials creds = ParseAuthorization(req.headers.Get("Authorization"));
  switch (creds.kind) {
    case Credentials::Kind::kNone:
      // The base endpoint tells clients whether they are known: anonymous callers are not.
      if (ask.type.empty()) return Verdict::kUnauthenticated;
      return Decide(Principal{}, ask, may_block);
    case Credentials::Kind::kMalformed:
      return Verdict::kUnauthenticated;
    case Credentials::Kind::kBearer:
      return CheckToken(creds.token, ask, may_block, caller);
    case Credentials::Kind::kBasic: {
      if (!may_block) return Verdict::kWouldBlock;
      auto principal = authenticator_.Login(creds.user, creds.password);
      if (!principal) {
        if (principal.error().code == ErrorCode::kUnauthenticated) return Verdict::kUnauthenticated;
        return Undecided("login", principal.error(), Verdict::kUnauthenticated);
      }
      if (caller) *caller = principal->name;
      return Decide(*principal, ask, may_block);
    }
  }
  return Verdict::kUnauthenticated;
}

RegistryGuard::Verdict TokenGuard::CheckToken(const std::string& token, const Ask& ask,
                                              bool may_block, std::string* caller) {
  auto verified = tokens_.Verify(token);
  if (!verified) return Verdict::kUnauthenticated;
  const TokenClaims* claims = verified->get();
  if (caller) *caller = claims->subject;
  if (ask.type.empty()) return Verdict::kAllow;
  const bool covered =
      std::any_of(claims->access.begin(), claims->access.end(), [&](const AccessEntry& e) {
        return e.type == ask.type && e.name == ask.name &&
               std::any_of(e.actions.begin(), e.actions.end(),
                           [&](const std::string& a) { return a == ask.action || a == "*"; });
      });
  if (!covered) return Verdict::kInsufficientScope;
  if (ask.type != "repository") return Verdict::kAllow;
  bool would_block = false;
  auto project = access_.FindProject(ProjectOf(ask.name), may_block, &would_block);
  if (would_block) return Verdict::kWouldBlock;
  if (!project) return Undecided("project lookup", project.error(), Verdict::kUnauthenticated);
  // A token issued before its project was created speaks of another project of that name.
  if (!*project || claims->issued_at < (*project)->created_at) return Verdict::kInsufficientScope;
  return Verdict::kAllow;
}

RegistryGuard::Verdict TokenGuard::Decide(const Principal& principal, const Ask& ask,
                                          bool may_block) {
  const Verdict refused = principal.anonymous() ? Verdict::kUnauthenticated : Verdict::kDenied;
  if (ask.type.empty()) return Verdict::kAllow;
  if (ask.type == "registry") {
    return principal.sysadmin || principal.robot_may_list_catalog ? Verdict::kAllow : refused;
  }
  bool would_block = false;
  auto project = access_.FindProject(ProjectOf(ask.name), may_block, &would_block);
  if (would_block) return Verdict::kWouldBlock;
  if (!project) return Undecided("project lookup", project.error(), refused);
  if (!*project) return principal.anonymous() ? refused : Verdict::kProjectUnknown;
  auto permission = RegistryPermission(ask.action);
  if (!permission) return refused;
  // Only an anonymous caller is decided without the database (from the project's visibility).
  if (!may_block && !principal.anonymous()) return Verdict::kWouldBlock;
  auto can = access_.Can(principal, **project, permission->resource, permission->action);
  if (!can) return Undecided("authorization", can.error(), refused);
  return *can ? Verdict::kAllow : refused;
}

std::string TokenGuard::Challenge(const Ask& ask, bool insufficient_scope) const {
  const TokenServiceOptions& o = tokens_.options();
  if (ask.type.empty()) return BearerChallenge(o.realm, o.service);
  // Docker clients ask for pull and push together before a push.
  const std::string actions = ask.action == "push" ? "pull,push" : std::string(ask.action);
  std::string challenge = BearerChallenge(
      o.realm, o.service, std::string(ask.type) + ":" + std::string(ask.name) + ":" + actions);
  if (insufficient_scope) challenge += ",error=\"insufficient_scope\"";
  return challenge;
}

std::string TokenGuard::DenialReason(const Ask& ask) const {
  const std::string what = std::string(ask.action) + " on " + std::string(ask.name);
  if (ask.type == "registry") return "the catalog is for system administrators";
  auto permission = RegistryPermission(ask.action);
  auto role = permission ? LeastRoleAllowed(permission->resource, permission->action) : std::nullopt;
  if (!role) return what + " is not allowed";
  return what + " needs the role " + std::string(RoleName(*role)) + " or above in project " +
         std::string(ProjectOf(ask.name)) + " (robot accounts: that permission)";
}

}  // namespace berth
