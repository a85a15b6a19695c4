#include "auth/credentials.h"

#include <strings.h>

#include "core/base64.h"
#include "core/strings.h"

namespace berth {
namespace {

// The scheme is case-insensitive (RFC 9110 11.1).
bool HasScheme(std::string_view header, std::string_view scheme) {
  return header.size() > scheme.size() && header[scheme.size()] == ' ' &&
         strncasecmp(header.data(), scheme.data(), scheme.size()) == 0;
}

}  // namespace

Credentials ParseAuthorization(std::optional<std::string_view> header) {
  Credentials c;
  if (!header) return c;
  c.kind = Credentials::Kind::kMalformed;
  if (HasScheme(*header, "Basic")) {
    auto decoded = Base64Decode(Trim(header->substr(6)));
    if (!decoded) return c;
    const size_t colon = decoded->find(':');
    if (colon == std::string::npos) return c;
    c.kind = Credentials::Kind::kBasic;
    c.user = decoded->substr(0, colon);
    c.password = decoded->substr(colon + 1);
  } else if (HasScheme(*header, "Bearer")) {
    c.token = std::string(Trim(header->substr(7)));
    if (!c.token.empty()) c.kind = Credentials::Kind::kBearer;
  }
  return c;
}

}  // namespace berth
