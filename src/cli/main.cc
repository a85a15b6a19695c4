// berth: the registry in one binary. Subcommands: serve, version.
#include <CLI/CLI.hpp>
#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "http/server.h"
#include "meta/sqlite_metadata_store.h"
#include "registry/registry.h"
#include "storage/filesystem_blob_store.h"
#include "storage/paths.h"

namespace berth {
namespace {

int Serve(const std::optional<std::string>& config_path, const std::optional<std::string>& listen,
          const std::optional<std::string>& data) {
  auto config = LoadConfig(config_path, ProcessEnvironment());
  if (!config) {
    std::cerr << "berth: " << config.error().message << "\n";
    return 2;
  }
  if (listen) config->listen = *listen;
  if (data) config->data_dir = *data;
  InitLogging(config->log_level);
  // sendfile(2) has no MSG_NOSIGNAL: a client that hangs up mid-download must cost an EPIPE,
  // not the process.
  std::signal(SIGPIPE, SIG_IGN);
  // Every connection and open blob is a descriptor: take the hard limit, as Go programs do.
  if (rlimit files{}; ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);
  }

  std::filesystem::path root = std::filesystem::absolute(config->data_dir).lexically_normal();
  FilesystemBlobStore blobs(root);
  auto meta = SqliteMetadataStore::Open(MetadataPath(root));
  if (!meta) {
    spdlog::critical("cannot open metadata: {}", meta.error().message);
    return 1;
  }
  SystemClock clock;
  Registry registry(blobs, **meta, clock,
                    RegistryOptions{config->manifest_cache_entries, config->upload_ttl,
                                    config->upload_purge_interval});
  registry.PurgeExpiredUploads();
  registry.StartPurger();

  http::Server server(http::ServerOptions{config->listen, config->io_threads, config->workers,
                                          config->idle_timeout, config->shutdown_timeout,
                                          config->access_log},
                      registry);
  const uint16_t port = server.port();
  if (!config->port_file.empty()) std::ofstream(config->port_file) << port << "\n";
  std::string host = config->listen.substr(0, config->listen.rfind(':'));
  spdlog::info("berth {} serving the OCI Distribution API on {}:{} with data in {}", BERTH_VERSION,
               host, port, root.string());
  std::cout << "Berth is serving on http://" << host << ":" << port << "\n"
            << "  push:  skopeo copy --dest-tls-verify=false oci:DIR:TAG docker://" << host << ":"
            << port << "/REPO:TAG\n"
            << "  pull:  podman pull --tls-verify=false " << host << ":" << port << "/REPO:TAG\n"
            << "No login is needed yet: this build serves anonymous push and pull.\n"
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
  std::optional<std::string> config_path, listen, data;
  auto* serve = app.add_subcommand("serve", "serve the registry");
  serve->add_option("-c,--config", config_path, "YAML config file (BERTH_* variables override it)");
  serve->add_option("--listen", listen, "host:port to listen on (default 127.0.0.1:5000)");
  serve->add_option("--data", data, "data folder (default ./data)");
  auto* version = app.add_subcommand("version", "print the version");
  CLI11_PARSE(app, argc, argv);
  if (*version) {
    std::cout << "berth " << BERTH_VERSION << "\n";
    return 0;
  }
  try {
    return berth::Serve(config_path, listen, data);
  } catch (const std::exception& e) {
    // Start-up failures (a port in use, a data folder that cannot be made) end here.
    std::cerr << "berth: " << e.what() << "\n";
    return 1;
  }
}
