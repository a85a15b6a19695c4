// Two nodes on one PostgreSQL database and one bucket (BERTH_TEST_ENGINE=postgres-s3; skipped
// otherwise): what one node does, the other knows.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <thread>

#include "tests/integration/harness.h"
#include "tests/support/engines.h"

namespace berth::testing {
namespace {

std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(gen());
  return s;
}

// The sum of a counter's series whose labels include `labels`, as /metrics reports it.
double Counted(const BerthServer& node, const std::string& name, const std::string& labels) {
  const std::string body = Http("GET", node.Url("/metrics"), "", kAnonymous).body;
  double sum = 0;
  for (size_t at = body.find(name + "{"); at != std::string::npos;
       at = body.find(name + "{", at + 1)) {
    const size_t end = body.find('\n', at);
    const std::string line = body.substr(at, end - at);
    if (line.find(labels) == std::string::npos) continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OnS3()) GTEST_SKIP() << "runs with BERTH_TEST_ENGINE=postgres-s3";
    RgwServer& rgw = SharedRgw();
    const std::vector<std::string> env = {"BERTH_DATABASE_DRIVER=postgres",
                                          "BERTH_DATABASE_URL=" + SharedPostgres().NewDatabase(),
                                          "BERTH_STORAGE_DRIVER=s3",
                                          "BERTH_STORAGE_S3_ENDPOINT=" + rgw.endpoint(),
                                          "BERTH_STORAGE_S3_BUCKET=" + rgw.bucket(),
                                          "BERTH_STORAGE_S3_ACCESS_KEY=" + rgw.access_key(),
                                          "BERTH_STORAGE_S3_SECRET_KEY=" + rgw.secret_key(),
                                          "BERTH_STORAGE_S3_PREFIX=" + rgw.NewPrefix(),
                                          "BERTH_LOCKOUT_THRESHOLD=3",
                                          "BERTH_LOCKOUT_BASE=10m"};
    a_ = std::make_unique<BerthServer>(env);
    b_ = std::make_unique<BerthServer>(env);
  }

  std::string PushManifest(BerthServer& node, const std::string& repo, const std::string& tag,
                           const std::string& config) {
    EXPECT_EQ(
        Http("POST", node.Url("/v2/" + repo + "/blobs/uploads/?digest=" + Sha256(config)), config)
            .status,
        201);
    const std::string manifest =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
        R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
        Sha256(config) + R"(","size":)" + std::to_string(config.size()) + R"(},"layers":[]})";
    EXPECT_EQ(Http("PUT", node.Url("/v2/" + repo + "/manifests/" + tag), manifest,
                   {"Content-Type: application/vnd.oci.image.manifest.v1+json"})
                  .status,
              201);
    return Sha256(manifest);
  }

  std::unique_ptr<BerthServer> a_, b_;
};

TEST_F(ClusterTest, ATokenFromOneNodeWorksAtTheOther) {
  PushManifest(*a_, "library/app", "v1", "config one");
  const std::string token =
      FetchToken(*a_, "admin", kAdminPassword, {"repository:library/app:pull"});
  ASSERT_FALSE(token.empty());
  HttpResponse at_b = Http("GET", b_->Url("/v2/library/app/manifests/v1"), "", {Bearer(token)});
  EXPECT_EQ(at_b.status, 200) << at_b.body;
}

TEST_F(ClusterTest, AMovedTagIsServedMovedAtTheOtherNode) {
  PushManifest(*a_, "library/app", "latest", "config one");
  // B reads the tag, and keeps it in its cache.
  HttpResponse first = Http("GET", b_->Url("/v2/library/app/manifests/latest"));
  ASSERT_EQ(first.status, 200);
  const std::string moved = PushManifest(*a_, "library/app", "latest", "config two");
  ASSERT_NE(first.Header("docker-content-digest"), moved);
  // The issue asks for the move to show within a second; it shows in milliseconds.
  std::string served;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (served != moved && std::chrono::steady_clock::now() < deadline) {
    served =
        Http("GET", b_->Url("/v2/library/app/manifests/latest")).Header("docker-content-digest");
    if (served != moved) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(served, moved);
}

TEST_F(ClusterTest, ALockoutMadeAtOneNodeHoldsAtTheOther) {
  ASSERT_EQ(Http("POST", a_->Url("/api/v2.0/users"),
                 R"({"username":"guesser","password":"Right12345","email":"g@berth.test",)"
                 R"("realname":"g"})",
                 {"Content-Type: application/json"})
                .status,
            201);
  auto login = [](BerthServer& node, const std::string& password) {
    return Http("GET", node.Url("/service/token?service=harbor-registry"), "",
                {BasicAuth("guesser", password)})
        .status;
  };
  ASSERT_EQ(login(*b_, "Right12345"), 200);  // B has verified it once: cached
  for (int i = 0; i < 3; ++i) EXPECT_EQ(login(*a_, "Wrong12345"), 401);
  EXPECT_EQ(login(*b_, "Right12345"), 401);
  EXPECT_EQ(login(*a_, "Right12345"), 401);
}

// Chunks of 6 MiB, each PATCH at the other node: each goes up as a part, and neither node
// reads back what was sent nor hashes it again. The last, short chunk is kept as a small tail
// object, which the node that completes the upload reads back: that alone.
TEST_F(ClusterTest, AChunkedUploadAlternatingBetweenNodesReadsNothingBack) {
  const size_t chunk = 6 << 20;
  const std::string blob = RandomBytes(chunk * 4 + 12345, 9);
  HttpResponse start = Http("POST", a_->Url("/v2/library/big/blobs/uploads/"));
  ASSERT_EQ(start.status, 202);
  std::string location = start.Header("location");
  auto gets = [&] {
    return Counted(*a_, "berth_s3_requests_total", R"(operation="GetObject")") +
           Counted(*b_, "berth_s3_requests_total", R"(operation="GetObject")");
  };
  int request = 0;
  for (size_t at = 0; at < blob.size(); at += chunk, ++request) {
    BerthServer& node = request % 2 ? *b_ : *a_;
    const size_t n = std::min(chunk, blob.size() - at);
    HttpResponse patch =
        Http("PATCH", node.Url(location), blob.substr(at, n),
             {"Content-Type: application/octet-stream",
              "Content-Range: " + std::to_string(at) + "-" + std::to_string(at + n - 1)});
    ASSERT_EQ(patch.status, 202) << patch.body;
    EXPECT_EQ(patch.Header("range"), "0-" + std::to_string(at + n - 1));
    location = patch.Header("location");
    if (n == chunk) EXPECT_EQ(gets(), 0) << "a node read the upload back";
  }
  BerthServer& last = request % 2 ? *b_ : *a_;
  HttpResponse done = Http("PUT", last.Url(location + "?digest=" + Sha256(blob)), "");
  ASSERT_EQ(done.status, 201) << done.body;
  EXPECT_EQ(gets(), 1) << "more than the 12345 bytes of the tail were read back";
  EXPECT_GE(Counted(*a_, "berth_s3_requests_total", R"(operation="UploadPart")") +
                Counted(*b_, "berth_s3_requests_total", R"(operation="UploadPart")"),
            5);
  EXPECT_EQ(Http("GET", b_->Url("/v2/library/big/blobs/" + Sha256(blob))).body, blob);
  EXPECT_EQ(Http("GET", a_->Url("/v2/library/big/blobs/" + Sha256(blob))).body, blob);
  // The bytes are in the bucket; none are on either node's disk.
  for (BerthServer* node : {a_.get(), b_.get()}) {
    std::string large;
    RunCommand("find " + node->data_dir().string() + " -type f -size +1M", &large);
    EXPECT_EQ(large, "");
  }
}

}  // namespace
}  // namespace berth::testing
