// The portal in a real browser: web/e2e/portal.e2e.mjs drives Debian's Chromium with
// playwright-core against a berth of its own, pushing the fixture corpus with skopeo on the way.
#include <gtest/gtest.h>

#include "tests/integration/harness.h"
#include "tests/support/engines.h"

namespace berth::testing {
namespace {

class PortalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(RunCommand("test -s " + CorpusDir() + "/corpus.tsv"), 0)
        << "no image corpus in " << CorpusDir() << ": run `make corpus` (make test does)";
    ASSERT_EQ(RunCommand("test -x /usr/bin/chromium"), 0)
        << "no Chromium: scripts/setup installs Debian's chromium";
  }

  BerthServer server_;
};

TEST_F(PortalTest, IsServedFromTheBinaryWithItsPolicyCachingAndRoutes) {
  HttpResponse index = Http("GET", server_.Url("/"), "", kAnonymous);
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.Header("cache-control"), "no-cache");
  EXPECT_NE(index.Header("content-security-policy").find("script-src 'self'"), std::string::npos);
  EXPECT_NE(index.body.find("<div id=\"root\">"), std::string::npos);

  // A route of the application is the same page; the API's and the registry's paths are not.
  EXPECT_EQ(Http("GET", server_.Url("/projects/library/repositories"), "", kAnonymous).body,
            index.body);
  HttpResponse api = Http("GET", server_.Url("/api/v2.1/projects"), "", kAnonymous);
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.Header("content-type"), "application/json");
  EXPECT_EQ(Http("GET", server_.Url("/v2/"), "", kAnonymous).status, 401);
  EXPECT_EQ(Http("POST", server_.Url("/projects"), "{}", kAnonymous).status, 404);
  EXPECT_EQ(Http("GET", server_.Url("/assets/../index.html.bak"), "", kAnonymous).status, 404);

  const size_t at = index.body.find("/assets/");
  ASSERT_NE(at, std::string::npos);
  const std::string script = index.body.substr(at, index.body.find('"', at) - at);
  HttpResponse js =
      Http("GET", server_.Url(script), "", {"Authorization:", "Accept-Encoding: gzip"});
  EXPECT_EQ(js.status, 200) << script;
  EXPECT_EQ(js.Header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(js.Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.Header("content-encoding"), "gzip");
  HttpResponse revalidated = Http("GET", server_.Url("/"), "",
                                  {"Authorization:", "If-None-Match: " + index.Header("etag")});
  EXPECT_EQ(revalidated.status, 304);
}

TEST_F(PortalTest, AdministratorDeveloperAndKeyboardScenariosPassWithoutConsoleErrors) {
  const std::string engine = OnS3() ? "postgres-s3" : OnPostgres() ? "postgres" : "sqlite";
  const std::string shots = std::string(BERTH_SCREENSHOTS_DIR) + "/" + engine;
  std::string out;
  const int rc = RunCommand(
      "cd " + ShellQuote(SourceDir() + "/web") + " && BERTH_URL=" + ShellQuote(server_.Url("")) +
          " BERTH_ADMIN_PASSWORD=" + ShellQuote(kAdminPassword) +
          " BERTH_CORPUS=" + ShellQuote(CorpusDir()) + " BERTH_SCREENSHOTS=" + ShellQuote(shots) +
          " node e2e/portal.e2e.mjs",
      &out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("4 of 4 scenarios passed, 0 console errors"), std::string::npos) << out;
  std::cout << out;
}

}  // namespace
}  // namespace berth::testing
