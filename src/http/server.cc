#include "http/server.h"

#include <spdlog/spdlog.h>
#include <sys/sendfile.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "http/request_head.h"

namespace berth::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
using namespace asio::experimental::awaitable_operators;
constexpr auto kNoThrow = asio::as_tuple(use_awaitable);

constexpr size_t kBodyChunk = 1 << 20;
constexpr size_t kLingerBytes = 8 << 20;
// Sent per sendfile(2) call. Measured on loopback: 256 KiB pulls a 512 MiB blob ~25% faster
// than one call per socket-buffer-full, since the receiver starts copying sooner.
constexpr uint64_t kSendfileBytes = 256 << 10;
constexpr std::chrono::seconds kLingerTime{2};

std::string NewRequestIdPrefix() {
  std::random_device rd;
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", rd());
  return buf;
}

Response InternalError(const char* what) {
  Response res;
  res.status = 500;
  res.headers.Set("Content-Type", "application/json");
  res.body = std::string(R"({"errors":[{"code":"UNKNOWN","message":")") + "internal error" +
             R"(","detail":null}]})";
  spdlog::error("handler failed: {}", what);
  return res;
}

// Mozilla's "intermediate" TLS 1.2 suites: forward secrecy and AEAD only. TLS 1.3's are
// OpenSSL's defaults.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

std::shared_ptr<asio::ssl::context> LoadTls(const ServerOptions& options) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native,
                                options.tls_min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1)
    throw std::runtime_error("tls: no usable TLS 1.2 cipher");
  beast::error_code ec;
  ctx->use_certificate_chain_file(options.tls_cert, ec);
  if (ec) throw std::runtime_error("tls.cert " + options.tls_cert + ": " + ec.message());
  ctx->use_private_key_file(options.tls_key, asio::ssl::context::pem, ec);
  if (ec) throw std::runtime_error("tls.key " + options.tls_key + ": " + ec.message());
  if (SSL_CTX_check_private_key(native) != 1)
    throw std::runtime_error("tls: the key in " + options.tls_key + " is not the certificate's");
  return ctx;
}

// What a plain-HTTP client that knocks on the TLS port is told, in its own protocol.
constexpr std::string_view kPlainToTls =
    "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n"
    "Content-Length: 48\r\n\r\nThis port speaks HTTPS: use https:// to reach it\n";

}  // namespace

std::string_view TraceId(std::string_view traceparent) {
  auto hex = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  };
  if (traceparent.size() < 55 || traceparent[2] != '-' || traceparent[35] != '-' ||
      traceparent[52] != '-' || !hex(traceparent.substr(0, 2)) || traceparent.substr(0, 2) == "ff")
    return {};
  const std::string_view trace = traceparent.substr(3, 32);
  if (!hex(trace) || trace == std::string_view("00000000000000000000000000000000", 32)) return {};
  return hex(traceparent.substr(36, 16)) && hex(traceparent.substr(53, 2)) ? trace
                                                                           : std::string_view();
}

struct Server::Impl {
  // What Stop() needs of a connection, whatever its stream.
  struct ConnectionBase {
    virtual ~ConnectionBase() = default;
    virtual beast::tcp_stream& tcp() = 0;
    // Touched only on the connection's strand.
    bool idle = true;           // waiting for the next request
    bool reading_head = false;  // a request's head has begun and is being read
    bool head_late = false;     // header_timeout passed before the head was whole
    uint64_t heads = 0;         // heads begun: a deadline that fired for an earlier one is ignored
  };
  template <class Stream>
  struct Connection : ConnectionBase {
    template <class... Args>
    explicit Connection(Args&&... args) : stream(std::forward<Args>(args)...) {}
    beast::tcp_stream& tcp() override { return beast::get_lowest_layer(stream); }
    Stream stream;
  };
  using PlainConnection = Connection<beast::tcp_stream>;
  using TlsConnection = Connection<beast::ssl_stream<beast::tcp_stream>>;

  Impl(ServerOptions opts, Handler& h)
      : options(std::move(opts)),
        handler(h),
        io_threads(options.io_threads > 0
                       ? options.io_threads
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))),
        ioc(io_threads),
        acceptor(ioc),
        workers(static_cast<size_t>(std::max(1, options.workers))),
        signals(ioc, SIGINT, SIGTERM),
        reload(ioc, SIGHUP),
        request_id_prefix(NewRequestIdPrefix()) {
    if (!options.tls_cert.empty()) tls = LoadTls(options);
    auto colon = options.listen.rfind(':');
    if (colon == std::string::npos) throw std::runtime_error("listen: expected host:port");
    std::string host = options.listen.substr(0, colon);
    if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
    const std::string port = options.listen.substr(colon + 1);
    unsigned port_number = 0;
    auto [end, perr] = std::from_chars(port.data(), port.data() + port.size(), port_number);
    if (perr != std::errc() || end != port.data() + port.size() || port_number > 65535) {
      throw std::runtime_error("listen: " + options.listen + " has no valid port");
    }
    tcp::resolver resolver(ioc);
    beast::error_code rec;
    auto endpoints =
        resolver.resolve(host, port, tcp::resolver::passive | tcp::resolver::numeric_service, rec);
    if (rec || endpoints.empty()) {
      throw std::runtime_error("listen: cannot resolve " + host + ": " + rec.message());
    }
    tcp::endpoint endpoint = *endpoints.begin();
    beast::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("cannot listen on " + options.listen + ": " + ec.message());
  }

  template <class F>
  awaitable<std::invoke_result_t<F>> OnWorker(F f) {
    using R = std::invoke_result_t<F>;
    co_return co_await asio::co_spawn(
        workers.get_executor(),
        [&f]() -> awaitable<R> {
          if constexpr (std::is_void_v<R>) {
            f();
            co_return;
          } else {
            co_return f();
          }
        },
        use_awaitable);
  }

  awaitable<void> Accept() {
    while (true) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kNoThrow);
      if (ec) {
        if (!acceptor.is_open()) co_return;
        spdlog::warn("accept: {}", ec.message());
        continue;
      }
      socket.set_option(tcp::no_delay(true));
      if (auto context = Tls()) {
        auto conn = std::make_shared<TlsConnection>(std::move(socket), *context);
        Spawn(conn, Handshake(conn, std::move(context)));
      } else {
        auto conn = std::make_shared<PlainConnection>(std::move(socket));
        Spawn(conn, Serve(conn));
      }
    }
  }

  // Runs a connection's coroutine on its strand, known to Stop() until it ends.
  template <class Conn>
  void Spawn(const std::shared_ptr<Conn>& conn, awaitable<void> work) {
    {
      std::lock_guard lock(mu);
      connections.insert(conn);
    }
    asio::co_spawn(conn->tcp().get_executor(), std::move(work), [this, conn](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& failure) {
          spdlog::error("connection failed: {}", failure.what());
        }
      }
      std::lock_guard lock(mu);
      connections.erase(conn);
    });
  }

  void WaitForReload() {
    reload.async_wait([this](beast::error_code ec, int) {
      if (ec) return;
      ReloadTls();
      WaitForReload();
    });
  }

  std::shared_ptr<asio::ssl::context> Tls() {
    std::lock_guard lock(tls_mu);
    return tls;
  }

  // A certificate renewed on disk is taken up on SIGHUP: new connections get the new context,
  // open ones keep theirs. A file that does not load leaves the old one in place.
  void ReloadTls() {
    if (options.tls_cert.empty()) return;
    try {
      auto fresh = LoadTls(options);
      std::lock_guard lock(tls_mu);
      tls = std::move(fresh);
      spdlog::info("tls: certificate {} reloaded", options.tls_cert);
    } catch (const std::exception& e) {
      spdlog::error("tls: reload failed, the old certificate stays: {}", e.what());
    }
  }

  // A TLS connection's first bytes: a handshake record, or a plain-HTTP client that is told to
  // use https. The handshake, like a request head, must be done within header_timeout.
  // `context` is held for the connection's life: a SIGHUP may replace the server's meanwhile.
  awaitable<void> Handshake(std::shared_ptr<TlsConnection> conn,
                            std::shared_ptr<asio::ssl::context> context) {
    beast::tcp_stream& tcp = conn->tcp();
    tcp.expires_after(options.idle_timeout);
    auto [wait] = co_await tcp.socket().async_wait(tcp::socket::wait_read, kNoThrow);
    if (wait) co_return;
    unsigned char first = 0;
    beast::error_code ec;
    tcp.socket().receive(asio::buffer(&first, 1), tcp::socket::message_peek, ec);
    if (ec) co_return;
    constexpr unsigned char kTlsHandshakeRecord = 0x16;
    if (first != kTlsHandshakeRecord) {
      co_await asio::async_write(tcp, asio::buffer(kPlainToTls), kNoThrow);
      tcp.socket().shutdown(tcp::socket::shutdown_send, ec);
      co_return;
    }
    tcp.expires_after(options.header_timeout);
    auto [shake] = co_await conn->stream.async_handshake(asio::ssl::stream_base::server, kNoThrow);
    if (shake) {
      spdlog::debug("tls handshake: {}", shake.message());
      co_return;
    }
    co_await Serve(std::move(conn));
  }

  // One connection: read a request head, dispatch, stream the body to the handler's sink,
  // write the response; repeat while the connection is kept alive.
  template <class Conn>
  awaitable<void> Serve(std::shared_ptr<Conn> conn) {
    beast::flat_buffer buffer;
    buffer.reserve(4096);  // a request head; idle connections should cost little memory
    std::vector<char> chunk, spare;
    // One deadline for the connection's heads, set again for each: no timer made per request.
    asio::steady_timer head_deadline(conn->tcp().get_executor());
    while (!stopping) {
      RequestParser parser;
      ConfigureParser(parser);
      conn->idle = true;
      if (buffer.size() == 0) {
        conn->tcp().expires_after(options.idle_timeout);
        auto [ec, n] = co_await conn->stream.async_read_some(buffer.prepare(4096), kNoThrow);
        if (ec) break;
        buffer.commit(n);
      }
      conn->idle = false;
      // A head trickling in a byte at a time must not hold the connection for idle_timeout.
      // Its own timer cancels the read rather than closing the socket, so 408 can be sent.
      conn->tcp().expires_never();
      head_deadline.expires_after(options.header_timeout);
      conn->reading_head = true;
      conn->head_late = false;
      head_deadline.async_wait([conn, head = ++conn->heads](beast::error_code e) {
        if (e || !conn->reading_head || conn->heads != head) return;
        conn->head_late = true;
        beast::error_code ignored;
        conn->tcp().socket().cancel(ignored);
      });
      auto [ec, header_bytes] =
          co_await bhttp::async_read_header(conn->stream, buffer, parser, kNoThrow);
      conn->reading_head = false;
      head_deadline.cancel();
      if (ec) {
        if (auto status = conn->head_late ? 408 : HeadErrorStatus(ec)) {
          Response bad;
          bad.status = *status;
          co_await Write(*conn, bad, false, 11);
        }
        break;
      }
      if (!FramingIsSafe(parser)) {
        Response bad;
        bad.status = 400;
        co_await Write(*conn, bad, false, 11);
        break;
      }
      const auto started = std::chrono::steady_clock::now();
      Request req = ToRequest(parser, request_id_prefix + "-" + std::to_string(++request_counter));
      spdlog::debug("request request_id={} method={} path={}", req.request_id, req.method,
                    req.path);
      const bool keep_alive = parser.get().keep_alive();
      const unsigned version = parser.get().version();
      bool body_unread = req.has_body;
      uint64_t received = 0;
      Response res;
      try {
        if (auto fast = handler.TryFast(req)) {
          res = std::move(*fast);
        } else {
          Dispatch dispatch = co_await OnWorker([&] { return handler.Handle(req); });
          if (dispatch.response) {
            res = std::move(*dispatch.response);
          } else {
            auto sink = std::move(dispatch.sink);
            if (req.has_body) {
              auto expect = req.headers.Get("Expect");
              if (expect && beast::iequals(*expect, "100-continue")) {
                bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, version};
                co_await bhttp::async_write(conn->stream, cont, kNoThrow);
              }
              size_t want = kBodyChunk;
              if (req.content_length) want = std::min<uint64_t>(want, *req.content_length);
              chunk.resize(want);
              if (req.content_length && *req.content_length > want) spare.resize(want);
            }
            BodyOutcome body;
            if (req.has_body && !parser.chunked()) {
              body = co_await StreamSized(*conn, buffer, *req.content_length, *sink, chunk, spare);
            } else {
              body = co_await StreamChunked(*conn, buffer, parser, *sink, chunk);
            }
            const bool broken = body.broken;
            std::optional<Response> early = std::move(body.early);
            received = body.received;
            if (broken) {
              co_await OnWorker([&] { sink->Abort(); });
              Log(req, 499, received, 0, started);
              break;
            }
            if (early) {
              res = std::move(*early);
            } else {
              body_unread = false;
              res = co_await OnWorker([&] { return sink->Finish(); });
            }
          }
        }
      } catch (const std::exception& e) {
        res = InternalError(e.what());
      }
      if (chunk.size() > kBodyChunk / 16) std::vector<char>().swap(chunk);
      std::vector<char>().swap(spare);
      bool again = keep_alive && !body_unread && !stopping;
      res.headers.Set("X-Request-Id", req.request_id);
      const uint64_t promised = res.head_only ? 0 : res.file ? res.file->length : res.body.size();
      uint64_t sent = co_await Write(*conn, res, again, version);
      Log(req, res.status, received, sent, started);
      // A body cut short (the peer stalled past the timeout) leaves the stream out of step.
      if (sent != promised) again = false;
      if (!again) {
        if (body_unread) co_await LingeringClose(*conn);
        break;
      }
    }
    beast::error_code ignored;
    conn->tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    conn->tcp().close();
  }

  // After answering a request whose body was not read (a refused upload), reads and discards
  // what the client is still sending for a moment before closing: closing a socket with
  // unread data makes the kernel send a reset, which can destroy the answer before the client
  // reads it.
  template <class Conn>
  awaitable<void> LingeringClose(Conn& conn) {
    beast::error_code ignored;
    conn.tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    std::vector<char> scratch(64 * 1024);
    size_t drained = 0;
    while (drained < kLingerBytes) {
      conn.tcp().expires_after(kLingerTime);
      auto [ec, n] = co_await conn.stream.async_read_some(asio::buffer(scratch), kNoThrow);
      if (ec) break;
      drained += n;
    }
  }

  struct BodyOutcome {
    bool broken = false;            // the client went away mid-body
    std::optional<Response> early;  // the sink refused the body
    uint64_t received = 0;          // body bytes handed to the sink
  };

  // Reads into buf[filled..] until it is full or `remaining` is 0; false if the peer went away.
  template <class Conn>
  awaitable<bool> Fill(Conn& conn, std::span<char> buf, uint64_t& remaining, size_t& filled) {
    while (remaining > 0 && filled < buf.size()) {
      conn.tcp().expires_after(options.idle_timeout);
      auto [ec, n] = co_await conn.stream.async_read_some(
          asio::buffer(buf.data() + filled, std::min<uint64_t>(buf.size() - filled, remaining)),
          kNoThrow);
      if (ec) co_return false;
      filled += n;
      remaining -= n;
    }
    co_return true;
  }

  awaitable<std::optional<Response>> Deliver(BodySink& sink, std::span<const char> bytes) {
    co_return co_await OnWorker([&] { return sink.Write(bytes); });
  }

  // A sized body bypasses the parser (which copies and reads at most 64 KiB at a time): it is
  // read straight into one buffer while a worker hashes and writes the other, so the network
  // and the disk work on two cores at once.
  template <class Conn>
  awaitable<BodyOutcome> StreamSized(Conn& conn, beast::flat_buffer& buffer, uint64_t length,
                                     BodySink& sink, std::vector<char>& ready,
                                     std::vector<char>& next) {
    BodyOutcome out;
    uint64_t remaining = length;
    size_t filled = asio::buffer_copy(
        asio::buffer(ready.data(), std::min<uint64_t>(ready.size(), remaining)), buffer.data());
    buffer.consume(filled);
    remaining -= filled;
    if (!co_await Fill(conn, ready, remaining, filled)) {
      out.broken = true;
      co_return out;
    }
    while (filled > 0) {
      size_t next_filled = 0;
      out.received += filled;
      auto [read_ok, early] = co_await (Fill(conn, next, remaining, next_filled) &&
                                        Deliver(sink, std::span<const char>(ready.data(), filled)));
      if (early) {
        out.early = std::move(early);
        co_return out;
      }
      if (!read_ok) {
        out.broken = true;
        co_return out;
      }
      std::swap(ready, next);
      filled = next_filled;
    }
    co_return out;
  }

  // A chunked (Transfer-Encoding) body goes through the parser, a buffer at a time.
  template <class Conn>
  awaitable<BodyOutcome> StreamChunked(Conn& conn, beast::flat_buffer& buffer,
                                       RequestParser& parser, BodySink& sink,
                                       std::vector<char>& chunk) {
    BodyOutcome out;
    // Beast reads max(512, free capacity) bytes at a time: give it room for 64 KiB reads.
    buffer.reserve(64 * 1024);
    while (!parser.is_done()) {
      parser.get().body().data = chunk.data();
      parser.get().body().size = chunk.size();
      conn.tcp().expires_after(options.idle_timeout);
      auto [ec, n] = co_await bhttp::async_read(conn.stream, buffer, parser, kNoThrow);
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) {
        out.broken = true;
        co_return out;
      }
      size_t got = chunk.size() - parser.get().body().size;
      if (got == 0) continue;
      out.received += got;
      out.early = co_await Deliver(sink, std::span<const char>(chunk.data(), got));
      if (out.early) co_return out;
    }
    buffer.shrink_to_fit();
    co_return out;
  }

  // Writes the response; returns the body bytes sent.
  template <class Conn>
  awaitable<uint64_t> Write(Conn& conn, Response& res, bool keep_alive, unsigned version) {
    conn.tcp().expires_after(options.idle_timeout);
    const uint64_t length = res.file ? res.file->length : res.body.size();
    const bool bodiless = res.status == 204 || res.status == 304 || res.status < 200;
    if (res.file || res.head_only) {
      bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(res.status), version};
      for (const auto& [k, v] : res.headers.fields()) head.set(k, v);
      if (!bodiless) head.content_length(length);
      head.keep_alive(keep_alive);
      bhttp::response_serializer<bhttp::empty_body> sr{head};
      auto [ec, n] = co_await bhttp::async_write_header(conn.stream, sr, kNoThrow);
      if (ec || res.head_only || !res.file) co_return 0;
      if (res.file->source) co_return co_await SendSource(conn, *res.file);
      co_return co_await SendFile(conn, *res.file);
    }
    bhttp::response<bhttp::string_body> msg{static_cast<bhttp::status>(res.status), version};
    for (const auto& [k, v] : res.headers.fields()) msg.set(k, v);
    msg.body() = std::move(res.body);
    if (!bodiless) msg.content_length(length);
    msg.keep_alive(keep_alive);
    auto [ec, n] = co_await bhttp::async_write(conn.stream, msg, kNoThrow);
    co_return ec ? 0 : length;
  }

  // Writes the `length` bytes that `read(at, buffer)` gives piece by piece (0: no more), a
  // bounded buffer at a time.
  template <class Conn, class Read>
  awaitable<uint64_t> SendPieces(Conn& conn, uint64_t length, Read read) {
    std::vector<char> buf(std::min<uint64_t>(length, kSendfileBytes));
    uint64_t sent = 0;
    while (sent < length) {
      const size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), length - sent));
      const size_t n = co_await read(sent, std::span(buf.data(), want));
      if (n == 0) break;  // the file shrank, or cannot be read
      conn.tcp().expires_after(options.idle_timeout);
      auto [ec, written] =
          co_await asio::async_write(conn.stream, asio::buffer(buf.data(), n), kNoThrow);
      sent += written;
      if (ec) break;
    }
    co_return sent;
  }

  // A body from elsewhere (an object store): each piece is read on a worker, as such a read
  // blocks.
  template <class Conn>
  awaitable<uint64_t> SendSource(Conn& conn, const FileBody& body) {
    co_return co_await SendPieces(
        conn, body.length, [&](uint64_t at, std::span<char> out) -> awaitable<size_t> {
          co_return co_await OnWorker([&] { return body.source->ReadAt(body.offset + at, out); });
        });
  }

  // Over TLS the bytes pass through the record layer: read and written a bounded buffer at a
  // time. (Kernel TLS would keep sendfile, but Asio's TLS engine writes through a memory BIO,
  // and kernels without the "tls" ULP have none to offer.)
  awaitable<uint64_t> SendFile(TlsConnection& conn, const FileBody& file) {
    co_return co_await SendPieces(
        conn, file.length, [&](uint64_t at, std::span<char> out) -> awaitable<size_t> {
          ssize_t n;
          do {
            n = ::pread(file.fd, out.data(), out.size(), static_cast<off_t>(file.offset + at));
          } while (n < 0 && errno == EINTR);
          co_return n > 0 ? static_cast<size_t>(n) : 0;
        });
  }

  // sendfile(2) from the blob straight to the socket: no copy through user space.
  awaitable<uint64_t> SendFile(PlainConnection& conn, const FileBody& file) {
    auto& socket = conn.tcp().socket();
    beast::error_code ec;
    socket.native_non_blocking(true, ec);
    off_t offset = static_cast<off_t>(file.offset);
    uint64_t remaining = file.length;
    asio::steady_timer deadline(socket.get_executor());
    while (remaining > 0) {
      ssize_t n = ::sendfile(socket.native_handle(), file.fd, &offset,
                             std::min<uint64_t>(remaining, kSendfileBytes));
      if (n > 0) {
        remaining -= static_cast<uint64_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) {
        deadline.expires_after(options.idle_timeout);
        deadline.async_wait([&socket](beast::error_code e) {
          if (!e) socket.cancel();
        });
        auto [wec] = co_await socket.async_wait(tcp::socket::wait_write, kNoThrow);
        deadline.cancel();
        if (!wec) continue;
      }
      break;  // the peer went away, the file shrank, or the wait timed out
    }
    co_return file.length - remaining;
  }

  void Log(const Request& req, int status, uint64_t received, uint64_t sent,
           std::chrono::steady_clock::time_point started) {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
    if (options.observe) {
      options.observe(RequestRecord{req.method, req.path, status, received, sent, micros / 1e6});
    }
    if (!options.access_log) return;
    // A W3C traceparent's trace id goes in the line, to find the request from the trace.
    const std::string_view trace = TraceId(req.headers.Get("traceparent").value_or(""));
    spdlog::info("access request_id={} method={} path={} status={} bytes={} duration_ms={:.3f}{}{}",
                 req.request_id, req.method, req.path, status, sent, micros / 1000.0,
                 trace.empty() ? "" : " trace_id=", trace);
  }

  void Stop() {
    asio::post(acceptor.get_executor(), [this] {
      if (stopping.exchange(true)) return;
      spdlog::info("shutting down: no new connections, finishing in-flight requests");
      beast::error_code ignored;
      acceptor.close(ignored);
      signals.cancel();
      reload.cancel();
      {
        std::lock_guard lock(mu);
        for (const auto& conn : connections) {
          asio::post(conn->tcp().get_executor(), [conn] {
            if (conn->idle) conn->tcp().cancel();
          });
        }
      }
      shutdown_deadline = std::chrono::steady_clock::now() + options.shutdown_timeout;
      asio::co_spawn(ioc, Drain(), asio::detached);
    });
  }

  awaitable<void> Drain() {
    asio::steady_timer tick(ioc);
    while (std::chrono::steady_clock::now() < shutdown_deadline) {
      {
        std::lock_guard lock(mu);
        if (connections.empty()) break;
      }
      tick.expires_after(std::chrono::milliseconds(20));
      co_await tick.async_wait(kNoThrow);
    }
    ioc.stop();
  }

  ServerOptions options;
  Handler& handler;
  const int io_threads;  // options.io_threads with 0 resolved to the core count
  asio::io_context ioc;
  tcp::acceptor acceptor;
  asio::thread_pool workers;
  asio::signal_set signals;
  asio::signal_set reload;
  std::string request_id_prefix;
  std::atomic<uint64_t> request_counter = 0;
  std::atomic<bool> stopping = false;
  std::chrono::steady_clock::time_point shutdown_deadline;
  std::mutex mu;
  std::set<std::shared_ptr<ConnectionBase>> connections;  // guarded by mu
  std::mutex tls_mu;
  std::shared_ptr<asio::ssl::context> tls;  // guarded by tls_mu; null: plain HTTP
};

Server::Server(ServerOptions options, Handler& handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {}

Server::~Server() {
  if (impl_) impl_->workers.join();
}

uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::Run() {
  impl_->WaitForReload();
  impl_->signals.async_wait([this](beast::error_code ec, int) {
    if (!ec) impl_->Stop();
  });
  asio::co_spawn(impl_->ioc, impl_->Accept(), asio::detached);
  std::vector<std::thread> pool;
  for (int i = 1; i < impl_->io_threads; ++i) pool.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : pool) t.join();
  impl_->workers.join();
  std::lock_guard lock(impl_->mu);
  if (!impl_->connections.empty()) {
    spdlog::warn("shutdown: {} connections still open after the timeout",
                 impl_->connections.size());
  }
}

void Server::Stop() { impl_->Stop(); }

}  // namespace berth::http
