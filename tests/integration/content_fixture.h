// The fixture of the content suites (content_test.cc, tag_rules_test.cc): a berth of its own,
// the Harbor API through HarborClient, and images pushed over /v2/ byte by byte.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/harbor_client.h"

namespace berth::testing {

using boost::json::parse;

inline constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";

inline std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(gen());
  return out;
}

inline std::string Descriptor(const std::string& media_type, const std::string& bytes) {
  return R"({"mediaType":")" + media_type + R"(","digest":")" + Sha256(bytes) + R"(","size":)" +
         std::to_string(bytes.size()) + "}";
}

class ContentTest : public ::testing::Test {
 protected:
  explicit ContentTest(std::vector<std::string> env = {"BERTH_WEBHOOK_RETRY_BASE=1s",
                                                       "BERTH_WEBHOOK_MAX_ATTEMPTS=3"})
      : server_(std::move(env)), api_(server_) {}

  void TearDown() override {
    for (const std::string& v : api_.Violations()) ADD_FAILURE() << "swagger: " << v;
  }

  HttpResponse Do(const std::string& method, const std::string& path, const std::string& body = {},
                  const std::vector<std::string>& headers = {}) {
    return api_.Do(method, path, body, headers);
  }

  // The id at the end of a 201's Location.
  std::string Created(const HttpResponse& r) {
    EXPECT_EQ(r.status, 201) << r.body;
    const std::string location = r.Header("location");
    return location.substr(location.rfind('/') + 1);
  }

  std::string CreateProject(const std::string& name, const std::string& extra = "") {
    return Created(Do("POST", "/projects", R"({"project_name":")" + name + "\"" + extra + "}"));
  }

  // A monolithic blob upload; returns the status.
  long PushBlob(const std::string& repository, const std::string& bytes,
                const std::vector<std::string>& headers = {}) {
    return Http("POST",
                server_.Url("/v2/" + repository + "/blobs/uploads/?digest=" + Sha256(bytes)), bytes,
                headers)
        .status;
  }

  // An image: config (with platform and history) and one layer of `layer` bytes. Returns the
  // manifest's digest.
  std::string PushImage(const std::string& repository, const std::string& tag,
                        const std::string& layer, const std::string& arch = "amd64",
                        const std::vector<std::string>& headers = {}) {
    const std::string config =
        R"({"architecture":")" + arch +
        R"(","os":"linux","created":"2023-11-14T22:13:20Z","author":"berth-test",)"
        R"("config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":[]},)"
        R"("history":[{"created":"2023-11-14T22:13:20Z","created_by":"ADD layer.tar /"}]})";
    EXPECT_EQ(PushBlob(repository, config, headers), 201);
    EXPECT_EQ(PushBlob(repository, layer, headers), 201);
    const std::string manifest =
        R"({"schemaVersion":2,"mediaType":")" + std::string(kOciManifest) + R"(","config":)" +
        Descriptor("application/vnd.oci.image.config.v1+json", config) + R"(,"layers":[)" +
        Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layer) + "]}";
    std::vector<std::string> h = headers;
    h.push_back(std::string("Content-Type: ") + kOciManifest);
    HttpResponse put =
        Http("PUT", server_.Url("/v2/" + repository + "/manifests/" + tag), manifest, h);
    EXPECT_EQ(put.status, 201) << put.body;
    manifests_[Sha256(manifest)] = manifest;
    return Sha256(manifest);
  }

  std::string ManifestOf(const std::string& digest) { return manifests_[digest]; }

  // The value once `read` returns it, polling for up to 10 s (events are counted off the
  // request path).
  template <class Read>
  auto Eventually(Read read, const decltype(read())& expected) {
    auto value = read();
    for (int i = 0; i < 100 && value != expected; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      value = read();
    }
    return value;
  }

  // SIGKILLs berth once `status()` of a job it runs has left Pending, starts it again and waits
  // up to 90 s (a PostgreSQL lease runs out first) for the job to end. Returns the status at
  // the kill and the last one seen.
  template <class Status>
  std::pair<std::string, std::string> KillMidRunAndWait(Status status) {
    std::string seen = status();
    for (int i = 0; i < 2000 && seen == "Pending"; ++i) seen = status();
    server_.Kill();
    server_.Start();
    std::cout << "killed while " << seen << "\n";
    std::string last;
    for (int i = 0; i < 900; ++i) {
      last = status();
      if (last != "Pending" && last != "Running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return {seen, last};
  }

  BerthServer server_;
  HarborClient api_;
  std::map<std::string, std::string> manifests_;
};

inline std::string Str(const boost::json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
}

inline void ExpectError(const HttpResponse& r, long status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  boost::system::error_code ec;
  boost::json::value v = parse(r.body, ec);
  ASSERT_FALSE(ec) << r.body;
  EXPECT_EQ(v.at("errors").as_array().at(0).at("code").as_string(), code) << r.body;
}

}  // namespace berth::testing
