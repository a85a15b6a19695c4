#include "events/event_bus.h"

#include <gtest/gtest.h>

#include <thread>

namespace berth {
namespace {

TEST(EventBusTest, EveryConsumerSeesEveryEventInPublishingOrder) {
  std::vector<std::string> first, second;
  size_t batches = 0;
  constexpr int kThreads = 4, kEach = 2000;
  {
    EventBus bus;
    bus.Subscribe([&](std::span<const Event> events) {
      ++batches;
      for (const Event& e : events) first.push_back(e.digest);
    });
    bus.Subscribe([&](std::span<const Event> events) {
      for (const Event& e : events) second.push_back(e.digest);
    });
    bus.Start();
    std::vector<std::thread> publishers;
    for (int t = 0; t < kThreads; ++t) {
      publishers.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          Event e;
          e.kind = EventKind::kPullArtifact;
          e.digest = std::to_string(t) + ":" + std::to_string(i);
          bus.Publish(std::move(e));
        }
      });
    }
    for (std::thread& t : publishers) t.join();
  }  // the bus delivers what is queued before it goes
  ASSERT_EQ(first.size(), size_t{kThreads * kEach});
  EXPECT_EQ(first, second);
  // Each publisher's events keep their order.
  std::vector<int> next(kThreads, 0);
  for (const std::string& d : first) {
    const int t = std::stoi(d.substr(0, d.find(':')));
    EXPECT_EQ(std::stoi(d.substr(d.find(':') + 1)), next[t]++);
  }
  // The dispatcher hands over batches, not single events.
  EXPECT_LT(batches, size_t{kThreads * kEach});
}

TEST(EventBusTest, EventsStillQueuedAreDeliveredAtShutdown) {
  std::vector<EventKind> seen;
  {
    EventBus bus;
    bus.Subscribe([&](std::span<const Event> events) {
      for (const Event& e : events) seen.push_back(e.kind);
    });
    bus.Start();
    for (EventKind kind : {EventKind::kPushArtifact, EventKind::kDeleteArtifact}) {
      Event e;
      e.kind = kind;
      bus.Publish(std::move(e));
    }
  }
  EXPECT_EQ(seen, (std::vector<EventKind>{EventKind::kPushArtifact, EventKind::kDeleteArtifact}));
}

TEST(EventBusTest, OnlyHarborsEventTypesReachWebhooks) {
  EXPECT_EQ(WebhookEventType(EventKind::kPushArtifact), "PUSH_ARTIFACT");
  EXPECT_EQ(WebhookEventType(EventKind::kQuotaExceed), "QUOTA_EXCEED");
  EXPECT_FALSE(WebhookEventType(EventKind::kCreateTag));
  EXPECT_FALSE(WebhookEventType(EventKind::kCreateProject));
}

}  // namespace
}  // namespace berth
