#include "portal/portal.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

const PortalAsset kTestAssets[] = {
    {"/index.html", "text/html; charset=utf-8", "<!doctype html><title>Berth</title>", "",
     "\"index-etag\""},
    {"/assets/index-abc123.js", "text/javascript; charset=utf-8", "console.log('portal')",
     std::string_view("\x1f\x8b gz", 5), "\"js-etag\""},
};

http::Request Get(std::string path, std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::Request req;
  req.method = "GET";
  req.path = std::move(path);
  for (auto& [name, value] : headers) req.headers.Add(name, value);
  return req;
}

class PortalHandlerTest : public ::testing::Test {
 protected:
  http::Response Serve(const http::Request& req) {
    auto fast = portal_.TryFast(req);
    EXPECT_TRUE(fast.has_value()) << "the portal answers from memory, on the event loop";
    return fast ? *fast : http::Response{};
  }
  Portal portal_{kTestAssets};
};

TEST_F(PortalHandlerTest, TheRootIsTheIndexRevalidatedEachTime) {
  http::Response res = Serve(Get("/"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "<!doctype html><title>Berth</title>");
  EXPECT_EQ(res.headers.Get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(res.headers.Get("Cache-Control"), "no-cache");
  EXPECT_EQ(res.headers.Get("ETag"), "\"index-etag\"");
  auto csp = res.headers.Get("Content-Security-Policy");
  ASSERT_TRUE(csp);
  EXPECT_NE(csp->find("script-src 'self'"), std::string_view::npos);
  EXPECT_NE(csp->find("frame-ancestors 'none'"), std::string_view::npos);
  EXPECT_EQ(res.headers.Get("X-Content-Type-Options"), "nosniff");
}

TEST_F(PortalHandlerTest, AnApplicationRouteIsTheIndex) {
  for (const char* path : {"/harbor/projects", "/harbor/projects/1/repositories/a%2Fb", "/login"}) {
    http::Response res = Serve(Get(path));
    EXPECT_EQ(res.status, 200) << path;
    EXPECT_EQ(res.body, "<!doctype html><title>Berth</title>") << path;
  }
}

TEST_F(PortalHandlerTest, AMissingFileIsNotFoundRatherThanThePage) {
  for (const char* path : {"/assets/index-old999.js", "/favicon.ico", "/assets/"}) {
    http::Response res = Serve(Get(path));
    EXPECT_EQ(res.status, 404) << path;
    EXPECT_TRUE(res.headers.Get("Content-Security-Policy")) << path;
  }
}

TEST_F(PortalHandlerTest, HashedAssetsAreCachedForAYearAndSentCompressedWhenAccepted) {
  http::Response plain = Serve(Get("/assets/index-abc123.js"));
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body, "console.log('portal')");
  EXPECT_EQ(plain.headers.Get("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(plain.headers.Get("Vary"), "Accept-Encoding");
  EXPECT_FALSE(plain.headers.Get("Content-Encoding"));

  http::Response gzip = Serve(Get("/assets/index-abc123.js", {{"Accept-Encoding", "br, gzip"}}));
  EXPECT_EQ(gzip.headers.Get("Content-Encoding"), "gzip");
  EXPECT_EQ(gzip.body, std::string("\x1f\x8b gz", 5));

  for (const char* refusal : {"gzip;q=0", "gzip; q=0.000, br", "identity"}) {
    http::Response res = Serve(Get("/assets/index-abc123.js", {{"Accept-Encoding", refusal}}));
    EXPECT_FALSE(res.headers.Get("Content-Encoding")) << refusal;
    EXPECT_EQ(res.body, "console.log('portal')") << refusal;
  }
  http::Response weighted =
      Serve(Get("/assets/index-abc123.js", {{"Accept-Encoding", "gzip;q=0.5"}}));
  EXPECT_EQ(weighted.headers.Get("Content-Encoding"), "gzip");
}

TEST_F(PortalHandlerTest, AMatchingEtagIsNotModified) {
  http::Response res = Serve(Get("/", {{"If-None-Match", "\"index-etag\""}}));
  EXPECT_EQ(res.status, 304);
  EXPECT_TRUE(res.body.empty());
  EXPECT_EQ(Serve(Get("/", {{"If-None-Match", "\"stale\""}})).status, 200);
}

TEST_F(PortalHandlerTest, HeadDescribesTheBodyAndOtherMethodsAreNoEndpoint) {
  http::Request head = Get("/");
  head.method = "HEAD";
  http::Response res = Serve(head);
  EXPECT_EQ(res.status, 200);
  EXPECT_TRUE(res.head_only);

  http::Request post = Get("/harbor/projects");
  post.method = "POST";
  http::Response refused = Serve(post);
  EXPECT_EQ(refused.status, 404);
  EXPECT_NE(refused.body.find("NOT_FOUND"), std::string::npos);

  http::Response api = Serve(Get("/api/v2.1/projects"));
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.headers.Get("Content-Type"), "application/json");
}

TEST(PortalWithoutABuild, AnswersNotFound) {
  Portal portal{std::span<const PortalAsset>()};
  EXPECT_EQ(portal.TryFast(Get("/"))->status, 404);
}

}  // namespace
}  // namespace berth
