// The HTTP request parser as Berth configures it: heads (with their 64 KiB limit), the framing
// check that keeps a body from being read as a request, the head as the handlers see it, and
// chunked bodies, fed in pieces as the network delivers them.
#include <boost/asio/buffer.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/request_head.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace bhttp = boost::beast::http;
  // The first byte cuts the input in two deliveries, as a read may.
  if (size < 1) return 0;
  const size_t cut = data[0] % size;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  berth::http::RequestParser parser;
  berth::http::ConfigureParser(parser);
  boost::beast::error_code ec;
  char body[4096];
  for (std::string_view piece : {rest.substr(0, std::min(cut, rest.size())),
                                 rest.substr(std::min(cut, rest.size()))}) {
    while (!piece.empty() && !parser.is_done()) {
      if (parser.is_header_done()) {
        parser.get().body().data = body;
        parser.get().body().size = sizeof body;
      }
      const size_t used = parser.put(boost::asio::buffer(piece.data(), piece.size()), ec);
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec || used == 0) break;
      piece.remove_prefix(used);
      if (parser.is_header_done() && !parser.get().body().data) {
        berth::http::ToRequest(parser, "fuzz");
        // A Transfer-Encoding that Beast does not read as chunked never passes: its body would
        // be read as the next request.
        const bool coded = parser.get().find(bhttp::field::transfer_encoding) != parser.get().end();
        if (coded && !parser.chunked() && berth::http::FramingIsSafe(parser)) __builtin_trap();
      }
    }
    if (ec) break;
  }
  if (ec) berth::http::HeadErrorStatus(ec);
  return 0;
}
