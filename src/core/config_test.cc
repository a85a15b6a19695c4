#include "core/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace berth {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional(it->second);
  };
}

TEST(ConfigTest, DefaultsWithoutFileOrEnvironment) {
  auto c = LoadConfig(std::nullopt, FakeEnv({}));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->listen, "127.0.0.1:5000");
  EXPECT_EQ(c->data_dir, "./data");
}

TEST(ConfigTest, FileThenEnvironment) {
  auto path = std::filesystem::temp_directory_path() / "berth_config_test.yml";
  std::ofstream(path) << "listen: 0.0.0.0:6000\ndata_dir: /srv/berth\n"
                         "uploads:\n  ttl: 2h\nlog:\n  access: false\n";
  auto c = LoadConfig(path.string(), FakeEnv({{"BERTH_DATA_DIR", "/env"}, {"BERTH_UPLOADS_PURGE_INTERVAL", "30s"}}));
  std::filesystem::remove(path);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->listen, "0.0.0.0:6000");
  EXPECT_EQ(c->data_dir, "/env");
  EXPECT_EQ(c->upload_ttl, std::chrono::hours(2));
  EXPECT_EQ(c->upload_purge_interval, std::chrono::seconds(30));
  EXPECT_FALSE(c->access_log);
}

TEST(ConfigTest, RejectsBadValuesAndUnknownKeys) {
  Config c;
  EXPECT_FALSE(SetConfigValue(c, "workers", "many"));
  EXPECT_FALSE(SetConfigValue(c, "workers", "-1"));
  EXPECT_FALSE(SetConfigValue(c, "uploads.ttl", "5x"));
  EXPECT_FALSE(SetConfigValue(c, "log.access", "maybe"));
  EXPECT_FALSE(SetConfigValue(c, "no_such_key", "1"));
  EXPECT_TRUE(SetConfigValue(c, "uploads.ttl", "3d"));
  EXPECT_EQ(c.upload_ttl, std::chrono::hours(72));
  // Durations that would wrap are refused, not folded into the past.
  for (const char* huge : {"4611686018427387904s", "106751991167300d", "36500000000m", "36501d"})
    EXPECT_FALSE(SetConfigValue(c, "header_timeout", huge)) << huge;
  EXPECT_TRUE(SetConfigValue(c, "header_timeout", "36500d"));
  EXPECT_FALSE(SetConfigValue(c, "uploads.max_sessions", "9223372036854775808"));
  EXPECT_TRUE(SetConfigValue(c, "uploads.max_per_repository", "3"));
  EXPECT_EQ(c.upload_max_per_repository, 3);
  auto bad = LoadConfig(std::nullopt, FakeEnv({{"BERTH_WORKERS", "x"}}));
  EXPECT_FALSE(bad);
}

}  // namespace
}  // namespace berth
