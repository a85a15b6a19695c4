#include "auth/access.h"

#include <gtest/gtest.h>

#include "core/scoped_temp_dir.h"
#include "meta/databases.h"

namespace berth {
namespace {

class AccessControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*OpenSqliteMetadata(dir_.path() / "berth.db"));
    owner_ = *store_->CreateUser(UserRecord{0, "owner", "", "", "", "h", false, "", 1, 1});
    guest_ = *store_->CreateUser(UserRecord{0, "guest", "", "", "", "h", false, "", 1, 1});
    store_->CreateProject(ProjectRecord{0, "private", owner_, false, 1, 1, {}});
    store_->CreateProject(ProjectRecord{0, "public", owner_, true, 1, 1, {}});
    access_ = std::make_unique<AccessControl>(*store_);
  }
  Principal User(int64_t id, bool sysadmin = false, std::vector<int64_t> groups = {}) {
    Principal p;
    p.kind = Principal::Kind::kUser;
    p.id = id;
    p.sysadmin = sysadmin;
    p.group_ids = std::move(groups);
    return p;
  }
  std::vector<std::string> Grant(const Principal& p, const std::string& repo) {
    return *access_->GrantRepository(p, repo, {"pull", "push", "delete", "bogus"});
  }

  ScopedTempDir dir_;
  std::unique_ptr<SqlMetadataStore> store_;
  std::unique_ptr<AccessControl> access_;
  int64_t owner_ = 0, guest_ = 0;
};

using Actions = std::vector<std::string>;

TEST_F(AccessControlTest, RolesPublicProjectsAndSysadmins) {
  EXPECT_EQ(Grant(User(owner_), "private/app"), (Actions{"pull", "push", "delete"}));
  EXPECT_EQ(Grant(User(guest_), "private/app"), Actions{});
  EXPECT_EQ(Grant(User(guest_), "public/app"), Actions{"pull"});
  EXPECT_EQ(Grant(Principal{}, "public/a/b"), Actions{"pull"});
  EXPECT_EQ(Grant(Principal{}, "private/app"), Actions{});
  EXPECT_EQ(Grant(User(guest_, true), "private/app"), (Actions{"pull", "push", "delete"}));
  EXPECT_EQ(Grant(User(owner_), "missing/app"), Actions{}) << "no project, nothing granted";
  EXPECT_EQ(Grant(User(owner_, true), "toplevel"), Actions{});
  EXPECT_EQ(*access_->GrantRepository(User(owner_), "private/app", {"*"}),
            (Actions{"pull", "push", "delete"}));
}

TEST_F(AccessControlTest, GroupsGiveTheirRoleAndTheBestRoleWins) {
  auto group = *store_->CreateGroup(GroupRecord{0, "devs", 2, "", 1});
  const int64_t project = store_->FindProject("private")->id;
  ASSERT_TRUE(store_->AddMember(MemberRecord{0, project, 'g', group, "", 2}));
  EXPECT_EQ(Grant(User(guest_, false, {group}), "private/app"), (Actions{"pull", "push"}));
  ASSERT_TRUE(store_->AddMember(MemberRecord{0, project, 'u', guest_, "", 3}));
  EXPECT_EQ(Grant(User(guest_), "private/app"), Actions{"pull"});
  EXPECT_EQ(Grant(User(guest_, false, {group}), "private/app"), (Actions{"pull", "push"}));
}

TEST_F(AccessControlTest, RobotsHaveExactlyTheirGrants) {
  Principal robot;
  robot.kind = Principal::Kind::kRobot;
  robot.grants = {{"private", "repository", "push"}, {"*", "artifact", "delete"}};
  EXPECT_EQ(Grant(robot, "private/app"), (Actions{"push", "delete"}));
  EXPECT_EQ(Grant(robot, "public/app"), (Actions{"pull", "delete"}));
}

TEST_F(AccessControlTest, ProjectLookupsAreCachedUntilAChange) {
  bool would_block = false;
  EXPECT_FALSE(*access_->FindProject("private", false, &would_block));
  EXPECT_TRUE(would_block) << "a miss off the worker threads must not touch the database";
  ASSERT_TRUE(*access_->FindProject("private"));
  would_block = false;
  EXPECT_TRUE(*access_->FindProject("private", false, &would_block));
  EXPECT_FALSE(would_block);
  auto project = *store_->FindProject("private");
  project.is_public = true;
  ASSERT_TRUE(store_->UpdateProject(project));
  EXPECT_FALSE((*access_->FindProject("private"))->is_public) << "cached";
  access_->ProjectsChanged();
  EXPECT_TRUE((*access_->FindProject("private"))->is_public);
}

}  // namespace
}  // namespace berth
