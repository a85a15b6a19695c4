// What a list request asks for: Harbor's `q` conditions, sort keys and a page, as the API
// parses them and the stores answer them in SQL. Pure values and functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth {

// One `q` condition. Values keep their text with any quotes removed; the handler that knows
// the field's type converts them.
struct QueryCondition {
  enum class Kind {
    kExact,  // k=v
    kFuzzy,  // k=~v
    kRange,  // k=[min~max], either end may be empty
    kAnyOf,  // k={v1 v2}: union
    kAllOf,  // k=(v1 v2): intersection
  };
  std::string key;
  Kind kind = Kind::kExact;
  std::vector<std::string> values;      // kExact/kFuzzy: one; kAnyOf/kAllOf: several
  std::optional<std::string> min, max;  // kRange
};

// Whether a text field's value meets the condition: equal, containing (fuzzy, ignoring the
// case of ASCII letters, as SQL's LIKE), among the values (any of, or all of for a single
// value), or within the range.
bool MatchesText(const QueryCondition& condition, std::string_view value);

struct SortKey {
  std::string field;
  bool descending = false;
};

inline constexpr int64_t kMaxPageSize = 100;
// The largest page whose offset, and the offset of the page after it, fit in an int64_t at
// any page size.
inline constexpr int64_t kMaxPage = INT64_MAX / kMaxPageSize - 1;

struct PageRequest {
  int64_t page = 1;
  int64_t page_size = 10;

  // How many items come before this page; never overflows for a parsed request.
  int64_t Offset() const { return (page - 1) * page_size; }
};

// A list as the API asks a store for it: filtered, sorted, and cut to [offset, offset+limit).
struct ListRequest {
  std::vector<QueryCondition> conditions;
  std::vector<SortKey> sort;
  int64_t offset = 0;
  int64_t limit = 0;  // 0: every item from offset on
};

// One page of a list and how many items the whole list holds.
template <class T>
struct ListPage {
  std::vector<T> items;
  int64_t total = 0;
};

}  // namespace berth
