#include "core/doublestar.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

struct MatchCase {
  const char* pattern;
  const char* text;
  bool matches;
};

// The case as the test's name shows it.
void PrintTo(const MatchCase& c, std::ostream* os) {
  *os << c.pattern << (c.matches ? " matches " : " misses ") << (*c.text ? c.text : "nothing");
}

class DoublestarMatchTest : public testing::TestWithParam<MatchCase> {};

TEST_P(DoublestarMatchTest, MatchesAsHarborsSelectorsDo) {
  const MatchCase& c = GetParam();
  auto pattern = DoublestarPattern::Parse(c.pattern);
  ASSERT_TRUE(pattern) << pattern.error().message;
  EXPECT_EQ(pattern->Matches(c.text), c.matches) << c.pattern << " against " << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Patterns, DoublestarMatchTest,
    testing::Values(MatchCase{"**", "", true}, MatchCase{"**", "latest", true},
                    MatchCase{"**", "team/app/web", true}, MatchCase{"*", "latest", true},
                    MatchCase{"*", "team/app", false}, MatchCase{"team/*", "team/app", true},
                    MatchCase{"team/*", "team/app/web", false},
                    MatchCase{"team/**", "team/app/web", true},
                    MatchCase{"team/**/web", "team/web", true},
                    MatchCase{"team/**/web", "team/a/b/web", true},
                    MatchCase{"team/**/web", "team/a/b/api", false},
                    MatchCase{"release-*", "release-1.2", true},
                    MatchCase{"release-*", "prerelease-1.2", false},
                    MatchCase{"v?.0", "v1.0", true}, MatchCase{"v?.0", "v10.0", false},
                    MatchCase{"v?", "v/", false}, MatchCase{"v[0-9]*", "v3.1", true},
                    MatchCase{"v[0-9]*", "vx", false}, MatchCase{"v[!0-9]*", "vx", true},
                    MatchCase{"v[^0-9]*", "v3", false}, MatchCase{"[]x]", "]", true},
                    MatchCase{"{dev,test}-*", "test-7", true},
                    MatchCase{"{dev,test}-*", "prod-7", false},
                    MatchCase{"{a,b{c,d}}", "bd", true}, MatchCase{"{a,b{c,d}}", "b", false},
                    MatchCase{"{,x}y", "y", true}, MatchCase{"\\*", "*", true},
                    MatchCase{"\\*", "a", false}, MatchCase{"a\\{b", "a{b", true},
                    MatchCase{"latest", "latest", true}, MatchCase{"latest", "Latest", false},
                    MatchCase{"*-rc*", "1.0-rc2", true}, MatchCase{"*.*.*", "1.2.3", true},
                    MatchCase{"*.*.*", "1.2", false}));

TEST(DoublestarTest, RefusesPatternsItCannotReadOrBound) {
  for (const char* bad : {"", "[a-z", "{a,b", "a}", "ab\\", "[\\"}) {
    EXPECT_FALSE(DoublestarPattern::Parse(bad)) << bad;
  }
  EXPECT_FALSE(DoublestarPattern::Parse(std::string(257, 'a')));
  // Seven binary choices write out to 128 alternatives.
  EXPECT_FALSE(DoublestarPattern::Parse("{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}"));
  EXPECT_TRUE(DoublestarPattern::Parse("{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}"));
}

TEST(DoublestarTest, ManyStarsAgainstALongMissStayQuick) {
  // Backtracking without memory takes exponential time on this; the matcher decides each
  // (pattern, text) position once.
  auto pattern = DoublestarPattern::Parse("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b");
  ASSERT_TRUE(pattern);
  EXPECT_FALSE(pattern->Matches(std::string(200, 'a')));
}

}  // namespace
}  // namespace berth
