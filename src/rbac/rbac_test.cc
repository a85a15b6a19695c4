#include "rbac/rbac.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace berth {
namespace {

// The role x action walk of issue 3, answered from the table.
TEST(RbacTest, EveryRoleAndAction) {
  struct Ask {
    std::string what;
    Resource resource;
    Action action;
  };
  const std::vector<Ask> asks = {
      {"pull", Resource::kRepository, Action::kPull},
      {"push", Resource::kRepository, Action::kPush},
      {"delete artifact", Resource::kArtifact, Action::kDelete},
      {"delete repository", Resource::kRepository, Action::kDelete},
      {"read members", Resource::kMember, Action::kList},
      {"manage members", Resource::kMember, Action::kCreate},
      {"create robot", Resource::kRobot, Action::kCreate},
      {"read logs", Resource::kLog, Action::kList},
      {"update project", Resource::kProject, Action::kUpdate},
  };
  // Expected answers in the order of `asks`.
  struct Expect {
    Role role;
    std::vector<bool> allowed;
  };
  const Expect expected[] = {
      {Role::kProjectAdmin, {true, true, true, true, true, true, true, true, true}},
      {Role::kMaintainer, {true, true, true, true, true, false, false, false, false}},
      {Role::kDeveloper, {true, true, false, false, true, false, false, false, false}},
      {Role::kGuest, {true, false, false, false, true, false, false, false, false}},
      {Role::kLimitedGuest, {true, false, false, false, false, false, false, false, false}},
  };
  for (const Expect& e : expected) {
    for (size_t i = 0; i < asks.size(); ++i) {
      EXPECT_EQ(Allowed(e.role, asks[i].resource, asks[i].action), e.allowed[i])
          << RoleName(e.role) << " " << asks[i].what;
    }
  }
}

TEST(RbacTest, NamesIdsAndScopeActions) {
  for (int id = 1; id <= 5; ++id) {
    auto role = RoleFromId(id);
    ASSERT_TRUE(role);
    EXPECT_EQ(RoleFromName(RoleName(*role)), role);
  }
  EXPECT_FALSE(RoleFromId(0));
  EXPECT_FALSE(RoleFromId(6));
  EXPECT_FALSE(RoleFromName("owner"));
  EXPECT_EQ(static_cast<int>(*RoleFromName("maintainer")), 4);
  EXPECT_EQ(RegistryPermission("pull")->action, Action::kPull);
  EXPECT_EQ(RegistryPermission("push")->resource, Resource::kRepository);
  EXPECT_EQ(RegistryPermission("delete")->resource, Resource::kArtifact);
  EXPECT_FALSE(RegistryPermission("*"));
}

TEST(RbacTest, HarborNamesRoundTrip) {
  for (Resource r : ProjectResources()) EXPECT_EQ(ResourceFromName(ResourceName(r)), r);
  EXPECT_EQ(ResourceFromName("artifact-label"), Resource::kArtifactLabel);
  EXPECT_FALSE(ResourceFromName("catalog"));
  EXPECT_EQ(ActionFromName("pull"), Action::kPull);
  EXPECT_EQ(ActionName(Action::kStop), "stop");
  EXPECT_FALSE(ActionFromName("fly"));
}

}  // namespace
}  // namespace berth
