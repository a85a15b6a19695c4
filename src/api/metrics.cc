#include "api/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <atomic>
#include <iterator>

namespace berth {

struct Metrics::Series {
  prometheus::Counter* requests;
  prometheus::Histogram* latency;
};

namespace {

// Seconds: from a cached manifest (well under a millisecond) to a large blob (minutes).
const prometheus::Histogram::BucketBoundaries kLatencyBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

// Route classes: a label with few values, whatever the repository names.
constexpr const char* kRoutes[] = {
    "other", "metrics",     "token",     "api",      "session",        "base", "catalog",
    "tags",  "blob_upload", "referrers", "manifest", "manifest_write", "blob"};

size_t RouteOf(std::string_view method, std::string_view path) {
  auto route = [](std::string_view name) {
    return static_cast<size_t>(std::find_if(std::begin(kRoutes), std::end(kRoutes),
                                            [&](const char* r) { return name == r; }) -
                               std::begin(kRoutes));
  };
  if (path == "/metrics") return route("metrics");
  if (path.starts_with("/service/token")) return route("token");
  if (path.starts_with("/api/")) return route("api");
  if (path.starts_with("/c/")) return route("session");
  if (!path.starts_with("/v2")) return route("other");
  if (path == "/v2" || path == "/v2/") return route("base");
  if (path == "/v2/_catalog") return route("catalog");
  if (path.ends_with("/tags/list")) return route("tags");
  if (path.find("/blobs/uploads") != std::string_view::npos) return route("blob_upload");
  if (path.find("/referrers/") != std::string_view::npos) return route("referrers");
  if (path.find("/manifests/") != std::string_view::npos) {
    return route(method == "GET" || method == "HEAD" ? "manifest" : "manifest_write");
  }
  if (path.find("/blobs/") != std::string_view::npos) return route("blob");
  return route("other");
}

// A method outside HTTP's few would make a series of its own each: one label for them.
constexpr const char* kMethods[] = {"other", "GET",   "HEAD",   "PUT",
                                    "POST",  "PATCH", "DELETE", "OPTIONS"};

size_t MethodOf(std::string_view method) {
  for (size_t i = 1; i < std::size(kMethods); ++i) {
    if (method == kMethods[i]) return i;
  }
  return 0;
}

prometheus::MetricFamily Family(const char* name, const char* help, prometheus::MetricType type) {
  return {name, help, type, {}};
}

void Add(prometheus::MetricFamily& family, const char* label, const std::string& value,
         double number) {
  prometheus::ClientMetric m;
  m.label = {{label, value}};
  m.counter.value = number;
  m.gauge.value = number;
  family.metric.push_back(std::move(m));
}

}  // namespace

// Each Metrics made gets a number of its own, by which a thread's look-ups know their owner.
static std::atomic<uint64_t> metrics_made{0};

Metrics::Metrics(MetricsSources sources)
    : sources_(sources), id_(++metrics_made), registry_(std::make_shared<prometheus::Registry>()) {
  requests_ = &prometheus::BuildCounter()
                   .Name("berth_http_requests_total")
                   .Help("HTTP requests answered, by route class, method and status code")
                   .Register(*registry_);
  latency_ = &prometheus::BuildHistogram()
                  .Name("berth_http_request_duration_seconds")
                  .Help("Time from a request's head to its answer's last byte, by route class")
                  .Register(*registry_);
  auto& bytes = prometheus::BuildCounter()
                    .Name("berth_http_body_bytes_total")
                    .Help("Request and response body bytes, by direction (in, out)")
                    .Register(*registry_);
  bytes_in_ = &bytes.Add({{"direction", "in"}});
  bytes_out_ = &bytes.Add({{"direction", "out"}});
}

Metrics::~Metrics() = default;

Metrics::Series& Metrics::SeriesOf(size_t route, size_t method, int status) {
  const uint64_t key =
      (uint64_t{route} << 40) | (uint64_t{method} << 32) | static_cast<uint32_t>(status);
  thread_local uint64_t owner = 0;
  thread_local std::unordered_map<uint64_t, Series*> known;
  if (owner != id_) {
    known.clear();
    owner = id_;
  }
  if (auto it = known.find(key); it != known.end()) return *it->second;
  std::lock_guard lock(mu_);
  auto& slot = series_[key];
  if (!slot) {
    slot = std::make_unique<Series>();
    slot->requests = &requests_->Add({{"route", kRoutes[route]},
                                      {"method", kMethods[method]},
                                      {"code", std::to_string(status)}});
    slot->latency = &latency_->Add({{"route", kRoutes[route]}}, kLatencyBuckets);
  }
  known[key] = slot.get();
  return *slot;
}

void Metrics::Observe(const http::RequestRecord& r) {
  Series& s = SeriesOf(RouteOf(r.method, r.path), MethodOf(r.method), r.status);
  s.requests->Increment();
  s.latency->Observe(r.seconds);
  bytes_in_->Increment(static_cast<double>(r.received));
  bytes_out_->Increment(static_cast<double>(r.sent));
}

std::vector<prometheus::MetricFamily> Metrics::ReadNow() {
  auto state = Family("berth_state",
                      "What is going on at this node now: uploads in flight, the database pool's "
                      "connections (open, in use, waiting, bound), event backlogs in bytes",
                      prometheus::MetricType::Gauge);
  if (sources_.registry) {
    Add(state, "what", "uploads_in_flight",
        static_cast<double>(sources_.registry->UploadsInFlight()));
  }
  if (sources_.pool) {
    const SqlPoolUse use = sources_.pool->PoolUse();
    Add(state, "what", "db_connections_open", use.open);
    Add(state, "what", "db_connections_in_use", use.in_use);
    Add(state, "what", "db_connections_waiting", use.waiting);
    Add(state, "what", "db_connections_bound", use.bound);
  }
  if (sources_.events) {
    Add(state, "what", "event_backlog_bytes", static_cast<double>(sources_.events->BacklogBytes()));
  }
  if (sources_.notifier) {
    Add(state, "what", "webhook_backlog_bytes",
        static_cast<double>(sources_.notifier->BacklogBytes()));
  }
  std::vector<prometheus::MetricFamily> out{std::move(state)};
  if (!sources_.s3) return out;
  using prometheus::MetricType;
  auto requests = Family("berth_s3_requests_total", "Requests to the object store, by operation",
                         MetricType::Counter);
  auto errors = Family("berth_s3_errors_total", "Object store requests that failed, by operation",
                       MetricType::Counter);
  auto seconds = Family("berth_s3_request_seconds_total",
                        "Time spent in object store requests, by operation", MetricType::Counter);
  for (const auto& [operation, stats] : sources_.s3->stats()) {
    Add(requests, "operation", operation, static_cast<double>(stats.requests));
    Add(errors, "operation", operation, static_cast<double>(stats.errors));
    Add(seconds, "operation", operation, static_cast<double>(stats.micros) / 1e6);
  }
  out.push_back(std::move(requests));
  out.push_back(std::move(errors));
  out.push_back(std::move(seconds));
  return out;
}

http::Dispatch Metrics::Handle(const http::Request& request) {
  http::Response res;
  if (request.method != "GET" && request.method != "HEAD") {
    res.status = 405;
    res.headers.Set("Allow", "GET, HEAD");
    return {std::move(res), nullptr};
  }
  auto families = registry_->Collect();
  for (auto& f : ReadNow()) families.push_back(std::move(f));
  res.headers.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  res.body = prometheus::TextSerializer().Serialize(families);
  res.head_only = request.method == "HEAD";
  return {std::move(res), nullptr};
}

}  // namespace berth
