#include "api/route_table.h"

#include <gtest/gtest.h>

#include "core/strings.h"

namespace berth {
namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  for (std::string_view part : Split(path, '/')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

const std::vector<RouteSpec> kSpecs = {
    {"GET", "/users/{user_id}"},
    {"GET", "/users/current"},
    {"PUT", "/users/{user_id}/password"},
    {"GET", "/projects/{project_name}/repositories/{repository_name}"},
    {"GET", "/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}"},
    {"GET", "/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/tags"},
    {"HEAD", "/projects"},
    {"GET", "/projects"},
    {"POST", "/projects"},
};

TEST(RouteTableTest, AParameterTakesOneSegmentAndTheRepositoryTakesAsManyAsItNeeds) {
  const std::vector<std::string_view> path = Segments("/projects/p/repositories/a/b/c/artifacts/v1");
  auto params = MatchTemplate(kSpecs[4].path, path);
  ASSERT_TRUE(params);
  EXPECT_EQ(params->Get("project_name"), "p");
  EXPECT_EQ(params->Get("repository_name"), "a/b/c");
  EXPECT_EQ(params->Get("reference"), "v1");
  EXPECT_FALSE(params->Has("tag_name"));
  EXPECT_FALSE(MatchTemplate("/users/{user_id}", Segments("/users/1/2")));
  EXPECT_FALSE(MatchTemplate("/users/{user_id}", Segments("/users")));
}

TEST(RouteTableTest, TheTemplateWithMoreLiteralSegmentsWins) {
  RouteTable table(kSpecs);
  auto current = table.Find("GET", Segments("/users/current"));
  ASSERT_EQ(current.kind, RouteTable::Match::Kind::kFound);
  EXPECT_EQ(current.index, 1u);
  auto numbered = table.Find("GET", Segments("/users/7"));
  ASSERT_EQ(numbered.kind, RouteTable::Match::Kind::kFound);
  EXPECT_EQ(numbered.index, 0u);
  EXPECT_EQ(numbered.params.Get("user_id"), "7");
  // The repository could swallow "artifacts/v1/tags"; the tags route is the more specific.
  auto tags = table.Find("GET", Segments("/projects/p/repositories/a/b/artifacts/v1/tags"));
  ASSERT_EQ(tags.kind, RouteTable::Match::Kind::kFound);
  EXPECT_EQ(tags.index, 5u);
  EXPECT_EQ(tags.params.Get("repository_name"), "a/b");
  auto repository = table.Find("GET", Segments("/projects/p/repositories/a/b"));
  ASSERT_EQ(repository.kind, RouteTable::Match::Kind::kFound);
  EXPECT_EQ(repository.index, 3u);
  EXPECT_EQ(repository.params.Get("repository_name"), "a/b");
}

TEST(RouteTableTest, AKnownPathWithAnotherMethodIsNotAMissingPath) {
  RouteTable table(kSpecs);
  EXPECT_EQ(table.Find("DELETE", Segments("/users/current")).kind,
            RouteTable::Match::Kind::kNoSuchMethod);
  EXPECT_EQ(table.Find("GET", Segments("/nothing/here")).kind,
            RouteTable::Match::Kind::kNoSuchPath);
  EXPECT_EQ(table.Find("GET", Segments("/")).kind, RouteTable::Match::Kind::kNoSuchPath);
}

TEST(RouteTableTest, HeadTakesItsOwnOperationOrElseTheGet) {
  RouteTable table(kSpecs);
  auto own = table.Find("HEAD", Segments("/projects"));
  ASSERT_EQ(own.kind, RouteTable::Match::Kind::kFound);
  EXPECT_EQ(own.index, 6u);
  auto borrowed = table.Find("HEAD", Segments("/users/3"));
  ASSERT_EQ(borrowed.kind, RouteTable::Match::Kind::kFound);
  EXPECT_EQ(borrowed.index, 0u);
  EXPECT_EQ(table.Find("HEAD", Segments("/users/3/password")).kind,
            RouteTable::Match::Kind::kNoSuchMethod);
}

}  // namespace
}  // namespace berth
