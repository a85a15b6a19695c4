#include "events/event_bus.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

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
  dispatcher_ = std::thread([this] {
    // Consumers are bookkeeping: under load, requests come first and batches grow instead.
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);
    Run();
  });
}

void EventBus::Publish(Event event) {
  bool was_empty;
  {
    std::lock_guard lock(mu_);
    was_empty = queue_.empty();
    queue_.push_back(std::move(event));
    ++published_;
  }
  // While the dispatcher is busy with a batch it will find the queue non-empty on its own.
  if (was_empty) wake_.notify_one();
}

void EventBus::Drain() {
  std::unique_lock lock(mu_);
  const uint64_t target = published_;
  if (!dispatcher_.joinable()) return;
  drained_.wait(lock, [&] { return delivered_ >= target; });
}

void EventBus::Run() {
  std::vector<Event> batch;
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) return;
    batch.swap(queue_);
    lock.unlock();
    for (const Consumer& consume : consumers_) consume(batch);
    const uint64_t handled = batch.size();
    batch.clear();
    lock.lock();
    delivered_ += handled;
    drained_.notify_all();
  }
}

}  // namespace berth
