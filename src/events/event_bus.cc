#include "events/event_bus.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>


namespace berth {

namespace {

constexpr size_t kMaxBatch = 2048;
constexpr size_t kReadSize = size_t{1} << 20;
constexpr size_t kFlushSize = size_t{256} << 10;
constexpr std::chrono::milliseconds kLinger{50};

}  // namespace

EventBus::EventBus(std::filesystem::path journal) : journal_(std::move(journal)) {}

EventBus::~EventBus() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  flush_wake_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  journal_.Stop();
  if (consumer_.joinable()) consumer_.join();
}

void EventBus::Subscribe(Consumer consumer) { consumers_.push_back(std::move(consumer)); }

Status EventBus::Start() {
  if (auto s = journal_.Open(); !s) return s;
  flusher_ = std::thread([this] {
    ::pthread_setname_np(::pthread_self(), "berth-journal");
    Flush();
  });
  consumer_ = std::thread([this] {
    ::pthread_setname_np(::pthread_self(), "berth-events");
    Consume();
  });
  return {};
}

void EventBus::Publish(Event event) {
  bool wake;
  bool encoded;
  {
    std::lock_guard lock(mu_);
    const size_t before = pending_.size();
    encoded = EncodeEvent(event, pending_);
    wake = before == 0 || (before < kFlushSize && pending_.size() >= kFlushSize);
  }
  if (!encoded) spdlog::error("event on {} dropped: too long to record", event.repository);
  // The flusher finds more events on its own while it has some.
  if (wake) flush_wake_.notify_one();
}

void EventBus::Flush() {
  std::string records;
  std::unique_lock lock(mu_);
  while (true) {
    flush_wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    // A stream of events goes to the journal in a few large writes, not one per event.
    flush_wake_.wait_for(lock, kLinger,
                         [&] { return stopping_ || pending_.size() >= kFlushSize; });
    if (pending_.empty()) return;
    records.swap(pending_);
    lock.unlock();
    if (auto s = journal_.Append(records); !s)
      spdlog::error("{} bytes of events lost: {}", records.size(), s.error().message);
    records.clear();
    lock.lock();
  }
}

void EventBus::Consume() {
  std::vector<Event> batch;
  while (journal_.Wait()) {
    const std::string records = journal_.Read(kReadSize);
    const std::string_view rest = records;
    size_t used = 0;
    batch.clear();
    while (used < records.size() && batch.size() < kMaxBatch) {
      Event e;
      auto size = DecodeEvent(rest.substr(used), e);
      if (size && *size > 0) {
        batch.push_back(std::move(e));
        used += *size;
      } else {
        spdlog::error("event journal: a record that is no event skipped");
        used += RecordSize(rest.substr(used));
      }
    }
    if (!batch.empty()) {
      for (const Consumer& consume : consumers_) consume(batch);
    }
    journal_.Advance(used);
  }
}

}  // namespace berth
