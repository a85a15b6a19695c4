#include "meta/sql_list.h"

#include <charconv>

namespace berth {
namespace {

tl::unexpected<Error> Bad(std::string why) { return Fail(ErrorCode::kBadRequest, std::move(why)); }

const ListField* Find(std::span<const ListField> fields, std::string_view name) {
  for (const ListField& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

Result<SqlValue> Value(const ListField& field, const std::string& text) {
  if (!field.numeric) return SqlValue(text);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size())
    return Bad(std::string(field.name) + " takes an integer, not " + text);
  return SqlValue(n);
}

std::string EscapeLike(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string Wrapped(const ListField& field, const std::string& predicate) {
  if (field.exists.empty()) return predicate;
  std::string out(field.exists);
  out.replace(out.find("{}"), 2, predicate);
  return out;
}

}  // namespace

Result<SqlFilter> FilterSql(const std::vector<QueryCondition>& conditions,
                            std::span<const ListField> fields) {
  using Kind = QueryCondition::Kind;
  SqlFilter out;
  for (const QueryCondition& c : conditions) {
    const ListField* field = Find(fields, c.key);
    if (!field) return Bad("cannot filter by " + c.key);
    const std::string expr(field->expression);
    auto bind = [&](const std::string& text) -> Status {
      auto v = Value(*field, text);
      if (!v) return tl::unexpected(v.error());
      out.values.push_back(std::move(*v));
      return {};
    };
    std::string predicate;
    switch (c.kind) {
      case Kind::kExact:
        if (auto s = bind(c.values.front()); !s) return tl::unexpected(s.error());
        predicate = Wrapped(*field, expr + " = ?");
        break;
      case Kind::kFuzzy:
        out.values.push_back("%" + EscapeLike(c.values.front()) + "%");
        // lower() on both sides: SQLite's LIKE ignores ASCII case and PostgreSQL's does not.
        predicate = Wrapped(*field, "lower(" + expr + ") LIKE lower(?) ESCAPE '\\'");
        break;
      case Kind::kRange: {
        std::string range;
        if (c.min) {
          if (auto s = bind(*c.min); !s) return tl::unexpected(s.error());
          range = expr + " >= ?";
        }
        if (c.max) {
          if (auto s = bind(*c.max); !s) return tl::unexpected(s.error());
          range += (range.empty() ? "" : " AND ") + expr + " <= ?";
        }
        predicate = Wrapped(*field, range);
        break;
      }
      case Kind::kAnyOf: {
        std::string in = expr + " IN (";
        for (size_t i = 0; i < c.values.size(); ++i) {
          if (auto s = bind(c.values[i]); !s) return tl::unexpected(s.error());
          in += i ? ", ?" : "?";
        }
        predicate = Wrapped(*field, in + ")");
        break;
      }
      case Kind::kAllOf:
        for (size_t i = 0; i < c.values.size(); ++i) {
          if (auto s = bind(c.values[i]); !s) return tl::unexpected(s.error());
          predicate += (i ? " AND " : "") + Wrapped(*field, expr + " = ?");
        }
        break;
    }
    out.sql += " AND (" + predicate + ")";
  }
  return out;
}

Result<std::string> OrderSql(const std::vector<SortKey>& keys, std::span<const ListField> fields,
                             std::string_view tiebreak) {
  std::string out = " ORDER BY ";
  for (const SortKey& key : keys) {
    const ListField* field = Find(fields, key.field);
    if (!field || !field->exists.empty()) return Bad("cannot sort by " + key.field);
    out += std::string(field->expression) + (key.descending ? " DESC, " : ", ");
  }
  // In the last key's direction, so that an index in that order serves the whole sort.
  return out + std::string(tiebreak) + (!keys.empty() && keys.back().descending ? " DESC" : "");
}

void BindAll(SqlStatement& statement, int first, const std::vector<SqlValue>& values) {
  int i = first;
  for (const SqlValue& v : values) {
    std::visit([&](const auto& x) { statement.Bind(i++, x); }, v);
  }
}

}  // namespace berth
