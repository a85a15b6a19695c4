#include "retention/policy.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace berth {
namespace {

constexpr int64_t kNow = 1'700'000'000;
constexpr int64_t kDay = 86'400;

// One rule's JSON: template, parameter, tag selector (decoration, pattern, untagged) and
// repository pattern.
std::string Rule(const std::string& tmpl, int param, const std::string& tags = "**",
                 const std::string& decoration = "matches", bool untagged = false,
                 const std::string& repositories = "**", bool disabled = false) {
  return R"({"action":"retain","template":")" + tmpl + R"(","params":{")" + tmpl + R"(":)" +
         std::to_string(param) + R"(},"disabled":)" + (disabled ? "true" : "false") +
         R"(,"tag_selectors":[{"kind":"doublestar","decoration":")" + decoration +
         R"(","pattern":")" + tags + R"(","extras":"{\"untagged\":)" +
         (untagged ? "true" : "false") +
         R"(}"}],"scope_selectors":{"repository":[{"kind":"doublestar","decoration":"repoMatches","pattern":")" +
         repositories + R"("}]}})";
}

RetentionPolicy Policy(const std::vector<std::string>& rules) {
  std::string text = R"({"algorithm":"or","rules":[)";
  for (size_t i = 0; i < rules.size(); ++i) text += (i ? "," : "") + rules[i];
  text += R"(],"trigger":{"kind":"Schedule","settings":{"cron":""}}})";
  auto policy = RetentionPolicy::Parse(boost::json::parse(text).as_object());
  EXPECT_TRUE(policy) << text << ": " << policy.error().message;
  return policy ? std::move(*policy) : RetentionPolicy{};
}

// a..e: what each template and selector tells apart.
const std::vector<RetentionCandidate> kCandidates = {
    {"a", {"v1"}, kNow - 10 * kDay, kNow - 1 * kDay},         {"b", {"v2"}, kNow - 5 * kDay, 0},
    {"c", {"latest"}, kNow - 1 * kDay, kNow - 20 * kDay},     {"d", {}, kNow - 2 * kDay, 0},
    {"e", {"dev-1", "v3"}, kNow - 3 * kDay, kNow - 3 * kDay},
};

struct RetentionCase {
  const char* name;
  std::vector<std::string> rules;
  std::string repository;
  std::set<std::string> kept;
};

// The case as the test's name shows it.
void PrintTo(const RetentionCase& c, std::ostream* os) { *os << c.name; }

class RetentionRuleTest : public testing::TestWithParam<RetentionCase> {};

TEST_P(RetentionRuleTest, KeepsWhatTheRulesRetain) {
  const RetentionCase& c = GetParam();
  EXPECT_EQ(Retained(Policy(c.rules), c.repository, kCandidates, kNow), c.kept) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Templates, RetentionRuleTest,
    testing::Values(
        RetentionCase{"latest pushed 2", {Rule("latestPushedK", 2)}, "app", {"c", "e"}},
        RetentionCase{"latest pushed 2, untagged too",
                      {Rule("latestPushedK", 2, "**", "matches", true)},
                      "app",
                      {"c", "d"}},
        RetentionCase{"latest pushed 0", {Rule("latestPushedK", 0)}, "app", {}},
        RetentionCase{"latest pushed 99", {Rule("latestPushedK", 99)}, "app", {"a", "b", "c", "e"}},
        RetentionCase{"latest pulled 2", {Rule("latestPulledN", 2)}, "app", {"a", "e"}},
        RetentionCase{"pushed within 4 days", {Rule("nDaysSinceLastPush", 4)}, "app", {"c", "e"}},
        RetentionCase{"pulled within 5 days", {Rule("nDaysSinceLastPull", 5)}, "app", {"a", "e"}},
        RetentionCase{"pulled within 100 days: never pulled is not kept",
                      {Rule("nDaysSinceLastPull", 100)},
                      "app",
                      {"a", "c", "e"}},
        RetentionCase{"always", {Rule("always", 0)}, "app", {"a", "b", "c", "e"}},
        RetentionCase{"always, untagged too",
                      {Rule("always", 0, "**", "matches", true)},
                      "app",
                      {"a", "b", "c", "d", "e"}}));

INSTANTIATE_TEST_SUITE_P(
    Selectors, RetentionRuleTest,
    testing::Values(
        RetentionCase{"tags v*", {Rule("always", 0, "v*")}, "app", {"a", "b", "e"}},
        // An artifact is reached when one of its tags is: e (dev-1, v3) is, by v3.
        RetentionCase{"tags excluding dev-*",
                      {Rule("always", 0, "dev-*", "excludes")},
                      "app",
                      {"a", "b", "c", "e"}},
        RetentionCase{
            "tags excluding v*", {Rule("always", 0, "v*", "excludes")}, "app", {"c", "e"}},
        RetentionCase{"tags {latest,v1}", {Rule("always", 0, "{latest,v1}")}, "app", {"a", "c"}},
        RetentionCase{"the latest v* pushed", {Rule("latestPushedK", 1, "v*")}, "app", {"e"}},
        RetentionCase{"two rules: or",
                      {Rule("latestPushedK", 1), Rule("always", 0, "v1")},
                      "app",
                      {"a", "c"}},
        RetentionCase{
            "a disabled rule retains nothing",
            {Rule("latestPushedK", 1), Rule("always", 0, "**", "matches", false, "**", true)},
            "app",
            {"c"}},
        RetentionCase{"a repository no rule reaches keeps everything",
                      {Rule("latestPushedK", 1, "**", "matches", false, "team/**")},
                      "app",
                      {"a", "b", "c", "d", "e"}},
        RetentionCase{"a repository a rule reaches",
                      {Rule("latestPushedK", 1, "**", "matches", false, "team/**")},
                      "team/web",
                      {"c"}},
        RetentionCase{"only disabled rules reach it: left alone",
                      {Rule("latestPushedK", 1, "**", "matches", false, "**", true)},
                      "app",
                      {"a", "b", "c", "d", "e"}},
        RetentionCase{"no rules at all", {}, "app", {"a", "b", "c", "d", "e"}}));

TEST(RetentionTest, AnImmutableArtifactIsKeptWhateverTheRulesSay) {
  std::vector<RetentionCandidate> candidates = kCandidates;
  candidates[1].immutable = true;  // b
  EXPECT_EQ(Retained(Policy({Rule("latestPushedK", 1)}), "app", candidates, kNow),
            (std::set<std::string>{"b", "c"}));
}

TEST(RetentionTest, RefusesPoliciesHarborWouldNotRun) {
  const std::string bad[] = {
      R"({"algorithm":"and","rules":[]})",
      R"({"rules":{}})",
      R"({"rules":[{"template":"latestPushedK","params":{},"tag_selectors":[{"decoration":"matches","pattern":"**"}],"scope_selectors":{"repository":[{"decoration":"repoMatches","pattern":"**"}]}}]})",
      R"({"rules":[{"template":"newest","tag_selectors":[{"decoration":"matches","pattern":"**"}],"scope_selectors":{"repository":[{"decoration":"repoMatches","pattern":"**"}]}}]})",
      R"({"rules":[{"template":"always","action":"delete","tag_selectors":[{"decoration":"matches","pattern":"**"}],"scope_selectors":{"repository":[{"decoration":"repoMatches","pattern":"**"}]}}]})",
      R"({"rules":[{"template":"always"}]})",
      R"({"rules":[],"trigger":{"kind":"Event"}})",
      R"({"rules":[],"trigger":{"kind":"Schedule","settings":{"cron":"0 0 0 * *"}}})",
      R"({"rules":[],"trigger":{"kind":"Schedule","settings":{"cron":"0 0 25 * * *"}}})",
  };
  for (const std::string& text : bad) {
    auto policy = RetentionPolicy::Parse(boost::json::parse(text).as_object());
    EXPECT_FALSE(policy) << text;
  }
  // Parameters out of range, negative, fractional or too large to count.
  for (const char* value : {"-1", "1.5", "1000001", "1e300", "\"12x\"", "true", "null"}) {
    std::string rule = Rule("latestPushedK", 1);
    rule.replace(rule.find(R"("latestPushedK":1)"), 17, std::string(R"("latestPushedK":)") + value);
    auto policy =
        RetentionPolicy::Parse(boost::json::parse(R"({"rules":[)" + rule + "]}").as_object());
    EXPECT_FALSE(policy) << value;
  }
  std::string days = Rule("nDaysSinceLastPush", 1);
  days.replace(days.find(R"("nDaysSinceLastPush":1)"), 22, R"("nDaysSinceLastPush":100001)");
  EXPECT_FALSE(
      RetentionPolicy::Parse(boost::json::parse(R"({"rules":[)" + days + "]}").as_object()));
  std::vector<std::string> sixteen(16, Rule("always", 0));
  std::string text = R"({"rules":[)";
  for (size_t i = 0; i < sixteen.size(); ++i) text += (i ? "," : "") + sixteen[i];
  EXPECT_FALSE(RetentionPolicy::Parse(boost::json::parse(text + "]}").as_object()));
}

TEST(RetentionTest, WritesBackWhatItRead) {
  const RetentionPolicy policy =
      Policy({Rule("latestPushedK", 3, "v*", "matches", true, "team/**"), Rule("always", 0)});
  const boost::json::object json = policy.Json();
  auto again = RetentionPolicy::Parse(json);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(boost::json::serialize(again->Json()), boost::json::serialize(json));
  const auto& first = json.at("rules").at(0);
  EXPECT_EQ(first.at("id"), 1);
  EXPECT_EQ(first.at("template"), "latestPushedK");
  EXPECT_EQ(first.at("params").at("latestPushedK"), 3);
  EXPECT_EQ(first.at("tag_selectors").at(0).at("extras"), R"({"untagged":true})");
  EXPECT_EQ(json.at("rules").at(1).at("params").as_object().size(), 0u);
}

}  // namespace
}  // namespace berth
