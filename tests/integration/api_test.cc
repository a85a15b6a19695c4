// Harbor's API v2.0 for users, sessions, projects, metadata, members, robots and user groups,
// against the real binary: each endpoint, its errors in Harbor's {"errors":[...]} form, and
// pagination (page, page_size, X-Total-Count, Link).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/integration/harbor_client.h"

namespace berth::testing {
namespace {

using boost::json::parse;

class ApiTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const std::string& v : api_.Violations()) ADD_FAILURE() << "swagger: " << v;
  }

  HttpResponse Do(const std::string& method, const std::string& path, const std::string& body = {},
                  const std::vector<std::string>& headers = {}) {
    return api_.Do(method, path, body, headers);
  }
  // Requests that break the swagger on purpose go around the validating proxy.
  HttpResponse DoInvalid(const std::string& method, const std::string& path,
                         const std::string& body = {}, const std::vector<std::string>& headers = {}) {
    return api_.DoInvalid(method, path, body, headers);
  }

  // The id at the end of a 201's Location.
  std::string Created(const HttpResponse& r) {
    EXPECT_EQ(r.status, 201) << r.body;
    const std::string location = r.Header("location");
    EXPECT_TRUE(location.starts_with("/api/v2.0/")) << location;
    return location.substr(location.rfind('/') + 1);
  }

  std::string CreateUser(const std::string& name, const std::string& password = "Passw0rd1") {
    return Created(Do("POST", "/users",
                      R"({"username":")" + name + R"(","password":")" + password +
                          R"(","email":")" + name + R"(@berth.test","realname":")" + name + "\"}"));
  }
  std::string As(const std::string& name, const std::string& password = "Passw0rd1") {
    return BasicAuth(name, password);
  }

  BerthServer server_;
  HarborClient api_{server_};
};

// Checks the status and that the body is Harbor's error form with that code.
void ExpectError(const HttpResponse& r, long status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  boost::system::error_code ec;
  boost::json::value v = parse(r.body, ec);
  ASSERT_FALSE(ec) << r.body;
  const auto& errors = v.at("errors").as_array();
  ASSERT_EQ(errors.size(), 1u) << r.body;
  EXPECT_EQ(errors[0].at("code").as_string(), code) << r.body;
  EXPECT_FALSE(errors[0].at("message").as_string().empty()) << r.body;
}

TEST_F(ApiTest, UsersAreCreatedListedReadUpdatedAndDeleted) {
  const std::string alice = CreateUser("alice");
  ExpectError(Do("POST", "/users", R"({"username":"alice","password":"Passw0rd1"})"), 409,
              "CONFLICT");
  ExpectError(Do("POST", "/users", R"({"username":"weak","password":"password"})"), 400,
              "BAD_REQUEST");
  ExpectError(Do("POST", "/users", R"({"username":"a#b","password":"Passw0rd1"})"), 400,
              "BAD_REQUEST");
  ExpectError(Do("POST", "/users", R"({"username":"e","password":"Passw0rd1","email":"no-at"})"),
              400, "BAD_REQUEST");
  ExpectError(DoInvalid("POST", "/users", R"({"username":)"), 400, "BAD_REQUEST");
  ExpectError(DoInvalid("POST", "/users", R"({"username":7,"password":"Passw0rd1"})"), 400,
              "BAD_REQUEST");
  ExpectError(Do("POST", "/users", R"({"username":"anon","password":"Passw0rd1"})", kAnonymous),
              401, "UNAUTHORIZED");
  ExpectError(Do("POST", "/users", R"({"username":"x","password":"Passw0rd1"})", {As("alice")}),
              403, "FORBIDDEN");
  ExpectError(Do("GET", "/users", "", {BasicAuth("alice", "wrong")}), 401, "UNAUTHORIZED");

  CreateUser("bob");
  CreateUser("carol");
  // Ids are never given twice, and not always one after another (PostgreSQL's sequences skip
  // the id of an insert that failed): read it.
  const std::string dave = CreateUser("dave");
  HttpResponse page = Do("GET", "/users?page=2&page_size=2");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.Header("x-total-count"), "5");
  auto users = parse(page.body).as_array();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].at("username"), "bob");
  EXPECT_EQ(users[0].at("email"), "bob@berth.test");
  EXPECT_EQ(users[0].at("sysadmin_flag"), false);
  EXPECT_FALSE(users[0].as_object().contains("password"));
  EXPECT_EQ(page.Header("link"),
            "</api/v2.0/users?page=1&page_size=2>; rel=\"prev\" , "
            "</api/v2.0/users?page=3&page_size=2>; rel=\"next\"");
  HttpResponse fuzzy = Do("GET", "/users?q=username%3D~ar");
  EXPECT_EQ(fuzzy.Header("x-total-count"), "1");
  EXPECT_EQ(parse(fuzzy.body).at(0).at("username"), "carol");
  ExpectError(DoInvalid("GET", "/users?q=username%3D%5Ba"), 400, "BAD_REQUEST");
  ExpectError(DoInvalid("GET", "/users?page_size=101"), 400, "BAD_REQUEST");
  ExpectError(DoInvalid("GET", "/users?page=0"), 400, "BAD_REQUEST");
  ExpectError(Do("GET", "/users", "", {As("alice")}), 403, "FORBIDDEN");

  // One's own record, not another's; an admin reads all.
  EXPECT_EQ(Do("GET", "/users/" + alice, "", {As("alice")}).status, 200);
  ExpectError(Do("GET", "/users/1", "", {As("alice")}), 403, "FORBIDDEN");
  ExpectError(Do("GET", "/users/999"), 404, "NOT_FOUND");
  ExpectError(DoInvalid("GET", "/users/abc"), 400, "BAD_REQUEST");
  HttpResponse current = Do("GET", "/users/current", "", {As("alice")});
  ASSERT_EQ(current.status, 200);
  EXPECT_EQ(parse(current.body).at("user_id").as_int64(), std::stoll(alice));
  ExpectError(Do("GET", "/users/current", "", kAnonymous), 401, "UNAUTHORIZED");
  HttpResponse search = Do("GET", "/users/search?username=da", "", {As("alice")});
  EXPECT_EQ(search.body, R"([{"user_id":)" + dave + R"(,"username":"dave"}])");
  ExpectError(DoInvalid("GET", "/users/search", "", {As("alice")}), 400, "BAD_REQUEST");

  ASSERT_EQ(Do("PUT", "/users/" + alice, R"({"realname":"Alice L.","comment":"hi"})", {As("alice")})
                .status,
            200);
  EXPECT_EQ(parse(Do("GET", "/users/" + alice).body).at("realname"), "Alice L.");
  ExpectError(Do("PUT", "/users/" + alice, R"({"email":"bob@berth.test"})"), 409, "CONFLICT");

  // Password: one's own needs the old one; an admin resets without it.
  ExpectError(Do("PUT", "/users/" + alice + "/password",
                 R"({"old_password":"nope","new_password":"Newpass123"})", {As("alice")}),
              403, "FORBIDDEN");
  ExpectError(Do("PUT", "/users/" + alice + "/password",
                 R"({"old_password":"Passw0rd1","new_password":"short"})", {As("alice")}),
              400, "BAD_REQUEST");
  ASSERT_EQ(Do("PUT", "/users/" + alice + "/password",
               R"({"old_password":"Passw0rd1","new_password":"Newpass123"})", {As("alice")})
                .status,
            200);
  ExpectError(Do("GET", "/users/current", "", {As("alice")}), 401, "UNAUTHORIZED");
  EXPECT_EQ(Do("GET", "/users/current", "", {As("alice", "Newpass123")}).status, 200);
  ASSERT_EQ(Do("PUT", "/users/" + alice + "/password", R"({"new_password":"Reset12345"})").status,
            200);
  EXPECT_EQ(Do("GET", "/users/current", "", {As("alice", "Reset12345")}).status, 200);

  // Sysadmin flag.
  ExpectError(Do("PUT", "/users/" + alice + "/sysadmin", R"({"sysadmin_flag":true})",
                 {As("alice", "Reset12345")}),
              403, "FORBIDDEN");
  ASSERT_EQ(Do("PUT", "/users/" + alice + "/sysadmin", R"({"sysadmin_flag":true})").status, 200);
  EXPECT_EQ(Do("GET", "/users", "", {As("alice", "Reset12345")}).status, 200);
  ExpectError(Do("PUT", "/users/1/sysadmin", R"({"sysadmin_flag":false})"), 403, "FORBIDDEN");

  ExpectError(Do("DELETE", "/users/1"), 403, "FORBIDDEN");
  ASSERT_EQ(Do("DELETE", "/users/" + alice).status, 200);
  ExpectError(Do("GET", "/users/" + alice), 404, "NOT_FOUND");
  ExpectError(Do("GET", "/users/current", "", {As("alice", "Reset12345")}), 401, "UNAUTHORIZED");
  ExpectError(DoInvalid("GET", "/nothing/here"), 404, "NOT_FOUND");
  ExpectError(DoInvalid("PATCH", "/users"), 405, "UNSUPPORTED");
}

TEST_F(ApiTest, PortalSessionsNeedTheCsrfTokenToChangeAnything) {
  CreateUser("erin");
  HttpResponse bad =
      Http("POST", server_.Url("/c/login"), "principal=erin&password=wrong", kAnonymous);
  ExpectError(bad, 401, "UNAUTHORIZED");
  HttpResponse login = Http("POST", server_.Url("/c/login"), "principal=erin&password=Passw0rd1",
                            {"Authorization:", "Content-Type: application/x-www-form-urlencoded"});
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string set_cookie = login.Header("set-cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  const std::string cookie = "Cookie: " + set_cookie.substr(0, set_cookie.find(';'));
  const std::string csrf = login.Header("x-harbor-csrf-token");
  ASSERT_FALSE(csrf.empty());

  HttpResponse me = Do("GET", "/users/current", "", {"Authorization:", cookie});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(parse(me.body).at("username"), "erin");
  ExpectError(
      Do("POST", "/projects", R"({"project_name":"viaportal"})", {"Authorization:", cookie}), 403,
      "FORBIDDEN");
  ExpectError(Do("POST", "/projects", R"({"project_name":"viaportal"})",
                 {"Authorization:", cookie, "X-Harbor-CSRF-Token: forged"}),
              403, "FORBIDDEN");
  EXPECT_EQ(Do("POST", "/projects", R"({"project_name":"viaportal"})",
               {"Authorization:", cookie, "X-Harbor-CSRF-Token: " + csrf})
                .status,
            201);
  // Sessions live in the database: a restart keeps them.
  server_.Restart();
  EXPECT_EQ(Do("GET", "/users/current", "", {"Authorization:", cookie}).status, 200);
  EXPECT_EQ(Http("GET", server_.Url("/c/log_out"), "", {"Authorization:", cookie}).status, 200);
  ExpectError(Do("GET", "/users/current", "", {"Authorization:", cookie}), 401, "UNAUTHORIZED");
  ExpectError(Do("GET", "/users/current", "", {"Authorization:", "Cookie: sid=made-up"}), 401,
              "UNAUTHORIZED");
  ExpectError(Http("GET", server_.Url("/c/elsewhere")), 404, "NOT_FOUND");
}

TEST_F(ApiTest, ProjectsAreCreatedFoundListedUpdatedAndDeleted) {
  CreateUser("frank");
  CreateUser("grace");
  const std::string secret =
      Created(Do("POST", "/projects", R"({"project_name":"secret"})", {As("frank")}));
  Created(Do("POST", "/projects", R"({"project_name":"open","metadata":{"public":"true"}})",
             {As("frank")}));
  Created(Do("POST", "/projects", R"({"project_name":"admins-only"})"));
  ExpectError(Do("POST", "/projects", R"({"project_name":"secret"})"), 409, "CONFLICT");
  ExpectError(Do("POST", "/projects", R"({"project_name":"Bad Name"})"), 400, "BAD_REQUEST");
  ExpectError(Do("POST", "/projects", R"({"project_name":"x","metadata":{"public":"maybe"}})"), 400,
              "BAD_REQUEST");
  ExpectError(Do("POST", "/projects", R"({"project_name":"x","metadata":{"color":"red"}})"), 400,
              "BAD_REQUEST");
  ExpectError(Do("POST", "/projects", R"({"project_name":"anon"})", kAnonymous), 401,
              "UNAUTHORIZED");
  EXPECT_EQ(Do("HEAD", "/projects?project_name=secret").status, 200);
  EXPECT_EQ(Do("HEAD", "/projects?project_name=none").status, 404);
  EXPECT_EQ(Do("HEAD", "/projects?project_name=secret", "", kAnonymous).status, 401);

  auto names = [&](const HttpResponse& r) {
    std::string out;
    const boost::json::value list = parse(r.body);
    for (const auto& p : list.as_array()) out += std::string(p.at("name").as_string()) + " ";
    return out;
  };
  EXPECT_EQ(names(Do("GET", "/projects", "", kAnonymous)), "library open ");
  EXPECT_EQ(names(Do("GET", "/projects", "", {As("frank")})), "library secret open ");
  EXPECT_EQ(names(Do("GET", "/projects", "", {As("grace")})), "library open ");
  HttpResponse all = Do("GET", "/projects?sort=-name&page_size=2");
  EXPECT_EQ(names(all), "secret open ");
  EXPECT_EQ(all.Header("x-total-count"), "4");
  EXPECT_EQ(all.Header("link"), "</api/v2.0/projects?page=2&page_size=2&sort=-name>; rel=\"next\"");
  EXPECT_EQ(names(Do("GET", "/projects?name=en")), "open ");
  EXPECT_EQ(names(Do("GET", "/projects?public=false")), "secret admins-only ");
  EXPECT_EQ(names(Do("GET", "/projects?owner=frank")), "secret open ");
  EXPECT_EQ(names(Do("GET", "/projects?q=name%3D%7Bsecret%20library%7D")), "library secret ");
  ExpectError(Do("GET", "/projects?q=color%3Dred"), 400, "BAD_REQUEST");

  HttpResponse one = Do("GET", "/projects/" + secret, "", {As("frank")});
  ASSERT_EQ(one.status, 200);
  boost::json::value p = parse(one.body);
  EXPECT_EQ(p.at("name"), "secret");
  EXPECT_EQ(p.at("owner_name"), "frank");
  EXPECT_EQ(p.at("current_user_role_id"), 1);
  EXPECT_EQ(p.at("metadata").at("public"), "false");
  EXPECT_EQ(p.at("repo_count"), 0);
  EXPECT_EQ(Do("GET", "/projects/secret", "", {As("frank"), "X-Is-Resource-Name: true"}).status,
            200);
  EXPECT_EQ(Do("GET", "/projects/secret", "", {As("frank")}).status, 200);
  ExpectError(Do("GET", "/projects/" + secret, "", {As("grace")}), 403, "FORBIDDEN");
  ExpectError(Do("GET", "/projects/" + secret, "", kAnonymous), 401, "UNAUTHORIZED");
  ExpectError(Do("GET", "/projects/nowhere"), 404, "NOT_FOUND");

  ExpectError(Do("PUT", "/projects/" + secret, R"({"public":true})", {As("grace")}), 403,
              "FORBIDDEN");
  ASSERT_EQ(Do("PUT", "/projects/" + secret, R"({"public":true})", {As("frank")}).status, 200);
  EXPECT_EQ(Do("GET", "/projects/" + secret, "", kAnonymous).status, 200);
  ExpectError(DoInvalid("PUT", "/projects/" + secret, R"({"public":"yes"})"), 400, "BAD_REQUEST");

  // Metadata.
  ASSERT_EQ(
      Do("POST", "/projects/" + secret + "/metadatas/", R"({"auto_scan":"true"})", {As("frank")})
          .status,
      200);
  EXPECT_EQ(Do("GET", "/projects/" + secret + "/metadatas/auto_scan").body,
            R"({"auto_scan":"true"})");
  ASSERT_EQ(
      Do("PUT", "/projects/" + secret + "/metadatas/auto_scan", R"({"auto_scan":"false"})").status,
      200);
  EXPECT_EQ(parse(Do("GET", "/projects/" + secret + "/metadatas/").body).at("auto_scan"), "false");
  ASSERT_EQ(Do("DELETE", "/projects/" + secret + "/metadatas/auto_scan").status, 200);
  ExpectError(Do("GET", "/projects/" + secret + "/metadatas/auto_scan"), 404, "NOT_FOUND");
  ExpectError(Do("DELETE", "/projects/" + secret + "/metadatas/public"), 400, "BAD_REQUEST");

  // A project that holds a repository with an artifact is not deleted.
  const std::string config = R"({"architecture":"amd64","os":"linux"})";
  ASSERT_EQ(
      Http("POST", server_.Url("/v2/secret/app/blobs/uploads/?digest=" + Sha256(config)), config)
          .status,
      201);
  ASSERT_EQ(Http("PUT", server_.Url("/v2/secret/app/manifests/1"),
                 R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                 R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
                     Sha256(config) + R"(","size":)" + std::to_string(config.size()) +
                     R"(},"layers":[]})",
                 {"Content-Type: application/vnd.oci.image.manifest.v1+json"})
                .status,
            201);
  HttpResponse summary = Do("GET", "/projects/" + secret + "/summary", "", {As("frank")});
  EXPECT_EQ(parse(summary.body).at("repo_count"), 1) << summary.body;
  EXPECT_EQ(parse(summary.body).at("project_admin_count"), 1) << summary.body;
  const boost::json::value quota = parse(summary.body).at("quota");
  EXPECT_EQ(quota.at("hard").at("storage"), -1) << summary.body;
  EXPECT_GT(quota.at("used").at("storage").as_int64(), 0) << summary.body;
  // Never pulled: Go's zero time, as Harbor shows it.
  HttpResponse artifact = Do("GET", "/projects/secret/repositories/app/artifacts/1");
  EXPECT_EQ(parse(artifact.body).at("pull_time"), "0001-01-01T00:00:00Z") << artifact.body;
  EXPECT_EQ(parse(Do("GET", "/projects/" + secret + "/_deletable").body).at("deletable"), false);
  ExpectError(Do("DELETE", "/projects/" + secret, "", {As("frank")}), 412, "PRECONDITION");
  ExpectError(Do("DELETE", "/projects/open", "", {As("grace")}), 403, "FORBIDDEN");
  EXPECT_EQ(Do("DELETE", "/projects/open", "", {As("frank")}).status, 200);
  ExpectError(Do("GET", "/projects/open"), 404, "NOT_FOUND");
}

TEST_F(ApiTest, MembersAreAddedReadChangedAndRemoved) {
  const std::string henry = CreateUser("henry");
  CreateUser("ivy");
  const std::string p = Created(Do("POST", "/projects", R"({"project_name":"crew"})"));
  const std::string base = "/projects/" + p + "/members";
  const std::string by_name =
      Created(Do("POST", base, R"({"role_id":2,"member_user":{"username":"henry"}})"));
  ExpectError(Do("POST", base, R"({"role_id":2,"member_user":{"user_id":)" + henry + "}}"), 409,
              "CONFLICT");
  ExpectError(Do("POST", base, R"({"role_id":9,"member_user":{"username":"ivy"}})"), 400,
              "BAD_REQUEST");
  ExpectError(Do("POST", base, R"({"role_id":2,"member_user":{"username":"nobody"}})"), 400,
              "BAD_REQUEST");
  ExpectError(Do("POST", base, R"({"role_id":2})"), 400, "BAD_REQUEST");
  // A developer reads members but does not manage them.
  ExpectError(Do("POST", base, R"({"role_id":3,"member_user":{"username":"ivy"}})", {As("henry")}),
              403, "FORBIDDEN");
  HttpResponse list = Do("GET", base, "", {As("henry")});
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.Header("x-total-count"), "2");
  auto members = parse(list.body).as_array();
  EXPECT_EQ(members[0].at("entity_name"), "admin");
  EXPECT_EQ(members[0].at("role_name"), "projectAdmin");
  EXPECT_EQ(members[1].at("entity_name"), "henry");
  EXPECT_EQ(members[1].at("role_id"), 2);
  EXPECT_EQ(members[1].at("entity_type"), "u");
  EXPECT_EQ(Do("GET", base + "?entityname=hen").Header("x-total-count"), "1");
  ExpectError(Do("GET", base, "", {As("ivy")}), 403, "FORBIDDEN");

  EXPECT_EQ(parse(Do("GET", base + "/" + by_name).body).at("role_name"), "developer");
  ASSERT_EQ(Do("PUT", base + "/" + by_name, R"({"role_id":1})").status, 200);
  EXPECT_EQ(parse(Do("GET", base + "/" + by_name).body).at("role_name"), "projectAdmin");
  ExpectError(Do("PUT", base + "/" + by_name, R"({"role_id":3})", {As("henry")}), 403, "FORBIDDEN");
  ExpectError(Do("PUT", base + "/999", R"({"role_id":3})"), 404, "NOT_FOUND");
  // henry, now projectAdmin, manages the others.
  const std::string ivy =
      Created(Do("POST", base, R"({"role_id":3,"member_user":{"username":"ivy"}})", {As("henry")}));
  EXPECT_EQ(Do("DELETE", base + "/" + ivy, "", {As("henry")}).status, 200);
  ExpectError(Do("GET", base + "/" + ivy), 404, "NOT_FOUND");

  // Groups are members too.
  const std::string group =
      Created(Do("POST", "/usergroups", R"({"group_name":"ops","group_type":2})"));
  const std::string gm =
      Created(Do("POST", base, R"({"role_id":4,"member_group":{"id":)" + group + "}}"));
  EXPECT_EQ(parse(Do("GET", base + "/" + gm).body).at("entity_type"), "g");
}

TEST_F(ApiTest, RobotsAreCreatedListedRefreshedDisabledAndDeleted) {
  CreateUser("jack");
  const std::string p = Created(Do("POST", "/projects", R"({"project_name":"bots"})"));
  Do("POST", "/projects/" + p + "/members", R"({"role_id":1,"member_user":{"username":"jack"}})");
  const std::string perms =
      R"("permissions":[{"kind":"project","namespace":"bots","access":[{"resource":"repository","action":"pull"}]}])";
  HttpResponse made =
      Do("POST", "/robots", R"({"name":"ci","level":"project","duration":30,)" + perms + "}",
         {As("jack")});
  ASSERT_EQ(made.status, 201) << made.body;
  boost::json::value robot = parse(made.body);
  const std::string id = std::to_string(robot.at("id").as_int64());
  const std::string secret(robot.at("secret").as_string());
  EXPECT_EQ(robot.at("name"), "robot$bots+ci");
  EXPECT_GT(robot.at("expires_at").as_int64(), 0);
  EXPECT_EQ(made.Header("location"), "/api/v2.0/robots/" + id);
  ExpectError(
      Do("POST", "/robots", R"({"name":"ci","level":"project","duration":30,)" + perms + "}"), 409,
      "CONFLICT");
  ExpectError(Do("POST", "/robots", R"({"name":"Bad!","level":"project",)" + perms + "}"), 400,
              "BAD_REQUEST");
  ExpectError(Do("POST", "/robots", R"({"name":"np","level":"project","permissions":[]})"), 400,
              "BAD_REQUEST");
  ExpectError(
      Do("POST", "/robots",
         R"({"name":"x","level":"project","permissions":[{"kind":"project","namespace":"bots","access":[{"resource":"spaceship","action":"fly"}]}]})"),
      400, "BAD_REQUEST");
  ExpectError(
      Do("POST", "/robots",
         R"({"name":"x","level":"project","permissions":[{"kind":"project","namespace":"ghost","access":[{"resource":"repository","action":"pull"}]}]})"),
      404, "NOT_FOUND");
  ExpectError(
      Do("POST", "/robots",
         R"({"name":"sys","level":"system","permissions":[{"kind":"project","namespace":"*","access":[{"resource":"repository","action":"pull"}]}]})",
         {As("jack")}),
      403, "FORBIDDEN");
  const std::string sys = Created(Do(
      "POST", "/robots",
      R"({"name":"sys","level":"system","duration":-1,"permissions":[{"kind":"system","namespace":"/","access":[{"resource":"catalog","action":"read"}]},{"kind":"project","namespace":"*","access":[{"resource":"repository","action":"pull"}]}]})"));

  HttpResponse list = Do("GET", "/robots?q=Level%3Dproject%2CProjectID%3D" + p, "", {As("jack")});
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.Header("x-total-count"), "1");
  EXPECT_FALSE(parse(list.body).at(0).as_object().contains("secret"));
  // As Harbor: no Level lists system robots only, and names match without the robot$ prefix
  // (a project robot's is project+name), also when the client encoded q twice.
  HttpResponse system = Do("GET", "/robots");
  EXPECT_EQ(system.Header("x-total-count"), "1");
  EXPECT_EQ(parse(system.body).at(0).at("name"), "robot$sys");
  EXPECT_EQ(Do("GET", "/robots?q=Level%3Dsystem%2Cname%3Dsys").Header("x-total-count"), "1");
  EXPECT_EQ(Do("GET", "/robots?q=Level%3Dproject%2CProjectID%3D" + p + "%2Cname%3Dbots%252Bci")
                .Header("x-total-count"),
            "1");
  EXPECT_EQ(Do("GET", "/robots?q=Level%3Dproject%2CProjectID%3D" + p + "%2Cname%3D%257Eci")
                .Header("x-total-count"),
            "1");
  ExpectError(Do("GET", "/robots?q=Level%3Dproject"), 400, "BAD_REQUEST");
  ExpectError(Do("GET", "/robots", "", {As("jack")}), 403, "FORBIDDEN");
  ExpectError(Do("GET", "/robots?q=ProjectID%3D" + p, "", {As("jack")}), 403, "FORBIDDEN");
  ExpectError(Do("GET", "/robots?q=Color%3Dred"), 400, "BAD_REQUEST");
  ExpectError(Do("GET", "/robots/" + sys, "", {As("jack")}), 403, "FORBIDDEN");
  EXPECT_EQ(parse(Do("GET", "/robots/" + id, "", {As("jack")}).body)
                .at("permissions")
                .at(0)
                .at("namespace"),
            "bots");

  // The system robot reads the catalog.
  const std::string sys_secret =
      parse(Do("PATCH", "/robots/" + sys, "{}").body).at("secret").as_string().c_str();
  EXPECT_EQ(
      Http("GET", server_.Url("/v2/_catalog"), "", {BasicAuth("robot$sys", sys_secret)}).status,
      200);

  // Refreshing the secret retires the old one.
  const std::string robot_name = "robot$bots+ci";
  EXPECT_EQ(Http("GET", server_.Url("/v2/bots/app/tags/list"), "", {BasicAuth(robot_name, secret)})
                .status,
            404);
  ExpectError(Do("PATCH", "/robots/" + id, R"({"secret":"weak"})", {As("jack")}), 400,
              "BAD_REQUEST");
  ASSERT_EQ(Do("PATCH", "/robots/" + id, R"({"secret":"Chosen12345"})", {As("jack")}).status, 200);
  EXPECT_EQ(Http("GET", server_.Url("/v2/bots/app/tags/list"), "", {BasicAuth(robot_name, secret)})
                .status,
            401);
  EXPECT_EQ(
      Http("GET", server_.Url("/v2/bots/app/tags/list"), "", {BasicAuth(robot_name, "Chosen12345")})
          .status,
      404);

  ASSERT_EQ(
      Do("PUT", "/robots/" + id, R"({"description":"builds","disable":true})", {As("jack")}).status,
      200);
  boost::json::value updated = parse(Do("GET", "/robots/" + id).body);
  EXPECT_EQ(updated.at("description"), "builds");
  EXPECT_EQ(updated.at("disable"), true);
  EXPECT_EQ(
      Http("GET", server_.Url("/v2/bots/app/tags/list"), "", {BasicAuth(robot_name, "Chosen12345")})
          .status,
      401);
  ExpectError(Do("PUT", "/robots/" + id, R"({"level":"system"})"), 400, "BAD_REQUEST");
  ExpectError(Do("PUT", "/robots/" + id, R"({"name":"robot$other"})"), 400, "BAD_REQUEST");
  EXPECT_EQ(Do("DELETE", "/robots/" + id, "", {As("jack")}).status, 200);
  ExpectError(Do("GET", "/robots/" + id), 404, "NOT_FOUND");
  // Deleting a project takes its robots with it.
  Created(Do("POST", "/robots", R"({"name":"gone","level":"project",)" + perms + "}"));
  ASSERT_EQ(Do("DELETE", "/projects/" + p).status, 200);
  EXPECT_EQ(Do("GET", "/robots").Header("x-total-count"), "1");
}

TEST_F(ApiTest, RepositoriesAreListedDescribedAndDeleted) {
  CreateUser("lena");
  const std::string p = Created(Do("POST", "/projects", R"({"project_name":"shelf"})"));
  Do("POST", "/projects/" + p + "/members", R"({"role_id":2,"member_user":{"username":"lena"}})");
  auto push = [&](const std::string& repo, const std::string& tag) {
    const std::string config = R"({"repo":")" + repo + tag + "\"}";
    ASSERT_EQ(Http("POST", server_.Url("/v2/" + repo + "/blobs/uploads/?digest=" + Sha256(config)),
                   config)
                  .status,
              201);
    const std::string manifest =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
        Sha256(config) + R"(","size":)" + std::to_string(config.size()) + R"(},"layers":[]})";
    ASSERT_EQ(Http("PUT", server_.Url("/v2/" + repo + "/manifests/" + tag), manifest,
                   {"Content-Type: application/vnd.oci.image.manifest.v1+json"})
                  .status,
              201);
  };
  push("shelf/app", "1");
  push("shelf/app", "2");
  push("shelf/web/ui", "1");
  push("library/open", "1");

  HttpResponse list = Do("GET", "/projects/shelf/repositories?sort=-name", "", {As("lena")});
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.Header("x-total-count"), "2");
  boost::json::value repos = parse(list.body);
  EXPECT_EQ(repos.at(0).at("name"), "shelf/web/ui");
  EXPECT_EQ(repos.at(1).at("name"), "shelf/app");
  EXPECT_EQ(repos.at(1).at("artifact_count"), 2);
  EXPECT_EQ(repos.at(1).at("project_id").as_int64(), std::stoll(p));
  EXPECT_EQ(Do("GET", "/projects/shelf/repositories?q=name%3D~web").Header("x-total-count"), "1");
  ExpectError(Do("GET", "/projects/shelf/repositories?sort=color"), 400, "BAD_REQUEST");
  ExpectError(Do("GET", "/projects/shelf/repositories", "", kAnonymous), 401, "UNAUTHORIZED");
  // Across projects, each caller sees what they may: anonymous callers the public library.
  EXPECT_EQ(Do("GET", "/repositories").Header("x-total-count"), "3");
  EXPECT_EQ(Do("GET", "/repositories", "", {As("lena")}).Header("x-total-count"), "3");
  EXPECT_EQ(Do("GET", "/repositories", "", kAnonymous).body.find("shelf"), std::string::npos);

  // Names with slashes come double-encoded from Harbor's clients, or as plain segments.
  HttpResponse one = Do("GET", "/projects/shelf/repositories/web%252Fui");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(parse(one.body).at("name"), "shelf/web/ui");
  // Encoded once, the name arrives in segments (not a path of the swagger, but what curl sends).
  EXPECT_EQ(DoInvalid("GET", "/projects/shelf/repositories/web/ui").status, 200);
  ExpectError(Do("GET", "/projects/shelf/repositories/none"), 404, "NOT_FOUND");
  ASSERT_EQ(
      Do("PUT", "/projects/shelf/repositories/app", R"({"description":"the app"})", {As("lena")})
          .status,
      200);
  EXPECT_EQ(parse(Do("GET", "/projects/shelf/repositories/app").body).at("description"), "the app");

  // A developer does not delete repositories; a project admin does, and its manifests go.
  ExpectError(Do("DELETE", "/projects/shelf/repositories/app", "", {As("lena")}), 403, "FORBIDDEN");
  EXPECT_EQ(Http("GET", server_.Url("/v2/shelf/app/manifests/1")).status, 200);
  EXPECT_EQ(Do("DELETE", "/projects/shelf/repositories/app").status, 200);
  EXPECT_EQ(Http("GET", server_.Url("/v2/shelf/app/manifests/1")).status, 404);
  ExpectError(Do("DELETE", "/projects/shelf/repositories/app"), 404, "NOT_FOUND");
  ExpectError(Do("DELETE", "/projects/" + p), 412, "PRECONDITION");
  EXPECT_EQ(Do("DELETE", "/projects/shelf/repositories/web%252Fui").status, 200);
  EXPECT_EQ(Do("DELETE", "/projects/" + p).status, 200);
}

TEST_F(ApiTest, PingHealthAndSystemInfo) {
  HttpResponse ping = Do("GET", "/ping", "", kAnonymous);
  EXPECT_EQ(ping.status, 200);
  EXPECT_EQ(ping.body, "Pong");
  HttpResponse health = Do("GET", "/health", "", kAnonymous);
  ASSERT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(
      health.body,
      R"({"status":"healthy","components":[{"name":"core","status":"healthy"},)"
            R"({"name":"database","status":"healthy"},{"name":"storage","status":"healthy"}]})");
  // Anonymous callers see what a login page needs; a logged-in one the rest.
  boost::json::value open = parse(Do("GET", "/systeminfo", "", kAnonymous).body);
  EXPECT_EQ(open.at("auth_mode"), "db_auth");
  EXPECT_FALSE(open.as_object().contains("external_url"));
  boost::json::value full = parse(Do("GET", "/systeminfo").body);
  EXPECT_EQ(full.at("external_url").as_string(), "http://" + server_.HostPort());
  EXPECT_EQ(full.at("registry_url").as_string(), server_.HostPort());
  EXPECT_EQ(full.at("read_only"), false);
  ExpectError(DoInvalid("POST", "/ping"), 405, "UNSUPPORTED");
}

TEST_F(ApiTest, UserGroupsAndPermissions) {
  const std::string g = Created(Do("POST", "/usergroups", R"({"group_name":"qa","group_type":2})"));
  ExpectError(Do("POST", "/usergroups", R"({"group_name":"qa","group_type":2})"), 409, "CONFLICT");
  ExpectError(Do("POST", "/usergroups", R"({"group_type":2})"), 400, "BAD_REQUEST");
  ExpectError(Do("POST", "/usergroups", R"({"group_name":"x","group_type":7})"), 400,
              "BAD_REQUEST");
  // LDAP groups need ldap_auth.
  ExpectError(Do("POST", "/usergroups", R"({"group_type":1,"ldap_group_dn":"cn=x,dc=y"})"), 400,
              "BAD_REQUEST");
  EXPECT_EQ(Do("GET", "/usergroups").Header("x-total-count"), "1");
  ASSERT_EQ(Do("PUT", "/usergroups/" + g, R"({"group_name":"quality"})").status, 200);
  EXPECT_EQ(parse(Do("GET", "/usergroups/" + g).body).at("group_name"), "quality");
  CreateUser("kate");
  EXPECT_EQ(Do("GET", "/usergroups/search?groupname=qual", "", {As("kate")}).body,
            R"([{"id":1,"group_name":"quality","group_type":2}])");
  ExpectError(Do("GET", "/usergroups", "", {As("kate")}), 403, "FORBIDDEN");
  EXPECT_EQ(Do("DELETE", "/usergroups/" + g).status, 200);
  ExpectError(Do("GET", "/usergroups/" + g), 404, "NOT_FOUND");
  // The LDAP endpoints answer only in ldap_auth.
  ExpectError(Do("GET", "/ldap/users/search?username=x"), 400, "BAD_REQUEST");

  // What kate may do in the public library: read and pull, nothing more.
  HttpResponse perms =
      Do("GET", "/users/current/permissions?scope=/project/1&relative=true", "", {As("kate")});
  ASSERT_EQ(perms.status, 200);
  boost::json::value granted = parse(perms.body);
  bool pull = false, push = false;
  for (const auto& p : granted.as_array()) {
    pull = pull || (p.at("resource") == "repository" && p.at("action") == "pull");
    push = push || (p.at("resource") == "repository" && p.at("action") == "push");
  }
  EXPECT_TRUE(pull) << perms.body;
  EXPECT_FALSE(push) << perms.body;
}

}  // namespace
}  // namespace berth::testing
