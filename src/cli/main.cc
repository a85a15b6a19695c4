// berth: the registry in one binary. Subcommands: serve, gc, fsck, user reset-password, version.
#include <curl/curl.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "api/harbor_api.h"
#include "api/metrics.h"
#include "auth/access.h"
#include "auth/authenticator.h"
#include "auth/bootstrap.h"
#include "auth/jwt.h"
#include "auth/ldap.h"
#include "auth/token_service.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/data_lock.h"
#include "core/log.h"
#include "core/random.h"
#include "core/settings.h"
#include "events/event_bus.h"
#include "events/notifier.h"
#include "events/outbox_reader.h"
#include "events/recorders.h"
#include "gc/collector.h"
#include "gc/fsck.h"
#include "gc/gc_job.h"
#include "http/router.h"
#include "http/server.h"
#include "jobs/job_service.h"
#include "jobs/purge_audit_job.h"
#include "jobs/scheduler.h"
#include "meta/databases.h"
#include "portal/assets.h"
#include "portal/portal.h"
#include "registry/registry.h"
#include "retention/retention_job.h"
#include "storage/blob_stores.h"
#include "storage/paths.h"
#include "storage/s3_blob_store.h"

namespace berth {
namespace {

struct Flags {
  std::optional<std::string> config_path, listen, data;
};

// Defaults, then the YAML file, then BERTH_* variables, then the flags.
Result<Config> Resolve(const Flags& flags) {
  auto config = LoadConfig(flags.config_path, ProcessEnvironment());
  if (!config) return config;
  if (flags.listen) config->listen = *flags.listen;
  if (flags.data) config->data_dir = *flags.data;
  return config;
}

// The data folder of a resolved config, absolute; NOT_FOUND when, on the embedded default,
// there is no Berth data in it to work on.
Result<std::filesystem::path> ExistingData(const Config& config) {
  std::filesystem::path root = std::filesystem::absolute(config.data_dir).lexically_normal();
  if (config.database.driver == "sqlite" && !std::filesystem::exists(MetadataPath(root)))
    return Fail(ErrorCode::kNotFound,
                "no Berth data in " + root.string() + " (give --data or --config)");
  return root;
}

// One line from standard input; on a terminal, asked twice without echo.
std::optional<std::string> ReadNewPassword(const std::string& username) {
  auto line = []() -> std::optional<std::string> {
    std::string text;
    if (!std::getline(std::cin, text)) return std::nullopt;
    return text;
  };
  if (!::isatty(STDIN_FILENO)) return line();
  termios saved{};
  ::tcgetattr(STDIN_FILENO, &saved);
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::cerr << "New password for " << username << ": " << std::flush;
  auto first = line();
  std::cerr << "\nAgain: " << std::flush;
  auto second = line();
  std::cerr << "\n";
  ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  if (!first || first != second) {
    std::cerr << "berth: the two passwords differ\n";
    return std::nullopt;
  }
  return first;
}

// `berth user reset-password NAME`: works beside a running server (SQLite takes both writers).
int ResetUserPassword(const Flags& flags, const std::string& username) {
  auto config = Resolve(flags);
  if (!config) {
    std::cerr << "berth: " << config.error().message << "\n";
    return 2;
  }
  InitLogging("warn");
  auto root = ExistingData(*config);
  if (!root) {
    std::cerr << "berth: " << root.error().message << "\n";
    return 1;
  }
  auto password = ReadNewPassword(username);
  if (!password) return 1;
  auto stores = OpenStores(config->database, *root);
  if (!stores) {
    std::cerr << "berth: " << stores.error().message << "\n";
    return 1;
  }
  SystemClock clock;
  if (auto s = ResetPassword(*stores->meta, clock, username, *password,
                             AuthenticatorOptions{}.password_iterations);
      !s) {
    std::cerr << "berth: " << s.error().Message() << "\n";
    return 1;
  }
  std::cout << "The password of " << username << " is reset; any freeze on it is lifted.\n";
  return 0;
}

// What `berth gc` and `berth fsck` work on: the server's stores, opened beside it.
struct OfflineStores {
  Config config;
  std::unique_ptr<BlobStore> blobs;
  Stores stores;
};

Result<OfflineStores> OpenBeside(const Flags& flags) {
  auto config = Resolve(flags);
  if (!config) return tl::unexpected(config.error());
  InitLogging("warn");
  curl_global_init(CURL_GLOBAL_DEFAULT);
  auto root = ExistingData(*config);
  if (!root) return tl::unexpected(root.error());
  auto blobs = OpenBlobStore(config->storage, *root);
  if (!blobs) return tl::unexpected(blobs.error());
  auto stores = OpenStores(config->database, *root);
  if (!stores) return tl::unexpected(stores.error());
  return OfflineStores{std::move(*config), std::move(*blobs), std::move(*stores)};
}

// `berth gc`: the garbage collection the API's /system/gc runs, from the command line, beside a
// running server (online, as the server's own). Expired upload sessions are left to the
// server's purger, which alone knows which of its uploads are under way.
int CollectGarbage(const Flags& flags, GcOptions options) {
  auto opened = OpenBeside(flags);
  if (!opened) {
    std::cerr << "berth: " << opened.error().message << "\n";
    return 1;
  }
  options.grace_period = opened->config.gc_grace_period;
  SystemClock clock;
  // On PostgreSQL the servers hear which repositories lost manifests; the embedded default has
  // no feed between processes (see README: collect through the API there).
  ChangeFeed& changes = *opened->stores.changes;
  GarbageCollector collector(*opened->stores.meta, *opened->blobs, clock, nullptr,
                             [&changes](const std::string& repository) {
                               changes.Publish(ChangeTopic::kRepository, repository);
                             });
  auto report = collector.Run(options, [](const std::string& line) { std::cout << line << "\n"; });
  if (!report) {
    std::cerr << "berth: garbage collection: " << report.error().Message() << "\n";
    return 1;
  }
  return 0;
}

// `berth fsck [--repair]`: 0 when nothing is wrong (or everything wrong was put right).
int CheckData(const Flags& flags, bool repair) {
  auto opened = OpenBeside(flags);
  if (!opened) {
    std::cerr << "berth: " << opened.error().message << "\n";
    return 1;
  }
  auto report = CheckRegistry(*opened->stores.meta, *opened->stores.meta, *opened->blobs, repair,
                              [](const std::string& line) { std::cout << line << "\n"; });
  if (!report) {
    std::cerr << "berth: fsck: " << report.error().Message() << "\n";
    return 1;
  }
  return report->problems.size() > report->repaired ? 1 : 0;
}

// The key every node signs and verifies tokens with, kept in the database. A data folder from
// before keeps the key of its token_key.pem, so the tokens it issued stay good.
Result<std::unique_ptr<TokenSigner>> SharedTokenSigner(ManagementStore& store,
                                                       const std::filesystem::path& old_key) {
  std::string candidate;
  if (std::ifstream in{old_key}) {
    candidate.assign(std::istreambuf_iterator<char>(in), {});
  } else {
    auto fresh = TokenSigner::NewKeyPem();
    if (!fresh) return tl::unexpected(fresh.error());
    candidate = std::move(*fresh);
  }
  auto pem = store.SharedSecret("token_signing_key", candidate);
  if (!pem) return tl::unexpected(pem.error());
  return TokenSigner::FromPem(*pem);
}

int Serve(const Flags& flags) {
  auto config = Resolve(flags);
  if (!config) {
    std::cerr << "berth: " << config.error().message << "\n";
    return 2;
  }
  InitLogging(config->log_level);
  // sendfile(2) has no MSG_NOSIGNAL: a client that hangs up mid-download must cost an EPIPE,
  // not the process.
  std::signal(SIGPIPE, SIG_IGN);
  // Before any thread starts: libcurl's global set-up is not thread-safe.
  curl_global_init(CURL_GLOBAL_DEFAULT);
  // Every connection and open blob is a descriptor: take the hard limit, as Go programs do.
  if (rlimit files{}; ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);
  }

  std::filesystem::path root = std::filesystem::absolute(config->data_dir).lexically_normal();
  std::filesystem::create_directories(root);
  auto lock = DataDirLock::Take(root);
  if (!lock) {
    std::cerr << "berth: " << lock.error().message << "\n";
    return 1;
  }
  auto blob_store = OpenBlobStore(config->storage, root);
  if (!blob_store) {
    spdlog::critical("{}", blob_store.error().message);
    return 1;
  }
  BlobStore& blobs = **blob_store;
  auto stores = OpenStores(config->database, root);
  if (!stores) {
    spdlog::critical("{}", stores.error().message);
    return 1;
  }
  SqlMetadataStore& meta = *stores->meta;
  SqlHistoryStore& history = *stores->history;
  SystemClock clock;
  IdentityStore& identities = meta;
  AuthenticatorOptions auth_options;
  auth_options.ldap_auth = config->auth_mode == "ldap_auth";
  auth_options.lockout_threshold = config->lockout_threshold;
  auth_options.lockout_base = config->lockout_base;
  auto first =
      Bootstrap(identities, clock, config->admin_password, auth_options.password_iterations);
  if (!first) {
    spdlog::critical("first start: {}", first.error().message);
    std::cerr << "berth: " << first.error().message << "\n";
    return 1;
  }
  if (!first->first_start && !config->admin_password.empty()) {
    spdlog::warn(
        "admin_password (BERTH_ADMIN_PASSWORD) applies to the first start only and is ignored: "
        "{} has its admin already; `berth user reset-password admin` sets a new password",
        root.string());
  }
  auto signer = SharedTokenSigner(meta, root / "token_key.pem");
  if (!signer) {
    spdlog::critical("token signing key: {}", signer.error().message);
    return 1;
  }
  std::optional<LdapDirectory> ldap;
  if (auth_options.ldap_auth) ldap.emplace(config->ldap);
  Authenticator authenticator(identities, clock, ldap ? &*ldap : nullptr, auth_options);
  AccessControl access(identities);

  if (config->tls.cert.empty() != config->tls.key.empty()) {
    std::cerr << "berth: tls needs both cert and key\n";
    return 2;
  }
  http::Router router;
  // Made once what it reads exists, before the server runs.
  std::unique_ptr<Metrics> metrics;
  http::Server server(
      http::ServerOptions{config->listen, config->io_threads, config->workers, config->idle_timeout,
                          config->header_timeout, config->shutdown_timeout, config->access_log,
                          config->tls.cert, config->tls.key, config->tls.min_version,
                          [&metrics](const http::RequestRecord& r) { metrics->Observe(r); }},
      router);
  const uint16_t port = server.port();
  std::string host = config->listen.substr(0, config->listen.rfind(':'));
  const std::string scheme = config->tls.cert.empty() ? "http://" : "https://";
  std::string external_url = config->external_url.empty()
                                 ? scheme + host + ":" + std::to_string(port)
                                 : config->external_url;
  while (external_url.ends_with('/')) external_url.pop_back();

  // The built-in defaults, then what an administrator saved: at start, and whenever any node
  // saves new settings.
  auto load_settings = [&]() -> Result<RuntimeSettings> {
    RuntimeSettings loaded;
    loaded.token_expiration_minutes = std::max<int64_t>(
        1, std::chrono::ceil<std::chrono::minutes>(config->token_expiration).count());
    auto saved = meta.LoadSettings();
    if (!saved) return tl::unexpected(saved.error());
    if (auto s = ApplySettings(*saved, loaded); !s)
      spdlog::warn("saved settings ignored: {}", s.error().message);
    return loaded;
  };
  Settings settings;
  {
    auto initial = load_settings();
    if (!initial) {
      spdlog::critical("settings: {}", initial.error().message);
      return 1;
    }
    settings.Set(std::move(*initial));
  }

  TokenServiceOptions token_options;
  token_options.realm = external_url + "/service/token";
  token_options.service = config->token_service;
  token_options.expiration = config->token_expiration;
  token_options.settings = &settings;
  TokenService tokens(**signer, authenticator, access, identities, clock, token_options);
  TokenGuard guard(tokens, authenticator, access);

  // Nodes share PostgreSQL's job queue and outbox, which a node holds for a lease; one alone owns
  // SQLite's.
  const std::string node = RandomHex(8);
  std::chrono::seconds shared_lease{0};
  if (config->database.driver == "postgres") {
    if (config->jobs_lease < std::chrono::seconds(3)) {
      spdlog::critical("config: jobs.lease must be at least 3s (the heartbeat is 1s)");
      return 1;
    }
    shared_lease = config->jobs_lease;
  }
  // Declared before the bus so that they outlive its consumer thread.
  NotifierOptions notifier_options;
  notifier_options.journal = root / "webhooks.journal";
  notifier_options.registry_host = external_url.substr(external_url.find("://") + 3);
  notifier_options.max_attempts = config->webhook_max_attempts;
  notifier_options.retry_base = config->webhook_retry_base;
  notifier_options.history_per_policy = config->webhook_history_per_policy;
  // Nodes share PostgreSQL's webhook tasks; one alone owns SQLite's.
  if (config->database.driver == "postgres") notifier_options.claim_lease = std::chrono::minutes(5);
  notifier_options.paused = [&meta] {
    return meta.JobQueuePaused(std::string(kWebhookJobType)).value_or(false);
  };
  Notifier notifier(meta, history, access, settings, clock, notifier_options);
  // Two feeds of events: pulls and other news that changes nothing stored, through the bus,
  // batched and lost with a crash of the process (as Harbor's pulls are); and the changes'
  // events, which they record in the outbox as they commit and so are never lost.
  AuditRecorder pull_audit(history, identities);
  PullCounter pulls(meta);
  EventBus events(root / "events.journal");
  auto or_lost = [](std::string_view what, Status s) {
    if (!s) spdlog::error("{} lost: {}", what, s.error().message);
  };
  events.Subscribe([&](std::span<const Event> b) { or_lost("audit entries", pull_audit(b)); });
  events.Subscribe([&](std::span<const Event> batch) { pulls(batch); });
  events.Subscribe([&](std::span<const Event> b) { or_lost("webhooks", notifier.Consume(b)); });
  AuditRecorder change_audit(history, identities);
  OutboxReaderOptions outbox_options;
  outbox_options.node = node;
  outbox_options.lease = shared_lease;
  OutboxReader outbox(meta, clock, outbox_options);
  outbox.Subscribe("audit", [&](std::span<const Event> batch) { return change_audit(batch); });
  outbox.Subscribe("webhooks", [&](std::span<const Event> b) { return notifier.Record(b); });
  if (auto s = notifier.Start(); !s) {
    spdlog::critical("{}", s.error().message);
    return 1;
  }
  if (auto s = events.Start(); !s) {
    spdlog::critical("{}", s.error().message);
    return 1;
  }
  outbox.Start();

  RegistryOptions registry_options{
      config->manifest_cache_entries, config->upload_ttl, config->upload_purge_interval,
      config->pull_events,
      UploadLimits{config->upload_max_per_repository, config->upload_max_sessions}};
  ChangeFeed& changes = *stores->changes;
  changes.Subscribe([&](ChangeTopic topic, const std::string&) {
    switch (topic) {
      case ChangeTopic::kProjects:
        access.ProjectsChanged();
        break;
      case ChangeTopic::kCredentials:
        authenticator.ForgetVerified();
        break;
      case ChangeTopic::kSettings:
        if (auto loaded = load_settings()) settings.Set(std::move(*loaded));
        break;
      case ChangeTopic::kRepository:
        break;  // the registry's own
    }
  });
  Registry registry(blobs, meta, clock, registry_options, &guard, &events, &settings, &changes);
  registry.PurgeExpiredUploads();
  registry.StartPurger();

  // Declared before the job service, whose workers use it until they stop.
  GarbageCollector collector(
      meta, blobs, clock, [&registry] { return registry.PurgeExpiredUploads(); },
      [&changes](const std::string& repository) {
        changes.Publish(ChangeTopic::kRepository, repository);
      });
  JobServiceOptions job_options;
  job_options.node = node;
  job_options.lease = shared_lease;
  JobService jobs(meta, clock, job_options);
  jobs.Register(std::string(kGcJobType), GcJobHandler(collector, config->gc_grace_period));
  jobs.Register(
      std::string(kRetentionJobType),
      RetentionJobHandler(RetentionServices{meta, identities, meta, registry, &events, clock}));
  jobs.Register(std::string(kPurgeAuditJobType), PurgeAuditJobHandler(history));
  if (auto s = jobs.Start(); !s) {
    spdlog::critical("jobs: {}", s.error().message);
    return 1;
  }
  SchedulerOptions scheduler_options;
  scheduler_options.node = node;
  scheduler_options.lease = shared_lease;
  Scheduler scheduler(meta, meta, clock, scheduler_options);
  scheduler.Start();
  HarborApiOptions api_options;
  api_options.auth_mode = config->auth_mode;
  api_options.secure_cookie = external_url.starts_with("https://");
  api_options.external_url = external_url;
  HarborApi api(HarborServices{identities, meta, meta, history, blobs, registry, authenticator,
                               access, ldap ? &*ldap : nullptr, clock, settings, &events, &notifier,
                               root, changes, meta, meta, &jobs},
                api_options);
  changes.Start();
  auto* s3 = dynamic_cast<S3BlobStore*>(&blobs);
  metrics = std::make_unique<Metrics>(MetricsSources{
      &registry, stores->postgres, s3 ? &s3->client() : nullptr, &events, &notifier});
  router.Add("/metrics", *metrics);
  router.Add("/v2", registry);
  router.Add("/service/token", tokens);
  router.Add("/api/v2.0", api);
  router.Add("/c", api);
  Portal portal(EmbeddedPortalAssets());
  router.Add("", portal);

  if (!config->port_file.empty()) std::ofstream(config->port_file) << port << "\n";
  spdlog::info("berth {} serving on {}:{} ({}) with data in {}", BERTH_VERSION, host, port,
               external_url, root.string());
  const std::string where = external_url.substr(external_url.find("://") + 3);
  std::cout << "Berth is serving on " << external_url << "\n";
  if (first->generated_password) {
    std::cout << "First start: the admin password is " << *first->generated_password
              << "\n  (shown once; set admin_password or BERTH_ADMIN_PASSWORD to choose it)\n";
  }
  std::cout << "  portal:  " << external_url << "/ (user admin)\n"
            << "  log in:  podman login --tls-verify=false -u admin " << where << "\n"
            << "  push:    podman push --tls-verify=false IMAGE " << where << "/library/NAME:TAG\n"
            << "  pull:    podman pull --tls-verify=false " << where << "/library/NAME:TAG\n"
            << "  API:     curl -u admin " << external_url << "/api/v2.0/projects\n"
            << std::flush;
  server.Run();
  spdlog::info("berth stopped");
  spdlog::default_logger()->flush();
  return 0;
}

}  // namespace
}  // namespace berth

int main(int argc, char** argv) {
  CLI::App app{"berth: a container registry in one binary"};
  app.require_subcommand(1);
  berth::Flags flags;
  auto* serve = app.add_subcommand("serve", "serve the registry");
  serve->add_option("-c,--config", flags.config_path,
                    "YAML config file (BERTH_* variables override it)");
  serve->add_option("--listen", flags.listen, "host:port to listen on (default 127.0.0.1:5000)");
  serve->add_option("--data", flags.data, "data folder (default ./data)");
  auto* user = app.add_subcommand("user", "manage local users");
  user->require_subcommand(1);
  std::string username;
  auto* reset = user->add_subcommand(
      "reset-password", "set a user's password, read from standard input, and lift any freeze");
  reset->add_option("name", username, "the user, e.g. admin")->required();
  reset->add_option("-c,--config", flags.config_path, "YAML config file");
  reset->add_option("--data", flags.data, "data folder (default ./data)");
  berth::GcOptions gc_options;
  auto* gc = app.add_subcommand(
      "gc", "collect garbage: unreferenced blobs (and untagged manifests) out of storage");
  gc->add_flag("--dry-run", gc_options.dry_run, "report what a run would remove, remove nothing");
  gc->add_flag("--delete-untagged", gc_options.delete_untagged,
               "remove the manifests no tag needs too");
  gc->add_option("--workers", gc_options.workers, "batches of blobs removed at once")
      ->check(CLI::Range(1, 5));
  gc->add_option("-c,--config", flags.config_path, "YAML config file");
  gc->add_option("--data", flags.data, "data folder (default ./data)");
  bool repair = false;
  auto* fsck = app.add_subcommand(
      "fsck", "check that every manifest's blobs are stored whole and every quota is exact");
  fsck->add_flag("--repair", repair, "put right what can be: sizes, corrupt blobs");
  fsck->add_option("-c,--config", flags.config_path, "YAML config file");
  fsck->add_option("--data", flags.data, "data folder (default ./data)");
  auto* version = app.add_subcommand("version", "print the version");
  CLI11_PARSE(app, argc, argv);
  if (*version) {
    std::cout << "berth " << BERTH_VERSION << "\n";
    return 0;
  }
  try {
    if (*reset) return berth::ResetUserPassword(flags, username);
    if (*gc) return berth::CollectGarbage(flags, gc_options);
    if (*fsck) return berth::CheckData(flags, repair);
    return berth::Serve(flags);
  } catch (const std::exception& e) {
    // Start-up failures (a port in use, a data folder that cannot be made) end here.
    std::cerr << "berth: " << e.what() << "\n";
    return 1;
  }
}
