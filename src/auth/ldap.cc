#include "auth/ldap.h"

#include <ldap.h>

#include <memory>

namespace berth {
namespace {

struct Unbind {
  void operator()(LDAP* ld) const { ldap_unbind_ext_s(ld, nullptr, nullptr); }
};
using Connection = std::unique_ptr<LDAP, Unbind>;

struct FreeMessage {
  void operator()(LDAPMessage* m) const { ldap_msgfree(m); }
};

tl::unexpected<Error> LdapError(const char* what, int rc) {
  return Fail(ErrorCode::kInternal, std::string("ldap ") + what + ": " + ldap_err2string(rc));
}

Result<Connection> Connect(const Config::Ldap& config) {
  if (config.url.empty()) return Fail(ErrorCode::kBadRequest, "ldap.url is not set");
  LDAP* raw = nullptr;
  if (int rc = ldap_initialize(&raw, config.url.c_str()); rc != LDAP_SUCCESS)
    return LdapError("initialize", rc);
  Connection ld(raw);
  int version = LDAP_VERSION3;
  ldap_set_option(ld.get(), LDAP_OPT_PROTOCOL_VERSION, &version);
  ldap_set_option(ld.get(), LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
  timeval timeout{static_cast<time_t>(config.timeout.count()), 0};
  ldap_set_option(ld.get(), LDAP_OPT_NETWORK_TIMEOUT, &timeout);
  ldap_set_option(ld.get(), LDAP_OPT_TIMEOUT, &timeout);
  if (!config.verify_cert) {
    int never = LDAP_OPT_X_TLS_NEVER;
    ldap_set_option(ld.get(), LDAP_OPT_X_TLS_REQUIRE_CERT, &never);
    int fresh = 0;
    ldap_set_option(ld.get(), LDAP_OPT_X_TLS_NEWCTX, &fresh);
  }
  return ld;
}

int Bind(LDAP* ld, const std::string& dn, std::string_view password) {
  berval cred{static_cast<ber_len_t>(password.size()), const_cast<char*>(password.data())};
  return ldap_sasl_bind_s(ld, dn.empty() ? nullptr : dn.c_str(), LDAP_SASL_SIMPLE, &cred, nullptr,
                          nullptr, nullptr);
}

// A connection bound as the search DN, ready to search.
Result<Connection> ConnectForSearch(const Config::Ldap& config) {
  auto ld = Connect(config);
  if (!ld) return ld;
  if (int rc = Bind(ld->get(), config.search_dn, config.search_password); rc != LDAP_SUCCESS)
    return LdapError("bind as the search DN", rc);
  return ld;
}

// RFC 4515 escaping, so a username cannot widen the filter.
std::string Escape(std::string_view value) {
  berval in{static_cast<ber_len_t>(value.size()), const_cast<char*>(value.data())};
  berval out{};
  if (ldap_bv2escaped_filter_value(&in, &out) != 0) return "";
  std::string escaped(out.bv_val, out.bv_len);
  ber_memfree(out.bv_val);
  return escaped;
}

std::string FirstValue(LDAP* ld, LDAPMessage* entry, const std::string& attribute) {
  berval** values = ldap_get_values_len(ld, entry, attribute.c_str());
  if (!values) return "";
  std::string out = values[0] ? std::string(values[0]->bv_val, values[0]->bv_len) : "";
  ldap_value_free_len(values);
  return out;
}

int Scope(int harbor_scope) {
  switch (harbor_scope) {
    case 0:
      return LDAP_SCOPE_BASE;
    case 1:
      return LDAP_SCOPE_ONELEVEL;
    default:
      return LDAP_SCOPE_SUBTREE;
  }
}

// Runs a search and hands each entry to `each(entry)`.
template <class Each>
Status Search(LDAP* ld, const std::string& base, int scope, const std::string& filter, Each each) {
  LDAPMessage* raw = nullptr;
  int rc = ldap_search_ext_s(ld, base.c_str(), scope, filter.c_str(), nullptr, 0, nullptr, nullptr,
                             nullptr, LDAP_NO_LIMIT, &raw);
  std::unique_ptr<LDAPMessage, FreeMessage> result(raw);
  if (rc == LDAP_NO_SUCH_OBJECT) return {};
  if (rc != LDAP_SUCCESS) return LdapError("search", rc);
  for (LDAPMessage* e = ldap_first_entry(ld, raw); e; e = ldap_next_entry(ld, e)) each(e);
  return {};
}

std::string UserFilter(const Config::Ldap& config, std::string_view username) {
  std::string match = "(" + config.uid + "=" + (username.empty() ? "*" : Escape(username)) + ")";
  return config.filter.empty() ? match : "(&" + config.filter + match + ")";
}

Result<std::vector<LdapUser>> FindUsers(LDAP* ld, const Config::Ldap& config,
                                        std::string_view username) {
  std::vector<LdapUser> users;
  Status s = Search(ld, config.base_dn, Scope(config.scope), UserFilter(config, username),
                    [&](LDAPMessage* e) {
                      char* dn = ldap_get_dn(ld, e);
                      LdapUser u{dn ? dn : "", FirstValue(ld, e, config.uid),
                                 FirstValue(ld, e, "mail"), FirstValue(ld, e, "cn")};
                      ldap_memfree(dn);
                      if (u.realname.empty()) u.realname = u.username;
                      users.push_back(std::move(u));
                    });
  if (!s) return tl::unexpected(s.error());
  return users;
}

}  // namespace

UserRecord OnboardedUser(const LdapUser& user, int64_t now) {
  return UserRecord{0,  user.username, user.email, user.realname, "from LDAP",
                    "", false,         user.dn,    now,           now};
}

Status LdapDirectory::Ping(const Config::Ldap& config) {
  auto ld = ConnectForSearch(config);
  if (!ld) return tl::unexpected(ld.error());
  return {};
}

Result<LdapUser> LdapDirectory::Authenticate(std::string_view username,
                                             std::string_view password) const {
  // An empty password would make a simple bind anonymous, which "succeeds".
  if (username.empty() || password.empty()) return Fail(ErrorCode::kUnauthenticated);
  auto ld = ConnectForSearch(config_);
  if (!ld) return tl::unexpected(ld.error());
  auto users = FindUsers(ld->get(), config_, username);
  if (!users) return tl::unexpected(users.error());
  if (users->size() != 1) return Fail(ErrorCode::kUnauthenticated);
  const LdapUser& user = users->front();
  auto as_user = Connect(config_);
  if (!as_user) return tl::unexpected(as_user.error());
  if (Bind(as_user->get(), user.dn, password) != LDAP_SUCCESS)
    return Fail(ErrorCode::kUnauthenticated);
  return user;
}

Result<std::vector<LdapUser>> LdapDirectory::SearchUsers(std::string_view username) const {
  auto ld = ConnectForSearch(config_);
  if (!ld) return tl::unexpected(ld.error());
  return FindUsers(ld->get(), config_, username);
}

Result<std::vector<LdapGroup>> LdapDirectory::SearchGroups(std::string_view name,
                                                           std::string_view dn) const {
  auto ld = ConnectForSearch(config_);
  if (!ld) return tl::unexpected(ld.error());
  const std::string base = dn.empty() ? config_.group_base_dn : std::string(dn);
  const int scope = dn.empty() ? Scope(config_.group_scope) : LDAP_SCOPE_BASE;
  std::string filter = config_.group_filter;
  if (!name.empty())
    filter = "(&" + filter + "(" + config_.group_name_attribute + "=" + Escape(name) + "))";
  std::vector<LdapGroup> groups;
  Status s = Search(ld->get(), base, scope, filter, [&](LDAPMessage* e) {
    char* found = ldap_get_dn(ld->get(), e);
    groups.push_back({found ? found : "", FirstValue(ld->get(), e, config_.group_name_attribute)});
    ldap_memfree(found);
  });
  if (!s) return tl::unexpected(s.error());
  return groups;
}

Result<std::vector<std::string>> LdapDirectory::GroupsOf(const std::string& user_dn) const {
  if (config_.group_base_dn.empty()) return std::vector<std::string>{};
  auto ld = ConnectForSearch(config_);
  if (!ld) return tl::unexpected(ld.error());
  const std::string filter = "(&" + config_.group_filter + "(" +
                             config_.group_membership_attribute + "=" + Escape(user_dn) + "))";
  std::vector<std::string> dns;
  Status s = Search(ld->get(), config_.group_base_dn, Scope(config_.group_scope), filter,
                    [&](LDAPMessage* e) {
                      char* dn = ldap_get_dn(ld->get(), e);
                      if (dn) dns.emplace_back(dn);
                      ldap_memfree(dn);
                    });
  if (!s) return tl::unexpected(s.error());
  return dns;
}

}  // namespace berth
