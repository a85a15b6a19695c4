// Small string helpers shared by the parsers. Pure functions, thread-safe.
#pragma once

#include <string_view>
#include <vector>

namespace berth {

// Every piece between separators, empty ones included: "a,,b" -> {"a", "", "b"}.
inline std::vector<std::string_view> Split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t at = s.find(separator, start);
    parts.push_back(s.substr(start, at == s.npos ? s.npos : at - start));
    if (at == s.npos) return parts;
    start = at + 1;
  }
}

}  // namespace berth
