// What operators read: /metrics in Prometheus's format (checked by promtool), the health of the
// database and the storage, and a W3C trace id in the access log.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <thread>

#include "tests/integration/harness.h"

namespace berth::testing {
namespace {

TEST(OperationsTest, MetricsPassPromtoolAfterAPushAndAPull) {
  BerthServer server;
  const std::string blob = "layer bytes";
  ASSERT_EQ(
      Http("POST", server.Url("/v2/library/m/blobs/uploads/?digest=" + Sha256(blob)), blob).status,
      201);
  const std::string manifest =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
      R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
      Sha256(blob) + R"(","size":)" + std::to_string(blob.size()) + R"(},"layers":[]})";
  ASSERT_EQ(Http("PUT", server.Url("/v2/library/m/manifests/v1"), manifest,
                 {"Content-Type: application/vnd.oci.image.manifest.v1+json"})
                .status,
            201);
  ASSERT_EQ(Http("GET", server.Url("/v2/library/m/manifests/v1")).status, 200);
  ASSERT_EQ(Http("GET", server.Url("/v2/library/m/blobs/" + Sha256(blob))).body, blob);

  const std::vector<std::string> expected = {
      R"(berth_http_requests_total{code="201",method="PUT",route="manifest_write"} 1)",
      R"(berth_http_requests_total{code="200",method="GET",route="manifest"} 1)",
      R"(berth_http_requests_total{code="200",method="GET",route="blob"} 1)",
      R"(berth_http_request_duration_seconds_count{route="blob_upload"} 1)",
      R"(berth_http_body_bytes_total{direction="in"})",
      R"(berth_state{what="uploads_in_flight"} 0)"};
  // A request is counted once its answer's last byte is out, which may be a moment after the
  // client has read it: the series are waited for (five seconds at most).
  HttpResponse metrics;
  auto missing = [&] {
    return std::count_if(expected.begin(), expected.end(), [&](const std::string& series) {
      return metrics.body.find(series) == std::string::npos;
    });
  };
  for (int i = 0; i < 500; ++i) {
    metrics = Http("GET", server.Url("/metrics"), "", kAnonymous);
    if (missing() == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.Header("content-type").find("text/plain"), std::string::npos);
  const std::string path = server.data_dir().string() + "/../metrics.txt";
  std::ofstream(path) << metrics.body;
  std::string out;
  EXPECT_EQ(RunCommand("promtool check metrics < " + path, &out), 0) << out;
  for (const std::string& series : expected) {
    EXPECT_NE(metrics.body.find(series), std::string::npos) << series << "\n" << metrics.body;
  }
  // What it did not do does not appear as a route of its own: a repository name is no label.
  EXPECT_EQ(metrics.body.find("library/m"), std::string::npos);
}

TEST(OperationsTest, HealthNamesTheDatabaseAndTheStorage) {
  BerthServer server;
  HttpResponse health = Http("GET", server.Url("/api/v2.0/health"), "", kAnonymous);
  ASSERT_EQ(health.status, 200) << health.body;
  auto v = boost::json::parse(health.body);
  EXPECT_EQ(v.at("status"), "healthy");
  std::vector<std::string> healthy;
  for (const auto& c : v.at("components").as_array()) {
    if (c.at("status") == "healthy") healthy.emplace_back(c.at("name").as_string());
  }
  EXPECT_EQ(healthy, (std::vector<std::string>{"core", "database", "storage"}));
}

TEST(OperationsTest, ATraceparentsTraceIdIsLoggedWithTheRequestId) {
  BerthServer server;
  const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  HttpResponse r =
      Http("GET", server.Url("/v2/"), "", {"traceparent: 00-" + trace + "-00f067aa0ba902b7-01"});
  const std::string id = r.Header("x-request-id");
  ASSERT_FALSE(id.empty());
  // The access log is written in batches: wait for the line.
  std::string log;
  for (int i = 0; i < 100 && log.find("trace_id=") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    log = server.Log();
  }
  EXPECT_NE(log.find("request_id=" + id + " method=GET path=/v2/ status=200"), std::string::npos)
      << log;
  EXPECT_NE(log.find("trace_id=" + trace), std::string::npos) << log;
  // Not one: its line has no trace id.
  HttpResponse bad = Http("GET", server.Url("/v2/"), "",
                          {"traceparent: 00-" + std::string(32, 'z') + "-00f067aa0ba902b7-01"});
  const std::string line = "request_id=" + bad.Header("x-request-id") + " ";
  for (int i = 0; i < 100 && log.find(line) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    log = server.Log();
  }
  const size_t at = log.find(line);
  ASSERT_NE(at, std::string::npos) << log;
  EXPECT_EQ(log.substr(at, log.find('\n', at) - at).find("trace_id"), std::string::npos);
}

}  // namespace
}  // namespace berth::testing
