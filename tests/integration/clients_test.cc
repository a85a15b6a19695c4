// Real clients against the real binary: the fixture corpus round trip (skopeo, podman),
// multi-arch pulls, cross-repository copies, tag listing and deletion.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "tests/integration/harness.h"

namespace berth::testing {
namespace {

class ClientsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_EQ(RunCommand("test -s " + CorpusDir() + "/corpus.tsv"), 0)
        << "no image corpus in " << CorpusDir() << ": run `make corpus` (make test does)";
  }

  std::string Docker(const std::string& repo_and_tag) {
    return "docker://" + server_.HostPort() + "/" + repo_and_tag;
  }
  std::string Skopeo() { return "skopeo --insecure-policy "; }
  // Options for skopeo's inspect, list-tags and delete, as admin.
  std::string Creds() { return std::string("--creds admin:") + kAdminPassword + " "; }
  std::string Podman() {
    return "podman --root " + storage_ + "/root --runroot " + storage_ +
           "/run --storage-driver vfs ";
  }
  void TearDown() override { RunCommand("rm -rf " + storage_); }

  // Pushes one corpus entry (e.g. "busybox:multi") as verify-roundtrip would.
  void PushFromCorpus(const std::string& name, const std::string& source, const std::string& dest) {
    std::string out;
    int rc =
        RunCommand(Skopeo() + "copy --all --preserve-digests --dest-tls-verify=false " +
                       "--dest-creds admin:" + kAdminPassword + " " + source + " " + Docker(dest),
                   &out);
    ASSERT_EQ(rc, 0) << out;
  }

  BerthServer server_;
  const std::string storage_ = "/tmp/berth-it-podman-" + std::to_string(::getpid());
};

TEST_F(ClientsTest, EveryCorpusImageRoundTrips) {
  std::string out;
  int rc = RunCommand("cd /tmp && CORPUS=" + CorpusDir() +
                          " REPO_PREFIX=library/ CHECK_REFERRERS=require PODMAN=1 " + SharedDir() +
                          "/fixtures/verify-roundtrip " + server_.HostPort() + " admin " +
                          kAdminPassword,
                      &out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find(" 0 failed"), std::string::npos) << out;
  EXPECT_EQ(out.find("FAIL "), std::string::npos) << out;
}

TEST_F(ClientsTest, PodmanPullsEachPlatformOfAMultiArchIndex) {
  PushFromCorpus("busybox:multi", "oci:" + CorpusDir() + "/oci/busybox:multi",
                 "library/multi/busybox:multi");
  // library is public: pulls need no login.
  for (const std::string arch : {"amd64", "arm64"}) {
    std::string out;
    int rc = RunCommand(Podman() + "pull --tls-verify=false --platform linux/" + arch + " " +
                            server_.HostPort() + "/library/multi/busybox:multi",
                        &out);
    ASSERT_EQ(rc, 0) << out;
    std::string image_id = out.substr(out.find_last_not_of("\n\r ") - 63, 64);
    ASSERT_EQ(RunCommand(Podman() + "image inspect --format '{{.Architecture}}' " + image_id, &out),
              0)
        << out;
    EXPECT_NE(out.find(arch), std::string::npos) << out;
  }
}

TEST_F(ClientsTest, PodmanLogsInThenPushesAndPullsAPrivateProject) {
  ASSERT_EQ(Http("POST", server_.Url("/api/v2.0/projects"),
                 R"({"project_name":"team","metadata":{"public":"false"}})")
                .status,
            201);
  const std::string auth = " --authfile " + storage_ + "/auth.json ";
  const std::string image = server_.HostPort() + "/team/app:1";
  std::string out;
  ASSERT_EQ(RunCommand(Podman() + "pull oci:" + CorpusDir() + "/oci/busybox:amd64", &out), 0)
      << out;
  std::string local_id = out.substr(out.find_last_not_of("\n\r ") - 63, 64);
  // Without a login the private project is closed both ways.
  EXPECT_NE(RunCommand(Podman() + "push --tls-verify=false " + local_id + " " + image, &out), 0);
  EXPECT_NE(out.find("denied"), std::string::npos) << out;

  ASSERT_EQ(RunCommand(Podman() + "login" + auth + "--tls-verify=false -u admin -p " +
                           kAdminPassword + " " + server_.HostPort(),
                       &out),
            0)
      << out;
  ASSERT_EQ(
      RunCommand(Podman() + "push" + auth + "--tls-verify=false " + local_id + " " + image, &out),
      0)
      << out;
  ASSERT_EQ(RunCommand(Podman() + "rmi -f " + local_id, &out), 0) << out;
  ASSERT_EQ(RunCommand(Podman() + "pull" + auth + "--tls-verify=false " + image, &out), 0) << out;
  EXPECT_EQ(RunCommand(Podman() + "logout" + auth + server_.HostPort(), &out), 0) << out;
  EXPECT_NE(RunCommand(Podman() + "pull" + auth + "--tls-verify=false " + image, &out), 0);
  // Through the token flow: a token, then the registry; never Basic on /v2/ itself.
  EXPECT_NE(server_.Log().find("path=/service/token"), std::string::npos);
}

TEST_F(ClientsTest, AnonymousPullsOnlyFromPublicProjects) {
  ASSERT_EQ(Http("POST", server_.Url("/api/v2.0/projects"), R"({"project_name":"closed"})").status,
            201);
  PushFromCorpus("busybox:amd64", "oci:" + CorpusDir() + "/oci/busybox:amd64", "library/open:1");
  PushFromCorpus("busybox:amd64", "oci:" + CorpusDir() + "/oci/busybox:amd64", "closed/img:1");
  std::string out;
  EXPECT_EQ(RunCommand(Skopeo() + "inspect --raw --no-creds --tls-verify=false " +
                           Docker("library/open:1"),
                       &out),
            0)
      << out;
  EXPECT_NE(
      RunCommand(Skopeo() + "inspect --raw --no-creds --tls-verify=false " + Docker("closed/img:1"),
                 &out),
      0);
  EXPECT_NE(out.find("unauthorized"), std::string::npos) << out;
  HttpResponse anonymous = Http("GET", server_.Url("/v2/closed/img/manifests/1"), "", kAnonymous);
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(
      anonymous.Header("www-authenticate"),
      "Bearer realm=\"http://" + server_.HostPort() +
          "/service/token\",service=\"harbor-registry\",scope=\"repository:closed/img:pull\"");
  EXPECT_EQ(Http("GET", server_.Url("/v2/library/open/manifests/1"), "", kAnonymous).status, 200);
  EXPECT_EQ(Http("GET", server_.Url("/v2/closed/img/manifests/1")).status, 200);
}

TEST_F(ClientsTest, SkopeoCopiesBetweenRepositoriesByMounting) {
  PushFromCorpus("busybox:amd64", "oci:" + CorpusDir() + "/oci/busybox:amd64",
                 "library/src/busybox:amd64");
  std::string out;
  ASSERT_EQ(RunCommand(Skopeo() + "copy --src-tls-verify=false --dest-tls-verify=false " +
                           "--src-creds admin:" + kAdminPassword + " --dest-creds admin:" +
                           kAdminPassword + " " + Docker("library/src/busybox:amd64") + " " +
                           Docker("library/dst/busybox:amd64"),
                       &out),
            0)
      << out;
  // Every layer was mounted (POST ...?mount= answered 201), not sent again. containers/image
  // mounts only layers: the config is always uploaded, hence exactly one PATCH.
  ASSERT_EQ(RunCommand(Skopeo() + "inspect --raw --tls-verify=false " + Creds() +
                           Docker("library/src/busybox:amd64") + " | jq '.layers | length'",
                       &out),
            0)
      << out;
  const long layers = std::stol(out);
  std::string log = server_.Log();
  auto count = [&log](const std::string& pattern) {
    std::regex re(pattern);
    return std::distance(std::sregex_iterator(log.begin(), log.end(), re), std::sregex_iterator());
  };
  EXPECT_EQ(count("access .* method=POST path=/v2/library/dst/busybox/blobs/uploads/ status=201"),
            layers)
      << log;
  EXPECT_EQ(count("access .* method=PATCH path=/v2/library/dst/busybox/blobs/uploads/"), 1) << log;
  ASSERT_EQ(RunCommand(Skopeo() + "inspect --raw --tls-verify=false " + Creds() +
                           Docker("library/dst/busybox:amd64"),
                       &out),
            0);
  EXPECT_NE(out.find("application/vnd.oci.image.manifest.v1+json"), std::string::npos) << out;
}

TEST_F(ClientsTest, SkopeoListsAndDeletesTags) {
  for (const std::string tag : {"one", "two", "three"}) {
    PushFromCorpus("busybox:amd64", "oci:" + CorpusDir() + "/oci/busybox:amd64",
                   "library/lt/busybox:" + tag);
  }
  std::string out;
  ASSERT_EQ(RunCommand(
                Skopeo() + "list-tags --tls-verify=false " + Creds() + Docker("library/lt/busybox"),
                &out),
            0)
      << out;
  EXPECT_NE(out.find("\"one\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"three\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"two\""), std::string::npos) << out;

  ASSERT_EQ(RunCommand(Skopeo() + "delete --tls-verify=false " + Creds() +
                           Docker("library/lt/busybox:two"),
                       &out),
            0)
      << out;
  // skopeo deletes by digest: the manifest and every tag on it are gone.
  EXPECT_NE(RunCommand(Skopeo() + "inspect --raw --tls-verify=false " + Creds() +
                           Docker("library/lt/busybox:two"),
                       &out),
            0);
  ASSERT_EQ(RunCommand(
                Skopeo() + "list-tags --tls-verify=false " + Creds() + Docker("library/lt/busybox"),
                &out),
            0)
      << out;
  EXPECT_NE(out.find("\"Tags\": []"), std::string::npos) << out;
}

}  // namespace
}  // namespace berth::testing
