// Real clients against the real binary: the fixture corpus round trip (skopeo, podman),
// multi-arch pulls, cross-repository copies, tag listing and deletion.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

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
                          " REPO_PREFIX=library/ " + SourceDir() + "/tests/fixtures/verify-roundtrip " +
                          server_.HostPort() + " admin " +
                          kAdminPassword,
                      &out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find(" 0 failed"), std::string::npos) << out;
  EXPECT_EQ(out.find("FAIL "), std::string::npos) << out;

  // The management API sees every pushed artifact as it is, and the audit log each push and
  // pull with its operator.
  auto api = [&](const std::string& path) {
    return Http("GET", server_.Url("/api/v2.0" + path));
  };
  std::ifstream tsv(CorpusDir() + "/corpus.tsv");
  std::string line;
  std::getline(tsv, line);  // header
  std::set<std::string> pushed_tags;
  while (std::getline(tsv, line)) {
    std::vector<std::string> f;
    std::stringstream fields(line);
    for (std::string cell; std::getline(fields, cell, '\t');) f.push_back(cell);
    ASSERT_GE(f.size(), 9u) << line;
    const std::string& repo = f[1];
    const std::string& tag = f[2];
    const std::string& media_type = f[4];
    const std::string& note = f[8];
    pushed_tags.insert("library/" + repo + ":" + tag);
    HttpResponse r = api("/projects/library/repositories/" + repo + "/artifacts/" + tag);
    ASSERT_EQ(r.status, 200) << repo << ":" << tag << " " << r.body;
    const boost::json::value a = boost::json::parse(r.body);
    EXPECT_EQ(a.at("digest").as_string(), f[5]) << f[0];
    EXPECT_EQ(a.at("manifest_media_type").as_string(), media_type) << f[0];
    EXPECT_EQ(a.at("size").as_int64(), std::stoll(f[7])) << f[0];
    bool tagged = false;
    for (const auto& t : a.at("tags").as_array()) tagged = tagged || t.at("name").as_string() == tag;
    EXPECT_TRUE(tagged) << f[0];
    const bool index = media_type.find("index") != std::string::npos ||
                       media_type.find("list") != std::string::npos;
    if (index) {
      EXPECT_EQ(a.at("type").as_string(), "IMAGE INDEX") << f[0];
      const auto& refs = a.at("references").as_array();
      ASSERT_EQ(refs.size(), 2u) << f[0];
      EXPECT_EQ(refs[0].at("platform").at("architecture").as_string(), "amd64") << f[0];
      EXPECT_EQ(refs[1].at("platform").at("architecture").as_string(), "arm64") << f[0];
    } else if (note.starts_with("artifact ")) {
      EXPECT_EQ(a.at("type").as_string(), "EXAMPLE") << f[0];
      EXPECT_EQ(a.at("artifact_type").as_string(), "application/vnd.example.sbom.v1+json");
    } else {
      EXPECT_EQ(a.at("type").as_string(), "IMAGE") << f[0];
      const std::string arch = note.find("arm64") != std::string::npos ? "arm64" : "amd64";
      EXPECT_EQ(a.at("extra_attrs").at("architecture").as_string(), arch) << f[0];
      EXPECT_EQ(a.at("extra_attrs").at("os").as_string(), "linux") << f[0];
    }
  }
  HttpResponse repos = api("/projects/library/repositories?page_size=100");
  EXPECT_EQ(repos.Header("x-total-count"), "4") << repos.body;

  // Events are written off the request path: wait until the last push's entry is in.
  std::map<std::string, int> creates, pulls;
  std::set<std::string> operators;
  for (int i = 0; i < 100; ++i) {
    creates.clear();
    pulls.clear();
    operators.clear();
    for (int page = 1;; ++page) {
      HttpResponse logs = api("/audit-logs?page_size=100&page=" + std::to_string(page));
      ASSERT_EQ(logs.status, 200) << logs.body;
      const boost::json::value entries = boost::json::parse(logs.body);
      for (const auto& e : entries.as_array()) {
        const std::string resource(e.at("resource").as_string());
        operators.insert(std::string(e.at("username").as_string()));
        if (e.at("operation") == "create" && e.at("resource_type") == "artifact") ++creates[resource];
        if (e.at("operation") == "pull") ++pulls[resource];
      }
      if (entries.as_array().size() < 100) break;
    }
    bool all_in = true;
    for (const std::string& t : pushed_tags) all_in = all_in && creates.count(t) && pulls.count(t);
    if (all_in) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (const std::string& t : pushed_tags) {
    EXPECT_EQ(creates[t], 1) << t << " pushed once";
    EXPECT_GE(pulls[t], 1) << t << " pulled back";
  }
  EXPECT_EQ(operators, std::set<std::string>{"admin"});
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

TEST_F(ClientsTest, PodmanCannotPushOverAnImmutableTag) {
  HttpResponse rule = Http(
      "POST", server_.Url("/api/v2.0/projects/library/immutabletagrules"),
      R"({"tag_selectors":[{"kind":"doublestar","decoration":"matches","pattern":"v*"}],)"
      R"("scope_selectors":{"repository":[{"kind":"doublestar","decoration":"repoMatches",)"
      R"("pattern":"**"}]}})");
  ASSERT_EQ(rule.status, 201) << rule.body;
  const std::string location = rule.Header("location");
  const std::string rule_id = location.substr(location.rfind('/') + 1);
  std::string out;
  auto local = [&](const std::string& corpus_entry) {
    EXPECT_EQ(RunCommand(Podman() + "pull oci:" + CorpusDir() + "/oci/" + corpus_entry, &out), 0)
        << out;
    return out.substr(out.find_last_not_of("\n\r ") - 63, 64);
  };
  const std::string busybox = local("busybox:amd64");
  const std::string debian = local("debian-like:latest");
  const std::string push =
      Podman() + "push --tls-verify=false --creds admin:" + kAdminPassword + " ";
  const std::string image = server_.HostPort() + "/library/app:v1";
  ASSERT_EQ(RunCommand(push + busybox + " " + image, &out), 0) << out;
  // The same image again moves nothing; another one would, and is refused with the rule's words.
  EXPECT_EQ(RunCommand(push + busybox + " " + image, &out), 0) << out;
  EXPECT_NE(RunCommand(push + debian + " " + image, &out), 0) << out;
  EXPECT_NE(out.find("is immutable (rule " + rule_id), std::string::npos) << out;
  EXPECT_NE(out.find("cannot be overwritten"), std::string::npos) << out;
  // Where the rule does not reach, the push goes through.
  EXPECT_EQ(RunCommand(push + debian + " " + server_.HostPort() + "/library/app:latest", &out), 0)
      << out;
  // v1 still holds the first image: its config is what podman calls that image's id.
  ASSERT_EQ(RunCommand(Skopeo() + "inspect --raw --tls-verify=false " + Creds() +
                           Docker("library/app:v1"),
                       &out),
            0)
      << out;
  EXPECT_EQ(boost::json::parse(out).at("config").at("digest").as_string(), "sha256:" + busybox)
      << out;
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
