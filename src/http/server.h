// The HTTP/1.1 server: Asio/Beast C++20 coroutines on a few event-loop threads, with blocking
// handler work moved to a worker pool. Beast-free header. Run() blocks; Stop() is thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "http/message.h"

namespace berth::http {

struct ServerOptions {
  std::string listen = "127.0.0.1:5000";  // host:port; port 0 picks a free one
  int io_threads = 0;                     // 0: one per core
  int workers = 16;
  std::chrono::seconds idle_timeout{120};
  // Once a request's first byte has arrived, its whole head must arrive within this; else 408.
  std::chrono::seconds header_timeout{15};
  std::chrono::seconds shutdown_timeout{15};
  bool access_log = true;
  // HTTPS when a certificate is given (PEM, the chain as served); its key; "1.2" or "1.3".
  // SIGHUP loads them again, for connections opened from then on.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_min_version = "1.2";
};

class Server {
 public:
  // Binds the listening socket; throws std::runtime_error if it cannot (start-up only).
  Server(ServerOptions options, Handler& handler);
  ~Server();

  uint16_t port() const;
  // Serves until SIGINT/SIGTERM or Stop(), then lets in-flight requests finish within
  // shutdown_timeout and returns.
  void Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace berth::http
