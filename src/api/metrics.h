// GET /metrics: the node's figures in Prometheus's text format (prometheus-cpp renders them):
// requests by route, method and status with their latency, bytes in and out, and, read at each
// scrape, uploads in flight, the database pool, the object store's requests, and the event
// backlogs. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "events/event_bus.h"
#include "events/notifier.h"
#include "http/message.h"
#include "http/server.h"
#include "meta/postgres_sql.h"
#include "registry/registry.h"
#include "storage/s3_client.h"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace berth {

// What the scrape reads; any may be absent.
struct MetricsSources {
  Registry* registry = nullptr;
  PostgresDatabase* pool = nullptr;
  S3Client* s3 = nullptr;
  EventBus* events = nullptr;
  Notifier* notifier = nullptr;
};

class Metrics : public http::Handler {
 public:
  explicit Metrics(MetricsSources sources);
  ~Metrics() override;

  // Counts an answered request (ServerOptions::observe).
  void Observe(const http::RequestRecord& record);

  std::optional<http::Response> TryFast(const http::Request& request) override;
  http::Dispatch Handle(const http::Request& request) override;

  // The route class a path belongs to ("manifest", "blob", "blob_upload", "api", ...): a label
  // with few values, whatever the repository names.
  static std::string_view RouteOf(std::string_view method, std::string_view path);

 private:
  struct Series;
  Series& SeriesOf(std::string_view route, std::string_view method, int status);
  std::string Scrape();

  const MetricsSources sources_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* latency_;
  prometheus::Family<prometheus::Counter>* bytes_;
  prometheus::Family<prometheus::Gauge>* gauges_;
  prometheus::Family<prometheus::Counter>* s3_requests_;
  prometheus::Family<prometheus::Counter>* s3_errors_;
  prometheus::Family<prometheus::Counter>* s3_seconds_;
  std::mutex mu_;
  std::unordered_map<std::string, std::unique_ptr<Series>> series_;  // guarded by mu_
  // The object store's counts at the last scrape, so that each adds what came since.
  std::unordered_map<std::string, uint64_t> s3_seen_;  // guarded by mu_
};

}  // namespace berth
