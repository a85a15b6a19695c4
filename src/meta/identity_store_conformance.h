// The conformance suite every IdentityStore implementation runs: specialise
// IdentityStoreFactory<Impl> and instantiate with
// INSTANTIATE_TYPED_TEST_SUITE_P(Name, IdentityStoreConformance, Impl). Impl is also the
// engine's MetadataStore, since a project's repositories live there.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "core/digest.h"
#include "core/scoped_temp_dir.h"
#include "meta/identity_store.h"
#include "meta/metadata_store.h"

namespace berth {

// Specialise with: static std::unique_ptr<Impl> Make(const std::filesystem::path& dir).
template <class Impl>
struct IdentityStoreFactory;

template <class Impl>
class IdentityStoreConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = IdentityStoreFactory<Impl>::Make(dir_.path());
    ASSERT_TRUE(store_);
  }
  IdentityStore& ids() { return *store_; }
  MetadataStore& content() { return *store_; }

  int64_t User(const std::string& name, const std::string& email = "") {
    auto id = ids().CreateUser(UserRecord{0, name, email, name, "", "hash", false, "", 1, 1});
    EXPECT_TRUE(id) << id.error().message;
    return id.value_or(0);
  }
  int64_t Project(const std::string& name, int64_t owner) {
    auto id =
        ids().CreateProject(ProjectRecord{0, name, owner, false, 5, 5, {{"public", "false"}}});
    EXPECT_TRUE(id) << id.error().message;
    return id.value_or(0);
  }

  ScopedTempDir dir_;
  std::unique_ptr<Impl> store_;
};

TYPED_TEST_SUITE_P(IdentityStoreConformance);

TYPED_TEST_P(IdentityStoreConformance, UsersAreUniqueByNameAndEmail) {
  const int64_t a = this->User("alice", "a@x");
  this->User("bob");
  this->User("carol");  // two users without an email do not clash
  EXPECT_EQ(
      this->ids().CreateUser(UserRecord{0, "alice", "", "", "", "h", false, "", 1, 1}).error().code,
      ErrorCode::kConflict);
  EXPECT_EQ(this->ids()
                .CreateUser(UserRecord{0, "dave", "a@x", "", "", "h", false, "", 1, 1})
                .error()
                .code,
            ErrorCode::kConflict);
  auto found = this->ids().FindUser("alice");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, a);
  EXPECT_EQ(found->email, "a@x");
  found->sysadmin = true;
  found->realname = "Alice";
  ASSERT_TRUE(this->ids().UpdateUser(*found));
  EXPECT_TRUE(this->ids().GetUser(a)->sysadmin);
  EXPECT_EQ(this->ids().GetUser(a)->realname, "Alice");
  EXPECT_EQ(this->ids().ListUsers({})->total, 3);
  QueryCondition named{"username", QueryCondition::Kind::kFuzzy, {"LI"}, {}, {}};
  auto page = this->ids().ListUsers(ListRequest{{named}, {{"user_id", true}}, 0, 1});
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->total, 1);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].username, "alice");
  ASSERT_TRUE(this->ids().DeleteUser(a));
  EXPECT_EQ(this->ids().GetUser(a).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(this->ids().DeleteUser(a).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(this->ids().FindUser("nobody").error().code, ErrorCode::kNotFound);
}

TYPED_TEST_P(IdentityStoreConformance,
             ProjectsKeepMetadataAndRefuseDeletionWhileHoldingRepositories) {
  const int64_t owner = this->User("owner");
  const int64_t p = this->Project("team", owner);
  EXPECT_EQ(
      this->ids().CreateProject(ProjectRecord{0, "team", owner, false, 1, 1, {}}).error().code,
      ErrorCode::kConflict);
  auto project = this->ids().FindProject("team");
  ASSERT_TRUE(project);
  EXPECT_EQ(project->metadata.at("public"), "false");
  project->is_public = true;
  project->metadata["public"] = "true";
  project->metadata["auto_scan"] = "true";
  ASSERT_TRUE(this->ids().UpdateProject(*project));
  EXPECT_TRUE(this->ids().GetProject(p)->is_public);
  EXPECT_EQ(this->ids().GetProject(p)->metadata.size(), 2u);
  // The owner is the first member, a project admin.
  auto members = this->ids().ListMembers(p);
  ASSERT_EQ(members->size(), 1u);
  EXPECT_EQ((*members)[0].entity_name, "owner");
  EXPECT_EQ((*members)[0].role, 1);

  // "team/app" counts; "teammate/app", "team" alone and a repository without an artifact do
  // not, and the empty one goes with its project.
  const std::string content = "{\"m\":1}";
  for (const char* repository : {"team/app", "teammate/app"}) {
    ASSERT_TRUE(this->content().LinkBlob(repository, DigestOf("b"), 1, 1));
    ASSERT_TRUE(this->content().PutManifest(ManifestRecord{repository,
                                                           DigestOf(content).str(),
                                                           "application/json",
                                                           content,
                                                           "",
                                                           "",
                                                           1,
                                                           {DigestOf("b").str()},
                                                           {}},
                                            "v1", 1));
  }
  ASSERT_TRUE(this->content().LinkBlob("team/empty", DigestOf("b"), 1, 1));
  EXPECT_EQ(*this->ids().CountRepositories("team"), 1);
  EXPECT_EQ(this->ids().DeleteProject(p).error().code, ErrorCode::kPrecondition);
  const int64_t emptied = this->Project("emptied", owner);
  ASSERT_TRUE(this->content().LinkBlob("emptied/app", DigestOf("b"), 1, 1));
  EXPECT_EQ(*this->ids().CountRepositories("emptied"), 0);
  ASSERT_TRUE(this->ids().DeleteProject(emptied));
  EXPECT_EQ(this->content().LinkedBlobSize("emptied/app", DigestOf("b")).error().code,
            ErrorCode::kBlobUnknown);
  const int64_t empty = this->Project("empty", owner);
  ASSERT_TRUE(this->ids().CreateRobot(
      RobotRecord{0, "robot$empty+ci", "", "h", "project", empty, -1, -1, false, "[]", 1, 1}));
  ASSERT_TRUE(this->ids().DeleteProject(empty));
  EXPECT_EQ(this->ids().FindProject("empty").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(this->ids().FindRobot("robot$empty+ci").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(this->ids().ListProjects()->size(), 1u);
}

TYPED_TEST_P(IdentityStoreConformance, MembersGiveRolesDirectlyAndThroughGroups) {
  const int64_t owner = this->User("owner");
  const int64_t dev = this->User("dev");
  const int64_t p = this->Project("p", owner);
  auto group = this->ids().CreateGroup(GroupRecord{0, "devs", 1, "cn=devs,dc=x", 1});
  ASSERT_TRUE(group);
  EXPECT_EQ(this->ids().CreateGroup(GroupRecord{0, "other", 1, "cn=devs,dc=x", 1}).error().code,
            ErrorCode::kConflict);
  EXPECT_EQ(this->ids().FindGroupByDn("cn=devs,dc=x")->id, *group);
  auto direct = this->ids().AddMember(MemberRecord{0, p, 'u', dev, "", 2});
  ASSERT_TRUE(direct);
  EXPECT_EQ(this->ids().AddMember(MemberRecord{0, p, 'u', dev, "", 3}).error().code,
            ErrorCode::kConflict);
  ASSERT_TRUE(this->ids().AddMember(MemberRecord{0, p, 'g', *group, "", 4}));
  EXPECT_EQ(*this->ids().MemberRoles(p, dev, {}), std::vector<int>{2});
  EXPECT_EQ(*this->ids().MemberRoles(p, dev, {*group}), (std::vector<int>{2, 4}));
  EXPECT_EQ(*this->ids().MemberRoles(p, 0, {*group}), std::vector<int>{4});
  ASSERT_TRUE(this->ids().UpdateMemberRole(p, *direct, 5));
  EXPECT_EQ(*this->ids().MemberRoles(p, dev, {}), std::vector<int>{5});
  EXPECT_EQ(this->ids().UpdateMemberRole(p + 1, *direct, 1).error().code, ErrorCode::kNotFound);
  // The projects a member sees: direct and through a group, each once.
  const int64_t q = this->Project("q", owner);
  ASSERT_TRUE(this->ids().AddMember(MemberRecord{0, q, 'g', *group, "", 3}));
  EXPECT_EQ(*this->ids().MemberProjects(dev, {}), std::vector<int64_t>{p});
  auto both = this->ids().MemberProjects(dev, {*group});
  ASSERT_TRUE(both);
  std::sort(both->begin(), both->end());
  EXPECT_EQ(*both, (std::vector<int64_t>{p, q}));
  ASSERT_TRUE(this->ids().DeleteGroup(*group));
  EXPECT_EQ(this->ids().ListMembers(p)->size(), 2u);
  ASSERT_TRUE(this->ids().DeleteUser(dev));
  EXPECT_EQ(this->ids().ListMembers(p)->size(), 1u);
}

TYPED_TEST_P(IdentityStoreConformance, ProjectListsAreScopedFilteredAndCut) {
  const int64_t alice = this->User("alice");
  const int64_t bob = this->User("bob");
  std::vector<int64_t> ids;
  for (const char* name : {"apple", "apricot", "banana", "cherry"}) {
    ids.push_back(this->Project(name, std::string(name) == "banana" ? bob : alice));
  }
  auto open = this->ids().GetProject(ids[2]);
  open->is_public = true;
  ASSERT_TRUE(this->ids().UpdateProject(*open));
  auto names = [&](const Result<ListPage<ProjectRecord>>& page) {
    if (!page) return "error: " + page.error().message;
    std::string out;
    for (const ProjectRecord& p : page->items) out += p.name + " ";
    return out;
  };
  EXPECT_EQ(names(this->ids().ListProjects(std::nullopt, {})), "apple apricot banana cherry ");
  // Public ones and those named: what a member of cherry sees.
  auto scoped = this->ids().ListProjects(ProjectScope{true, {ids[3]}}, {});
  EXPECT_EQ(names(scoped), "banana cherry ");
  EXPECT_EQ(scoped->total, 2);
  EXPECT_EQ(names(this->ids().ListProjects(ProjectScope{false, {}}, {})), "");
  QueryCondition fuzzy{"name", QueryCondition::Kind::kFuzzy, {"AP"}, {}, {}};
  QueryCondition owner{"owner", QueryCondition::Kind::kExact, {"bob"}, {}, {}};
  QueryCondition open_ones{"public", QueryCondition::Kind::kExact, {"true"}, {}, {}};
  auto page = this->ids().ListProjects(std::nullopt, ListRequest{{fuzzy}, {{"name", true}}, 1, 1});
  EXPECT_EQ(page->total, 2);
  EXPECT_EQ(names(page), "apple ");
  EXPECT_EQ(names(this->ids().ListProjects(std::nullopt, ListRequest{{owner}, {}, 0, 0})),
            "banana ");
  EXPECT_EQ(names(this->ids().ListProjects(std::nullopt, ListRequest{{open_ones}, {}, 0, 0})),
            "banana ");
  EXPECT_EQ(this->ids().ListProjects(std::nullopt, ListRequest{{}, {{"owner"}}, 0, 0}).error().code,
            ErrorCode::kBadRequest);
}

TYPED_TEST_P(IdentityStoreConformance, RobotsFailuresAndSessions) {
  ASSERT_TRUE(this->ids().CreateRobot(
      RobotRecord{0, "robot$sys", "d", "h", "system", 0, -1, -1, false, "[]", 1, 1}));
  EXPECT_EQ(
      this->ids()
          .CreateRobot(RobotRecord{0, "robot$sys", "", "h", "system", 0, -1, -1, false, "[]", 1, 1})
          .error()
          .code,
      ErrorCode::kConflict);
  auto robot = this->ids().FindRobot("robot$sys");
  ASSERT_TRUE(robot);
  EXPECT_EQ(robot->project_id, 0);
  robot->disabled = true;
  robot->secret_hash = "h2";
  ASSERT_TRUE(this->ids().UpdateRobot(*robot));
  EXPECT_TRUE(this->ids().GetRobot(robot->id)->disabled);
  EXPECT_EQ(this->ids().GetRobot(robot->id)->secret_hash, "h2");
  // Listed by level and project, names matched as Harbor keeps them (no "robot$").
  const int64_t p = this->Project("p", this->User("owner"));
  ASSERT_TRUE(this->ids().CreateRobot(
      RobotRecord{0, "robot$p+ci", "", "h", "project", p, -1, -1, false, "[]", 1, 1}));
  EXPECT_EQ(this->ids().ListRobots(0, {})->total, 1);
  QueryCondition named{"name", QueryCondition::Kind::kExact, {"p+ci"}, {}, {}};
  auto project_robots = this->ids().ListRobots(p, ListRequest{{named}, {}, 0, 0});
  ASSERT_TRUE(project_robots) << project_robots.error().message;
  ASSERT_EQ(project_robots->total, 1);
  EXPECT_EQ(project_robots->items[0].name, "robot$p+ci");
  ASSERT_TRUE(this->ids().DeleteRobot(robot->id));
  EXPECT_EQ(this->ids().ListRobots(0, {})->total, 0);

  EXPECT_EQ(this->ids().GetLoginFailures("x")->count, 0);
  ASSERT_TRUE(this->ids().PutLoginFailures("x", LoginFailures{3, 100, 30}));
  EXPECT_EQ(this->ids().GetLoginFailures("x")->locked_until, 100);
  ASSERT_TRUE(this->ids().ClearLoginFailures("x"));
  EXPECT_EQ(this->ids().GetLoginFailures("x")->count, 0);

  const int64_t user = this->User("u");
  ASSERT_TRUE(this->ids().CreateSession(SessionRecord{"old", user, "c0", 50}, 10));
  ASSERT_TRUE(this->ids().CreateSession(SessionRecord{"s1", user, "csrf", 200}, 100));
  EXPECT_EQ(this->ids().GetSession("s1", 150)->csrf_token, "csrf");
  EXPECT_EQ(this->ids().GetSession("s1", 200).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(this->ids().GetSession("old", 40).error().code, ErrorCode::kNotFound)
      << "expired sessions are purged as new ones come";
  ASSERT_TRUE(this->ids().DeleteSession("s1"));
  EXPECT_EQ(this->ids().GetSession("s1", 150).error().code, ErrorCode::kNotFound);
}

REGISTER_TYPED_TEST_SUITE_P(IdentityStoreConformance, UsersAreUniqueByNameAndEmail,
                            ProjectsKeepMetadataAndRefuseDeletionWhileHoldingRepositories,
                            MembersGiveRolesDirectlyAndThroughGroups,
                            ProjectListsAreScopedFilteredAndCut, RobotsFailuresAndSessions);

}  // namespace berth
