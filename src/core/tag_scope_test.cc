#include "core/tag_scope.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace berth {
namespace {

boost::json::object Rule(const char* text) { return boost::json::parse(text).as_object(); }

std::string RuleText(const char* tag_decoration, const char* tag_pattern,
                     const char* repo_decoration, const char* repo_pattern,
                     const char* extras = "") {
  return std::string(R"({"tag_selectors":[{"kind":"doublestar","decoration":")") +
         tag_decoration + R"(","pattern":")" + tag_pattern + R"(","extras":")" + extras +
         R"("}],"scope_selectors":{"repository":[{"kind":"doublestar","decoration":")" +
         repo_decoration + R"(","pattern":")" + repo_pattern + R"("}]}})";
}

struct ReachCase {
  const char* tag_decoration;
  const char* tag_pattern;
  const char* repo_decoration;
  const char* repo_pattern;
  const char* repository;
  const char* tag;
  bool reaches;
};

// The case as the test's name shows it.
void PrintTo(const ReachCase& c, std::ostream* os) {
  *os << c.tag_decoration << " " << c.tag_pattern << " in " << c.repo_decoration << " "
      << c.repo_pattern << (c.reaches ? " reaches " : " misses ") << c.repository << ":" << c.tag;
}

class TagScopeReachTest : public testing::TestWithParam<ReachCase> {};

TEST_P(TagScopeReachTest, ReachesWhatItsSelectorsSay) {
  const ReachCase& c = GetParam();
  auto scope = TagScope::Parse(
      Rule(RuleText(c.tag_decoration, c.tag_pattern, c.repo_decoration, c.repo_pattern).c_str()),
      false);
  ASSERT_TRUE(scope) << scope.error().message;
  EXPECT_EQ(scope->ReachesRepository(c.repository) && scope->ReachesTag(c.tag), c.reaches)
      << scope->Describe() << ": " << c.repository << ":" << c.tag;
}

INSTANTIATE_TEST_SUITE_P(
    Selectors, TagScopeReachTest,
    testing::Values(ReachCase{"matches", "**", "repoMatches", "**", "app", "latest", true},
                    ReachCase{"matches", "v*", "repoMatches", "**", "app", "v1", true},
                    ReachCase{"matches", "v*", "repoMatches", "**", "app", "latest", false},
                    ReachCase{"excludes", "v*", "repoMatches", "**", "app", "latest", true},
                    ReachCase{"excludes", "v*", "repoMatches", "**", "app", "v1", false},
                    ReachCase{"matches", "**", "repoMatches", "team/*", "team/web", "x", true},
                    ReachCase{"matches", "**", "repoMatches", "team/*", "team/a/b", "x", false},
                    ReachCase{"matches", "**", "repoExcludes", "team/**", "team/a/b", "x", false},
                    ReachCase{"matches", "**", "repoExcludes", "team/**", "other", "x", true},
                    ReachCase{"excludes", "{dev,test}-*", "repoExcludes", "scratch", "app",
                              "prod-1", true},
                    ReachCase{"excludes", "{dev,test}-*", "repoExcludes", "scratch", "scratch",
                              "prod-1", false}));

TEST(TagScopeTest, RefusesRulesHarborWouldNot) {
  const std::string bad[] = {
      R"({})",
      R"({"tag_selectors":[],"scope_selectors":{"repository":[{"decoration":"repoMatches","pattern":"**"}]}})",
      R"({"tag_selectors":[{"decoration":"matches","pattern":"**"},{"decoration":"matches","pattern":"x"}],"scope_selectors":{"repository":[{"decoration":"repoMatches","pattern":"**"}]}})",
      R"({"tag_selectors":[{"decoration":"matches","pattern":"**"}],"scope_selectors":{}})",
      R"({"tag_selectors":[{"decoration":"matches","pattern":"**"}],"scope_selectors":{"repository":[{"decoration":"repoMatches","pattern":"**"}],"label":[]}})",
      RuleText("repoMatches", "**", "repoMatches", "**"),
      RuleText("matches", "**", "matches", "**"),
      RuleText("matches", "", "repoMatches", "**"),
      RuleText("matches", "**", "repoMatches", "[a-"),
      RuleText("matches", "**", "repoMatches", "**", R"({\"untagged\":1})"),
      RuleText("matches", "**", "repoMatches", "**", "untagged"),
      R"({"tag_selectors":[{"kind":"label","decoration":"matches","pattern":"**"}],"scope_selectors":{"repository":[{"decoration":"repoMatches","pattern":"**"}]}})",
      R"({"tag_selectors":[{"decoration":"matches","pattern":7}],"scope_selectors":{"repository":[{"decoration":"repoMatches","pattern":"**"}]}})",
  };
  for (const std::string& text : bad) {
    auto scope = TagScope::Parse(Rule(text.c_str()), true);
    EXPECT_FALSE(scope) << text;
    if (!scope) {
      EXPECT_EQ(scope.error().code, ErrorCode::kBadRequest) << text;
    }
  }
}

TEST(TagScopeTest, UntaggedIsForRulesThatMayReachIt) {
  const std::string text =
      RuleText("matches", "**", "repoMatches", "**", R"({\"untagged\":true})");
  EXPECT_FALSE(TagScope::Parse(Rule(text.c_str()), false));
  auto scope = TagScope::Parse(Rule(text.c_str()), true);
  ASSERT_TRUE(scope);
  EXPECT_TRUE(scope->untagged());
  auto off = TagScope::Parse(
      Rule(RuleText("matches", "**", "repoMatches", "**", R"({\"untagged\":false})").c_str()),
      false);
  ASSERT_TRUE(off);
  EXPECT_FALSE(off->untagged());
}

TEST(TagScopeTest, StoresOneCanonicalFormAndReadsItBack) {
  auto loose = TagScope::Parse(Rule(R"({"tag_selectors":[{"decoration":"matches","pattern":"v*"}],
      "scope_selectors":{"repository":[{"kind":"doublestar","pattern":"app/**",
      "decoration":"repoMatches","extras":null}]}})"),
                               false);
  ASSERT_TRUE(loose) << loose.error().message;
  auto exact = TagScope::Parse(Rule(RuleText("matches", "v*", "repoMatches", "app/**").c_str()),
                               false);
  ASSERT_TRUE(exact);
  const std::string stored = boost::json::serialize(loose->Selectors());
  EXPECT_EQ(stored, boost::json::serialize(exact->Selectors()));
  auto back = TagScope::FromStored(stored, false);
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->ReachesRepository("app/web"));
  EXPECT_FALSE(back->ReachesRepository("web"));
  EXPECT_EQ(back->Describe(), R"(tags matching "v*" in repositories matching "app/**")");
}

}  // namespace
}  // namespace berth
