#include "api/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace berth {

struct Metrics::Series {
  prometheus::Counter* requests;
  prometheus::Histogram* latency;
};

namespace {

// Seconds: from a cached manifest (well under a millisecond) to a large blob (minutes).
const prometheus::Histogram::BucketBoundaries kLatencyBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

}  // namespace

Metrics::Metrics(MetricsSources sources)
    : sources_(sources), registry_(std::make_shared<prometheus::Registry>()) {
  requests_ = &prometheus::BuildCounter()
                   .Name("berth_http_requests_total")
                   .Help("HTTP requests answered, by route class, method and status code")
                   .Register(*registry_);
  latency_ = &prometheus::BuildHistogram()
                  .Name("berth_http_request_duration_seconds")
                  .Help("Time from a request's head to its answer's last byte, by route class")
                  .Register(*registry_);
  bytes_ = &prometheus::BuildCounter()
                .Name("berth_http_body_bytes_total")
                .Help("Request and response body bytes, by direction (in, out)")
                .Register(*registry_);
  gauges_ = &prometheus::BuildGauge()
                 .Name("berth_state")
                 .Help(
                     "What is going on at this node now: uploads in flight, the database "
                     "pool's connections (open, in use, waiting, bound), event backlogs in "
                     "bytes")
                 .Register(*registry_);
  s3_requests_ = &prometheus::BuildCounter()
                      .Name("berth_s3_requests_total")
                      .Help("Requests to the object store, by operation")
                      .Register(*registry_);
  s3_errors_ = &prometheus::BuildCounter()
                    .Name("berth_s3_errors_total")
                    .Help("Object store requests that failed, by operation")
                    .Register(*registry_);
  s3_seconds_ = &prometheus::BuildCounter()
                     .Name("berth_s3_request_seconds_total")
                     .Help("Time spent in object store requests, by operation")
                     .Register(*registry_);
}

Metrics::~Metrics() = default;

std::string_view Metrics::RouteOf(std::string_view method, std::string_view path) {
  if (path == "/metrics") return "metrics";
  if (path.starts_with("/service/token")) return "token";
  if (path.starts_with("/api/")) return "api";
  if (path.starts_with("/c/")) return "session";
  if (!path.starts_with("/v2")) return "other";
  if (path == "/v2" || path == "/v2/") return "base";
  if (path == "/v2/_catalog") return "catalog";
  if (path.ends_with("/tags/list")) return "tags";
  if (path.find("/blobs/uploads") != std::string_view::npos) return "blob_upload";
  if (path.find("/referrers/") != std::string_view::npos) return "referrers";
  if (path.find("/manifests/") != std::string_view::npos) {
    return method == "GET" || method == "HEAD" ? "manifest" : "manifest_write";
  }
  if (path.find("/blobs/") != std::string_view::npos) return "blob";
  return "other";
}

Metrics::Series& Metrics::SeriesOf(std::string_view route, std::string_view method, int status) {
  std::string key = std::string(route) + ' ' + std::string(method) + ' ' + std::to_string(status);
  std::lock_guard lock(mu_);
  auto& slot = series_[key];
  if (!slot) {
    slot = std::make_unique<Series>();
    slot->requests = &requests_->Add({{"route", std::string(route)},
                                      {"method", std::string(method)},
                                      {"code", std::to_string(status)}});
    slot->latency = &latency_->Add({{"route", std::string(route)}}, kLatencyBuckets);
  }
  return *slot;
}

void Metrics::Observe(const http::RequestRecord& r) {
  // A method outside HTTP's few would make a series of its own for each: one label for them.
  static constexpr std::string_view kMethods[] = {"GET",   "HEAD",   "PUT",    "POST",
                                                  "PATCH", "DELETE", "OPTIONS"};
  std::string_view method = "other";
  for (std::string_view m : kMethods) {
    if (r.method == m) method = m;
  }
  Series& s = SeriesOf(RouteOf(r.method, r.path), method, r.status);
  s.requests->Increment();
  s.latency->Observe(r.seconds);
  static prometheus::Counter& in = bytes_->Add({{"direction", "in"}});
  static prometheus::Counter& out = bytes_->Add({{"direction", "out"}});
  in.Increment(static_cast<double>(r.received));
  out.Increment(static_cast<double>(r.sent));
}

std::string Metrics::Scrape() {
  auto set = [&](const char* what, double value) { gauges_->Add({{"what", what}}).Set(value); };
  if (sources_.registry)
    set("uploads_in_flight", static_cast<double>(sources_.registry->UploadsInFlight()));
  if (sources_.pool) {
    const SqlPoolUse use = sources_.pool->PoolUse();
    set("db_connections_open", use.open);
    set("db_connections_in_use", use.in_use);
    set("db_connections_waiting", use.waiting);
    set("db_connections_bound", use.bound);
  }
  if (sources_.events)
    set("event_backlog_bytes", static_cast<double>(sources_.events->BacklogBytes()));
  if (sources_.notifier) {
    set("webhook_backlog_bytes", static_cast<double>(sources_.notifier->BacklogBytes()));
  }
  if (sources_.s3) {
    std::lock_guard lock(mu_);
    for (const auto& [operation, stats] : sources_.s3->stats()) {
      auto add = [&](prometheus::Family<prometheus::Counter>* family, const char* kind,
                     uint64_t now, double scale) {
        uint64_t& seen = s3_seen_[operation + kind];
        family->Add({{"operation", operation}}).Increment(static_cast<double>(now - seen) * scale);
        seen = now;
      };
      add(s3_requests_, "r", stats.requests, 1);
      add(s3_errors_, "e", stats.errors, 1);
      add(s3_seconds_, "s", stats.micros, 1e-6);
    }
  }
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

std::optional<http::Response> Metrics::TryFast(const http::Request&) { return std::nullopt; }

http::Dispatch Metrics::Handle(const http::Request& request) {
  http::Response res;
  if (request.method != "GET" && request.method != "HEAD") {
    res.status = 405;
    res.headers.Set("Allow", "GET, HEAD");
    return {std::move(res), nullptr};
  }
  res.headers.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  res.body = Scrape();
  res.head_only = request.method == "HEAD";
  return {std::move(res), nullptr};
}

}  // namespace berth
