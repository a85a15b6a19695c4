// The list parameters of Harbor's API v2.0: the `q` query language, `sort`, and
// `page`/`page_size` with the `Link` header. Pure functions, thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/list_query.h"
#include "core/result.h"

namespace berth {

// "k1=v1,k2=~v2,k3=[1~5],k4={a b},k5=(c d)"; commas inside quotes or brackets do not split.
// The value is percent-decoded first, as Harbor decodes `q` a second time ("name%3D%7Ea" is
// "name=~a", '+' a space). BAD_REQUEST with the reason on malformed input.
Result<std::vector<QueryCondition>> ParseQuery(std::string_view q);

// "field1,-field2"; BAD_REQUEST on an empty field.
Result<std::vector<SortKey>> ParseSort(std::string_view sort);

// A value to sort on: a number, or a text.
using SortValue = std::variant<int64_t, std::string>;

// Stable-sorts `items` by `keys` (the first key decides first). `field(item, name)` gives the
// item's value for a field, or nullopt when the list cannot be sorted on that field: then
// BAD_REQUEST, before anything moves.
template <class T, class Field>
Status SortItems(std::vector<T>& items, const std::vector<SortKey>& keys, Field field) {
  for (const SortKey& key : keys) {
    if (!field(T{}, key.field)) return Fail(ErrorCode::kBadRequest, "cannot sort by " + key.field);
  }
  for (auto key = keys.rbegin(); key != keys.rend(); ++key) {
    std::stable_sort(items.begin(), items.end(), [&](const T& a, const T& b) {
      return key->descending ? *field(b, key->field) < *field(a, key->field)
                             : *field(a, key->field) < *field(b, key->field);
    });
  }
  return {};
}

// 1 <= page <= kMaxPage, 1 <= page_size <= 100; absent values take Harbor's defaults (1 and 10).
Result<PageRequest> ParsePageRequest(std::optional<std::string_view> page,
                                     std::optional<std::string_view> page_size);

// Harbor's Link header for a page of `total` items: prev and next as there are, "" for none.
// `path` is the endpoint (with no query); `other_query` the rest of the query to keep, encoded.
std::string PageLinks(std::string_view path, std::string_view other_query, const PageRequest& page,
                      int64_t total);

}  // namespace berth
