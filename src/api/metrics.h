// GET /metrics: the node's figures in Prometheus's text format (prometheus-cpp renders them):
// requests by route, method and status with their latency, bytes in and out, and, read at each
// scrape, uploads in flight, the database pool, the object store's requests, and the event
// backlogs. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

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
class Histogram;
struct MetricFamily;
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

  // Counts an answered request (ServerOptions::observe). On the event loop of every request:
  // a series once found is a thread's own look-up, no lock.
  void Observe(const http::RequestRecord& record);

  http::Dispatch Handle(const http::Request& request) override;

 private:
  struct Series;
  Series& SeriesOf(size_t route, size_t method, int status);
  // What is read at the scrape rather than counted as it happens.
  std::vector<prometheus::MetricFamily> ReadNow();

  const MetricsSources sources_;
  const uint64_t id_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* latency_;
  prometheus::Counter* bytes_in_;
  prometheus::Counter* bytes_out_;
  std::mutex mu_;
  std::unordered_map<uint64_t, std::unique_ptr<Series>> series_;  // guarded by mu_
};

}  // namespace berth
