#include "auth/token_service.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "auth/password.h"
#include "core/base64.h"
#include "core/scoped_temp_dir.h"
#include "meta/databases.h"

namespace berth {
namespace {

class TokenServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*OpenSqliteMetadata(dir_.path() / "berth.db"));
    signer_ = std::move(*TokenSigner::FromPem(*TokenSigner::NewKeyPem()));
    AuthenticatorOptions options;
    options.password_iterations = 1000;
    auth_ = std::make_unique<Authenticator>(*store_, clock_, nullptr, options);
    access_ = std::make_unique<AccessControl>(*store_);
    TokenServiceOptions token_options;
    token_options.realm = "https://r.example/service/token";
    tokens_ =
        std::make_unique<TokenService>(*signer_, *auth_, *access_, *store_, clock_, token_options);
    guard_ = std::make_unique<TokenGuard>(*tokens_, *auth_, *access_);
    admin_ = *store_->CreateUser(
        UserRecord{0, "admin", "", "", "", HashPassword("Admin123", 1000), true, "", 1, 1});
    store_->CreateProject(ProjectRecord{0, "pub", admin_, true, 1000, 1000, {}});
    store_->CreateProject(ProjectRecord{0, "priv", admin_, false, 1000, 1000, {}});
  }

  http::Request Get(std::string path, std::optional<std::string> authorization = std::nullopt) {
    http::Request r;
    r.method = "GET";
    r.path = std::move(path);
    if (authorization) r.headers.Add("Authorization", *authorization);
    return r;
  }
  std::string Token(const Principal& who, std::vector<AccessEntry> asked) {
    return tokens_->Issue(who, *tokens_->Grant(who, asked));
  }
  Principal Admin() { return *auth_->ForUser(*store_->GetUser(admin_)); }

  ScopedTempDir dir_;
  FakeClock clock_{5000};
  std::unique_ptr<SqlMetadataStore> store_;
  std::unique_ptr<TokenSigner> signer_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<AccessControl> access_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<TokenGuard> guard_;
  int64_t admin_ = 0;
};

using Verdict = RegistryGuard::Verdict;

TEST_F(TokenServiceTest, GrantsTheIntersectionMergedPerResource) {
  Principal anonymous;
  auto granted = *tokens_->Grant(anonymous, {{"repository", "pub/a", {"pull", "push"}},
                                             {"repository", "priv/a", {"pull"}},
                                             {"registry", "catalog", {"*"}},
                                             {"repository", "pub/a", {"pull"}}});
  ASSERT_EQ(granted.size(), 1u);
  EXPECT_EQ(granted[0], (AccessEntry{"repository", "pub/a", {"pull"}}));
  auto admin = *tokens_->Grant(Admin(), {{"registry", "catalog", {"*"}},
                                         {"repository", "priv/a", {"pull"}},
                                         {"repository", "priv/a", {"push"}}});
  ASSERT_EQ(admin.size(), 2u);
  EXPECT_EQ(admin[1], (AccessEntry{"repository", "priv/a", {"pull", "push"}}));
}

TEST_F(TokenServiceTest, TheGetEndpointAnswersWithTokenAndTimes) {
  http::Request req = Get("/service/token", "Basic " + Base64Encode("admin:Admin123"));
  req.query = {{"service", "harbor-registry"}, {"scope", "repository:priv/a:pull"}};
  http::Dispatch d = tokens_->Handle(req);
  ASSERT_TRUE(d.response);
  EXPECT_EQ(d.response->status, 200) << d.response->body;
  auto body = boost::json::parse(d.response->body).as_object();
  EXPECT_EQ(body.at("token"), body.at("access_token"));
  EXPECT_EQ(body.at("expires_in"), 1800);
  EXPECT_EQ(body.at("issued_at"), "1970-01-01T01:23:20Z");
  auto claims = tokens_->Verify(body.at("token").as_string());
  ASSERT_TRUE(claims);
  EXPECT_EQ((*claims)->subject, "admin");
  req.headers = {};
  req.headers.Add("Authorization", "Basic " + Base64Encode("admin:wrong"));
  EXPECT_EQ(tokens_->Handle(req).response->status, 401);
}

TEST_F(TokenServiceTest, ATokenForAnotherServiceOrForNoneIsRefused) {
  for (const std::vector<std::pair<std::string, std::string>>& query :
       std::vector<std::vector<std::pair<std::string, std::string>>>{
           {{"service", "other-registry"}, {"scope", "repository:priv/a:pull"}},
           {{"service", ""}},
           {{"scope", "repository:priv/a:pull"}}}) {
    http::Request req = Get("/service/token", "Basic " + Base64Encode("admin:Admin123"));
    req.query = query;
    http::Dispatch d = tokens_->Handle(req);
    ASSERT_TRUE(d.response);
    EXPECT_EQ(d.response->status, 400) << d.response->body;
  }
}

TEST_F(TokenServiceTest, TheGuardDecidesOnTheEventLoopOnlyWhatNeedsNoDatabase) {
  const RegistryGuard::Ask pull_pub{"repository", "pub/a", "pull"};
  const RegistryGuard::Ask pull_priv{"repository", "priv/a", "pull"};
  // Anonymous: the project's visibility decides, once the project is in the cache.
  EXPECT_EQ(guard_->Check(Get("/v2/pub/a/manifests/1"), pull_pub, false), Verdict::kWouldBlock);
  EXPECT_EQ(guard_->Check(Get("/v2/pub/a/manifests/1"), pull_pub, true), Verdict::kAllow);
  EXPECT_EQ(guard_->Check(Get("/v2/pub/a/manifests/1"), pull_pub, false), Verdict::kAllow);
  EXPECT_EQ(guard_->Check(Get("/v2/priv/a/manifests/1"), pull_priv, true),
            Verdict::kUnauthenticated);
  EXPECT_EQ(guard_->Check(Get("/v2/"), {}, true), Verdict::kUnauthenticated);
  // Basic credentials always go to a worker (a password hash is slow by design).
  const std::string basic = "Basic " + Base64Encode("admin:Admin123");
  EXPECT_EQ(guard_->Check(Get("/v2/priv/a/manifests/1", basic), pull_priv, false),
            Verdict::kWouldBlock);
  EXPECT_EQ(guard_->Check(Get("/v2/priv/a/manifests/1", basic), pull_priv, true), Verdict::kAllow);
  EXPECT_EQ(guard_->Check(Get("/v2/x", "Basic " + Base64Encode("admin:no")), pull_priv, true),
            Verdict::kUnauthenticated);
  // Bearer: the claim decides, and the project must be older than the token.
  const std::string token = Token(Admin(), {{"repository", "priv/a", {"pull"}}});
  EXPECT_EQ(guard_->Check(Get("/v2/priv/a/manifests/1", "Bearer " + token), pull_priv, false),
            Verdict::kAllow);
  EXPECT_EQ(guard_->Check(Get("/v2/priv/a/manifests/1", "Bearer " + token),
                          {"repository", "priv/a", "push"}, true),
            Verdict::kInsufficientScope);
  EXPECT_EQ(guard_->Check(Get("/v2/", "Bearer " + token), {}, false), Verdict::kAllow);
  EXPECT_EQ(guard_->Check(Get("/v2/", "Bearer x.y.z"), {}, false), Verdict::kUnauthenticated);
  auto project = *store_->FindProject("priv");
  ASSERT_TRUE(store_->DeleteProject(project.id));
  project.created_at = clock_.Now() + 1;
  store_->CreateProject(project);
  access_->ProjectsChanged();
  EXPECT_EQ(guard_->Check(Get("/v2/priv/a/manifests/1", "Bearer " + token), pull_priv, true),
            Verdict::kInsufficientScope);
  EXPECT_EQ(
      guard_->Challenge({"repository", "priv/a", "push"}, true),
      R"(Bearer realm="https://r.example/service/token",service="harbor-registry",scope="repository:priv/a:pull,push",error="insufficient_scope")");
}

}  // namespace
}  // namespace berth
