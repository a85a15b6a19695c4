// EventBus: the in-process event bus. Publishers append to a queue under a short lock; one
// dispatcher thread, at low priority while the queue is short, hands what has queued up to
// every consumer in batches, so a consumer that writes to the database pays one transaction
// per batch, not per event. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "events/event.h"

namespace berth {

class EventBus : public EventSink {
 public:
  using Consumer = std::function<void(std::span<const Event>)>;

  EventBus() = default;
  // Delivers what is still queued, then stops.
  ~EventBus() override;

  // Consumers are added before Start; each sees every event, in publishing order.
  void Subscribe(Consumer consumer);
  void Start();
  void Publish(Event event) override;

 private:
  void Run();

  std::vector<Consumer> consumers_;
  std::mutex mu_;
  std::condition_variable wake_;
  static constexpr size_t kMaxBatch = 2048;
  static constexpr std::chrono::milliseconds kLinger{50};
  static constexpr size_t kBoostAt = 32768;
  static constexpr int kBackgroundNice = 19;
  std::deque<Event> queue_;  // guarded by mu_
  bool stopping_ = false;     // guarded by mu_
  std::thread dispatcher_;
};

}  // namespace berth
