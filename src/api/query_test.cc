#include "api/query.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

using Kind = QueryCondition::Kind;

TEST(QueryTest, EveryPattern) {
  auto q = ParseQuery(
      R"(name=library,repo=~bus,size=[10~20],tag={a b "c d"},label=(x y),t=[~'2020-04-09 02:36:00'])");
  ASSERT_TRUE(q) << q.error().message;
  ASSERT_EQ(q->size(), 6u);
  EXPECT_EQ((*q)[0].key, "name");
  EXPECT_EQ((*q)[0].kind, Kind::kExact);
  EXPECT_EQ((*q)[0].values, std::vector<std::string>{"library"});
  EXPECT_EQ((*q)[1].kind, Kind::kFuzzy);
  EXPECT_EQ((*q)[1].values, std::vector<std::string>{"bus"});
  EXPECT_EQ((*q)[2].kind, Kind::kRange);
  EXPECT_EQ((*q)[2].min, "10");
  EXPECT_EQ((*q)[2].max, "20");
  EXPECT_EQ((*q)[3].kind, Kind::kAnyOf);
  EXPECT_EQ((*q)[3].values, (std::vector<std::string>{"a", "b", "c d"}));
  EXPECT_EQ((*q)[4].kind, Kind::kAllOf);
  EXPECT_EQ((*q)[4].values, (std::vector<std::string>{"x", "y"}));
  EXPECT_FALSE((*q)[5].min);
  EXPECT_EQ((*q)[5].max, "2020-04-09 02:36:00");
  EXPECT_TRUE(ParseQuery("")->empty());
}

TEST(QueryTest, TheValueIsDecodedOnceMoreAsHarborDoes) {
  // What a client sends as q=name%3D%257Ehello arrives here as name=%7Ehello.
  auto twice = ParseQuery("name=%7Ehello");
  ASSERT_TRUE(twice) << twice.error().message;
  EXPECT_EQ((*twice)[0].kind, Kind::kFuzzy);
  EXPECT_EQ((*twice)[0].values, std::vector<std::string>{"hello"});
  auto encoded = ParseQuery("name%3D~a%2Crepo%3Db");
  ASSERT_TRUE(encoded);
  ASSERT_EQ(encoded->size(), 2u);
  EXPECT_EQ((*encoded)[1].key, "repo");
  EXPECT_EQ(ParseQuery("t=[2020-04-09+02:36:00~]")->front().min, "2020-04-09 02:36:00");
}

TEST(QueryTest, MalformedQueriesAreBadRequests) {
  for (const char* q : {"name", "=v", "a=[1~2", "a={}", "a=[~]", "a=[1~2~3]", "a=\"open", "a=b)",
                        "a=(x", "a=1,,b=2", "a=%zz", "a=%"}) {
    auto parsed = ParseQuery(q);
    ASSERT_FALSE(parsed) << q;
    EXPECT_EQ(parsed.error().code, ErrorCode::kBadRequest) << q;
  }
}

TEST(QueryTest, Sort) {
  auto keys = ParseSort("name,-creation_time");
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].field, "name");
  EXPECT_FALSE((*keys)[0].descending);
  EXPECT_EQ((*keys)[1].field, "creation_time");
  EXPECT_TRUE((*keys)[1].descending);
  EXPECT_FALSE(ParseSort("name,"));
  EXPECT_FALSE(ParseSort("-"));
}

TEST(QueryTest, PagesAndLinks) {
  auto defaults = ParsePageRequest(std::nullopt, std::nullopt);
  EXPECT_EQ(defaults->page, 1);
  EXPECT_EQ(defaults->page_size, 10);
  for (auto [page, size] : std::vector<std::pair<const char*, const char*>>{
           {"0", "10"},
           {"1", "0"},
           {"x", "10"},
           {"1", "101"},
           {"-1", "10"},
           {"1152921504606846976", "16"},
           {"92233720368547759", "100"},
           {"99999999999999999999", "10"},
           {"1", "18446744073709551617"}}) {
    EXPECT_FALSE(ParsePageRequest(page, size)) << page << " " << size;
  }
  // The last page allowed: its offset and the next page's both fit.
  auto last = ParsePageRequest(std::to_string(kMaxPage), "100");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->Offset(), (kMaxPage - 1) * 100);
  EXPECT_EQ(PageLinks("/p", "", *last, INT64_MAX),
            "</p?page=" + std::to_string(kMaxPage - 1) + "&page_size=100>; rel=\"prev\" , </p?page=" +
                std::to_string(kMaxPage + 1) + "&page_size=100>; rel=\"next\"");
  EXPECT_EQ(PageLinks("/api/v2.0/projects", "", {1, 10}, 10), "");
  EXPECT_EQ(PageLinks("/api/v2.0/projects", "", {1, 10}, 11),
            "</api/v2.0/projects?page=2&page_size=10>; rel=\"next\"");
  EXPECT_EQ(PageLinks("/api/v2.0/projects", "q=name%3D~a", {2, 1}, 3),
            "</api/v2.0/projects?page=1&page_size=1&q=name%3D~a>; rel=\"prev\" , "
            "</api/v2.0/projects?page=3&page_size=1&q=name%3D~a>; rel=\"next\"");
}

}  // namespace
}  // namespace berth
