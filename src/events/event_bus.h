// EventBus: the in-process event bus. Publishing encodes the event into a buffer under a short
// lock; a flusher thread appends that buffer to a journal file every 50 ms; a consumer thread
// at idle priority (core/background.h) reads the journal and hands every consumer the events in
// batches, so a consumer that writes to the database pays one transaction per batch, and while
// requests keep the CPU busy the work waits. A backlog costs disk, not memory. What a stopped
// or killed process left unconsumed is delivered after the next start: at least once, since a
// batch consumed just before a crash is delivered again. Once the oldest event has waited
// longer than kMaxLag, events are consumed at normal priority until the wait is half that, so
// that sustained load delays bookkeeping by a bounded time instead of for ever. Before that, while
// the machine has no CPU to spare, events wait in the journal as long as the HoldPolicy allows,
// with no thread runnable for them. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/background.h"
#include "core/clock.h"
#include "core/result.h"
#include "events/event.h"
#include "events/journal.h"

namespace berth {

class EventBus : public EventSink {
 public:
  using Consumer = std::function<void(std::span<const Event>)>;

  // `journal` holds the events between publishing and consumption; `clock` dates their wait.
  EventBus(std::filesystem::path journal, const Clock& clock, HoldPolicy hold);
  // Writes what was published to the journal, then stops; consumption resumes at the next start.
  ~EventBus() override;

  // Consumers are added before Start; each sees every event, in publishing order.
  void Subscribe(Consumer consumer);
  // Opens the journal, taking up what a previous process left there, and starts delivering.
  Status Start();
  // Bytes of events waiting in the journal.
  uint64_t BacklogBytes() { return journal_.Unread(); }
  void Publish(Event event) override;

  static constexpr std::chrono::seconds kMaxLag{60};

 private:
  void Flush();
  void Consume();
  // Waits while events from `since` are held; false once stopping.
  bool Hold(int64_t since);
  void Deliver(std::span<const Event> batch);

  Journal journal_;
  const Clock& clock_;
  std::vector<Consumer> consumers_;
  const HoldPolicy hold_;
  bool late_ = false;  // used by the consumer thread only

  // Apart from mu_, which requests take to publish: the consumer is at idle priority.
  std::mutex hold_mu_;
  std::condition_variable hold_wake_;
  bool hold_stopped_ = false;  // guarded by hold_mu_

  std::mutex mu_;
  std::condition_variable flush_wake_;
  std::string pending_;    // encoded events not yet in the journal; guarded by mu_
  bool stopping_ = false;  // guarded by mu_

  std::thread flusher_;
  std::thread consumer_;
};

}  // namespace berth
