// HTTP requests and responses as handlers see them: plain values with no Beast or Asio types,
// so that only src/http compiles the heavy templates. Values; not shared between threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth::http {

class Headers {
 public:
  // Case-insensitive lookup of the first field with that name.
  std::optional<std::string_view> Get(std::string_view name) const;
  void Add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
  }
  // Replaces every field of that name.
  void Set(std::string name, std::string value);
  void Erase(std::string_view name);
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct Request {
  std::string method;
  std::string path;                                        // decoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  Headers headers;
  bool has_body = false;
  std::optional<uint64_t> content_length;
  std::string request_id;

  // The first value of a query parameter.
  std::optional<std::string_view> Query(std::string_view name) const;
};

// Bytes that are not in a file here (a blob in an object store): read on a worker thread, one
// piece at a time, as the connection takes them.
class BodySource {
 public:
  virtual ~BodySource() = default;
  // Reads bytes from `offset` into `out`; returns how many, 0 at the end or on an error (the
  // connection then closes: the client sees the body cut short).
  virtual size_t ReadAt(uint64_t offset, std::span<char> out) = 0;
};

// A body sent from an open file (with sendfile when the connection allows), kept open by
// `owner`; or, with no file (fd -1), read from `source`.
struct FileBody {
  int fd = -1;
  uint64_t offset = 0;
  uint64_t length = 0;
  std::shared_ptr<void> owner;
  std::shared_ptr<BodySource> source;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  std::optional<FileBody> file;
  // A HEAD answer: Content-Length describes the body that a GET would send, and none is sent.
  bool head_only = false;
};

// Receives a request body as it streams in. Called from worker threads, one call at a time.
class BodySink {
 public:
  virtual ~BodySink() = default;
  // Consumes the next bytes. A response here ends the request early (the rest is not read).
  virtual std::optional<Response> Write(std::span<const char> bytes) = 0;
  // The whole body has arrived.
  virtual Response Finish() = 0;
  // The client went away before the body was complete.
  virtual void Abort() {}
};

// A handler's answer once the request head is known: a response, or a sink for the body.
struct Dispatch {
  std::optional<Response> response;
  std::unique_ptr<BodySink> sink;
};

class Handler {
 public:
  virtual ~Handler() = default;
  // Runs on the event loop, so it must not block: answers what it can from memory.
  virtual std::optional<Response> TryFast(const Request& request) { return std::nullopt; }
  // Runs on a worker thread once the request head is read.
  virtual Dispatch Handle(const Request& request) = 0;
};

// An application/x-www-form-urlencoded body as decoded pairs, in order ('+' is a space);
// nullopt when it is not one.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseForm(std::string_view body);

// Collects a body of at most `limit` bytes, then answers with `then(body)`.
std::unique_ptr<BodySink> BufferBody(size_t limit, std::function<Response(std::string)> then,
                                     std::function<Response()> too_large);

}  // namespace berth::http
