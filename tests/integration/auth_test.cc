// The Docker token flow against the real binary: challenges, what a token grants, the OAuth2
// grants, and the attacks a registry must refuse (forged, stale, stretched or stolen tokens,
// robots and mounts reaching outside their project, password guessing).
#include <gtest/gtest.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "auth/jwt.h"
#include "core/base64.h"
#include "tests/integration/harness.h"

namespace berth::testing {
namespace {

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class AuthTest : public ::testing::Test {
 protected:
  HttpResponse Do(const std::string& method, const std::string& path, const std::string& body = {},
                  const std::vector<std::string>& headers = {}) {
    return Http(method, server_.Url(path), body, headers);
  }

  void CreateUser(const std::string& name, const std::string& password) {
    HttpResponse r =
        Do("POST", "/api/v2.0/users",
           R"({"username":")" + name + R"(","password":")" + password + R"(","email":")" + name +
               R"(@berth.test","realname":")" + name + "\"}");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  void CreateProject(const std::string& name, bool is_public = false) {
    HttpResponse r =
        Do("POST", "/api/v2.0/projects",
           R"({"project_name":")" + name + R"(","public":)" + (is_public ? "true" : "false") + "}");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  int64_t ProjectId(const std::string& name) {
    HttpResponse r = Do("GET", "/api/v2.0/projects/" + name, "", {"X-Is-Resource-Name: true"});
    EXPECT_EQ(r.status, 200) << r.body;
    return boost::json::parse(r.body).at("project_id").as_int64();
  }
  void AddMember(const std::string& project, const std::string& user, int role) {
    HttpResponse r = Do("POST", "/api/v2.0/projects/" + project + "/members",
                        R"({"role_id":)" + std::to_string(role) +
                            R"(,"member_user":{"username":")" + user + "\"}}");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  // Pushes a one-layer image as admin; returns the manifest's digest.
  std::string PushImage(const std::string& repo, const std::string& tag, const std::string& seed) {
    auto blob = [&](const std::string& bytes) {
      std::string digest = Sha256(bytes);
      EXPECT_EQ(Do("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + digest, bytes).status, 201);
      return digest;
    };
    std::string config = R"({"architecture":"amd64","os":"linux","seed":")" + seed + "\"}";
    std::string layer = "layer " + seed;
    std::string manifest =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
        blob(config) + R"(","size":)" + std::to_string(config.size()) +
        R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" +
        blob(layer) + R"(","size":)" + std::to_string(layer.size()) + "}]}";
    HttpResponse r = Do("PUT", "/v2/" + repo + "/manifests/" + tag, manifest,
                        {"Content-Type: application/vnd.oci.image.manifest.v1+json"});
    EXPECT_EQ(r.status, 201) << r.body;
    return Sha256(manifest);
  }

  // A token signed with the server's own key, for claims the token service would never issue.
  std::string SignWithServerKey(TokenClaims claims) {
    auto signer = TokenSigner::FromPem(server_.TokenKeyPem());
    EXPECT_TRUE(signer);
    return (*signer)->Sign(claims);
  }

  TokenClaims ValidClaims(const std::string& repo, std::vector<std::string> actions) {
    TokenClaims c;
    c.issuer = "harbor-token-issuer";
    c.subject = "admin";
    c.audience = "harbor-registry";
    c.issued_at = c.not_before = Now();
    c.expires_at = Now() + 600;
    c.id = "test";
    c.access = {{"repository", repo, std::move(actions)}};
    return c;
  }

  BerthServer server_{{"BERTH_LOCKOUT_BASE=10m", "BERTH_LOCKOUT_THRESHOLD=3"}};
};

TEST_F(AuthTest, ChallengesNameTheTokenServiceAndTheScope) {
  BerthServer proxied({"BERTH_EXTERNAL_URL=https://registry.example.com/"});
  HttpResponse base = Http("GET", proxied.Url("/v2/"), "", kAnonymous);
  EXPECT_EQ(base.status, 401);
  EXPECT_EQ(
      base.Header("www-authenticate"),
      R"(Bearer realm="https://registry.example.com/service/token",service="harbor-registry")");
  EXPECT_EQ(ErrorCode(base), "UNAUTHORIZED");
  ASSERT_EQ(Http("POST", proxied.Url("/api/v2.0/projects"), R"({"project_name":"team"})").status,
            201);
  HttpResponse pull = Http("GET", proxied.Url("/v2/team/app/manifests/1"), "", kAnonymous);
  EXPECT_EQ(pull.status, 401);
  EXPECT_EQ(
      pull.Header("www-authenticate"),
      R"(Bearer realm="https://registry.example.com/service/token",service="harbor-registry",scope="repository:team/app:pull")");
  // The public library needs no token to pull; what is missing there is simply unknown.
  EXPECT_EQ(Http("GET", proxied.Url("/v2/library/app/manifests/1"), "", kAnonymous).status, 404);
  HttpResponse push = Http("POST", proxied.Url("/v2/library/app/blobs/uploads/"), "", kAnonymous);
  EXPECT_EQ(push.status, 401);
  EXPECT_NE(push.Header("www-authenticate").find(R"(scope="repository:library/app:pull,push")"),
            std::string::npos);
  HttpResponse catalog = Http("GET", proxied.Url("/v2/_catalog"), "", kAnonymous);
  EXPECT_NE(catalog.Header("www-authenticate").find(R"(scope="registry:catalog:*")"),
            std::string::npos);
  // Any valid token opens the base endpoint, even an anonymous one that grants nothing.
  std::string anonymous = FetchToken(proxied, "", "", {});
  ASSERT_FALSE(anonymous.empty());
  EXPECT_EQ(Http("GET", proxied.Url("/v2/"), "", {Bearer(anonymous)}).status, 200);
}

TEST_F(AuthTest, ATokenHoldsWhatWasAskedAndIsAllowedNothingMore) {
  CreateUser("dev", "Developer1");
  CreateProject("team");
  AddMember("team", "dev", 2);
  const std::string token =
      FetchToken(server_, "dev", "Developer1",
                 {"repository:team/app:pull,push,delete", "repository:secret/app:pull",
                  "registry:catalog:*", "repository:library/app:pull,push"});
  ASSERT_FALSE(token.empty());
  boost::json::object claims = boost::json::parse(JwtClaims(token)).as_object();
  EXPECT_EQ(claims.at("iss").as_string(), "harbor-token-issuer");
  EXPECT_EQ(claims.at("sub").as_string(), "dev");
  EXPECT_EQ(claims.at("aud").as_string(), "harbor-registry");
  EXPECT_EQ(claims.at("exp").as_int64() - claims.at("iat").as_int64(), 1800);
  EXPECT_EQ(claims.at("nbf").as_int64(), claims.at("iat").as_int64());
  EXPECT_FALSE(claims.at("jti").as_string().empty());
  // Developers push but do not delete; other projects and the catalog are not theirs; the
  // public library lets them pull.
  boost::json::array expected = {
      boost::json::object{
          {"type", "repository"}, {"name", "team/app"}, {"actions", {"pull", "push"}}},
      boost::json::object{{"type", "repository"}, {"name", "library/app"}, {"actions", {"pull"}}}};
  EXPECT_EQ(claims.at("access"), expected) << JwtClaims(token);
  std::string header = *Base64UrlDecode(token.substr(0, token.find('.')));
  EXPECT_NE(header.find(R"("alg":"ES256")"), std::string::npos) << header;
  EXPECT_NE(header.find(R"("kid":")"), std::string::npos) << header;

  const std::string admin = FetchToken(server_, "admin", kAdminPassword, {"registry:catalog:*"});
  EXPECT_EQ(GrantedActions(admin, "registry", "catalog"), "*");
  EXPECT_EQ(Do("GET", "/v2/_catalog", "", {Bearer(admin)}).status, 200);
  EXPECT_EQ(Do("GET", "/v2/_catalog", "", {Bearer(token)}).status, 401);

  const std::string anonymous = FetchToken(server_, "", "", {"repository:library/app:pull,push"});
  EXPECT_EQ(GrantedActions(anonymous, "repository", "library/app"), "pull");
  EXPECT_EQ(Do("GET", "/service/token?service=harbor-registry&scope=repository:team/app:pull", "",
               {BasicAuth("dev", "wrong-Password1")})
                .status,
            401);
}

TEST_F(AuthTest, OAuthPasswordAndRefreshGrants) {
  HttpResponse issued =
      Do("POST", "/service/token",
         "grant_type=password&username=admin&password=" + std::string(kAdminPassword) +
             "&service=harbor-registry&client_id=podman&access_type=offline"
             "&scope=repository%3Alibrary%2Fapp%3Apull+registry%3Acatalog%3A*",
         {"Authorization:", "Content-Type: application/x-www-form-urlencoded"});
  ASSERT_EQ(issued.status, 200) << issued.body;
  boost::json::object body = boost::json::parse(issued.body).as_object();
  const std::string access = std::string(body.at("access_token").as_string());
  const std::string refresh = std::string(body.at("refresh_token").as_string());
  EXPECT_EQ(body.at("scope").as_string(), "repository:library/app:pull registry:catalog:*");
  EXPECT_EQ(GrantedActions(access, "repository", "library/app"), "pull");

  HttpResponse renewed = Do("POST", "/service/token",
                            "grant_type=refresh_token&refresh_token=" + refresh +
                                "&service=harbor-registry&scope=registry%3Acatalog%3A*",
                            {"Authorization:"});
  ASSERT_EQ(renewed.status, 200) << renewed.body;
  const std::string again =
      std::string(boost::json::parse(renewed.body).at("access_token").as_string());
  EXPECT_EQ(Do("GET", "/v2/_catalog", "", {Bearer(again)}).status, 200);
  // A refresh token is not an access token, and a wrong password gets nothing.
  EXPECT_EQ(Do("GET", "/v2/_catalog", "", {Bearer(refresh)}).status, 401);
  EXPECT_EQ(Do("POST", "/service/token",
               "grant_type=password&username=admin&password=nope&service=harbor-registry",
               {"Authorization:"})
                .status,
            401);
  EXPECT_EQ(
      Do("POST", "/service/token", "grant_type=client_credentials&service=harbor-registry",
         {"Authorization:"})
          .status,
      400);

  // A password changed after the refresh token was issued retires it.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_EQ(Do("PUT", "/api/v2.0/users/1/password",
               R"({"old_password":")" + std::string(kAdminPassword) +
                   R"(","new_password":"Changed123"})")
                .status,
            200);
  EXPECT_EQ(Do("POST", "/service/token",
               "grant_type=refresh_token&refresh_token=" + refresh + "&service=harbor-registry",
               {"Authorization:"})
                .status,
            401);
}

TEST_F(AuthTest, ForgedAndStretchedTokensAreRefused) {
  const std::string digest = PushImage("library/app", "1", "forge");
  const std::string path = "/v2/library/app/manifests/" + digest;
  const std::string good =
      FetchToken(server_, "admin", kAdminPassword, {"repository:library/app:pull"});
  ASSERT_EQ(Do("GET", path, "", {Bearer(good)}).status, 200);
  const size_t dot1 = good.find('.');
  const size_t dot2 = good.find('.', dot1 + 1);
  const std::string payload = good.substr(dot1 + 1, dot2 - dot1 - 1);

  auto refused = [&](const std::string& token, const char* what) {
    HttpResponse r = Do("GET", "/v2/library/private/manifests/" + digest, "", {Bearer(token)});
    EXPECT_EQ(r.status, 401) << what;
    HttpResponse own = Do("GET", path, "", {Bearer(token)});
    // The public repository is readable anonymously, but not with a forged token.
    EXPECT_EQ(own.status, 401) << what;
  };
  refused(Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." + payload + ".", "alg none");

  // HS256 keyed with the public key, the classic confusion attack.
  const std::string key_pem = server_.TokenKeyPem();
  BIO* key_bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  BIO_free(key_bio);
  ASSERT_NE(key, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char* pem = nullptr;
  long pem_len = BIO_get_mem_data(bio, &pem);
  const std::string hs_input = Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})") + "." + payload;
  unsigned char mac[32];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), pem, static_cast<int>(pem_len),
       reinterpret_cast<const unsigned char*>(hs_input.data()), hs_input.size(), mac, &mac_len);
  BIO_free(bio);
  EVP_PKEY_free(key);
  refused(hs_input + "." + Base64UrlEncode(std::string(reinterpret_cast<char*>(mac), mac_len)),
          "HS256 with the public key");

  std::string bad_signature = good;
  bad_signature[dot2 + 5] = bad_signature[dot2 + 5] == 'A' ? 'B' : 'A';
  refused(bad_signature, "bad signature");

  TokenClaims expired = ValidClaims("library/app", {"pull"});
  expired.issued_at = expired.not_before = Now() - 3600;
  expired.expires_at = Now() - 600;
  refused(SignWithServerKey(expired), "expired");
  TokenClaims early = ValidClaims("library/app", {"pull"});
  early.not_before = Now() + 600;
  refused(SignWithServerKey(early), "not yet valid");
  TokenClaims audience = ValidClaims("library/app", {"pull"});
  audience.audience = "another-registry";
  refused(SignWithServerKey(audience), "wrong audience");
  TokenClaims issuer = ValidClaims("library/app", {"pull"});
  issuer.issuer = "someone-else";
  refused(SignWithServerKey(issuer), "wrong issuer");

  // The access claim widened after signing: the signature no longer matches.
  std::string claims = JwtClaims(good);
  const size_t at = claims.find("library/app");
  ASSERT_NE(at, std::string::npos);
  claims.replace(at, 11, "library/pri");
  refused(good.substr(0, dot1 + 1) + Base64UrlEncode(claims) + good.substr(dot2),
          "tampered access");

  // A valid token for one repository opens no other, and says why.
  const std::string other = "/v2/library/private/manifests/" + digest;
  HttpResponse stretched = Do("GET", other, "", {Bearer(good)});
  EXPECT_EQ(stretched.status, 401);
  EXPECT_NE(stretched.Header("www-authenticate").find(R"(error="insufficient_scope")"),
            std::string::npos);
  // Nor does it let the holder push where it may pull.
  EXPECT_EQ(Do("POST", "/v2/library/app/blobs/uploads/", "", {Bearer(good)}).status, 401);
}

TEST_F(AuthTest, ATokenFromBeforeItsProjectWasCreatedGrantsNothingInIt) {
  CreateProject("phoenix");
  const std::string stale =
      FetchToken(server_, "admin", kAdminPassword, {"repository:phoenix/app:push"});
  ASSERT_EQ(GrantedActions(stale, "repository", "phoenix/app"), "push");
  EXPECT_EQ(Do("POST", "/v2/phoenix/app/blobs/uploads/", "", {Bearer(stale)}).status, 202);
  // Token times are whole seconds: the new project must be born in a later one.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_EQ(Do("DELETE", "/api/v2.0/projects/phoenix", "", {"X-Is-Resource-Name: true"}).status,
            200);
  CreateProject("phoenix");
  HttpResponse r = Do("POST", "/v2/phoenix/app/blobs/uploads/", "", {Bearer(stale)});
  EXPECT_EQ(r.status, 401) << r.body;
  const std::string fresh =
      FetchToken(server_, "admin", kAdminPassword, {"repository:phoenix/app:push"});
  EXPECT_EQ(Do("POST", "/v2/phoenix/app/blobs/uploads/", "", {Bearer(fresh)}).status, 202);
  // And a project that does not exist grants nothing, not even to the admin.
  EXPECT_EQ(
      GrantedActions(FetchToken(server_, "admin", kAdminPassword, {"repository:nowhere/app:pull"}),
                     "repository", "nowhere/app"),
      "");
  HttpResponse missing = Do("POST", "/v2/nowhere/app/blobs/uploads/");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(ErrorCode(missing), "NAME_UNKNOWN");
}

TEST_F(AuthTest, RobotsStayInsideTheirProject) {
  CreateProject("inside");
  CreateProject("outside");
  PushImage("outside/app", "1", "outside");
  HttpResponse created = Do("POST", "/api/v2.0/robots", R"({
    "name":"ci","level":"project","duration":-1,
    "permissions":[{"kind":"project","namespace":"inside","access":[
      {"resource":"repository","action":"pull"},{"resource":"repository","action":"push"}]}]})");
  ASSERT_EQ(created.status, 201) << created.body;
  boost::json::object robot = boost::json::parse(created.body).as_object();
  const std::string name(robot.at("name").as_string());
  const std::string secret(robot.at("secret").as_string());
  EXPECT_EQ(name, "robot$inside+ci");
  const std::string token =
      FetchToken(server_, name, secret,
                 {"repository:inside/app:pull,push", "repository:outside/app:pull",
                  "repository:library/app:push"});
  EXPECT_EQ(GrantedActions(token, "repository", "inside/app"), "pull,push");
  EXPECT_EQ(GrantedActions(token, "repository", "outside/app"), "");
  EXPECT_EQ(GrantedActions(token, "repository", "library/app"), "");
  EXPECT_EQ(Do("POST", "/v2/inside/app/blobs/uploads/", "", {Bearer(token)}).status, 202);
  EXPECT_EQ(Do("GET", "/v2/outside/app/manifests/1", "", {Bearer(token)}).status, 401);
  // With Basic credentials straight on the registry: known, but not allowed.
  HttpResponse basic = Do("GET", "/v2/outside/app/manifests/1", "", {BasicAuth(name, secret)});
  EXPECT_EQ(basic.status, 403);
  EXPECT_EQ(ErrorCode(basic), "DENIED");
  EXPECT_EQ(Do("GET", "/v2/inside/app/tags/list", "", {BasicAuth(name, secret)}).status, 404);
  // Robots manage no robots, and a disabled robot logs in no more.
  EXPECT_EQ(Do("GET", "/api/v2.0/robots?q=ProjectID=2", "", {BasicAuth(name, secret)}).status, 403);
  const std::string id = std::to_string(robot.at("id").as_int64());
  ASSERT_EQ(Do("PUT", "/api/v2.0/robots/" + id, R"({"disable":true})").status, 200);
  EXPECT_EQ(FetchToken(server_, name, secret, {}), "");
}

TEST_F(AuthTest, AMountFromAnUnreadableRepositoryFallsBackToAnUpload) {
  CreateUser("dev", "Developer1");
  CreateProject("mine");
  CreateProject("theirs");
  AddMember("mine", "dev", 2);
  const std::string secret_layer = "a layer only theirs may read";
  const std::string digest = Sha256(secret_layer);
  ASSERT_EQ(Do("POST", "/v2/theirs/app/blobs/uploads/?digest=" + digest, secret_layer).status, 201);
  const std::string dev = BasicAuth("dev", "Developer1");
  HttpResponse mount =
      Do("POST", "/v2/mine/app/blobs/uploads/?mount=" + digest + "&from=theirs/app", "", {dev});
  EXPECT_EQ(mount.status, 202) << mount.body;
  EXPECT_EQ(mount.Header("docker-content-digest"), "");
  EXPECT_EQ(Do("HEAD", "/v2/mine/app/blobs/" + digest, "", {dev}).status, 404);
  // Where the caller may read the source, the same mount links the blob.
  CreateProject("shared");
  AddMember("shared", "dev", 3);
  ASSERT_EQ(Do("POST", "/v2/shared/app/blobs/uploads/?digest=" + digest, secret_layer).status, 201);
  EXPECT_EQ(
      Do("POST", "/v2/mine/app/blobs/uploads/?mount=" + digest + "&from=shared/app", "", {dev})
          .status,
      201);
}

TEST_F(AuthTest, RepeatedBadPasswordsFreezeTheAccount) {
  CreateUser("guesser", "Right12345");
  auto login = [&](const std::string& user, const std::string& password) {
    return Do("GET", "/service/token?service=harbor-registry", "", {BasicAuth(user, password)});
  };
  ASSERT_EQ(login("guesser", "Right12345").status, 200);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(login("guesser", "Wrong12345").status, 401);
  // Frozen: even the right password is refused, in the same words as a wrong one or a
  // name that does not exist.
  HttpResponse frozen = login("guesser", "Right12345");
  EXPECT_EQ(frozen.status, 401);
  HttpResponse wrong = login("guesser", "Wrong12345");
  HttpResponse nobody = login("nobody-at-all", "Wrong12345");
  EXPECT_EQ(frozen.body, wrong.body);
  EXPECT_EQ(frozen.body, nobody.body);
  // The freeze is in the database: a restart does not lift it. (How freezes end and grow is
  // the authenticator's unit test, on a clock it moves by hand.)
  server_.Restart();
  EXPECT_EQ(login("guesser", "Right12345").status, 401);
  EXPECT_EQ(FetchToken(server_, "admin", kAdminPassword, {}).empty(), false)
      << "another account is not affected";
}

// Regressions for what an attacker's probing of the API found (first-contact issue).
TEST_F(AuthTest, PagesFarOutOfRangeAreRefusedNotWrapped) {
  for (const std::string list : {"/api/v2.0/projects", "/api/v2.0/audit-logs", "/api/v2.0/users",
                                  "/api/v2.0/projects/library/repositories"}) {
    for (const std::string query :
         {"page=1152921504606846976&page_size=16", "page=92233720368547759&page_size=100",
          "page=1&page_size=18446744073709551617", "page=99999999999999999999"}) {
      HttpResponse r = Do("GET", list + "?" + query, "", kAnonymous);
      EXPECT_TRUE(r.status == 400 || r.status == 401) << list << "?" << query << ": " << r.status;
      r = Do("GET", list + "?" + query);
      EXPECT_EQ(r.status, 400) << list << "?" << query << ": " << r.body;
    }
  }
  EXPECT_EQ(Do("GET", "/api/v2.0/ping").status, 200) << "the server is still up";
}

TEST_F(AuthTest, ACopyChecksTheProjectItReads) {
  // A private project named like the public library's id.
  CreateProject("1");
  PushImage("1/secret", "v1", "secret");
  CreateUser("thief", "Thief12345");
  const std::string thief = BasicAuth("thief", "Thief12345");
  ASSERT_EQ(Do("POST", "/api/v2.0/projects", R"({"project_name":"mine"})", {thief}).status, 201);
  HttpResponse copy =
      Do("POST", "/api/v2.0/projects/mine/repositories/x/artifacts?from=1/secret:v1", "", {thief});
  EXPECT_EQ(copy.status, 403) << copy.body;
  EXPECT_EQ(ErrorCode(Do("GET", "/v2/mine/x/tags/list")), "NAME_UNKNOWN");
  // The library, read by its name, copies as any public project does.
  PushImage("library/open", "v1", "open");
  EXPECT_EQ(Do("POST", "/api/v2.0/projects/mine/repositories/x/artifacts?from=library/open:v1", "",
               {thief})
                .status,
            201);
}

TEST_F(AuthTest, OnlyAnAdministratorChoosesAProjectsQuota) {
  ASSERT_EQ(Do("PUT", "/api/v2.0/configurations", R"({"storage_per_project":1048576})").status,
            200);
  CreateUser("dev", "Developer1");
  auto hard_limit = [&](const std::string& project) {
    HttpResponse q = Do("GET", "/api/v2.0/quotas?reference=project&reference_id=" +
                                   std::to_string(ProjectId(project)));
    return boost::json::parse(q.body).at(0).at("hard").at("storage").as_int64();
  };
  for (const char* limit : {"-1", "5", "0"}) {
    const std::string name = std::string("dev") + (limit[0] == '-' ? "m1" : limit);
    ASSERT_EQ(Do("POST", "/api/v2.0/projects",
                 R"({"project_name":")" + name + R"(","storage_limit":)" + limit + "}",
                 {BasicAuth("dev", "Developer1")})
                  .status,
              201);
    EXPECT_EQ(hard_limit(name), 1048576) << limit;
  }
  CreateProject("plain");
  ASSERT_EQ(Do("POST", "/api/v2.0/projects", R"({"project_name":"big","storage_limit":-1})").status,
            201);
  EXPECT_EQ(hard_limit("big"), -1);
  EXPECT_EQ(hard_limit("plain"), 1048576);
}

TEST_F(AuthTest, IdsAreNeverGivenTwiceAndADeletedProjectTakesItsThingsAlong) {
  CreateProject("old");
  const int64_t old_id = ProjectId("old");
  HttpResponse label =
      Do("POST", "/api/v2.0/labels",
         R"({"name":"mine","scope":"p","project_id":)" + std::to_string(old_id) + "}");
  ASSERT_EQ(label.status, 201) << label.body;
  // A repository emptied of its last artifact is not counted, and does not outlive the project.
  const std::string digest = PushImage("old/app", "1", "old");
  ASSERT_EQ(Do("DELETE", "/v2/old/app/manifests/" + digest).status, 202);
  HttpResponse old = Do("GET", "/api/v2.0/projects/old", "", {"X-Is-Resource-Name: true"});
  EXPECT_EQ(boost::json::parse(old.body).at("repo_count").as_int64(), 0) << old.body;
  ASSERT_EQ(Do("DELETE", "/api/v2.0/projects/old", "", {"X-Is-Resource-Name: true"}).status, 200);
  server_.Restart();
  CreateUser("heir", "Heir123456");
  const std::string heir = BasicAuth("heir", "Heir123456");
  ASSERT_EQ(Do("POST", "/api/v2.0/projects", R"({"project_name":"old"})", {heir}).status, 201);
  const int64_t new_id = ProjectId("old");
  EXPECT_GT(new_id, old_id);
  EXPECT_EQ(Do("GET", "/api/v2.0/labels?scope=p&project_id=" + std::to_string(new_id), "", {heir})
                .body,
            "[]");
  HttpResponse logs = Do("GET", "/api/v2.0/projects/old/logs", "", {heir});
  EXPECT_EQ(logs.body.find("old/app"), std::string::npos) << logs.body;
  EXPECT_EQ(Do("HEAD", "/v2/old/app/blobs/" + Sha256("layer old"), "", {heir}).status, 404);
  // Users too.
  CreateUser("gone", "Gone123456");
  HttpResponse users = Do("GET", "/api/v2.0/users?q=username%3Dgone");
  const int64_t gone = boost::json::parse(users.body).at(0).at("user_id").as_int64();
  ASSERT_EQ(Do("DELETE", "/api/v2.0/users/" + std::to_string(gone)).status, 200);
  CreateUser("next", "Next123456");
  users = Do("GET", "/api/v2.0/users?q=username%3Dnext");
  EXPECT_GT(boost::json::parse(users.body).at(0).at("user_id").as_int64(), gone);
}

TEST_F(AuthTest, NumbersOutOfRangeAreRefusedNotNarrowed) {
  CreateUser("dev", "Developer1");
  CreateProject("team");
  HttpResponse member = Do("POST", "/api/v2.0/projects/team/members",
                           R"({"role_id":4294967297,"member_user":{"username":"dev"}})");
  EXPECT_EQ(member.status, 400) << member.body;
  EXPECT_NE(member.body.find("limitedGuest"), std::string::npos) << member.body;
  EXPECT_EQ(Do("GET", "/api/v2.0/projects/team/members?entityname=dev").body, "[]");
  for (const char* duration : {"4611686018427387904", "2147483647", "-2"}) {
    HttpResponse robot = Do("POST", "/api/v2.0/robots",
                            R"({"name":"ci","level":"project","duration":)" +
                                std::string(duration) +
                                R"(,"permissions":[{"kind":"project","namespace":"team",
                                "access":[{"resource":"repository","action":"pull"}]}]})");
    EXPECT_EQ(robot.status, 400) << duration << ": " << robot.body;
  }
  EXPECT_EQ(Do("GET", "/service/token?service=other-registry", "", {}).status, 400);
  EXPECT_EQ(Do("GET", "/service/token", "", kAnonymous).status, 400);
}

TEST_F(AuthTest, AMissingProjectLooksLikeAPrivateOne) {
  CreateProject("private");
  PushImage("private/app", "1", "private");
  CreateUser("outsider", "Outsider12");
  const std::string outsider = BasicAuth("outsider", "Outsider12");
  for (const std::string path : {"/api/v2.0/projects/private", "/api/v2.0/projects/missing",
                                  "/api/v2.0/projects/private/repositories",
                                  "/api/v2.0/projects/missing/repositories",
                                  "/api/v2.0/projects/private/summary",
                                  // What a repository holds, missing or not, stays unsaid too.
                                  "/api/v2.0/projects/private/repositories/app/artifacts/1",
                                  "/api/v2.0/projects/private/repositories/app/artifacts/9",
                                  "/api/v2.0/projects/private/repositories/gone/artifacts/1/tags"}) {
    HttpResponse anonymous = Do("GET", path, "", kAnonymous);
    EXPECT_EQ(anonymous.status, 401) << path;
    HttpResponse stranger = Do("GET", path, "", {outsider});
    EXPECT_EQ(stranger.status, 403) << path;
    EXPECT_EQ(stranger.body.find("not found"), std::string::npos) << stranger.body;
  }
  EXPECT_EQ(Do("HEAD", "/api/v2.0/projects?project_name=private", "", {outsider}).status, 403);
  EXPECT_EQ(Do("HEAD", "/api/v2.0/projects?project_name=missing", "", {outsider}).status, 403);
  EXPECT_EQ(Do("HEAD", "/api/v2.0/projects?project_name=missing", "", kAnonymous).status, 401);
  EXPECT_EQ(Do("HEAD", "/api/v2.0/projects?project_name=private").status, 200);
  EXPECT_EQ(Do("HEAD", "/api/v2.0/projects?project_name=missing").status, 404);
  const std::string private_id = std::to_string(ProjectId("private"));
  for (const std::string& id : {private_id, std::string("999999")}) {
    HttpResponse r =
        Do("GET", "/api/v2.0/users/current/permissions?scope=/project/" + id, "", {outsider});
    EXPECT_EQ(r.status, 200) << id;
    EXPECT_EQ(r.body, "[]") << id;
  }
}

TEST_F(AuthTest, TheRetentionIdIsNotForTheCallerToSet) {
  CreateProject("kept");
  EXPECT_EQ(Do("PUT", "/api/v2.0/projects/kept/metadatas/retention_id",
               R"({"retention_id":"7"})", {"X-Is-Resource-Name: true"})
                .status,
            400);
  EXPECT_EQ(Do("POST", "/api/v2.0/projects/kept/metadatas", R"({"retention_id":"7"})").status, 400);
  EXPECT_EQ(Do("PUT", "/api/v2.0/projects/kept", R"({"metadata":{"retention_id":"7"}})").status,
            400);
  EXPECT_EQ(Do("POST", "/api/v2.0/projects",
               R"({"project_name":"born","metadata":{"retention_id":"7"}})")
                .status,
            400);
  EXPECT_EQ(Do("GET", "/api/v2.0/projects/kept/metadatas/retention_id").status, 404);
}

TEST_F(AuthTest, ARefusalOnTheRegistrySaysWhichRoleWouldDo) {
  CreateUser("viewer", "Viewer1234");
  CreateProject("team");
  AddMember("team", "viewer", 3);
  const std::string digest = PushImage("team/app", "1", "team");
  const std::string viewer = BasicAuth("viewer", "Viewer1234");
  HttpResponse push = Do("POST", "/v2/team/app/blobs/uploads/", "", {viewer});
  EXPECT_EQ(push.status, 403);
  EXPECT_EQ(ErrorCode(push), "DENIED");
  EXPECT_NE(push.body.find("push on team/app needs the role developer or above in project team"),
            std::string::npos)
      << push.body;
  HttpResponse remove = Do("DELETE", "/v2/team/app/manifests/" + digest, "", {viewer});
  EXPECT_EQ(remove.status, 403);
  EXPECT_NE(remove.body.find("needs the role maintainer or above"), std::string::npos)
      << remove.body;
  HttpResponse catalog = Do("GET", "/v2/_catalog", "", {viewer});
  EXPECT_EQ(catalog.status, 403);
  EXPECT_NE(catalog.body.find("system administrators"), std::string::npos) << catalog.body;
}

}  // namespace
}  // namespace berth::testing
