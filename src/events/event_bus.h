// EventBus: the in-process event bus. Publishing encodes the event into a buffer under a short
// lock; a flusher thread appends that buffer to a journal file every 50 ms; a consumer thread
// reads the journal and hands every consumer the events in batches, so a consumer that writes
// to the database pays one transaction per batch however many requests published. Both run at
// normal priority, whatever else keeps the machine busy: an audit entry or a webhook that waits
// for an idle machine waits all day on a shared host. A backlog costs disk, not memory. What a
// stopped or killed process left unconsumed is delivered after the next start: at least once,
// since a batch consumed just before a crash is delivered again. Thread-safe.
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

#include "core/result.h"
#include "events/event.h"
#include "events/journal.h"

namespace berth {

class EventBus : public EventSink {
 public:
  using Consumer = std::function<void(std::span<const Event>)>;

  // `journal` holds the events between publishing and consumption.
  explicit EventBus(std::filesystem::path journal);
  // Writes what was published to the journal, then stops; consumption resumes at the next start.
  ~EventBus() override;

  // Consumers are added before Start; each sees every event, in publishing order.
  void Subscribe(Consumer consumer);
  // Opens the journal, taking up what a previous process left there, and starts delivering.
  Status Start();
  // Bytes of events waiting in the journal.
  uint64_t BacklogBytes() { return journal_.Unread(); }
  void Publish(Event event) override;

 private:
  void Flush();
  void Consume();

  Journal journal_;
  std::vector<Consumer> consumers_;

  std::mutex mu_;
  std::condition_variable flush_wake_;
  std::string pending_;    // encoded events not yet in the journal; guarded by mu_
  bool stopping_ = false;  // guarded by mu_

  std::thread flusher_;
  std::thread consumer_;
};

}  // namespace berth
