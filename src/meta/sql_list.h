// Internal to src/meta: a list request (Harbor's `q` conditions, sort keys, a page) as SQL over
// the fields a list knows, so that the database filters, counts, sorts and cuts the list and its
// cost follows the page, not the table. Pure functions, thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/list_query.h"
#include "core/result.h"
#include "meta/sql.h"

namespace berth {

struct ListField {
  std::string_view name;        // the API's name for it: "name", "push_time"
  std::string_view expression;  // its value in SQL: "r.name", "m.pushed_at"
  bool numeric = false;         // compared as integers
  // A field held in another table (an artifact's tags): the condition on `expression` goes in
  // place of {} in this EXISTS, e.g. "EXISTS (SELECT 1 FROM tags t WHERE t.manifest_id = m.id
  // AND {})". Such a field cannot be sorted on.
  std::string_view exists = {};
};

using SqlValue = std::variant<int64_t, std::string>;

struct SqlFilter {
  std::string sql;  // " AND (...)" for each condition; empty for none
  std::vector<SqlValue> values;
};

// The conditions as SQL, every value bound: equal, LIKE '%v%' (fuzzy, with % and _ escaped),
// a range, IN (any of), each of (all of). BAD_REQUEST for a field the list does not know or a
// number that is not one.
Result<SqlFilter> FilterSql(const std::vector<QueryCondition>& conditions,
                            std::span<const ListField> fields);

// " ORDER BY ..." for the keys, then `tiebreak` (a unique column, so that pages never overlap
// or skip) in the last key's direction. BAD_REQUEST for a field the list cannot be sorted on.
Result<std::string> OrderSql(const std::vector<SortKey>& keys, std::span<const ListField> fields,
                             std::string_view tiebreak);

// Binds `values` from parameter `first` (1-based) on.
void BindAll(SqlStatement& statement, int first, const std::vector<SqlValue>& values);

// A list's page and total: "SELECT count(*) FROM <from><where>", then "<select><where><order>"
// cut to the request's page, each row made by `read`. `values` bind where's placeholders.
template <class T, class Read>
Result<ListPage<T>> ListPageOf(SqlConnection& c, const std::string& select, const std::string& from,
                               const std::string& where, const std::vector<SqlValue>& values,
                               const std::string& order, const ListRequest& request, Read read) {
  ListPage<T> out;
  auto count = c.Prepare("SELECT count(*) FROM " + from + where);
  if (!count) return tl::unexpected(count.error());
  BindAll(**count, 1, values);
  auto counted = (*count)->Step();
  if (!counted) return tl::unexpected(counted.error());
  out.total = (*count)->Int(0);
  auto page = c.Prepare(select + where + order + " LIMIT ? OFFSET ?");
  if (!page) return tl::unexpected(page.error());
  BindAll(**page, 1, values);
  const int next = static_cast<int>(values.size()) + 1;
  (*page)->Bind(next, request.limit > 0 ? request.limit : kNoLimit);
  (*page)->Bind(next + 1, request.offset);
  auto rows = (*page)->template Rows<T>(read);
  if (!rows) return tl::unexpected(rows.error());
  out.items = std::move(*rows);
  return out;
}

}  // namespace berth
