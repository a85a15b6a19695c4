#include "events/outbox_reader.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "core/scoped_temp_dir.h"
#include "meta/databases.h"
#include "tests/support/eventually.h"

namespace berth {
namespace {

using testing::Eventually;

// The tags a consumer was handed, in order; it fails while `failing` is set.
struct Seen {
  std::mutex mu;
  std::vector<std::string> tags;
  std::atomic<bool> failing = false;
  std::atomic<int> refused = 0;

  OutboxReader::Consumer Consumer() {
    return [this](std::span<const Event> batch) -> Status {
      if (failing) {
        ++refused;
        return Fail(ErrorCode::kUnavailable, "down");
      }
      std::lock_guard lock(mu);
      for (const Event& e : batch) tags.push_back(e.tag);
      return {};
    };
  }
  size_t count() {
    std::lock_guard lock(mu);
    return tags.size();
  }
  std::vector<std::string> all() {
    std::lock_guard lock(mu);
    return tags;
  }
};

class OutboxReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenSqliteMetadata(dir_.path() / "berth.db");
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }
  void Record(const std::string& tag) {
    ASSERT_TRUE(store_->AddOutboxEvent(
        Event{EventKind::kPushArtifact, "alice", 1, "p", "p/r", "sha256:ab", tag, {}}));
  }
  static OutboxReaderOptions Options(const std::string& node, std::chrono::seconds lease) {
    OutboxReaderOptions o;
    o.node = node;
    o.lease = lease;
    o.poll = std::chrono::milliseconds(10);
    o.batch = 2;
    return o;
  }

  ScopedTempDir dir_;
  SystemClock clock_;
  std::unique_ptr<SqlMetadataStore> store_;
};

TEST_F(OutboxReaderTest, EachConsumerGetsEveryEventInOrderAndAFailedBatchAgain) {
  Seen audit, hooks;
  hooks.failing = true;
  for (const char* tag : {"a", "b", "c", "d", "e"}) Record(tag);
  {
    OutboxReader reader(*store_, clock_, Options("n1", std::chrono::seconds(0)));
    reader.Subscribe("audit", audit.Consumer());
    reader.Subscribe("webhooks", hooks.Consumer());
    reader.Start();
    ASSERT_TRUE(Eventually([&] { return audit.count() == 5 && hooks.refused >= 2; }));
    hooks.failing = false;
    ASSERT_TRUE(Eventually([&] { return hooks.count() == 5; }));
    Record("f");
    ASSERT_TRUE(Eventually([&] { return audit.count() == 6 && hooks.count() == 6; }));
  }
  const std::vector<std::string> expected{"a", "b", "c", "d", "e", "f"};
  EXPECT_EQ(audit.all(), expected);
  EXPECT_EQ(hooks.all(), expected);

  // Another start takes up at the cursors: nothing twice.
  Record("g");
  Seen again;
  OutboxReader restarted(*store_, clock_, Options("n2", std::chrono::seconds(0)));
  restarted.Subscribe("audit", again.Consumer());
  restarted.Start();
  ASSERT_TRUE(Eventually([&] { return again.count() == 1; }));
  EXPECT_EQ(again.all(), std::vector<std::string>{"g"});
}

TEST_F(OutboxReaderTest, OneNodeReadsForAllAndAnotherTakesOverWhenItStops) {
  Seen first, second;
  auto one = std::make_unique<OutboxReader>(*store_, clock_, Options("n1", std::chrono::seconds(3)));
  one->Subscribe("audit", first.Consumer());
  one->Start();
  Record("a");
  ASSERT_TRUE(Eventually([&] { return first.count() == 1; }));
  OutboxReader two(*store_, clock_, Options("n2", std::chrono::seconds(3)));
  two.Subscribe("audit", second.Consumer());
  two.Start();
  Record("b");
  ASSERT_TRUE(Eventually([&] { return first.count() == 2; }));
  one.reset();  // gives the lease up
  Record("c");
  ASSERT_TRUE(Eventually([&] { return second.count() == 1; }));
  EXPECT_EQ(first.all(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(second.all(), std::vector<std::string>{"c"});
}

}  // namespace
}  // namespace berth
