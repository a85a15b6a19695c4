// The Authorization header's credentials: Basic user:password or a Bearer token. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace berth {

struct Credentials {
  enum class Kind { kNone, kBasic, kBearer, kMalformed };
  Kind kind = Kind::kNone;
  std::string user;
  std::string password;
  std::string token;
};

Credentials ParseAuthorization(std::optional<std::string_view> header);

}  // namespace berth
