// The LDAP directory of auth_mode ldap_auth (OpenLDAP's libldap): binds, user and group
// searches. Each call opens its own connection, so the class is thread-safe; the logins that
// reach it are few because verified credentials are cached by the Authenticator.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/result.h"
#include "meta/identity_store.h"

namespace berth {

struct LdapUser {
  std::string dn;
  std::string username;
  std::string email;
  std::string realname;
};

struct LdapGroup {
  std::string dn;
  std::string name;
};

// The local record of an LDAP user on first sight: no password (LDAP keeps it), the DN kept.
UserRecord OnboardedUser(const LdapUser& user, int64_t now);

class LdapDirectory {
 public:
  explicit LdapDirectory(Config::Ldap config) : config_(std::move(config)) {}

  // Connects and binds with the search DN; the reason when it cannot.
  static Status Ping(const Config::Ldap& config);

  // Finds the user by uid and binds as them: kUnauthenticated on any failure.
  Result<LdapUser> Authenticate(std::string_view username, std::string_view password) const;
  // Users whose uid matches `username` (exactly; "" lists all under the base DN).
  Result<std::vector<LdapUser>> SearchUsers(std::string_view username) const;
  // Groups by name (exact) or DN; both empty lists all under the group base DN.
  Result<std::vector<LdapGroup>> SearchGroups(std::string_view name, std::string_view dn) const;
  // The DNs of the groups that list `user_dn` as a member.
  Result<std::vector<std::string>> GroupsOf(const std::string& user_dn) const;

  const Config::Ldap& config() const { return config_; }

 private:
  Config::Ldap config_;
};

}  // namespace berth
