// Berth's settings: built-in defaults, then a YAML file, then BERTH_* environment variables,
// then command-line flags. A loaded Config is an immutable value.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "core/result.h"

namespace berth {

struct Config {
  std::string listen = "127.0.0.1:5000";
  std::string data_dir = "./data";
  std::string log_level = "info";
  bool access_log = true;
  // Threads that run blocking storage and database calls off the event loop.
  int workers = 16;
  // Threads that run the event loop; 0 means one per core.
  int io_threads = 0;
  std::chrono::seconds upload_ttl{std::chrono::hours(24)};
  std::chrono::seconds upload_purge_interval{std::chrono::minutes(10)};
  // Garbage collection leaves blobs and untagged manifests younger than this (0: none), so that
  // a push under way keeps what it uploaded before its manifest arrives.
  std::chrono::seconds gc_grace_period{std::chrono::hours(1)};
  // Nodes sharing PostgreSQL: a running job whose node has not beaten its heart for this long
  // is taken up by another node (at least 3s: the heartbeat is 1s).
  std::chrono::seconds jobs_lease{30};
  // Upload sessions open at once, per repository and in all (each may hold bytes on disk until
  // it ends or expires); past either, a new upload is answered 429.
  int64_t upload_max_per_repository = 64;
  int64_t upload_max_sessions = 1024;
  std::chrono::seconds shutdown_timeout{15};
  std::chrono::seconds idle_timeout{120};
  // Once a request has begun, how long its head may take to arrive (then 408).
  std::chrono::seconds header_timeout{15};
  size_t manifest_cache_entries = 8192;
  // When set, the bound port is written here once listening (tests listen on port 0).
  std::string port_file;

  // HTTPS on the listen address when a certificate is given (reloaded on SIGHUP).
  struct Tls {
    std::string cert;  // PEM: the certificate, then its chain
    std::string key;
    std::string min_version = "1.2";  // or "1.3"
  } tls;

  // The URL clients reach Berth at (behind a proxy, the proxy's): the token realm's base.
  // Empty: http://<listen>, or https://<listen> with tls.
  std::string external_url;
  // "db_auth" or "ldap_auth", as Harbor names them.
  std::string auth_mode = "db_auth";
  // The first start's admin password; empty: a random one, printed once.
  std::string admin_password;
  std::string token_service = "harbor-registry";
  std::chrono::seconds token_expiration{std::chrono::minutes(30)};
  // Failed logins in a row before an account freezes; each further freeze doubles the last.
  int lockout_threshold = 5;
  std::chrono::seconds lockout_base{std::chrono::seconds(30)};

  // Manifest GETs raise PULL_ARTIFACT events (audit log, pull counts, webhooks).
  bool pull_events = true;
  // Webhook deliveries: tries per target, and the wait before the second (doubling after).
  int webhook_max_attempts = 5;
  std::chrono::seconds webhook_retry_base{std::chrono::seconds(1)};
  size_t webhook_history_per_policy = 50;  // ended executions each policy keeps

  // The metadata's engine: SQLite in data_dir (berth.db, history.db), or PostgreSQL.
  struct Database {
    std::string driver = "sqlite";  // or "postgres"
    std::string url;                // postgresql://user:password@host:port/db?sslmode=...
    int max_connections = 16;       // per node
  } database;

  // Where blobs live: under data_dir, or in an S3-compatible bucket.
  struct Storage {
    std::string driver = "filesystem";  // or "s3"
    struct S3 {
      std::string endpoint;  // http(s)://host:port; empty: AWS
      std::string region = "us-east-1";
      std::string bucket;
      std::string access_key;
      std::string secret_key;
      std::string prefix;     // key prefix inside the bucket
      bool redirect = false;  // blob GETs answer 307 to a presigned URL
    } s3;
  } storage;

  struct Ldap {
    std::string url;  // ldap://host:port or ldaps://
    std::string base_dn;
    std::string search_dn;  // empty: search anonymously
    std::string search_password;
    std::string filter;  // extra filter ANDed to the uid match, e.g. (objectClass=person)
    std::string uid = "uid";
    int scope = 2;  // 0 base, 1 one level, 2 subtree (Harbor's numbering)
    std::chrono::seconds timeout{5};
    bool verify_cert = true;
    std::string group_base_dn;
    std::string group_filter = "(objectClass=groupOfNames)";
    std::string group_name_attribute = "cn";
    std::string group_membership_attribute = "member";  // on the group: the users' DNs
    int group_scope = 2;
  } ldap;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Reads `path` (when given) over the defaults, then applies BERTH_<KEY> overrides, where KEY is
// the YAML key path upper-cased with '.' as '_' (uploads.ttl -> BERTH_UPLOADS_TTL).
Result<Config> LoadConfig(const std::optional<std::string>& path, const EnvLookup& env);

// Sets one key ("listen", "uploads.ttl", ...) from its text form; unknown keys are an error.
Status SetConfigValue(Config& config, const std::string& key, const std::string& value);

EnvLookup ProcessEnvironment();

}  // namespace berth
