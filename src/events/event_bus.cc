#include "events/event_bus.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

namespace berth {

std::optional<std::string_view> WebhookEventType(EventKind kind) {
  switch (kind) {
    case EventKind::kPushArtifact:
      return "PUSH_ARTIFACT";
    case EventKind::kPullArtifact:
      return "PULL_ARTIFACT";
    case EventKind::kDeleteArtifact:
      return "DELETE_ARTIFACT";
    case EventKind::kQuotaExceed:
      return "QUOTA_EXCEED";
    case EventKind::kQuotaWarning:
      return "QUOTA_WARNING";
    default:
      return std::nullopt;
  }
}

EventBus::~EventBus() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (dispatcher_.joinable()) dispatcher_.join();
}

void EventBus::Subscribe(Consumer consumer) { consumers_.push_back(std::move(consumer)); }

void EventBus::Start() {
  dispatcher_ = std::thread([this] { Run(); });
}

void EventBus::Publish(Event event) {
  bool was_empty;
  {
    std::lock_guard lock(mu_);
    was_empty = queue_.empty();
    queue_.push_back(std::move(event));
  }
  // While the dispatcher is busy with a batch it will find the queue non-empty on its own.
  if (was_empty) wake_.notify_one();
}

void EventBus::Run() {
  // Consumers are bookkeeping: under load requests come first and the queue grows instead,
  // until it holds kBoostAt events; then the dispatcher competes as an equal until it has
  // caught up, so that a long overload costs throughput rather than unbounded memory.
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  bool boosted = false;
  ::setpriority(PRIO_PROCESS, tid, kBackgroundNice);
  std::vector<Event> batch;
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) return;
    // Each batch costs consumers a transaction: under a stream of events, let a batch fill
    // for a moment rather than commit a few events at a time.
    wake_.wait_for(lock, kLinger, [&] { return stopping_ || queue_.size() >= kMaxBatch; });
    if (boosted != (queue_.size() > (boosted ? kBoostAt / 8 : kBoostAt))) {
      boosted = !boosted;
      ::setpriority(PRIO_PROCESS, tid, boosted ? 0 : kBackgroundNice);
    }
    // A bounded batch bounds what consumers build from it (rows, payloads) in memory.
    const size_t n = std::min(queue_.size(), kMaxBatch);
    batch.assign(std::make_move_iterator(queue_.begin()),
                 std::make_move_iterator(queue_.begin() + static_cast<ptrdiff_t>(n)));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
    lock.unlock();
    for (const Consumer& consume : consumers_) consume(batch);
    batch.clear();
    lock.lock();
  }
}

}  // namespace berth
