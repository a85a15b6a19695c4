#include "auth/scope.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

TEST(ScopeTest, ParsesTheGrammar) {
  struct Case {
    std::string scope;
    std::optional<AccessEntry> want;
  };
  const Case cases[] = {
      {"repository:library/app:pull", AccessEntry{"repository", "library/app", {"pull"}}},
      {"repository:library/app:pull,push",
       AccessEntry{"repository", "library/app", {"pull", "push"}}},
      {"registry:catalog:*", AccessEntry{"registry", "catalog", {"*"}}},
      {"repository:reg.example:5000/team/app:pull",
       AccessEntry{"repository", "reg.example:5000/team/app", {"pull"}}},
      {"repository(plugin):vieux/sshfs:pull", AccessEntry{"repository", "vieux/sshfs", {"pull"}}},
      {"repository:library/app:", AccessEntry{"repository", "library/app", {}}},
      {"repository:library/app", std::nullopt},
      {"repository", std::nullopt},
      {"Repository:library/app:pull", std::nullopt},
      {"repository::pull", std::nullopt},
      {"repository:library/app:PULL", std::nullopt},
      {"repository(:library/app:pull", std::nullopt},
      {"", std::nullopt},
  };
  for (const Case& c : cases) {
    auto got = ParseScope(c.scope);
    EXPECT_EQ(got.has_value(), c.want.has_value()) << c.scope;
    if (got && c.want) {
      EXPECT_EQ(*got, *c.want) << c.scope;
    }
  }
}

TEST(ScopeTest, SeveralScopesSkipTheMalformed) {
  auto scopes = ParseScopes("repository:a:pull bad repository:b:push,pull");
  ASSERT_EQ(scopes.size(), 2u);
  EXPECT_EQ(scopes[0].name, "a");
  EXPECT_EQ(scopes[1].actions, (std::vector<std::string>{"push", "pull"}));
}

TEST(ScopeTest, Challenge) {
  EXPECT_EQ(BearerChallenge("https://reg.example/service/token", "berth"),
            R"(Bearer realm="https://reg.example/service/token",service="berth")");
  EXPECT_EQ(BearerChallenge("http://h/service/token", "berth", "repository:a/b:pull"),
            R"(Bearer realm="http://h/service/token",service="berth",scope="repository:a/b:pull")");
}

}  // namespace
}  // namespace berth
