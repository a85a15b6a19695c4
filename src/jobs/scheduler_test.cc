#include "jobs/scheduler.h"

#include <gtest/gtest.h>

#include "core/scoped_temp_dir.h"
#include "meta/databases.h"
#include "storage/paths.h"

namespace berth {
namespace {

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenSqliteMetadata(MetadataPath(dir_.path()));
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }

  void Every(const std::string& cron) {
    ScheduleRecord s;
    s.vendor_type = s.job_type = "GARBAGE_COLLECTION";
    s.cron_type = "Custom";
    s.cron = cron;
    s.parameters = "{}";
    s.next_run = *NextRun(cron, clock_.Now());
    s.created_at = s.updated_at = clock_.Now();
    ASSERT_TRUE(store_->PutSchedule(s));
  }

  int64_t Jobs() { return store_->ListJobs("GARBAGE_COLLECTION", "", 0, 100)->total; }

  SchedulerOptions Options(std::string node) {
    SchedulerOptions options;
    options.node = std::move(node);
    options.lease = std::chrono::seconds(30);
    return options;
  }

  ScopedTempDir dir_;
  FakeClock clock_{1796292930};  // 2026-12-03 10:15:30 UTC
  std::unique_ptr<SqlMetadataStore> store_;
};

TEST_F(SchedulerTest, FiresAtTheCronsTimesOnceAndDoesNotCatchUp) {
  Every("0 * * * * *");  // each minute, at :00
  Scheduler scheduler(*store_, *store_, clock_, Options("a"));
  EXPECT_EQ(*scheduler.FireDue(), 0u);
  clock_.Advance(29);  // 10:15:59
  EXPECT_EQ(*scheduler.FireDue(), 0u);
  clock_.Advance(1);  // 10:16:00
  EXPECT_EQ(*scheduler.FireDue(), 1u);
  EXPECT_EQ(*scheduler.FireDue(), 0u);
  EXPECT_EQ(Jobs(), 1);
  // Ten minutes with no round: one run, then the next minute's.
  clock_.Advance(600);
  EXPECT_EQ(*scheduler.FireDue(), 1u);
  EXPECT_EQ(*scheduler.FireDue(), 0u);
  EXPECT_EQ(Jobs(), 2);
  auto schedule = store_->GetSchedule("GARBAGE_COLLECTION", 0);
  EXPECT_EQ((*schedule)->next_run, clock_.Now() + 60);
}

TEST_F(SchedulerTest, OnlyTheNodeHoldingTheLeaseFiresAndAnotherTakesOverWhenItStops) {
  Every("* * * * * *");
  auto b = std::make_unique<Scheduler>(*store_, *store_, clock_, Options("b"));
  {
    Scheduler a(*store_, *store_, clock_, Options("a"));
    clock_.Advance(1);
    EXPECT_EQ(*a.FireDue(), 1u);
    EXPECT_EQ(*b->FireDue(), 0u);
    clock_.Advance(1);
    EXPECT_EQ(*b->FireDue(), 0u);
    EXPECT_EQ(*a.FireDue(), 1u);
  }
  // a gave the lease up as it stopped; b asks again once a third of the lease has passed.
  clock_.Advance(10);
  EXPECT_EQ(*b->FireDue(), 1u);
  EXPECT_EQ(Jobs(), 3);
}

}  // namespace
}  // namespace berth
