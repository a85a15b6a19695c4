// OutboxReader: hands the events that changes recorded in the outbox (meta/outbox_store.h) to
// its consumers (the audit log, webhooks), each from its own cursor, in commit order, in
// batches. Among nodes that share the outbox, the one holding its lease reads it for all, so each
// event reaches each consumer once cluster-wide; another takes the lease over when the holder
// stops renewing it. At least once: a batch consumed just before a crash, or a lease that ran
// out mid-batch, is handed over again. A consumer that fails keeps its cursor and gets the
// same batch at the next poll. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "events/event.h"
#include "meta/outbox_store.h"

namespace berth {

struct OutboxReaderOptions {
  std::string node;  // unique to this process
  // Nodes that share the outbox (PostgreSQL): how long the reading node's lease lasts unless
  // renewed. 0: this node is alone and reads without one.
  std::chrono::seconds lease{0};
  // How often the outbox is looked at: an event waits for at most this long.
  std::chrono::milliseconds poll{100};
  size_t batch = 256;
};

class OutboxReader {
 public:
  using Consumer = std::function<Status(std::span<const Event>)>;

  OutboxReader(OutboxStore& store, const Clock& clock, OutboxReaderOptions options);
  // Stops reading and gives the lease up, for another node to take at once.
  ~OutboxReader();

  // Before Start: `name` keys the consumer's cursor, so it stays the same from one release to
  // the next.
  void Subscribe(std::string name, Consumer consumer);
  void Start();

  static constexpr std::string_view kLease = "outbox";

 private:
  struct Subscriber {
    std::string name;
    Consumer consume;
    std::optional<OutboxPosition> cursor;  // read again whenever the lease was someone else's
  };

  void Run();
  // Hands `s` its next batch; true when more are waiting.
  bool Deliver(Subscriber& s);

  OutboxStore& store_;
  const Clock& clock_;
  const OutboxReaderOptions options_;
  std::vector<Subscriber> subscribers_;

  // Kept by the reader thread alone.
  LeaseHolder lease_;
  int64_t next_prune_ = 0;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread reader_;
};

}  // namespace berth
