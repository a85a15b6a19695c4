#include "api/query.h"

#include <boost/url/encoding_opts.hpp>
#include <boost/url/pct_string_view.hpp>
#include <charconv>

#include "core/strings.h"

namespace berth {
namespace {

tl::unexpected<Error> Bad(std::string why) { return Fail(ErrorCode::kBadRequest, std::move(why)); }

std::string Unquote(std::string_view v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    return std::string(v.substr(1, v.size() - 2));
  }
  return std::string(v);
}

// Splits on `separator` outside quotes and brackets.
Result<std::vector<std::string_view>> SplitTopLevel(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  int depth = 0;
  char quote = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{' || c == '(') {
      ++depth;
    } else if (c == ']' || c == '}' || c == ')') {
      if (--depth < 0) return Bad("unbalanced brackets in the query");
    } else if (c == separator && depth == 0) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  if (quote || depth != 0) return Bad("unbalanced quotes or brackets in the query");
  parts.push_back(s.substr(start));
  return parts;
}

Result<std::vector<std::string>> ListValues(std::string_view inner) {
  auto items = SplitTopLevel(inner, ' ');
  if (!items) return tl::unexpected(items.error());
  std::vector<std::string> values;
  for (std::string_view item : *items) {
    if (!item.empty()) values.push_back(Unquote(item));
  }
  if (values.empty()) return Bad("an empty list in the query");
  return values;
}

Result<int64_t> PositiveInt(std::string_view text, const char* name) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 1) {
    return Bad(std::string(name) + " must be a positive integer");
  }
  return v;
}

}  // namespace

Result<std::vector<QueryCondition>> ParseQuery(std::string_view encoded) {
  std::vector<QueryCondition> out;
  if (encoded.empty()) return out;
  // Harbor's lib/q URL-decodes the value once more (Go's QueryUnescape: '+' is a space), and
  // clients that encode `q` twice rely on it.
  auto pct = boost::urls::make_pct_string_view(encoded);
  if (!pct) return Bad("q holds a % that starts no escape");
  boost::urls::encoding_opts plus_is_space;
  plus_is_space.space_as_plus = true;
  const std::string q = pct->decode(plus_is_space);
  auto terms = SplitTopLevel(q, ',');
  if (!terms) return tl::unexpected(terms.error());
  for (std::string_view term : *terms) {
    size_t eq = term.find('=');
    if (eq == 0 || eq == term.npos)
      return Bad("query term without key=value: " + std::string(term));
    QueryCondition c;
    c.key = std::string(term.substr(0, eq));
    std::string_view v = term.substr(eq + 1);
    if (v.starts_with("~")) {
      c.kind = QueryCondition::Kind::kFuzzy;
      c.values.push_back(Unquote(v.substr(1)));
    } else if (v.starts_with("[") && v.ends_with("]")) {
      c.kind = QueryCondition::Kind::kRange;
      auto bounds = SplitTopLevel(v.substr(1, v.size() - 2), '~');
      if (!bounds || bounds->size() != 2) return Bad("a range is [min~max]: " + std::string(term));
      if (!(*bounds)[0].empty()) c.min = Unquote((*bounds)[0]);
      if (!(*bounds)[1].empty()) c.max = Unquote((*bounds)[1]);
      if (!c.min && !c.max) return Bad("a range needs a bound: " + std::string(term));
    } else if ((v.starts_with("{") && v.ends_with("}")) ||
               (v.starts_with("(") && v.ends_with(")"))) {
      c.kind = v.front() == '{' ? QueryCondition::Kind::kAnyOf : QueryCondition::Kind::kAllOf;
      auto values = ListValues(v.substr(1, v.size() - 2));
      if (!values) return tl::unexpected(values.error());
      c.values = std::move(*values);
    } else if (v.starts_with("[") || v.starts_with("{") || v.starts_with("(")) {
      return Bad("unbalanced brackets in the query: " + std::string(term));
    } else {
      c.values.push_back(Unquote(v));
    }
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<SortKey>> ParseSort(std::string_view sort) {
  std::vector<SortKey> keys;
  if (sort.empty()) return keys;
  for (std::string_view field : Split(sort, ',')) {
    SortKey key;
    if (field.starts_with("-")) {
      key.descending = true;
      field.remove_prefix(1);
    }
    if (field.empty()) return Bad("an empty sort field");
    key.field = std::string(field);
    keys.push_back(std::move(key));
  }
  return keys;
}

Result<PageRequest> ParsePageRequest(std::optional<std::string_view> page,
                                     std::optional<std::string_view> page_size) {
  PageRequest req;
  if (page) {
    auto v = PositiveInt(*page, "page");
    if (!v) return tl::unexpected(v.error());
    if (*v > kMaxPage) return Bad("page must be at most " + std::to_string(kMaxPage));
    req.page = *v;
  }
  if (page_size) {
    auto v = PositiveInt(*page_size, "page_size");
    if (!v) return tl::unexpected(v.error());
    if (*v > kMaxPageSize) return Bad("page_size must be at most " + std::to_string(kMaxPageSize));
    req.page_size = *v;
  }
  return req;
}

std::string PageLinks(std::string_view path, std::string_view other_query, const PageRequest& page,
                      int64_t total) {
  auto link = [&](int64_t p, const char* rel) {
    std::string url = "<" + std::string(path) + "?page=" + std::to_string(p) +
                      "&page_size=" + std::to_string(page.page_size);
    if (!other_query.empty()) url += "&" + std::string(other_query);
    return url + ">; rel=\"" + rel + "\"";
  };
  std::string out;
  if (page.page > 1) out = link(page.page - 1, "prev");
  if (page.Offset() + page.page_size < total)
    out += (out.empty() ? "" : " , ") + link(page.page + 1, "next");
  return out;
}

}  // namespace berth
