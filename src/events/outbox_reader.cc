#include "events/outbox_reader.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

namespace berth {
namespace {

// How often events every consumer has read are deleted.
constexpr int64_t kPruneEvery = 60;

}  // namespace

OutboxReader::OutboxReader(OutboxStore& store, const Clock& clock, OutboxReaderOptions options)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      lease_(store_, std::string(kLease), options_.node, options_.lease, clock_) {}

OutboxReader::~OutboxReader() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (reader_.joinable()) reader_.join();
}

void OutboxReader::Subscribe(std::string name, Consumer consumer) {
  subscribers_.push_back(Subscriber{std::move(name), std::move(consumer), std::nullopt});
}

void OutboxReader::Start() {
  reader_ = std::thread([this] {
    ::pthread_setname_np(::pthread_self(), "berth-outbox");
    Run();
  });
}

bool OutboxReader::Deliver(Subscriber& s) {
  if (!s.cursor) {
    auto cursor = store_.OutboxCursor(s.name);
    if (!cursor) {
      spdlog::error("outbox cursor of {}: {}", s.name, cursor.error().message);
      return false;
    }
    s.cursor = *cursor;
  }
  auto entries = store_.ReadOutbox(*s.cursor, options_.batch);
  if (!entries) {
    spdlog::error("outbox: {}", entries.error().message);
    return false;
  }
  if (entries->empty()) return false;
  std::vector<Event> events;
  events.reserve(entries->size());
  for (OutboxEntry& e : *entries) events.push_back(std::move(e.event));
  if (auto consumed = s.consume(events); !consumed) {
    spdlog::error("outbox: {} events for {} wait to be taken again: {}", events.size(), s.name,
                  consumed.error().message);
    return false;
  }
  const OutboxPosition to = entries->back().position;
  if (auto advanced = store_.AdvanceOutbox(s.name, to); !advanced) {
    spdlog::error("outbox cursor of {} not advanced: {}", s.name, advanced.error().message);
    s.cursor.reset();
    return false;
  }
  s.cursor = to;
  return entries->size() == options_.batch;
}

void OutboxReader::Run() {
  while (true) {
    bool more = false;
    if (lease_.Held()) {
      // Another node may have moved the cursors meanwhile.
      if (lease_.just_taken()) {
        for (Subscriber& s : subscribers_) s.cursor.reset();
      }
      for (Subscriber& s : subscribers_) more = Deliver(s) || more;
      if (const int64_t now = clock_.Now(); now >= next_prune_) {
        next_prune_ = now + kPruneEvery;
        if (auto pruned = store_.PruneOutbox(); !pruned)
          spdlog::warn("outbox not pruned: {}", pruned.error().message);
      }
    }
    std::unique_lock lock(mu_);
    if (stopping_) return;
    if (!more) wake_.wait_for(lock, options_.poll, [this] { return stopping_; });
    if (stopping_) return;
  }
}

}  // namespace berth
