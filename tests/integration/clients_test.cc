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

  // Pushes one corpus entry (e.g. "busybox:multi") as verify-roundtrip would.
  void PushFromCorpus(const std::string& name, const std::string& source, const std::string& dest) {
    std::string out;
    int rc = RunCommand(Skopeo() + "copy --all --preserve-digests --dest-tls-verify=false " + source + " " +
                     Docker(dest),
                 &out);
    ASSERT_EQ(rc, 0) << out;
  }

  BerthServer server_;
};

TEST_F(ClientsTest, EveryCorpusImageRoundTrips) {
  std::string out;
  int rc = RunCommand("cd /tmp && CORPUS=" + CorpusDir() + " CHECK_REFERRERS=require PODMAN=1 " +
                   SharedDir() + "/fixtures/verify-roundtrip " + server_.HostPort(),
               &out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find(" 0 failed"), std::string::npos) << out;
  EXPECT_EQ(out.find("FAIL "), std::string::npos) << out;
}

TEST_F(ClientsTest, PodmanPullsEachPlatformOfAMultiArchIndex) {
  PushFromCorpus("busybox:multi", "oci:" + CorpusDir() + "/oci/busybox:multi", "multi/busybox:multi");
  const std::string storage = "/tmp/berth-it-podman-" + std::to_string(::getpid());
  const std::string podman = "podman --root " + storage + "/root --runroot " + storage +
                             "/run --storage-driver vfs ";
  for (const std::string arch : {"amd64", "arm64"}) {
    std::string out;
    int rc = RunCommand(podman + "pull --tls-verify=false --platform linux/" + arch + " " +
                     server_.HostPort() + "/multi/busybox:multi",
                 &out);
    ASSERT_EQ(rc, 0) << out;
    std::string image_id = out.substr(out.find_last_not_of("\n\r ") - 63, 64);
    ASSERT_EQ(RunCommand(podman + "image inspect --format '{{.Architecture}}' " + image_id, &out), 0) << out;
    EXPECT_NE(out.find(arch), std::string::npos) << out;
  }
  RunCommand("rm -rf " + storage);
}

TEST_F(ClientsTest, SkopeoCopiesBetweenRepositoriesByMounting) {
  PushFromCorpus("busybox:amd64", "oci:" + CorpusDir() + "/oci/busybox:amd64", "src/busybox:amd64");
  std::string out;
  ASSERT_EQ(RunCommand(Skopeo() + "copy --src-tls-verify=false --dest-tls-verify=false " +
                    Docker("src/busybox:amd64") + " " + Docker("dst/busybox:amd64"),
                &out),
            0)
      << out;
  // Every layer was mounted (POST ...?mount= answered 201), not sent again. containers/image
  // mounts only layers: the config is always uploaded, hence exactly one PATCH.
  ASSERT_EQ(RunCommand(Skopeo() + "inspect --raw --tls-verify=false " + Docker("src/busybox:amd64") +
                           " | jq '.layers | length'",
                       &out),
            0)
      << out;
  const long layers = std::stol(out);
  std::string log = server_.Log();
  auto count = [&log](const std::string& pattern) {
    std::regex re(pattern);
    return std::distance(std::sregex_iterator(log.begin(), log.end(), re), std::sregex_iterator());
  };
  EXPECT_EQ(count("access .* method=POST path=/v2/dst/busybox/blobs/uploads/ status=201"), layers) << log;
  EXPECT_EQ(count("access .* method=PATCH path=/v2/dst/busybox/blobs/uploads/"), 1) << log;
  ASSERT_EQ(RunCommand(Skopeo() + "inspect --raw --tls-verify=false " + Docker("dst/busybox:amd64"), &out), 0);
  EXPECT_NE(out.find("application/vnd.oci.image.manifest.v1+json"), std::string::npos) << out;
}

TEST_F(ClientsTest, SkopeoListsAndDeletesTags) {
  for (const std::string tag : {"one", "two", "three"}) {
    PushFromCorpus("busybox:amd64", "oci:" + CorpusDir() + "/oci/busybox:amd64", "lt/busybox:" + tag);
  }
  std::string out;
  ASSERT_EQ(RunCommand(Skopeo() + "list-tags --tls-verify=false " + Docker("lt/busybox"), &out), 0) << out;
  EXPECT_NE(out.find("\"one\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"three\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"two\""), std::string::npos) << out;

  ASSERT_EQ(RunCommand(Skopeo() + "delete --tls-verify=false " + Docker("lt/busybox:two"), &out), 0) << out;
  // skopeo deletes by digest: the manifest and every tag on it are gone.
  EXPECT_NE(RunCommand(Skopeo() + "inspect --raw --tls-verify=false " + Docker("lt/busybox:two"), &out), 0);
  ASSERT_EQ(RunCommand(Skopeo() + "list-tags --tls-verify=false " + Docker("lt/busybox"), &out), 0) << out;
  EXPECT_NE(out.find("\"Tags\": []"), std::string::npos) << out;
}

}  // namespace
}  // namespace berth::testing
