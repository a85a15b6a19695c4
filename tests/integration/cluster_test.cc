// A cluster: two nodes on one PostgreSQL database and one bucket, behind nginx round-robin
// (BERTH_TEST_ENGINE=postgres-s3; skipped otherwise). What one node does, the other knows; a
// node that dies, or an engine that goes away for a while, loses nothing that was acknowledged.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "tests/integration/harness.h"
#include "tests/support/engines.h"
#include "tests/support/nginx_balancer.h"

namespace berth::testing {
namespace {

using std::chrono::steady_clock;

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

std::string ImageManifest(const std::string& config, const std::vector<std::string>& layers) {
  std::string manifest =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
      R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
      Sha256(config) + R"(","size":)" + std::to_string(config.size()) + R"(},"layers":[)";
  for (size_t i = 0; i < layers.size(); ++i) {
    if (i) manifest += ",";
    manifest += R"({"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" +
                Sha256(layers[i]) + R"(","size":)" + std::to_string(layers[i].size()) + "}";
  }
  return manifest + "]}";
}

// A step of a push that did not succeed, as the client saw it.
struct Failure {
  std::string step;
  long status;
  std::string code;  // the OCI error code of the body, "" if none
};

std::ostream& operator<<(std::ostream& out, const Failure& f) {
  return out << f.step << ": " << f.status << " " << f.code;
}

// Pushes small images to `repo` through `base` (a URL without a path), one after another, as a
// client does: each image's layer in two PATCHes, then its config and manifest; an image whose
// push fails at any step is pushed again from the start after a short pause.
class Pusher {
 public:
  Pusher(std::string base, std::string repo)
      : base_(std::move(base)), repo_(std::move(repo)), thread_([this] { Run(); }) {}
  ~Pusher() { Stop(); }

  void Stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // Waits until `more` images beyond those acknowledged now are; false if `timeout` passes.
  bool WaitForMore(size_t more, std::chrono::seconds timeout) {
    std::unique_lock lock(mu_);
    const size_t target = acknowledged_.size() + more;
    return pushed_.wait_for(lock, timeout, [&] { return acknowledged_.size() >= target; });
  }
  // Tag → manifest digest of each push answered 201.
  std::map<std::string, std::string> acknowledged() {
    std::lock_guard lock(mu_);
    return acknowledged_;
  }
  std::vector<Failure> failures() {
    std::lock_guard lock(mu_);
    return failures_;
  }

 private:
  void Run() {
    for (unsigned i = 0; !stopping_; ++i) {
      while (!stopping_ && !PushImage(i)) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  bool Fails(const std::string& step, const HttpResponse& r, long expected) {
    if (r.status == expected) return false;
    std::lock_guard lock(mu_);
    failures_.push_back({step, r.status, ErrorCode(r)});
    return true;
  }

  bool PushImage(unsigned i) {
    const std::string layer = RandomBytes((256 << 10) + i, i);
    const std::string config = "config of image " + std::to_string(i);
    const std::string uploads = base_ + "/v2/" + repo_ + "/blobs/uploads/";
    HttpResponse r = Http("POST", uploads);
    if (Fails("start upload", r, 202)) return false;
    std::string location = r.Header("location");
    const size_t half = layer.size() / 2;
    for (size_t at : {size_t{0}, half}) {
      const size_t n = at == 0 ? half : layer.size() - half;
      r = Http("PATCH", base_ + location, layer.substr(at, n),
               {"Content-Type: application/octet-stream",
                "Content-Range: " + std::to_string(at) + "-" + std::to_string(at + n - 1)});
      if (Fails("patch", r, 202)) return false;
      location = r.Header("location");
    }
    r = Http("PUT", base_ + location + (location.find('?') == std::string::npos ? "?" : "&") +
                        "digest=" + Sha256(layer));
    if (Fails("complete upload", r, 201)) return false;
    r = Http("POST", uploads + "?digest=" + Sha256(config), config);
    if (Fails("monolithic upload", r, 201)) return false;
    const std::string manifest = ImageManifest(config, {layer});
    const std::string tag = "t" + std::to_string(i);
    r = Http("PUT", base_ + "/v2/" + repo_ + "/manifests/" + tag, manifest,
             {"Content-Type: application/vnd.oci.image.manifest.v1+json"});
    if (Fails("manifest", r, 201)) return false;
    std::lock_guard lock(mu_);
    acknowledged_[tag] = Sha256(manifest);
    pushed_.notify_all();
    return true;
  }

  const std::string base_, repo_;
  std::atomic<bool> stopping_ = false;
  std::mutex mu_;
  std::condition_variable pushed_;
  std::map<std::string, std::string> acknowledged_;  // guarded by mu_
  std::vector<Failure> failures_;                    // guarded by mu_
  std::thread thread_;
};

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OnS3()) GTEST_SKIP() << "runs with BERTH_TEST_ENGINE=postgres-s3";
    RgwServer& rgw = SharedRgw();
    balancer_ = std::make_unique<NginxBalancer>();
    const std::vector<std::string> env = {"BERTH_DATABASE_DRIVER=postgres",
                                          "BERTH_DATABASE_URL=" + SharedPostgres().NewDatabase(),
                                          "BERTH_STORAGE_DRIVER=s3",
                                          "BERTH_STORAGE_S3_ENDPOINT=" + rgw.endpoint(),
                                          "BERTH_STORAGE_S3_BUCKET=" + rgw.bucket(),
                                          "BERTH_STORAGE_S3_ACCESS_KEY=" + rgw.access_key(),
                                          "BERTH_STORAGE_S3_SECRET_KEY=" + rgw.secret_key(),
                                          "BERTH_STORAGE_S3_PREFIX=" + rgw.NewPrefix(),
                                          "BERTH_EXTERNAL_URL=" + balancer_->Url(""),
                                          "BERTH_LOCKOUT_THRESHOLD=3",
                                          "BERTH_LOCKOUT_BASE=10m",
                                          // A killed node's outbox and jobs pass on in seconds.
                                          "BERTH_JOBS_LEASE=3s"};
    a_ = std::make_unique<BerthServer>(env);
    b_ = std::make_unique<BerthServer>(env);
    balancer_->Start({a_->HostPort(), b_->HostPort()});
  }

  std::string PushManifest(BerthServer& node, const std::string& repo, const std::string& tag,
                           const std::string& config) {
    EXPECT_EQ(
        Http("POST", node.Url("/v2/" + repo + "/blobs/uploads/?digest=" + Sha256(config)), config)
            .status,
        201);
    const std::string manifest = ImageManifest(config, {});
    EXPECT_EQ(Http("PUT", node.Url("/v2/" + repo + "/manifests/" + tag), manifest,
                   {"Content-Type: application/vnd.oci.image.manifest.v1+json"})
                  .status,
              201);
    return Sha256(manifest);
  }

  // Every tag of `repo` that `base` lists is whole: its manifest, config and layers read back
  // with their digests. Every acknowledged tag is among them, at its digest.
  void ExpectWhole(const std::string& base, const std::string& repo,
                   const std::map<std::string, std::string>& acknowledged) {
    HttpResponse list = Http("GET", base + "/v2/" + repo + "/tags/list?n=10000");
    ASSERT_EQ(list.status, 200) << list.body;
    const boost::json::value tags = boost::json::parse(list.body).at("tags");
    std::set<std::string> listed;
    for (const auto& tag : tags.as_array()) listed.emplace(tag.as_string());
    for (const auto& [tag, digest] : acknowledged) EXPECT_TRUE(listed.contains(tag)) << tag;
    for (const std::string& tag : listed) {
      HttpResponse manifest = Http("GET", base + "/v2/" + repo + "/manifests/" + tag, "",
                                   {"Accept: application/vnd.oci.image.manifest.v1+json"});
      ASSERT_EQ(manifest.status, 200) << tag << ": " << manifest.body;
      if (auto it = acknowledged.find(tag); it != acknowledged.end()) {
        EXPECT_EQ(Sha256(manifest.body), it->second) << tag;
      }
      const boost::json::value m = boost::json::parse(manifest.body);
      std::vector<std::string> digests{std::string(m.at("config").at("digest").as_string())};
      for (const auto& layer : m.at("layers").as_array())
        digests.emplace_back(layer.at("digest").as_string());
      for (const std::string& digest : digests) {
        HttpResponse blob = Http("GET", base + "/v2/" + repo + "/blobs/" + digest);
        EXPECT_EQ(blob.status, 200) << tag << " " << digest;
        EXPECT_EQ(Sha256(blob.body), digest) << tag;
      }
    }
  }

  // The failures a pusher saw are all `status` with the OCI error `code`.
  static void ExpectOnly(const std::vector<Failure>& failures, long status,
                         const std::string& code) {
    for (const Failure& f : failures) {
      EXPECT_EQ(f.status, status) << f;
      EXPECT_EQ(f.code, code) << f;
    }
  }

  // Health answers 503 and names `component` unhealthy.
  static void ExpectUnhealthy(BerthServer& node, const std::string& component) {
    HttpResponse health = Http("GET", node.Url("/api/v2.0/health"), "", kAnonymous);
    EXPECT_EQ(health.status, 503) << health.body;
    EXPECT_NE(health.body.find(R"({"name":")" + component + R"(","status":"unhealthy")"),
              std::string::npos)
        << health.body;
  }

  // Once an engine is back: pushes go through again with no restart, every node is healthy and
  // serves every acknowledged push whole, and what the client saw fail was 503 UNAVAILABLE.
  void ExpectRecovery(Pusher& pusher) {
    EXPECT_TRUE(pusher.WaitForMore(5, std::chrono::seconds(60))) << "no push succeeded after";
    pusher.Stop();
    for (BerthServer* node : {a_.get(), b_.get()}) {
      EXPECT_EQ(Http("GET", node->Url("/api/v2.0/health"), "", kAnonymous).status, 200);
      ExpectWhole(node->Url(""), "library/load", pusher.acknowledged());
    }
    EXPECT_FALSE(pusher.failures().empty()) << "the outage came between pushes";
    ExpectOnly(pusher.failures(), 503, "UNAVAILABLE");
  }

  std::unique_ptr<NginxBalancer> balancer_;
  std::unique_ptr<BerthServer> a_, b_;
};

TEST_F(ClusterTest, EveryCorpusImageRoundTripsThroughTheBalancer) {
  ASSERT_EQ(RunCommand("test -s " + CorpusDir() + "/corpus.tsv"), 0)
      << "no image corpus in " << CorpusDir() << ": run `make corpus` (make test does)";
  std::string out;
  int rc = RunCommand("cd /tmp && CORPUS=" + CorpusDir() + " REPO_PREFIX=library/ " + SourceDir() +
                          "/tests/fixtures/verify-roundtrip " + balancer_->HostPort() +
                          " admin " + kAdminPassword,
                      &out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find(" 0 failed"), std::string::npos) << out;
  // Both nodes served the clients, in turn: the token one node issued worked at the other.
  const std::string log = balancer_->AccessLog();
  for (BerthServer* node : {a_.get(), b_.get()}) {
    EXPECT_NE(log.find("200 " + node->HostPort() + " GET /v2/"), std::string::npos)
        << node->HostPort();
    EXPECT_NE(log.find("201 " + node->HostPort() + " PUT /v2/"), std::string::npos)
        << node->HostPort();
  }
}

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
  const auto deadline = steady_clock::now() + std::chrono::seconds(1);
  while (served != moved && steady_clock::now() < deadline) {
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
    if (n == chunk) {
      EXPECT_EQ(gets(), 0) << "a node read the upload back";
    }
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

// A node dies while a client streams a chunk to it: the upload goes on at the other node from
// the last offset a node acknowledged, and completes to the right bytes.
TEST_F(ClusterTest, AnUploadCutOffByAKilledNodeResumesAtTheOther) {
  const size_t first = 9 << 20, total = 30 << 20;
  const std::string blob = RandomBytes(total, 11);
  HttpResponse start = Http("POST", a_->Url("/v2/library/cut/blobs/uploads/"));
  ASSERT_EQ(start.status, 202);
  const std::string location = start.Header("location");
  HttpResponse patch = Http("PATCH", a_->Url(location), blob.substr(0, first),
                            {"Content-Type: application/octet-stream",
                             "Content-Range: 0-" + std::to_string(first - 1)});
  ASSERT_EQ(patch.status, 202) << patch.body;

  // The next chunk, 21 MiB, of which 12 MiB reach node A before it is killed.
  const int fd = a_->Connect();
  ASSERT_GE(fd, 0);
  const std::string head = "PATCH " + location + " HTTP/1.1\r\nHost: " + a_->HostPort() +
                           "\r\n" + BasicAuth("admin", kAdminPassword) +
                           "\r\nContent-Type: application/octet-stream\r\nContent-Range: " +
                           std::to_string(first) + "-" + std::to_string(total - 1) +
                           "\r\nContent-Length: " + std::to_string(total - first) + "\r\n\r\n";
  const std::string sent = head + blob.substr(first, 12 << 20);
  for (size_t at = 0; at < sent.size();) {
    const ssize_t n = ::send(fd, sent.data() + at, sent.size() - at, MSG_NOSIGNAL);
    ASSERT_GT(n, 0);
    at += static_cast<size_t>(n);
  }
  // Long enough for node A to put what it holds of the chunk in the bucket as parts.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  a_->Kill();
  ::close(fd);

  HttpResponse status = Http("GET", b_->Url(location));
  ASSERT_EQ(status.status, 204) << status.body;
  EXPECT_EQ(status.Header("range"), "0-" + std::to_string(first - 1))
      << "the cut-off chunk was never acknowledged";
  HttpResponse rest = Http("PATCH", b_->Url(location), blob.substr(first),
                           {"Content-Type: application/octet-stream",
                            "Content-Range: " + std::to_string(first) + "-" +
                                std::to_string(total - 1)});
  ASSERT_EQ(rest.status, 202) << rest.body;
  HttpResponse done = Http("PUT", b_->Url(location + "?digest=" + Sha256(blob)));
  ASSERT_EQ(done.status, 201) << done.body;
  a_->Start();
  for (BerthServer* node : {a_.get(), b_.get()}) {
    HttpResponse read = Http("GET", node->Url("/v2/library/cut/blobs/" + Sha256(blob)));
    EXPECT_EQ(read.status, 200);
    EXPECT_TRUE(read.body == blob) << "the blob reads back as " << Sha256(read.body);
  }
}

// A client pushes through the balancer without pause while one node is killed: every push it
// was told succeeded is there, whole, at the node that is left and at the killed one restarted.
TEST_F(ClusterTest, AKilledNodeLosesNoAcknowledgedPush) {
  Pusher pusher(balancer_->Url(""), "library/load");
  ASSERT_TRUE(pusher.WaitForMore(5, std::chrono::seconds(60)));
  a_->Kill();
  ASSERT_TRUE(pusher.WaitForMore(10, std::chrono::seconds(60)));
  pusher.Stop();
  a_->Start();
  const auto acknowledged = pusher.acknowledged();
  ExpectWhole(b_->Url(""), "library/load", acknowledged);
  ExpectWhole(a_->Url(""), "library/load", acknowledged);
  // What the client saw fail: the request node A was serving when it died (nginx's 502).
  ExpectOnly(pusher.failures(), 502, "");
}

// Whichever node made a change, its event reaches the audit log and each webhook once; and a
// node killed while it may hold the outbox's lease loses none of the changes made after: the
// other takes the outbox over once the dead node's lease runs out.
TEST_F(ClusterTest, EachChangeIsAuditedAndNotifiedOnceAndAKilledNodeLosesNone) {
  WebhookReceiver receiver;
  HttpResponse policy =
      Http("POST", a_->Url("/api/v2.0/projects/library/webhook/policies"),
           R"({"name":"hooks","enabled":true,"event_types":["PUSH_ARTIFACT"],"targets":[)"
           R"({"type":"http","address":")" +
               receiver.Url("/hook") + R"("}]})",
           {"Content-Type: application/json"});
  ASSERT_EQ(policy.status, 201) << policy.body;
  constexpr int kBeforeKill = 6, kAll = 9;
  for (int i = 0; i < kBeforeKill; ++i) {
    PushManifest(i % 2 ? *a_ : *b_, "library/events", "v" + std::to_string(i),
                 "config " + std::to_string(i));
  }
  // Sent before the kill: a delivery a killed node was sending waits for its claim to go stale
  // (minutes, longer than a slow target may take), which this test does not wait for.
  ASSERT_EQ(receiver.WaitFor("/hook", kBeforeKill, 60).size(), static_cast<size_t>(kBeforeKill));
  a_->Kill();
  for (int i = kBeforeKill; i < kAll; ++i)
    PushManifest(*b_, "library/events", "v" + std::to_string(i), "config " + std::to_string(i));

  std::multiset<std::string> notified;
  for (const WebhookReceiver::Request& r : receiver.WaitFor("/hook", kAll, 60)) {
    const boost::json::value body = boost::json::parse(r.body);
    notified.emplace(body.at("event_data").at("resources").at(0).at("tag").as_string());
  }
  std::multiset<std::string> audited;
  const auto deadline = steady_clock::now() + std::chrono::seconds(30);
  while (audited.size() < kAll && steady_clock::now() < deadline) {
    audited.clear();
    HttpResponse logs = Http("GET", b_->Url("/api/v2.0/projects/library/logs?page_size=100"));
    ASSERT_EQ(logs.status, 200) << logs.body;
    const boost::json::value entries = boost::json::parse(logs.body);
    for (const auto& l : entries.as_array()) {
      const std::string resource(l.at("resource").as_string());
      if (l.at("operation").as_string() == "create" && resource.starts_with("library/events:"))
        audited.insert(resource.substr(resource.find(':') + 1));
    }
    if (audited.size() < kAll) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::multiset<std::string> expected;
  for (int i = 0; i < kAll; ++i) expected.insert("v" + std::to_string(i));
  EXPECT_EQ(audited, expected);
  EXPECT_EQ(notified, expected);
  // And none twice, a while later.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(receiver.WaitFor("/hook", kAll + 1, 1).size(), static_cast<size_t>(kAll));
}

// PostgreSQL goes away mid-run and comes back: in the gap every node answers 503 with the OCI
// code UNAVAILABLE (the API with its own error body, health naming the database), then serves
// again without a restart; every acknowledged push is whole, and what failed left no trace.
TEST_F(ClusterTest, APostgresRestartMidRunAnswers503ThenRecovers) {
  Pusher pusher(balancer_->Url(""), "library/load");
  ASSERT_TRUE(pusher.WaitForMore(5, std::chrono::seconds(60)));
  SharedPostgres().Stop();
  for (BerthServer* node : {a_.get(), b_.get()}) {
    HttpResponse push = Http("POST", node->Url("/v2/library/load/blobs/uploads/"));
    EXPECT_EQ(push.status, 503) << push.body;
    EXPECT_EQ(ErrorCode(push), "UNAVAILABLE") << push.body;
    HttpResponse api = Http("GET", node->Url("/api/v2.0/projects"));
    EXPECT_EQ(api.status, 503) << api.body;
    EXPECT_NE(api.body.find(R"("code":"UNAVAILABLE")"), std::string::npos) << api.body;
    EXPECT_NE(api.body.find("PostgreSQL"), std::string::npos) << api.body;
    ExpectUnhealthy(*node, "database");
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  SharedPostgres().Start();
  ExpectRecovery(pusher);
}

// The object store goes away mid-run and comes back: the same, for blob reads and writes.
TEST_F(ClusterTest, AnRgwRestartMidRunAnswers503ThenRecovers) {
  const std::string layer = RandomBytes(1 << 20, 5);
  const std::string config = "config before the outage";
  ASSERT_EQ(Http("POST", balancer_->Url("/v2/library/load/blobs/uploads/?digest=" + Sha256(layer)),
                 layer)
                .status,
            201);
  Pusher pusher(balancer_->Url(""), "library/load");
  ASSERT_TRUE(pusher.WaitForMore(5, std::chrono::seconds(60)));
  SharedRgw().StopGateway();
  for (BerthServer* node : {a_.get(), b_.get()}) {
    HttpResponse read = Http("GET", node->Url("/v2/library/load/blobs/" + Sha256(layer)));
    EXPECT_EQ(read.status, 503) << read.body.substr(0, 200);
    EXPECT_EQ(ErrorCode(read), "UNAVAILABLE") << read.body.substr(0, 200);
    HttpResponse push = Http("POST", node->Url("/v2/library/load/blobs/uploads/?digest=" +
                                               Sha256(config)),
                             config);
    EXPECT_EQ(push.status, 503) << push.body;
    EXPECT_EQ(ErrorCode(push), "UNAVAILABLE") << push.body;
    ExpectUnhealthy(*node, "storage");
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  SharedRgw().StartGateway();
  ExpectRecovery(pusher);
  for (BerthServer* node : {a_.get(), b_.get()}) {
    EXPECT_EQ(Http("GET", node->Url("/v2/library/load/blobs/" + Sha256(layer))).body, layer);
    EXPECT_EQ(Http("HEAD", node->Url("/v2/library/load/blobs/" + Sha256(config))).status, 404)
        << "a blob refused in the outage is there";
  }
}

}  // namespace
}  // namespace berth::testing
