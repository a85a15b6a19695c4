#include "events/event_bus.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "core/clock.h"
#include "core/scoped_temp_dir.h"
#include "tests/support/eventually.h"

namespace berth {
namespace {

using testing::Eventually;

// What one consumer has seen, read by the test while the bus delivers.
struct Seen {
  std::mutex mu;
  std::vector<Event> events;
  size_t batches = 0;

  EventBus::Consumer Consumer() {
    return [this](std::span<const Event> batch) {
      std::lock_guard lock(mu);
      events.insert(events.end(), batch.begin(), batch.end());
      ++batches;
    };
  }
  size_t size() {
    std::lock_guard lock(mu);
    return events.size();
  }
};

Event Pull(std::string digest, int64_t at) {
  Event e;
  e.kind = EventKind::kPullArtifact;
  e.digest = std::move(digest);
  e.at = at;
  return e;
}

TEST(EventBusTest, EveryConsumerSeesEveryEventInPublishingOrder) {
  ScopedTempDir dir;
  SystemClock clock;
  Seen first, second;
  constexpr int kThreads = 4, kEach = 2000;
  EventBus bus(dir.path() / "events.journal");
  bus.Subscribe(first.Consumer());
  bus.Subscribe(second.Consumer());
  ASSERT_TRUE(bus.Start());
  std::vector<std::thread> publishers;
  for (int t = 0; t < kThreads; ++t) {
    publishers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i)
        bus.Publish(Pull(std::to_string(t) + ":" + std::to_string(i), clock.Now()));
    });
  }
  for (std::thread& t : publishers) t.join();
  ASSERT_TRUE(Eventually([&] { return second.size() == size_t{kThreads * kEach}; }));
  std::lock_guard lock1(first.mu), lock2(second.mu);
  ASSERT_EQ(first.events.size(), size_t{kThreads * kEach});
  // Each publisher's events keep their order, and both consumers see the same.
  std::vector<int> next(kThreads, 0);
  for (size_t i = 0; i < first.events.size(); ++i) {
    const std::string& d = first.events[i].digest;
    EXPECT_EQ(d, second.events[i].digest);
    const int t = std::stoi(d.substr(0, d.find(':')));
    EXPECT_EQ(std::stoi(d.substr(d.find(':') + 1)), next[t]++);
  }
  // Consumers get batches, not single events.
  EXPECT_LT(first.batches, size_t{kThreads * kEach});
}

TEST(EventBusTest, WhatAKilledProcessLeftIsDeliveredAfterTheNextStart) {
  ScopedTempDir dir;
  const auto journal = dir.path() / "events.journal";
  SystemClock clock;
  std::vector<Event> published;
  for (EventKind kind : {EventKind::kPushArtifact, EventKind::kCreateTag, EventKind::kQuotaExceed}) {
    Event e;
    e.kind = kind;
    e.operator_name = "robot$ci";
    e.at = clock.Now();
    e.project = "library";
    e.repository = "library/app";
    e.digest = "sha256:" + std::string(64, 'a');
    e.tag = kind == EventKind::kCreateTag ? "v1" : "";
    e.detail = kind == EventKind::kQuotaExceed ? "quota exceeded" : "";
    published.push_back(e);
  }
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // A process that journals the events and dies while consuming them.
    std::atomic<bool> consuming = false;
    EventBus bus(journal);
    bus.Subscribe([&](std::span<const Event>) {
      consuming = true;
      while (true) std::this_thread::sleep_for(std::chrono::seconds(1));
    });
    for (const Event& e : published) bus.Publish(e);
    if (!bus.Start()) ::_exit(1);
    for (int i = 0; i < 1000 && !consuming; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ::_exit(consuming ? 0 : 2);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  // ... and was killed in the middle of appending one more.
  {
    std::ofstream torn(journal, std::ios::binary | std::ios::app);
    const uint32_t length = 200;
    torn.write(reinterpret_cast<const char*>(&length), sizeof length);
    torn << "partial";
  }
  Seen seen;
  {
    EventBus bus(journal);
    bus.Subscribe(seen.Consumer());
    ASSERT_TRUE(bus.Start());
    ASSERT_TRUE(Eventually([&] { return seen.size() == published.size(); }));
    // New events follow the old, not the torn bytes.
    bus.Publish(Pull("after", clock.Now()));
    ASSERT_TRUE(Eventually([&] { return seen.size() == published.size() + 1; }));
  }
  std::lock_guard lock(seen.mu);
  for (size_t i = 0; i < published.size(); ++i) {
    const Event& got = seen.events[i];
    const Event& want = published[i];
    EXPECT_EQ(got.kind, want.kind);
    EXPECT_EQ(got.at, want.at);
    EXPECT_EQ(std::tie(got.operator_name, got.project, got.repository, got.digest, got.tag,
                       got.detail),
              std::tie(want.operator_name, want.project, want.repository, want.digest, want.tag,
                       want.detail));
  }
  EXPECT_EQ(seen.events.back().digest, "after");
  // Once everything is consumed the file starts over.
  EXPECT_LT(std::filesystem::file_size(journal), 64u);
}

TEST(EventBusTest, OnlyHarborsEventTypesReachWebhooks) {
  EXPECT_EQ(WebhookEventType(EventKind::kPushArtifact), "PUSH_ARTIFACT");
  EXPECT_EQ(WebhookEventType(EventKind::kQuotaExceed), "QUOTA_EXCEED");
  EXPECT_FALSE(WebhookEventType(EventKind::kCreateTag));
  EXPECT_FALSE(WebhookEventType(EventKind::kCreateProject));
}

}  // namespace
}  // namespace berth
