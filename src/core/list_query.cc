#include "core/list_query.h"

#include <algorithm>
#include <cctype>

namespace berth {
namespace {

// Harbor's fuzzy match is SQL's case-insensitive LIKE '%v%' (for ASCII letters).
bool ContainsIgnoringCase(std::string_view haystack, std::string_view needle) {
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                     [&](char a, char b) { return lower(a) == lower(b); }) != haystack.end();
}

}  // namespace

bool MatchesText(const QueryCondition& c, std::string_view value) {
  switch (c.kind) {
    case QueryCondition::Kind::kExact:
      return value == c.values.front();
    case QueryCondition::Kind::kFuzzy:
      return ContainsIgnoringCase(value, c.values.front());
    case QueryCondition::Kind::kAnyOf:
      for (const std::string& v : c.values) {
        if (value == v) return true;
      }
      return false;
    case QueryCondition::Kind::kAllOf:
      for (const std::string& v : c.values) {
        if (value != v) return false;
      }
      return true;
    case QueryCondition::Kind::kRange:
      return (!c.min || value >= *c.min) && (!c.max || value <= *c.max);
  }
  return false;
}

}  // namespace berth
