// Checks a name and password (a user from the database or LDAP, or a robot account) and says
// who the caller is. Failed logins are counted in the database and freeze the name for a
// window that doubles with each freeze; the answer never tells whether a name exists.
// Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/ldap.h"
#include "auth/principal.h"
#include "core/clock.h"
#include "meta/identity_store.h"

namespace berth {

struct AuthenticatorOptions {
  bool ldap_auth = false;
  int lockout_threshold = 5;
  std::chrono::seconds lockout_base{30};
  std::chrono::seconds lockout_max{std::chrono::hours(24)};
  int password_iterations = 600000;
};

inline constexpr std::string_view kRobotPrefix = "robot$";

class Authenticator {
 public:
  // `ldap` may be null when auth_mode is db_auth.
  Authenticator(IdentityStore& store, const Clock& clock, const LdapDirectory* ldap,
                AuthenticatorOptions options);

  // kUnauthenticated for a wrong name or password, a frozen name, a disabled or expired
  // robot: one answer for all.
  Result<Principal> Login(std::string_view name, std::string_view password);

  // The principal of a user already known (a session, a refresh token): its groups resolved.
  Result<Principal> ForUser(const UserRecord& user);

  // The robot's principal from its record; kUnauthenticated if disabled or expired.
  Result<Principal> ForRobot(const RobotRecord& robot);

  // Forgets every cached verification (a password or secret changed, an account went).
  void ForgetVerified();

  int password_iterations() const { return options_.password_iterations; }

 private:
  Result<Principal> Verify(std::string_view name, std::string_view password);
  Result<Principal> VerifyLdap(const std::string& key, std::string_view name,
                               std::string_view password);
  Status RecordFailure(const std::string& name);
  std::string CacheKey(std::string_view name, std::string_view password) const;

  IdentityStore& store_;
  const Clock& clock_;
  const LdapDirectory* ldap_;
  AuthenticatorOptions options_;
  std::string dummy_hash_;  // verified against when the name is unknown, to spend the same time
  std::string pepper_;

  // PBKDF2 costs a quarter of a second by design; clients log in before every push and pull.
  // A verified (name, password) is remembered, keyed by an HMAC of both, for a short while and
  // only as long as the stored hash it was checked against stays the same. For LDAP users the
  // groups found at that login are kept too, so a remembered login asks LDAP nothing.
  struct Verified {
    std::string stored_hash;
    int64_t until = 0;
    std::vector<int64_t> ldap_groups;
  };
  // The live entry for `key` made against `stored_hash`, if any.
  std::optional<Verified> Remembered(const std::string& key, const std::string& stored_hash,
                                     int64_t now);
  void Remember(const std::string& key, Verified verified);
  std::mutex mu_;
  std::unordered_map<std::string, Verified> verified_;  // guarded by mu_
};

}  // namespace berth
