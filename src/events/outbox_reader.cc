#include "events/outbox_reader.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

namespace berth {
namespace {

// How often events every consumer has read are deleted.
constexpr int64_t kPruneEvery = 60;

}  // namespace

OutboxReader::OutboxReader(OutboxStore& store, const Clock& clock, OutboxReaderOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

OutboxReader::~OutboxReader() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (reader_.joinable()) reader_.join();
  if (leading_ && options_.lease.count() > 0) {
    if (auto s = store_.ReleaseLease(std::string(kLease), options_.node); !s)
      spdlog::warn("outbox lease not given up: {}", s.error().message);
  }
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

bool OutboxReader::Lead() {
  if (options_.lease.count() == 0) return true;
  const int64_t now = clock_.Now();
  if (now < next_lease_check_) return leading_;
  const int64_t ttl = options_.lease.count();
  auto held = store_.HoldLease(std::string(kLease), options_.node, now, ttl);
  if (!held) spdlog::warn("outbox lease: {}", held.error().message);
  const bool leading = held && *held;
  // Renewed well before it runs out; a node without it asks as often.
  next_lease_check_ = now + std::max<int64_t>(1, ttl / 3);
  if (leading && !leading_) {
    spdlog::info("outbox: this node now reads it for all");
    // Another node may have moved the cursors meanwhile.
    for (Subscriber& s : subscribers_) s.cursor.reset();
  }
  leading_ = leading;
  return leading_;
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
    if (Lead()) {
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
