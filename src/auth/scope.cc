#include "auth/scope.h"

#include "core/strings.h"

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
  for (std::string_view action : Split(actions, ',')) {
    if (!IsAction(action)) return std::nullopt;
    if (!action.empty()) entry.actions.emplace_back(action);
  }
  return entry;
}

std::vector<AccessEntry> ParseScopes(std::string_view scope_parameter) {
  std::vector<AccessEntry> out;
  for (std::string_view one : Split(scope_parameter, ' ')) {
    if (auto entry = ParseScope(one)) out.push_back(std::move(*entry));
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
