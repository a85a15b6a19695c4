// A real OpenLDAP slapd for the LDAP tests: its own config and mdb database in a temporary
// folder, seeded offline with slapadd, serving on a free loopback port until destroyed.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace berth::testing {

class Slapd {
 public:
  static constexpr const char* kBaseDn = "dc=berth,dc=test";
  static constexpr const char* kPeopleDn = "ou=people,dc=berth,dc=test";
  static constexpr const char* kGroupsDn = "ou=groups,dc=berth,dc=test";
  static constexpr const char* kAdminDn = "cn=admin,dc=berth,dc=test";
  static constexpr const char* kAdminPassword = "LdapAdmin1";

  struct User {
    std::string uid;
    std::string password;
  };
  struct Group {
    std::string cn;
    std::vector<std::string> member_uids;
  };

  // With `tls`, slapd serves ldaps:// with a self-signed certificate made for the run.
  Slapd(const std::vector<User>& users, const std::vector<Group>& groups, bool tls = false);
  ~Slapd();

  std::string Url() const {
    return (tls_ ? "ldaps://127.0.0.1:" : "ldap://127.0.0.1:") + std::to_string(port_);
  }
  static std::string UserDn(const std::string& uid) { return "uid=" + uid + "," + kPeopleDn; }
  static std::string GroupDn(const std::string& cn) { return "cn=" + cn + "," + kGroupsDn; }
  // BERTH_* settings for a berth in ldap_auth mode against this directory.
  std::vector<std::string> BerthEnv() const;

 private:
  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool tls_ = false;
};

}  // namespace berth::testing
