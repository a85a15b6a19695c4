// The parsers of a list request's parameters (q, sort, page, page_size) and of durations, and the
// SQL a store builds from what they accept: each either refuses the input or yields values that
// hold their promises.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/query.h"
#include "core/config.h"
#include "meta/sql_list.h"

namespace {

constexpr berth::ListField kFields[] = {
    {"name", "r.name"},
    {"id", "r.id", true},
    {"tags", "t.name", false, "EXISTS (SELECT 1 FROM tags t WHERE t.manifest_id = r.id AND {})"},
};

size_t Placeholders(const std::string& sql) {
  size_t n = 0;
  for (char c : sql) n += c == '?';
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // Fields separated by newlines: q, sort, page, page_size, a duration.
  std::string_view fields[5];
  std::string_view rest = input;
  for (auto& f : fields) {
    const size_t nl = rest.find('\n');
    f = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  if (auto conditions = berth::ParseQuery(fields[0])) {
    if (auto filter = berth::FilterSql(*conditions, kFields)) {
      // Every value is bound, none spliced into the text.
      if (Placeholders(filter->sql) != filter->values.size()) __builtin_trap();
    }
  }
  if (auto keys = berth::ParseSort(fields[1])) {
    if (auto order = berth::OrderSql(*keys, kFields, "r.id")) {
      if (Placeholders(*order) != 0) __builtin_trap();
    }
  }
  if (auto page = berth::ParsePageRequest(fields[2], fields[3])) {
    if (page->page < 1 || page->page > berth::kMaxPage || page->page_size < 1 ||
        page->page_size > berth::kMaxPageSize)
      __builtin_trap();
    int64_t end = 0;
    if (__builtin_add_overflow(page->Offset(), page->page_size, &end)) __builtin_trap();
    berth::PageLinks("/p", "", *page, INT64_MAX);
  }
  berth::Config config;
  if (berth::SetConfigValue(config, "header_timeout", std::string(fields[4]))) {
    if (config.header_timeout.count() < 0 ||
        config.header_timeout.count() > int64_t{100} * 365 * 86400)
      __builtin_trap();
  }
  return 0;
}
