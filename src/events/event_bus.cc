#include "events/event_bus.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/background.h"

namespace berth {

namespace {

constexpr size_t kMaxBatch = 2048;
constexpr size_t kReadSize = size_t{1} << 20;
constexpr size_t kFlushSize = size_t{256} << 10;
constexpr std::chrono::milliseconds kLinger{50};

}  // namespace

EventBus::EventBus(std::filesystem::path journal, const Clock& clock, HoldPolicy hold)
    : journal_(std::move(journal)), clock_(clock), hold_(std::move(hold)) {}

EventBus::~EventBus() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  flush_wake_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  journal_.Stop();
  {
    std::lock_guard lock(hold_mu_);
    hold_stopped_ = true;
  }
  hold_wake_.notify_all();
  if (consumer_.joinable()) {
    BringToForeground(consumer_);
    consumer_.join();
  }
}

void EventBus::Subscribe(Consumer consumer) { consumers_.push_back(std::move(consumer)); }

Status EventBus::Start() {
  if (auto s = journal_.Open(); !s) return s;
  flusher_ = std::thread([this] {
    ::pthread_setname_np(::pthread_self(), "berth-journal");
    Flush();
  });
  consumer_ = std::thread([this] { Consume(); });
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
  EnterBackground("berth-events");
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
      if (!Hold(batch.front().at)) return;
      Deliver(batch);
    }
    journal_.Advance(used);
  }
}

bool EventBus::Hold(int64_t since) {
  std::unique_lock lock(hold_mu_);
  while (!hold_stopped_ && since > hold_.DueBy(clock_.Now()))
    hold_wake_.wait_for(lock, SpareCpu::kWindow);
  return !hold_stopped_;
}

void EventBus::Deliver(std::span<const Event> batch) {
  auto hand_over = [&] {
    for (const Consumer& consume : consumers_) consume(batch);
  };
  // Late until the backlog is half the bound again, so that a consumer hovering at the bound
  // does not switch with every batch.
  const int64_t waited = clock_.Now() - batch.front().at;
  if (late_ != (waited > (late_ ? kMaxLag.count() / 2 : kMaxLag.count()))) {
    late_ = !late_;
    if (late_) {
      spdlog::warn("events have waited {} s for the audit log, pull counts and webhooks: taken "
                   "up at normal priority until they catch up",
                   waited);
    } else {
      spdlog::info("events caught up: taken up at idle priority again");
    }
  }
  if (late_) {
    RunInForeground(hand_over);
  } else {
    hand_over();
  }
}

}  // namespace berth
