// Internal to src/http (and its fuzzer): how Berth reads a request's head with Beast, in one
// place, so that what the fuzzer exercises is what the server runs. Not thread-safe.
#pragma once

#include <boost/beast/http.hpp>
#include <optional>
#include <string>

#include "http/message.h"

namespace berth::http {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;

// A head of at most 64 KiB; a body of any length, streamed to the handler's sink.
void ConfigureParser(RequestParser& parser);

// What to answer a head that could not be read: 431 when it was too long, 400 when it broke
// HTTP's grammar; nullopt when the peer went away.
std::optional<int> HeadErrorStatus(const boost::beast::error_code& ec);

// Whether the body's framing is one Berth reads: no Transfer-Encoding, or a lone "chunked"
// without a Content-Length. Any other coding, which Beast would not decode, would leave the body
// to be read as the next request (request smuggling).
bool FramingIsSafe(const RequestParser& parser);

// The parsed head as the handlers see it; `request_id` unless the client sent its own.
Request ToRequest(const RequestParser& parser, std::string request_id);

}  // namespace berth::http
