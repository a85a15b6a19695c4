// The HTTP/1.1 server: Asio/Beast C++20 coroutines on a few event-loop threads, with blocking
// handler work moved to a worker pool. Beast-free header. Run() blocks; Stop() is thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/message.h"

namespace berth::http {

// One answered request, for whoever keeps figures of them (/metrics).
struct RequestRecord {
  std::string_view method;
  std::string_view path;
  int status = 0;
  uint64_t received = 0;  // body bytes
  uint64_t sent = 0;
  double seconds = 0;
};

// The trace id of a W3C traceparent header ("00-<32 hex>-<16 hex>-<2 hex>"), or "" when the
// header is not one.
std::string_view TraceId(std::string_view traceparent);

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
  // Called on the event loop once each request is answered: must not block.
  std::function<void(const RequestRecord&)> observe;
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
