#include "auth/authenticator.h"

#include <gtest/gtest.h>

#include "auth/password.h"
#include "core/scoped_temp_dir.h"
#include "meta/databases.h"

namespace berth {
namespace {

constexpr int kFastIterations = 1000;

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenSqliteMetadata(dir_.path() / "berth.db");
    ASSERT_TRUE(store);
    store_ = std::move(*store);
    AuthenticatorOptions options;
    options.lockout_threshold = 3;
    options.lockout_base = std::chrono::seconds(30);
    options.lockout_max = std::chrono::seconds(100);
    options.password_iterations = kFastIterations;
    auth_ = std::make_unique<Authenticator>(*store_, clock_, nullptr, options);
    user_id_ = *store_->CreateUser(UserRecord{
        0, "alice", "", "", "", HashPassword("Right123", kFastIterations), false, "", 1, 1});
  }

  ScopedTempDir dir_;
  FakeClock clock_{1000};
  std::unique_ptr<SqlMetadataStore> store_;
  std::unique_ptr<Authenticator> auth_;
  int64_t user_id_ = 0;
};

TEST_F(AuthenticatorTest, RightPasswordWrongPasswordAndUnknownName) {
  auto who = auth_->Login("alice", "Right123");
  ASSERT_TRUE(who);
  EXPECT_EQ(who->kind, Principal::Kind::kUser);
  EXPECT_EQ(who->id, user_id_);
  EXPECT_EQ(auth_->Login("alice", "Wrong123").error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(auth_->Login("nobody", "Right123").error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(auth_->Login("", "").error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AuthenticatorTest, FreezesGrowUntilASuccessAndCapAtTheMaximum) {
  auto fail = [&](int times) {
    for (int i = 0; i < times; ++i) auth_->Login("alice", "Wrong123");
  };
  fail(3);
  EXPECT_FALSE(auth_->Login("alice", "Right123")) << "frozen for 30 s";
  clock_.Advance(29);
  EXPECT_FALSE(auth_->Login("alice", "Right123"));
  clock_.Advance(1);
  fail(3);  // no success in between: the next freeze doubles
  clock_.Advance(59);
  EXPECT_FALSE(auth_->Login("alice", "Right123"));
  clock_.Advance(1);
  fail(3);
  clock_.Advance(100);  // 120 s would be next, capped at 100
  ASSERT_TRUE(auth_->Login("alice", "Right123"));
  fail(3);  // after a success the freeze starts over at 30 s
  clock_.Advance(30);
  EXPECT_TRUE(auth_->Login("alice", "Right123"));
  // Names that match no account freeze the same way, so freezing tells nothing.
  fail(0);
  for (int i = 0; i < 3; ++i) auth_->Login("ghost", "x");
  EXPECT_EQ(store_->GetLoginFailures("ghost")->locked_until, clock_.Now() + 30);
}

TEST_F(AuthenticatorTest, ACachedVerificationEndsWhenThePasswordChanges) {
  ASSERT_TRUE(auth_->Login("alice", "Right123"));
  auto user = *store_->GetUser(user_id_);
  user.password_hash = HashPassword("Other123", kFastIterations);
  ASSERT_TRUE(store_->UpdateUser(user));
  EXPECT_FALSE(auth_->Login("alice", "Right123"));
  EXPECT_TRUE(auth_->Login("alice", "Other123"));
}

TEST_F(AuthenticatorTest, RobotsNeedToBeEnabledUnexpiredAndStayInTheirProject) {
  const int64_t project = *store_->CreateProject(ProjectRecord{0, "p", user_id_, false, 1, 1, {}});
  *store_->CreateProject(ProjectRecord{0, "q", user_id_, false, 1, 1, {}});
  const std::string permissions = R"([
    {"kind":"project","namespace":"p","access":[{"resource":"repository","action":"pull"},
      {"resource":"repository","action":"push","effect":"deny"}]},
    {"kind":"project","namespace":"q","access":[{"resource":"repository","action":"pull"}]},
    {"kind":"system","namespace":"/","access":[{"resource":"catalog","action":"read"}]}])";
  RobotRecord robot{0,         "robot$p+ci", "", HashPassword("Secret123", kFastIterations),
                    "project", project,      1,  2000,
                    false,     permissions,  1,  1};
  robot.id = *store_->CreateRobot(robot);
  auto who = auth_->Login("robot$p+ci", "Secret123");
  ASSERT_TRUE(who);
  EXPECT_EQ(who->kind, Principal::Kind::kRobot);
  ASSERT_EQ(who->grants.size(), 1u) << "denied entries, other projects and system rights go";
  EXPECT_EQ(who->grants[0].project, "p");
  EXPECT_EQ(who->grants[0].action, "pull");
  EXPECT_FALSE(who->robot_may_list_catalog);
  EXPECT_FALSE(auth_->Login("robot$p+ci", "Wrong123"));
  clock_.Advance(1000);
  EXPECT_FALSE(auth_->Login("robot$p+ci", "Secret123")) << "expired";
  robot.expires_at = -1;
  robot.disabled = true;
  ASSERT_TRUE(store_->UpdateRobot(robot));
  EXPECT_FALSE(auth_->Login("robot$p+ci", "Secret123")) << "disabled";
}

}  // namespace
}  // namespace berth
