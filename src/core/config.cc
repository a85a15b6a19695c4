#include "core/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>

namespace berth {
namespace {

using Setter = std::function<Status(Config&, const std::string&)>;

Status Invalid(const std::string& key, const std::string& value, const char* why) {
  return Fail(ErrorCode::kInternal, "config " + key + "=" + value + ": " + why);
}

template <class Int>
Result<Int> ParseInt(const std::string& key, const std::string& value) {
  Int out{};
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc() || end != value.data() + value.size() || out < 0) {
    return tl::unexpected(Invalid(key, value, "expected a non-negative integer").error());
  }
  return out;
}

// Durations take a unit suffix (s, m, h, d) or plain seconds.
Result<std::chrono::seconds> ParseDuration(const std::string& key, const std::string& value) {
  if (value.empty()) return tl::unexpected(Invalid(key, value, "empty duration").error());
  long scale = 1;
  std::string digits = value;
  switch (value.back()) {
    case 's':
      digits.pop_back();
      break;
    case 'm':
      scale = 60;
      digits.pop_back();
      break;
    case 'h':
      scale = 3600;
      digits.pop_back();
      break;
    case 'd':
      scale = 86400;
      digits.pop_back();
      break;
    default:
      break;
  }
  auto n = ParseInt<long>(key, digits);
  if (!n) return tl::unexpected(n.error());
  // A century is past any timeout or TTL; beyond it, seconds and the clock's sums would wrap.
  constexpr long kMaxSeconds = 100L * 365 * 86400;
  if (*n > kMaxSeconds / scale)
    return tl::unexpected(Invalid(key, value, "more than 100 years").error());
  return std::chrono::seconds(*n * scale);
}

Result<bool> ParseBool(const std::string& key, const std::string& value) {
  if (value == "true" || value == "1" || value == "yes" || value == "on") return true;
  if (value == "false" || value == "0" || value == "no" || value == "off") return false;
  return tl::unexpected(Invalid(key, value, "expected true or false").error());
}

template <class T, class Parse>
Setter Field(T Config::*member, Parse parse) {
  return [member, parse](Config& c, const std::string& value) -> Status {
    return parse(value).map([&](T v) { c.*member = std::move(v); });
  };
}

template <class T, class Parse>
Setter LdapField(T Config::Ldap::*member, Parse parse) {
  return [member, parse](Config& c, const std::string& value) -> Status {
    return parse(value).map([&](T v) { c.ldap.*member = std::move(v); });
  };
}

// A setter for a field reached through `get` (a nested section's).
template <class Get, class Parse>
Setter Nested(Get get, Parse parse) {
  return [get, parse](Config& c, const std::string& value) -> Status {
    return parse(value).map([&](auto v) { get(c) = std::move(v); });
  };
}

Status OneOf(std::string& field, const std::string& key, const std::string& value,
             std::initializer_list<const char*> allowed, const char* expected) {
  for (const char* a : allowed) {
    if (value == a) {
      field = value;
      return {};
    }
  }
  return Invalid(key, value, expected);
}

const std::map<std::string, Setter>& Setters() {
  static const std::map<std::string, Setter> setters = [] {
    auto text = [](const std::string&) {
      return [](const std::string& v) -> Result<std::string> { return v; };
    };
    auto integer = [](const std::string& k) {
      return [k](const std::string& v) { return ParseInt<int>(k, v); };
    };
    auto size = [](const std::string& k) {
      return [k](const std::string& v) { return ParseInt<size_t>(k, v); };
    };
    auto count = [](const std::string& k) {
      return [k](const std::string& v) { return ParseInt<int64_t>(k, v); };
    };
    auto duration = [](const std::string& k) {
      return [k](const std::string& v) { return ParseDuration(k, v); };
    };
    auto boolean = [](const std::string& k) {
      return [k](const std::string& v) { return ParseBool(k, v); };
    };
    return std::map<std::string, Setter>{
        {"listen", Field(&Config::listen, text("listen"))},
        {"data_dir", Field(&Config::data_dir, text("data_dir"))},
        {"log.level", Field(&Config::log_level, text("log.level"))},
        {"log.access", Field(&Config::access_log, boolean("log.access"))},
        {"workers", Field(&Config::workers, integer("workers"))},
        {"io_threads", Field(&Config::io_threads, integer("io_threads"))},
        {"uploads.ttl", Field(&Config::upload_ttl, duration("uploads.ttl"))},
        {"gc.grace_period", Field(&Config::gc_grace_period, duration("gc.grace_period"))},
        {"jobs.lease", Field(&Config::jobs_lease, duration("jobs.lease"))},
        {"uploads.purge_interval",
         Field(&Config::upload_purge_interval, duration("uploads.purge_interval"))},
        {"uploads.max_per_repository",
         Field(&Config::upload_max_per_repository, count("uploads.max_per_repository"))},
        {"uploads.max_sessions",
         Field(&Config::upload_max_sessions, count("uploads.max_sessions"))},
        {"shutdown_timeout", Field(&Config::shutdown_timeout, duration("shutdown_timeout"))},
        {"idle_timeout", Field(&Config::idle_timeout, duration("idle_timeout"))},
        {"header_timeout", Field(&Config::header_timeout, duration("header_timeout"))},
        {"cache.manifests", Field(&Config::manifest_cache_entries, size("cache.manifests"))},
        {"port_file", Field(&Config::port_file, text("port_file"))},
        {"external_url", Field(&Config::external_url, text("external_url"))},
        {"tls.cert",
         [](Config& c, const std::string& v) -> Status {
           c.tls.cert = v;
           return {};
         }},
        {"tls.key",
         [](Config& c, const std::string& v) -> Status {
           c.tls.key = v;
           return {};
         }},
        {"tls.min_version",
         [](Config& c, const std::string& v) -> Status {
           if (v != "1.2" && v != "1.3")
             return Invalid("tls.min_version", v, "expected 1.2 or 1.3");
           c.tls.min_version = v;
           return {};
         }},
        {"auth_mode",
         [](Config& c, const std::string& v) -> Status {
           if (v != "db_auth" && v != "ldap_auth")
             return Invalid("auth_mode", v, "expected db_auth or ldap_auth");
           c.auth_mode = v;
           return {};
         }},
        {"admin_password", Field(&Config::admin_password, text("admin_password"))},
        {"token.service", Field(&Config::token_service, text("token.service"))},
        {"token.expiration", Field(&Config::token_expiration, duration("token.expiration"))},
        {"lockout.threshold", Field(&Config::lockout_threshold, integer("lockout.threshold"))},
        {"lockout.base", Field(&Config::lockout_base, duration("lockout.base"))},
        {"events.pulls", Field(&Config::pull_events, boolean("events.pulls"))},
        {"webhook.max_attempts",
         Field(&Config::webhook_max_attempts, integer("webhook.max_attempts"))},
        {"webhook.retry_base", Field(&Config::webhook_retry_base, duration("webhook.retry_base"))},
        {"webhook.history_per_policy",
         Field(&Config::webhook_history_per_policy, size("webhook.history_per_policy"))},
        {"database.driver",
         [](Config& c, const std::string& v) {
           return OneOf(c.database.driver, "database.driver", v, {"sqlite", "postgres"},
                        "expected sqlite or postgres");
         }},
        {"database.url",
         Nested(
             [](Config & c) -> auto& { return c.database.url; }, text("database.url"))},
        {"database.max_connections",
         [](Config& c, const std::string& v) -> Status {
           auto n = ParseInt<int>("database.max_connections", v);
           if (!n) return tl::unexpected(n.error());
           if (*n < 1 || *n > 1000)
             return Invalid("database.max_connections", v, "expected 1 to 1000");
           c.database.max_connections = *n;
           return {};
         }},
        {"storage.driver",
         [](Config& c, const std::string& v) {
           return OneOf(c.storage.driver, "storage.driver", v, {"filesystem", "s3"},
                        "expected filesystem or s3");
         }},
        {"storage.s3.endpoint", Nested(
                                    [](Config & c) -> auto& { return c.storage.s3.endpoint; },
                                    text("storage.s3.endpoint"))},
        {"storage.s3.region",
         Nested(
             [](Config & c) -> auto& { return c.storage.s3.region; }, text("storage.s3.region"))},
        {"storage.s3.bucket",
         Nested(
             [](Config & c) -> auto& { return c.storage.s3.bucket; }, text("storage.s3.bucket"))},
        {"storage.s3.access_key", Nested(
                                      [](Config & c) -> auto& { return c.storage.s3.access_key; },
                                      text("storage.s3.access_key"))},
        {"storage.s3.secret_key", Nested(
                                      [](Config & c) -> auto& { return c.storage.s3.secret_key; },
                                      text("storage.s3.secret_key"))},
        {"storage.s3.prefix",
         Nested(
             [](Config & c) -> auto& { return c.storage.s3.prefix; }, text("storage.s3.prefix"))},
        {"storage.s3.redirect", Nested(
                                    [](Config & c) -> auto& { return c.storage.s3.redirect; },
                                    boolean("storage.s3.redirect"))},
        {"ldap.url", LdapField(&Config::Ldap::url, text("ldap.url"))},
        {"ldap.base_dn", LdapField(&Config::Ldap::base_dn, text("ldap.base_dn"))},
        {"ldap.search_dn", LdapField(&Config::Ldap::search_dn, text("ldap.search_dn"))},
        {"ldap.search_password",
         LdapField(&Config::Ldap::search_password, text("ldap.search_password"))},
        {"ldap.filter", LdapField(&Config::Ldap::filter, text("ldap.filter"))},
        {"ldap.uid", LdapField(&Config::Ldap::uid, text("ldap.uid"))},
        {"ldap.scope", LdapField(&Config::Ldap::scope, integer("ldap.scope"))},
        {"ldap.timeout", LdapField(&Config::Ldap::timeout, duration("ldap.timeout"))},
        {"ldap.verify_cert", LdapField(&Config::Ldap::verify_cert, boolean("ldap.verify_cert"))},
        {"ldap.group_base_dn", LdapField(&Config::Ldap::group_base_dn, text("ldap.group_base_dn"))},
        {"ldap.group_filter", LdapField(&Config::Ldap::group_filter, text("ldap.group_filter"))},
        {"ldap.group_name_attribute",
         LdapField(&Config::Ldap::group_name_attribute, text("ldap.group_name_attribute"))},
        {"ldap.group_membership_attribute", LdapField(&Config::Ldap::group_membership_attribute,
                                                      text("ldap.group_membership_attribute"))},
        {"ldap.group_scope", LdapField(&Config::Ldap::group_scope, integer("ldap.group_scope"))},
    };
  }();
  return setters;
}

Status ApplyYaml(Config& config, const YAML::Node& node, const std::string& prefix) {
  if (!node.IsMap()) return Fail(ErrorCode::kInternal, "config: " + prefix + " is not a mapping");
  for (const auto& entry : node) {
    std::string key = prefix.empty() ? entry.first.as<std::string>()
                                     : prefix + "." + entry.first.as<std::string>();
    if (entry.second.IsMap()) {
      if (auto s = ApplyYaml(config, entry.second, key); !s) return s;
    } else if (auto s = SetConfigValue(config, key, entry.second.as<std::string>()); !s) {
      return s;
    }
  }
  return {};
}

}  // namespace

Status SetConfigValue(Config& config, const std::string& key, const std::string& value) {
  auto it = Setters().find(key);
  if (it == Setters().end()) return Fail(ErrorCode::kInternal, "config: unknown key " + key);
  return it->second(config, value);
}

Result<Config> LoadConfig(const std::optional<std::string>& path, const EnvLookup& env) {
  Config config;
  if (path) {
    try {
      YAML::Node root = YAML::LoadFile(*path);
      if (!root.IsNull()) {
        if (auto s = ApplyYaml(config, root, ""); !s) return tl::unexpected(s.error());
      }
    } catch (const YAML::Exception& e) {
      return Fail(ErrorCode::kInternal, "config " + *path + ": " + e.what());
    }
  }
  for (const auto& [key, setter] : Setters()) {
    std::string name = "BERTH_" + key;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](char c) { return c == '.' ? '_' : static_cast<char>(std::toupper(c)); });
    if (auto value = env(name)) {
      if (auto s = setter(config, *value); !s) return tl::unexpected(s.error());
    }
  }
  return config;
}

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
}

}  // namespace berth
