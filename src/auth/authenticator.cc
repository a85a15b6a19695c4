#include "auth/authenticator.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>

#include "auth/password.h"
#include "core/random.h"

namespace berth {
namespace {

constexpr int64_t kVerifiedSeconds = 300;
constexpr int64_t kLdapVerifiedSeconds = 60;
constexpr size_t kMaxVerified = 10000;

// Harbor's RobotPermission list: [{"kind":"project","namespace":"p","access":[{"resource",
// "action"}]}]. Entries that do not parse grant nothing.
void AddGrants(Principal& p, const std::string& permissions) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(permissions, ec);
  if (ec || !v.is_array()) return;
  for (const auto& perm : v.as_array()) {
    const auto* o = perm.if_object();
    if (!o) continue;
    const auto* kind = o->if_contains("kind");
    const auto* ns = o->if_contains("namespace");
    const auto* access = o->if_contains("access");
    if (!kind || !kind->is_string() || !ns || !ns->is_string() || !access || !access->is_array())
      continue;
    for (const auto& a : access->as_array()) {
      const auto* ao = a.if_object();
      if (!ao) continue;
      const auto* resource = ao->if_contains("resource");
      const auto* action = ao->if_contains("action");
      const auto* effect = ao->if_contains("effect");
      if (!resource || !resource->is_string() || !action || !action->is_string()) continue;
      if (effect && effect->is_string() && effect->as_string() == "deny") continue;
      if (kind->as_string() == "system") {
        if (resource->as_string() == "catalog" && action->as_string() == "read")
          p.robot_may_list_catalog = true;
        continue;
      }
      if (kind->as_string() != "project") continue;
      p.grants.push_back({std::string(ns->as_string()), std::string(resource->as_string()),
                          std::string(action->as_string())});
    }
  }
}

Principal UserPrincipal(const UserRecord& user) {
  Principal p;
  p.kind = Principal::Kind::kUser;
  p.id = user.id;
  p.name = user.username;
  p.sysadmin = user.sysadmin;
  return p;
}

}  // namespace

Authenticator::Authenticator(IdentityStore& store, const Clock& clock, const LdapDirectory* ldap,
                             AuthenticatorOptions options)
    : store_(store),
      clock_(clock),
      ldap_(ldap),
      options_(options),
      dummy_hash_(HashPassword(RandomHex(16), options.password_iterations)),
      pepper_(RandomHex(32)) {}

std::string Authenticator::CacheKey(std::string_view name, std::string_view password) const {
  std::string message(name);
  message.push_back('\0');
  message.append(password);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), pepper_.data(), static_cast<int>(pepper_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
  return std::string(reinterpret_cast<char*>(mac), length);
}

std::optional<Authenticator::Verified> Authenticator::Remembered(const std::string& key,
                                                                 const std::string& stored_hash,
                                                                 int64_t now) {
  std::lock_guard lock(mu_);
  auto it = verified_.find(key);
  if (it == verified_.end() || it->second.until <= now || it->second.stored_hash != stored_hash)
    return std::nullopt;
  return it->second;
}

void Authenticator::Remember(const std::string& key, Verified verified) {
  std::lock_guard lock(mu_);
  if (verified_.size() >= kMaxVerified) verified_.clear();
  verified_[key] = std::move(verified);
}

void Authenticator::ForgetVerified() {
  std::lock_guard lock(mu_);
  verified_.clear();
}

Result<Principal> Authenticator::ForUser(const UserRecord& user) {
  Principal p = UserPrincipal(user);
  if (ldap_ && !user.ldap_dn.empty()) {
    auto dns = ldap_->GroupsOf(user.ldap_dn);
    if (!dns) {
      spdlog::warn("ldap: groups of {}: {}", user.ldap_dn, dns.error().message);
    } else {
      for (const std::string& dn : *dns) {
        if (auto group = store_.FindGroupByDn(dn)) p.group_ids.push_back(group->id);
      }
    }
  }
  return p;
}

Result<Principal> Authenticator::ForRobot(const RobotRecord& robot) {
  if (robot.disabled || (robot.expires_at > 0 && robot.expires_at <= clock_.Now()))
    return Fail(ErrorCode::kUnauthenticated);
  Principal p;
  p.kind = Principal::Kind::kRobot;
  p.id = robot.id;
  p.name = robot.name;
  AddGrants(p, robot.permissions);
  if (robot.level == "project") {
    // A project robot reaches its own project only, whatever its list says.
    auto project = store_.GetProject(robot.project_id);
    const std::string own = project ? project->name : "";
    std::erase_if(p.grants, [&](const RobotGrant& g) { return g.project != own; });
    p.robot_may_list_catalog = false;
  }
  return p;
}

Result<Principal> Authenticator::Login(std::string_view name, std::string_view password) {
  const std::string key(name);
  auto failures = store_.GetLoginFailures(key);
  if (!failures) return tl::unexpected(failures.error());
  const int64_t now = clock_.Now();
  if (failures->locked_until > now) {
    VerifyPassword(password, dummy_hash_);
    return Fail(ErrorCode::kUnauthenticated);
  }
  auto principal = Verify(name, password);
  if (principal) {
    if (failures->count > 0 || failures->last_freeze > 0) store_.ClearLoginFailures(key);
    return principal;
  }
  if (principal.error().code != ErrorCode::kUnauthenticated) return principal;
  if (auto s = RecordFailure(key); !s) return tl::unexpected(s.error());
  return principal;
}

Status Authenticator::RecordFailure(const std::string& name) {
  auto f = store_.GetLoginFailures(name);
  if (!f) return tl::unexpected(f.error());
  if (++f->count >= options_.lockout_threshold) {
    const int64_t freeze = f->last_freeze > 0
                               ? std::min<int64_t>(f->last_freeze * 2, options_.lockout_max.count())
                               : options_.lockout_base.count();
    f->locked_until = clock_.Now() + freeze;
    f->last_freeze = freeze;
    f->count = 0;
    spdlog::warn("login: {} frozen for {} s after repeated failures", name, freeze);
  }
  return store_.PutLoginFailures(name, *f);
}

Result<Principal> Authenticator::Verify(std::string_view name, std::string_view password) {
  const std::string key = CacheKey(name, password);
  const int64_t now = clock_.Now();
  // A missing account or hash costs the time of a wrong password, on a dummy hash.
  auto matches = [&](const std::string* stored_hash) {
    if (!stored_hash || stored_hash->empty()) {
      VerifyPassword(password, dummy_hash_);
      return false;
    }
    if (Remembered(key, *stored_hash, now)) return true;
    if (!VerifyPassword(password, *stored_hash)) return false;
    Remember(key, Verified{*stored_hash, now + kVerifiedSeconds, {}});
    return true;
  };

  if (name.starts_with(kRobotPrefix)) {
    auto robot = store_.FindRobot(std::string(name));
    if (!robot && robot.error().code != ErrorCode::kNotFound) return tl::unexpected(robot.error());
    if (!matches(robot ? &robot->secret_hash : nullptr)) return Fail(ErrorCode::kUnauthenticated);
    return ForRobot(*robot);
  }

  auto user = store_.FindUser(std::string(name));
  if (!user && user.error().code != ErrorCode::kNotFound) return tl::unexpected(user.error());
  // In ldap_auth, LDAP decides for every user but the local admin (id 1), as in Harbor.
  if (ldap_ && (!user || user->id != 1)) {
    if (auto hit = user ? Remembered(key, "ldap:" + user->ldap_dn, now) : std::nullopt) {
      Principal p = UserPrincipal(*user);
      p.group_ids = std::move(hit->ldap_groups);
      return p;
    }
    return VerifyLdap(key, name, password);
  }
  if (!matches(user ? &user->password_hash : nullptr)) return Fail(ErrorCode::kUnauthenticated);
  return ForUser(*user);
}

Result<Principal> Authenticator::VerifyLdap(const std::string& key, std::string_view name,
                                            std::string_view password) {
  auto entry = ldap_->Authenticate(name, password);
  if (!entry) {
    if (entry.error().code != ErrorCode::kUnauthenticated)
      spdlog::warn("ldap: {}", entry.error().message);
    return Fail(ErrorCode::kUnauthenticated);
  }
  // Onboard on first login; afterwards refresh what LDAP says about the user.
  const int64_t now = clock_.Now();
  auto user = store_.FindUser(entry->username);
  if (!user) {
    if (user.error().code != ErrorCode::kNotFound) return tl::unexpected(user.error());
    UserRecord created = OnboardedUser(*entry, now);
    auto id = store_.CreateUser(created);
    if (!id) return tl::unexpected(id.error());
    created.id = *id;
    user = created;
  } else if (user->ldap_dn != entry->dn || user->email != entry->email) {
    user->ldap_dn = entry->dn;
    user->email = entry->email;
    user->updated_at = now;
    if (auto s = store_.UpdateUser(*user); !s) return tl::unexpected(s.error());
  }
  auto principal = ForUser(*user);
  if (!principal) return principal;
  Remember(key, Verified{"ldap:" + entry->dn, now + kLdapVerifiedSeconds, principal->group_ids});
  return principal;
}

}  // namespace berth
