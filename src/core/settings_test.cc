#include "core/settings.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

TEST(SettingsTest, NamedValuesApplyAllOrNothing) {
  RuntimeSettings s;
  ASSERT_TRUE(ApplySettings({{"read_only", "true"}, {"token_expiration", "5"}}, s));
  EXPECT_TRUE(s.read_only);
  EXPECT_EQ(s.token_expiration_minutes, 5);
  EXPECT_EQ(SettingsToMap(s).at("read_only"), "true");
  RuntimeSettings round;
  ASSERT_TRUE(ApplySettings(SettingsToMap(s), round));
  EXPECT_EQ(SettingsToMap(round), SettingsToMap(s));

  for (const auto& bad : std::vector<std::map<std::string, std::string>>{
           {{"read_only", "yes"}},
           {{"token_expiration", "0"}},
           {{"token_expiration", "5m"}},
           {{"storage_per_project", "0"}},
           {{"project_creation_restriction", "nobody"}},
           {{"auth_mode", "ldap_auth"}},
           {{"notification_enable", "false"}, {"unknown", "1"}}}) {
    RuntimeSettings before = s;
    auto applied = ApplySettings(bad, s);
    ASSERT_FALSE(applied) << bad.begin()->first;
    EXPECT_EQ(applied.error().code, ErrorCode::kBadRequest);
    EXPECT_EQ(SettingsToMap(s), SettingsToMap(before));
  }
}

TEST(SettingsTest, HotPathReadsFollowSet) {
  Settings settings;
  EXPECT_FALSE(settings.read_only());
  EXPECT_EQ(settings.token_expiration_seconds(), 1800);
  RuntimeSettings next;
  next.read_only = true;
  next.token_expiration_minutes = 2;
  settings.Set(next);
  EXPECT_TRUE(settings.read_only());
  EXPECT_EQ(settings.token_expiration_seconds(), 120);
}

}  // namespace
}  // namespace berth
