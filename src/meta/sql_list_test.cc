#include "meta/sql_list.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

constexpr ListField kFields[] = {
    {"name", "r.name"},
    {"id", "r.id", true},
    {"tags", "t.name", false, "EXISTS (SELECT 1 FROM tags t WHERE t.manifest_id = r.id AND {})"},
};

QueryCondition Condition(std::string key, QueryCondition::Kind kind,
                         std::vector<std::string> values) {
  QueryCondition c;
  c.key = std::move(key);
  c.kind = kind;
  c.values = std::move(values);
  return c;
}

TEST(SqlListTest, EachKindOfConditionBecomesBoundSql) {
  using Kind = QueryCondition::Kind;
  QueryCondition range = Condition("id", Kind::kRange, {});
  range.min = "3";
  auto filter = FilterSql(
      {Condition("name", Kind::kFuzzy, {"a_b%"}), Condition("id", Kind::kAnyOf, {"1", "2"}), range,
       Condition("tags", Kind::kAllOf, {"v1", "v2"})},
      kFields);
  ASSERT_TRUE(filter) << filter.error().message;
  EXPECT_EQ(
      filter->sql,
      " AND (lower(r.name) LIKE lower(?) ESCAPE '\\') AND (r.id IN (?, ?)) AND (r.id >= ?) AND "
      "(EXISTS (SELECT 1 FROM tags t WHERE t.manifest_id = r.id AND t.name = ?) AND "
      "EXISTS (SELECT 1 FROM tags t WHERE t.manifest_id = r.id AND t.name = ?))");
  ASSERT_EQ(filter->values.size(), 6u);
  EXPECT_EQ(std::get<std::string>(filter->values[0]), "%a\\_b\\%%");
  EXPECT_EQ(std::get<int64_t>(filter->values[1]), 1);
  EXPECT_EQ(std::get<int64_t>(filter->values[3]), 3);
  EXPECT_EQ(std::get<std::string>(filter->values[5]), "v2");
}

TEST(SqlListTest, UnknownFieldsAndBadNumbersAreBadRequests) {
  using Kind = QueryCondition::Kind;
  EXPECT_EQ(FilterSql({Condition("color", Kind::kExact, {"red"})}, kFields).error().code,
            ErrorCode::kBadRequest);
  EXPECT_EQ(FilterSql({Condition("id", Kind::kExact, {"1; DROP TABLE r"})}, kFields).error().code,
            ErrorCode::kBadRequest);
  EXPECT_EQ(
      FilterSql({Condition("id", Kind::kExact, {"99999999999999999999"})}, kFields).error().code,
      ErrorCode::kBadRequest);
}

TEST(SqlListTest, SortKeysEndWithTheTiebreak) {
  auto order = OrderSql({{"name", true}, {"id", false}}, kFields, "r.id");
  ASSERT_TRUE(order);
  EXPECT_EQ(*order, " ORDER BY r.name DESC, r.id, r.id");
  EXPECT_EQ(*OrderSql({{"id", true}}, kFields, "r.id"), " ORDER BY r.id DESC, r.id DESC");
  EXPECT_FALSE(OrderSql({{"tags", false}}, kFields, "r.id"));
  EXPECT_FALSE(OrderSql({{"color", false}}, kFields, "r.id"));
}

}  // namespace
}  // namespace berth
