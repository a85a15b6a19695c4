#include "core/tag_scope.h"

#include <boost/json.hpp>

namespace berth {
namespace {

namespace json = boost::json;

struct ParsedSelector {
  std::string decoration;
  std::string pattern;
  std::string extras;
};

// The one selector of `list`, as Harbor writes it: {"kind", "decoration", "pattern", "extras"}.
Result<ParsedSelector> OneSelector(const json::value* list, std::string_view what) {
  const std::string one = std::string(what) + " must hold exactly one selector";
  if (!list || !list->is_array() || list->as_array().size() != 1)
    return Fail(ErrorCode::kBadRequest, one);
  const json::value& item = list->as_array()[0];
  if (!item.is_object()) return Fail(ErrorCode::kBadRequest, one);
  const json::object& selector = item.as_object();
  auto text = [&](const char* field, std::string& into) -> Status {
    const json::value* v = selector.if_contains(field);
    if (!v || v->is_null()) return {};
    if (!v->is_string())
      return Fail(ErrorCode::kBadRequest, std::string(what) + "'s " + field + " must be a string");
    into = v->as_string();
    return {};
  };
  ParsedSelector out;
  std::string kind = "doublestar";
  for (auto [field, into] :
       {std::pair{"kind", &kind}, std::pair{"decoration", &out.decoration},
        std::pair{"pattern", &out.pattern}, std::pair{"extras", &out.extras}}) {
    if (auto s = text(field, *into); !s) return tl::unexpected(s.error());
  }
  if (kind != "doublestar")
    return Fail(ErrorCode::kBadRequest, std::string(what) + "'s kind must be doublestar");
  return out;
}

json::array SelectorJson(std::string_view decoration, std::string_view pattern,
                         std::string_view extras) {
  return json::array{json::object{{"kind", "doublestar"},
                                  {"decoration", decoration},
                                  {"pattern", pattern},
                                  {"extras", extras}}};
}

}  // namespace

Result<TagScope> TagScope::Parse(const json::object& rule, bool untagged_allowed) {
  auto tag = OneSelector(rule.if_contains("tag_selectors"), "tag_selectors");
  if (!tag) return tl::unexpected(tag.error());
  const json::value* scopes = rule.if_contains("scope_selectors");
  if (!scopes || !scopes->is_object() || scopes->as_object().size() != 1)
    return Fail(ErrorCode::kBadRequest, "scope_selectors must hold repository selectors only");
  auto repository =
      OneSelector(scopes->as_object().if_contains("repository"), "scope_selectors.repository");
  if (!repository) return tl::unexpected(repository.error());

  if (tag->decoration != "matches" && tag->decoration != "excludes")
    return Fail(ErrorCode::kBadRequest, "a tag selector's decoration is matches or excludes");
  if (repository->decoration != "repoMatches" && repository->decoration != "repoExcludes")
    return Fail(ErrorCode::kBadRequest,
                "a repository selector's decoration is repoMatches or repoExcludes");
  bool untagged = false;
  if (!tag->extras.empty()) {
    boost::system::error_code ec;
    json::value extras = json::parse(tag->extras, ec);
    const json::value* flag =
        !ec && extras.is_object() ? extras.as_object().if_contains("untagged") : nullptr;
    if (!flag || !flag->is_bool() || extras.as_object().size() != 1)
      return Fail(ErrorCode::kBadRequest, R"(a tag selector's extras is {"untagged":true|false})");
    untagged = flag->as_bool();
    if (untagged && !untagged_allowed)
      return Fail(ErrorCode::kBadRequest, "this rule cannot reach untagged artifacts");
  }
  auto repository_pattern = DoublestarPattern::Parse(repository->pattern);
  if (!repository_pattern)
    return Fail(ErrorCode::kBadRequest, "repository pattern " + repository->pattern + ": " +
                                            repository_pattern.error().message);
  auto tag_pattern = DoublestarPattern::Parse(tag->pattern);
  if (!tag_pattern)
    return Fail(ErrorCode::kBadRequest,
                "tag pattern " + tag->pattern + ": " + tag_pattern.error().message);
  return TagScope(Selector{repository->decoration, std::move(*repository_pattern),
                           repository->decoration == "repoMatches"},
                  Selector{tag->decoration, std::move(*tag_pattern), tag->decoration == "matches"},
                  untagged);
}

Result<TagScope> TagScope::FromStored(std::string_view selectors_json, bool untagged_allowed) {
  boost::system::error_code ec;
  json::value stored = json::parse(selectors_json, ec);
  if (ec || !stored.is_object()) return Fail(ErrorCode::kInternal, "a stored rule is not JSON");
  return Parse(stored.as_object(), untagged_allowed);
}

bool TagScope::ReachesRepository(std::string_view repository) const {
  return repositories_.pattern.Matches(repository) == repositories_.includes;
}

bool TagScope::ReachesTag(std::string_view tag) const {
  return tags_.pattern.Matches(tag) == tags_.includes;
}

bool TagScope::ReachesArtifact(std::span<const std::string> tags) const {
  if (tags.empty()) return untagged_;
  for (const std::string& tag : tags) {
    if (ReachesTag(tag)) return true;
  }
  return false;
}

json::object TagScope::Selectors() const {
  const std::string extras = untagged_ ? R"({"untagged":true})" : "";
  return {{"tag_selectors", SelectorJson(tags_.decoration, tags_.pattern.text(), extras)},
          {"scope_selectors",
           json::object{{"repository", SelectorJson(repositories_.decoration,
                                                    repositories_.pattern.text(), "")}}}};
}

std::string TagScope::Describe() const {
  auto quoted = [](const Selector& s) {
    return std::string(s.includes ? "matching \"" : "not matching \"") + s.pattern.text() + "\"";
  };
  return "tags " + quoted(tags_) + " in repositories " + quoted(repositories_);
}

const ScopedRule* FirstReaching(std::span<const ScopedRule> rules, std::string_view repository,
                                std::string_view tag) {
  for (const ScopedRule& rule : rules) {
    if (rule.scope.ReachesRepository(repository) && rule.scope.ReachesTag(tag)) return &rule;
  }
  return nullptr;
}

}  // namespace berth
