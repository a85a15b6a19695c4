#include "auth/scope.h"

namespace berth {
namespace {

bool IsTypeValue(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

// resourcetype := value [ '(' value ')' ], as "repository(plugin)".
bool IsResourceType(std::string_view t) {
  size_t open = t.find('(');
  if (open == t.npos) return IsTypeValue(t);
  return t.back() == ')' && IsTypeValue(t.substr(0, open)) &&
         IsTypeValue(t.substr(open + 1, t.size() - open - 2));
}

bool IsAction(std::string_view a) {
  if (a == "*") return true;
  for (char c : a) {
    if (c < 'a' || c > 'z') return false;
  }
  return true;
}

}  // namespace

std::optional<AccessEntry> ParseScope(std::string_view scope) {
  size_t first = scope.find(':');
  size_t last = scope.rfind(':');
  if (first == scope.npos || first == last) return std::nullopt;
  AccessEntry entry;
  std::string_view type = scope.substr(0, first);
  std::string_view name = scope.substr(first + 1, last - first - 1);
  std::string_view actions = scope.substr(last + 1);
  if (!IsResourceType(type) || name.empty() || name.find(' ') != name.npos) return std::nullopt;
  entry.type = std::string(type.substr(0, type.find('(')));
  entry.name = std::string(name);
  size_t start = 0;
  while (start <= actions.size()) {
    size_t comma = actions.find(',', start);
    std::string_view action =
        actions.substr(start, comma == actions.npos ? actions.npos : comma - start);
    if (!IsAction(action)) return std::nullopt;
    if (!action.empty()) entry.actions.emplace_back(action);
    if (comma == actions.npos) break;
    start = comma + 1;
  }
  return entry;
}

std::vector<AccessEntry> ParseScopes(std::string_view scope_parameter) {
  std::vector<AccessEntry> out;
  size_t start = 0;
  while (start < scope_parameter.size()) {
    size_t space = scope_parameter.find(' ', start);
    std::string_view one = scope_parameter.substr(
        start, space == scope_parameter.npos ? scope_parameter.npos : space - start);
    if (auto entry = ParseScope(one)) out.push_back(std::move(*entry));
    if (space == scope_parameter.npos) break;
    start = space + 1;
  }
  return out;
}

std::string BearerChallenge(std::string_view realm, std::string_view service,
                            std::string_view scope) {
  std::string out =
      "Bearer realm=\"" + std::string(realm) + "\",service=\"" + std::string(service) + "\"";
  if (!scope.empty()) out += ",scope=\"" + std::string(scope) + "\"";
  return out;
}

}  // namespace berth
