// What a tag rule of Harbor's reaches (retention and immutability rules alike): one selector of
// the repositories within the rule's project and one of their tags, each a doublestar pattern
// that includes ("matches", "repoMatches") or excludes ("excludes", "repoExcludes") what it
// matches. Read from and written as the rule's `tag_selectors` and `scope_selectors` JSON.
// Immutable once parsed; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/doublestar.h"
#include "core/result.h"

namespace berth {

class TagScope {
 public:
  // From a rule's JSON: exactly one tag selector and one `repository` scope selector, of kind
  // doublestar. The tag selector's `extras` may say {"untagged":true} (retention: untagged
  // artifacts are in scope too) when `untagged_allowed`. BAD_REQUEST saying what is wrong.
  static Result<TagScope> Parse(const boost::json::object& rule, bool untagged_allowed);
  // From what Selectors() wrote (a stored rule).
  static Result<TagScope> FromStored(std::string_view selectors_json, bool untagged_allowed);

  // `repository` is its name within the project: "app/web" of "library/app/web".
  bool ReachesRepository(std::string_view repository) const;
  bool ReachesTag(std::string_view tag) const;
  // An artifact with these tags: if it reaches one of them, or, with none, if untagged().
  bool ReachesArtifact(std::span<const std::string> tags) const;
  bool untagged() const { return untagged_; }

  // {"tag_selectors": [...], "scope_selectors": {"repository": [...]}}, in one canonical form,
  // so two rules that reach the same tags store the same text.
  boost::json::object Selectors() const;
  // For messages: `tags matching "v*" in repositories matching "**"`.
  std::string Describe() const;

 private:
  struct Selector {
    std::string decoration;
    DoublestarPattern pattern;
    bool includes;  // matches, rather than excludes, what the pattern matches
  };
  TagScope(Selector repositories, Selector tags, bool untagged)
      : repositories_(std::move(repositories)), tags_(std::move(tags)), untagged_(untagged) {}

  Selector repositories_;
  Selector tags_;
  bool untagged_ = false;
};

// A rule's id with what it reaches.
struct ScopedRule {
  int64_t id = 0;
  TagScope scope;
};

// The first of `rules` that reaches `tag` of `repository` (named within its project), or null.
const ScopedRule* FirstReaching(std::span<const ScopedRule> rules, std::string_view repository,
                                std::string_view tag);

}  // namespace berth
