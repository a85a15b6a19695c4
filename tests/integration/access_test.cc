// Harbor's permission matrix, walked through the real binary in ldap_auth mode against a real
// slapd: every role x action for an LDAP user who is a member, an LDAP user who is a member
// through an LDAP group, and a robot account; each checked in the token's access claim and in
// what the registry and the API then let the caller do. And the LDAP endpoints themselves.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>

#include "tests/integration/harness.h"
#include "tests/integration/slapd.h"

namespace berth::testing {
namespace {

constexpr const char* kPassword = "Ldap12345";
constexpr const char* kRoles[] = {"projectAdmin", "maintainer", "developer", "guest",
                                  "limitedGuest"};
constexpr int kRoleIds[] = {1, 4, 2, 3, 5};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(c));
  return s;
}

enum Ask {
  kPull,
  kPush,
  kDeleteArtifact,
  kDeleteRepository,
  kReadMembers,
  kManageMembers,
  kCreateRobot,
  kReadLogs,
  kUpdateProject,
  kAsks
};
constexpr const char* kAskNames[] = {
    "pull",           "push",         "delete artifact", "delete repository", "read members",
    "manage members", "create robot", "read logs",       "update project"};

// third_party/harbor/rbac.md, by role, in the order of Ask.
constexpr bool kRoleMayDo[5][kAsks] = {
    {true, true, true, true, true, true, true, true, true},          // projectAdmin
    {true, true, true, true, true, false, false, false, false},      // maintainer
    {true, true, false, false, true, false, false, false, false},    // developer
    {true, false, false, false, true, false, false, false, false},   // guest
    {true, false, false, false, false, false, false, false, false},  // limitedGuest
};

class AccessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::vector<Slapd::User> users = {{"outsider", kPassword}, {"newcomer", kPassword}};
    std::vector<Slapd::Group> groups = {{"grp-spare", {"newcomer"}}};
    for (const char* role : kRoles) {
      users.push_back({"u-" + Lower(role), kPassword});
      users.push_back({"g-" + Lower(role), kPassword});
      groups.push_back({"grp-" + Lower(role), {"g-" + Lower(role)}});
    }
    slapd_ = new Slapd(users, groups);
    server_ = new BerthServer(slapd_->BerthEnv());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete slapd_;
  }

  HttpResponse Do(const std::string& method, const std::string& path, const std::string& body = {},
                  const std::vector<std::string>& headers = {}) {
    return Http(method, server_->Url(path), body, headers);
  }

  // Pushes a one-blob image as admin; returns its digest.
  std::string PushImage(const std::string& repo, const std::string& seed) {
    std::string config = R"({"seed":")" + seed + "\"}";
    std::string digest = Sha256(config);
    EXPECT_EQ(Do("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + digest, config).status, 201);
    std::string manifest =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
        digest + R"(","size":)" + std::to_string(config.size()) + R"(},"layers":[]})";
    HttpResponse r = Do("PUT", "/v2/" + repo + "/manifests/" + seed, manifest,
                        {"Content-Type: application/vnd.oci.image.manifest.v1+json"});
    EXPECT_EQ(r.status, 201) << r.body;
    return Sha256(manifest);
  }

  struct Caller {
    std::string label;
    std::string user;
    std::string password;
    bool robot = false;
  };

  // Asks the system whether `who` may do `ask`, the way a client would find out.
  bool Try(const Caller& who, Ask ask, const std::string& token, int index) {
    const std::string basic = BasicAuth(who.user, who.password);
    const std::string project_path = "/api/v2.0/projects/proj";
    auto has_permission = [&](const std::string& resource, const std::string& action) {
      HttpResponse r =
          Do("GET",
             "/api/v2.0/users/current/permissions?scope=/project/" + project_id_ + "&relative=true",
             "", {basic});
      EXPECT_EQ(r.status, 200) << r.body;
      const boost::json::value list = boost::json::parse(r.body);
      for (const auto& p : list.as_array()) {
        if (p.at("resource").as_string() == resource && p.at("action").as_string() == action)
          return true;
      }
      return false;
    };
    switch (ask) {
      case kPull:
        return Do("GET", "/v2/proj/app/manifests/base", "", {Bearer(token)}).status == 200;
      case kPush:
        return Do("POST", "/v2/proj/app/blobs/uploads/", "", {Bearer(token)}).status == 202;
      case kDeleteArtifact: {
        const std::string repo = "proj/del-" + std::to_string(index);
        const std::string digest = PushImage(repo, "victim");
        const std::string t =
            FetchToken(*server_, who.user, who.password, {"repository:" + repo + ":delete"});
        const int status =
            Do("DELETE", "/v2/" + repo + "/manifests/" + digest, "", {Bearer(t)}).status;
        EXPECT_TRUE(status == 202 || status == 401) << status;
        return status == 202;
      }
      case kDeleteRepository: {
        const std::string repo = "gone-" + std::to_string(index);
        PushImage("proj/" + repo, "doomed");
        const int status = Do("DELETE", project_path + "/repositories/" + repo, "",
                              {basic, "X-Is-Resource-Name: true"})
                               .status;
        EXPECT_TRUE(status == 200 || status == 403) << status;
        return status == 200;
      }
      case kReadMembers:
        return Do("GET", project_path + "/members", "", {basic, "X-Is-Resource-Name: true"})
                   .status == 200;
      case kManageMembers: {
        HttpResponse r = Do("POST", project_path + "/members",
                            R"({"role_id":3,"member_user":{"username":"outsider"}})",
                            {basic, "X-Is-Resource-Name: true"});
        if (r.status != 201) return false;
        EXPECT_EQ(Http("DELETE", server_->Url("") + r.Header("location")).status, 200);
        return true;
      }
      case kCreateRobot: {
        HttpResponse r = Do(
            "POST", "/api/v2.0/robots",
            R"({"name":"made-)" + std::to_string(index) +
                R"(","level":"project","duration":1,"permissions":[{"kind":"project","namespace":"proj","access":[{"resource":"repository","action":"pull"}]}]})",
            {basic});
        return r.status == 201;
      }
      case kReadLogs:
        return has_permission("log", "list");
      case kUpdateProject:
        return Do("PUT", project_path, R"({"metadata":{"auto_scan":"false"}})",
                  {basic, "X-Is-Resource-Name: true"})
                   .status == 200;
      case kAsks:
        break;
    }
    return false;
  }

  static Slapd* slapd_;
  static BerthServer* server_;
  std::string project_id_;
};

Slapd* AccessTest::slapd_ = nullptr;
BerthServer* AccessTest::server_ = nullptr;

TEST_F(AccessTest, EveryRoleAndActionForUsersGroupMembersAndRobots) {
  HttpResponse created = Do("POST", "/api/v2.0/projects", R"({"project_name":"proj"})");
  ASSERT_EQ(created.status, 201) << created.body;
  project_id_ = created.Header("location").substr(created.Header("location").rfind('/') + 1);
  PushImage("proj/app", "base");

  std::vector<std::pair<Caller, int>> callers;  // with the index of their role
  for (int r = 0; r < 5; ++r) {
    const std::string role = Lower(kRoles[r]);
    // A user: onboarded from LDAP when added as a member by name.
    HttpResponse m = Do("POST", "/api/v2.0/projects/" + project_id_ + "/members",
                        R"({"role_id":)" + std::to_string(kRoleIds[r]) +
                            R"(,"member_user":{"username":"u-)" + role + "\"}}");
    ASSERT_EQ(m.status, 201) << m.body;
    callers.push_back({{std::string(kRoles[r]) + " user", "u-" + role, kPassword}, r});
    // A group member: the LDAP group is the member, the user is in it only in LDAP.
    m = Do("POST", "/api/v2.0/projects/" + project_id_ + "/members",
           R"({"role_id":)" + std::to_string(kRoleIds[r]) +
               R"(,"member_group":{"ldap_group_dn":")" + Slapd::GroupDn("grp-" + role) + "\"}}");
    ASSERT_EQ(m.status, 201) << m.body;
    callers.push_back({{std::string(kRoles[r]) + " group member", "g-" + role, kPassword}, r});
    // A robot holding the role's rights on what robots may hold: repositories, artifacts, tags.
    HttpResponse perms =
        Do("GET",
           "/api/v2.0/users/current/permissions?scope=/project/" + project_id_ + "&relative=true",
           "", {BasicAuth("u-" + role, kPassword)});
    ASSERT_EQ(perms.status, 200) << perms.body;
    boost::json::array access;
    const boost::json::value granted = boost::json::parse(perms.body);
    for (const auto& p : granted.as_array()) {
      const auto& resource = p.at("resource").as_string();
      if (resource == "repository" || resource == "artifact" || resource == "tag")
        access.push_back(p);
    }
    boost::json::object robot{
        {"name", "bot-" + role},
        {"level", "project"},
        {"duration", -1},
        {"permissions", boost::json::array{boost::json::object{
                            {"kind", "project"}, {"namespace", "proj"}, {"access", access}}}}};
    HttpResponse made = Do("POST", "/api/v2.0/robots", boost::json::serialize(robot));
    ASSERT_EQ(made.status, 201) << made.body;
    boost::json::object body = boost::json::parse(made.body).as_object();
    callers.push_back({{std::string(kRoles[r]) + " robot", std::string(body.at("name").as_string()),
                        std::string(body.at("secret").as_string()), true},
                       r});
  }

  int index = 0;
  for (const auto& [who, role] : callers) {
    ++index;
    const std::string token =
        FetchToken(*server_, who.user, who.password, {"repository:proj/app:pull,push,delete"});
    ASSERT_FALSE(token.empty()) << who.label;
    std::string expected_claim;
    for (auto [ask, action] :
         {std::pair{kPull, "pull"}, {kPush, "push"}, {kDeleteArtifact, "delete"}}) {
      if (kRoleMayDo[role][ask])
        expected_claim += (expected_claim.empty() ? "" : ",") + std::string(action);
    }
    EXPECT_EQ(GrantedActions(token, "repository", "proj/app"), expected_claim) << who.label;
    for (int ask = 0; ask < kAsks; ++ask) {
      // Robots hold repository, artifact and tag rights only; they manage nothing.
      const bool expected = kRoleMayDo[role][ask] && (!who.robot || ask <= kDeleteRepository);
      EXPECT_EQ(Try(who, static_cast<Ask>(ask), token, index), expected)
          << who.label << ": " << kAskNames[ask];
    }
  }
  // The outsider, in LDAP but in no project, gets nothing in the private project.
  const std::string outsider =
      FetchToken(*server_, "outsider", kPassword, {"repository:proj/app:pull"});
  ASSERT_FALSE(outsider.empty());
  EXPECT_EQ(GrantedActions(outsider, "repository", "proj/app"), "");
}

TEST_F(AccessTest, LdapLoginOnboardsAndTheDirectoryEndpointsSearchAndImport) {
  // First login creates the user from LDAP; a wrong password does not.
  EXPECT_EQ(FetchToken(*server_, "u-guest", "wrong", {}), "");
  HttpResponse current =
      Do("GET", "/api/v2.0/users/current", "", {BasicAuth("u-guest", kPassword)});
  ASSERT_EQ(current.status, 200) << current.body;
  EXPECT_EQ(boost::json::parse(current.body).at("email").as_string(), "u-guest@berth.test");
  // The local admin still logs in from the database.
  EXPECT_EQ(Do("GET", "/api/v2.0/users/current").status, 200);
  // In ldap_auth, users are not created by hand.
  EXPECT_EQ(Do("POST", "/api/v2.0/users", R"({"username":"x","password":"Abcdefg123"})").status,
            403);

  HttpResponse ping = Do("POST", "/api/v2.0/ldap/ping", "");
  ASSERT_EQ(ping.status, 200);
  EXPECT_EQ(boost::json::parse(ping.body).at("success"), true);
  HttpResponse bad = Do("POST", "/api/v2.0/ldap/ping", R"({"ldap_search_password":"wrong"})");
  EXPECT_EQ(boost::json::parse(bad.body).at("success"), false) << bad.body;

  HttpResponse search = Do("GET", "/api/v2.0/ldap/users/search?username=outsider");
  ASSERT_EQ(search.status, 200);
  EXPECT_EQ(
      search.body,
      R"([{"username":"outsider","realname":"outsider person","email":"outsider@berth.test"}])");
  HttpResponse imported =
      Do("POST", "/api/v2.0/ldap/users/import", R"({"ldap_uid_list":["newcomer","nobody"]})");
  EXPECT_EQ(imported.status, 404);
  EXPECT_EQ(imported.body, R"([{"uid":"nobody","error":"not found in LDAP"}])");
  HttpResponse users = Do("GET", "/api/v2.0/users?q=username%3Dnewcomer");
  EXPECT_EQ(users.Header("x-total-count"), "1") << users.body;

  HttpResponse groups = Do("GET", "/api/v2.0/ldap/groups/search?groupname=grp-guest");
  ASSERT_EQ(groups.status, 200);
  EXPECT_EQ(groups.body, R"([{"group_name":"grp-guest","group_type":1,"ldap_group_dn":")" +
                             Slapd::GroupDn("grp-guest") + "\"}]");
  HttpResponse made =
      Do("POST", "/api/v2.0/usergroups",
         R"({"group_type":1,"ldap_group_dn":")" + Slapd::GroupDn("grp-spare") + "\"}");
  ASSERT_EQ(made.status, 201) << made.body;
  HttpResponse group = Do("GET", made.Header("location"));
  EXPECT_EQ(boost::json::parse(group.body).at("group_name"), "grp-spare") << group.body;
  EXPECT_EQ(Do("POST", "/api/v2.0/usergroups",
               R"({"group_type":1,"ldap_group_dn":"cn=missing,ou=groups,dc=berth,dc=test"})")
                .status,
            404);
  // Only system administrators reach the directory.
  EXPECT_EQ(
      Do("GET", "/api/v2.0/ldap/users/search?username=x", "", {BasicAuth("u-guest", kPassword)})
          .status,
      403);
}

TEST(LdapTlsTest, LdapsWorksAndTheCertificateIsCheckedUnlessToldNotTo) {
  Slapd ldaps({{"tls-user", kPassword}}, {}, true);
  std::vector<std::string> trusting = ldaps.BerthEnv();
  trusting.push_back("BERTH_LDAP_VERIFY_CERT=false");
  BerthServer lenient(trusting);
  HttpResponse ping = Http("POST", lenient.Url("/api/v2.0/ldap/ping"));
  EXPECT_EQ(boost::json::parse(ping.body).at("success"), true) << ping.body;
  EXPECT_FALSE(FetchToken(lenient, "tls-user", kPassword, {}).empty());

  // By default the self-signed certificate is refused, and so is every LDAP login.
  BerthServer strict(ldaps.BerthEnv());
  HttpResponse refused = Http("POST", strict.Url("/api/v2.0/ldap/ping"));
  EXPECT_EQ(boost::json::parse(refused.body).at("success"), false) << refused.body;
  EXPECT_EQ(FetchToken(strict, "tls-user", kPassword, {}), "");
}

}  // namespace
}  // namespace berth::testing
