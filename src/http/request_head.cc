#include "http/request_head.h"

#include <boost/url/parse.hpp>

#include "core/strings.h"

namespace berth::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;

constexpr size_t kHeaderLimit = 64 * 1024;

}  // namespace

void ConfigureParser(RequestParser& parser) {
  parser.body_limit(boost::none);
  parser.header_limit(kHeaderLimit);
}

std::optional<int> HeadErrorStatus(const beast::error_code& ec) {
  if (ec == bhttp::error::header_limit) return 431;
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
    return 400;
  return std::nullopt;
}

bool FramingIsSafe(const RequestParser& parser) {
  const auto te = parser.get().find(bhttp::field::transfer_encoding);
  if (te == parser.get().end()) return true;
  return beast::iequals(Trim(te->value()), "chunked") && !parser.content_length();
}

Request ToRequest(const RequestParser& parser, std::string request_id) {
  const auto& msg = parser.get();
  Request req;
  req.method = std::string(msg.method_string());
  const std::string target(msg.target());
  for (const auto& field : msg) {
    req.headers.Add(std::string(field.name_string()), std::string(field.value()));
  }
  auto url = boost::urls::parse_origin_form(target);
  if (url) {
    req.path = url->path();
    for (auto param : url->params()) req.query.emplace_back(param.key, param.value);
  } else {
    req.path = target;  // the router answers an unparsable path with 404
  }
  req.content_length =
      parser.content_length() ? std::optional<uint64_t>(*parser.content_length()) : std::nullopt;
  req.has_body = parser.chunked() || (req.content_length && *req.content_length > 0);
  if (auto id = req.headers.Get("X-Request-Id"); id && !id->empty() && id->size() <= 128) {
    req.request_id = std::string(*id);
  } else {
    req.request_id = std::move(request_id);
  }
  return req;
}

}  // namespace berth::http
