// Base64 in the URL-safe, unpadded alphabet of JWTs (RFC 4648 section 5), and the standard one.
// Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace berth {

std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);
std::string Base64UrlEncode(std::string_view bytes);
// nullopt on characters outside the alphabet or an impossible length.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace berth
