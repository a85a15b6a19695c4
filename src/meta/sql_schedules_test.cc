// The schedules and job queues of the metadata store, on the engine the run names
// (tests/support/engines.h).
#include <gtest/gtest.h>

#include "core/scoped_temp_dir.h"
#include "meta/sql_metadata_store.h"
#include "tests/support/engines.h"

namespace berth {
namespace {

class SqlSchedulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase(dir_.path());
    ASSERT_TRUE(db_);
    auto store = SqlMetadataStore::Open(db_);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }

  static ScheduleRecord Schedule(std::string vendor, int64_t vendor_id, int64_t next_run) {
    ScheduleRecord s;
    s.vendor_type = std::move(vendor);
    s.vendor_id = vendor_id;
    s.cron_type = "Custom";
    s.cron = "0 * * * * *";
    s.job_type = s.vendor_type;
    s.parameters = R"({"dry_run":true})";
    s.next_run = next_run;
    s.created_at = s.updated_at = 100;
    return s;
  }

  ScopedTempDir dir_;
  std::shared_ptr<SqlDatabase> db_;
  std::unique_ptr<SqlMetadataStore> store_;
};

TEST_F(SqlSchedulesTest, OneSchedulePerVendorKeepsItsIdWhenReplaced) {
  auto first = store_->PutSchedule(Schedule("GARBAGE_COLLECTION", 0, 160));
  ASSERT_TRUE(first) << first.error().message;
  ScheduleRecord replaced = Schedule("GARBAGE_COLLECTION", 0, 200);
  replaced.cron = "0 0 * * * *";
  replaced.updated_at = 150;
  auto second = store_->PutSchedule(replaced);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, *first);
  auto got = store_->GetSchedule("GARBAGE_COLLECTION", 0);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->cron, "0 0 * * * *");
  EXPECT_EQ((*got)->next_run, 200);
  EXPECT_EQ((*got)->created_at, 100);
  EXPECT_EQ((*got)->updated_at, 150);
  ASSERT_TRUE(store_->PutSchedule(Schedule("RETENTION", 7, 300)));
  auto listed = store_->ListSchedules(0, 10);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->total, 2);
  ASSERT_TRUE(store_->DeleteSchedule("GARBAGE_COLLECTION", 0));
  ASSERT_TRUE(store_->DeleteSchedule("GARBAGE_COLLECTION", 0));  // gone already: no error
  auto gone = store_->GetSchedule("GARBAGE_COLLECTION", 0);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST_F(SqlSchedulesTest, AFiringQueuesOneJobAndAStaleOneQueuesNone) {
  ASSERT_TRUE(store_->PutSchedule(Schedule("GARBAGE_COLLECTION", 0, 160)));
  auto early = store_->DueSchedules(159, 10);
  ASSERT_TRUE(early);
  EXPECT_TRUE(early->empty());
  auto due = store_->DueSchedules(160, 10);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 1u);
  // Two nodes read it due; the first to fire it wins.
  auto fired = store_->FireSchedule(due->front(), 220, 160);
  ASSERT_TRUE(fired) << fired.error().message;
  ASSERT_TRUE(*fired);
  auto again = store_->FireSchedule(due->front(), 220, 161);
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  auto job = store_->GetJob(**fired);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->type, "GARBAGE_COLLECTION");
  EXPECT_EQ(job->trigger, "Schedule");
  EXPECT_EQ(job->status, "Pending");
  EXPECT_EQ(job->parameters, R"({"dry_run":true})");
  auto jobs = store_->ListJobs("GARBAGE_COLLECTION", "", 0, 10);
  ASSERT_TRUE(jobs);
  EXPECT_EQ(jobs->total, 1);
  // Rewritten after it was read: the old reading fires nothing.
  auto later = store_->DueSchedules(220, 10);
  ASSERT_TRUE(later && later->size() == 1);
  ScheduleRecord rewritten = Schedule("GARBAGE_COLLECTION", 0, 220);
  rewritten.parameters = R"({"dry_run":false})";
  ASSERT_TRUE(store_->PutSchedule(rewritten));
  auto stale = store_->FireSchedule(later->front(), 280, 220);
  ASSERT_TRUE(stale);
  EXPECT_FALSE(*stale);
}

TEST_F(SqlSchedulesTest, APausedQueueKeepsItsJobsWaitingAndAStoppedOneEndsThem) {
  ASSERT_TRUE(store_->CreateJob(
      JobRecord{0, "GARBAGE_COLLECTION", "{}", "Manual", {}, {}, {}, 0, 100, 100, 0, 0, ""}));
  ASSERT_TRUE(store_->CreateJob(
      JobRecord{0, "PURGE_AUDIT_LOG", "{}", "Manual", {}, {}, {}, 0, 110, 110, 0, 0, ""}));
  ASSERT_TRUE(store_->PauseJobQueue("GARBAGE_COLLECTION", true));
  auto queues = store_->ListJobQueues({"GARBAGE_COLLECTION", "PURGE_AUDIT_LOG"});
  ASSERT_TRUE(queues && queues->size() == 2);
  EXPECT_EQ((*queues)[0].pending, 1);
  EXPECT_EQ((*queues)[0].oldest_pending, 100);
  EXPECT_TRUE((*queues)[0].paused);
  EXPECT_FALSE((*queues)[1].paused);
  EXPECT_TRUE(*store_->JobQueuePaused("GARBAGE_COLLECTION"));
  EXPECT_FALSE(*store_->JobQueuePaused("PURGE_AUDIT_LOG"));
  auto claimed = store_->ClaimJob("node", 200);
  ASSERT_TRUE(claimed && *claimed);
  EXPECT_EQ((*claimed)->type, "PURGE_AUDIT_LOG");
  auto none = store_->ClaimJob("node", 200);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  auto running = store_->RunningJobs("node");
  ASSERT_TRUE(running);
  EXPECT_EQ(running->size(), 1u);

  ASSERT_TRUE(store_->PauseJobQueue("GARBAGE_COLLECTION", false));
  ASSERT_TRUE(store_->PauseJobQueue(std::string(kAllJobTypes), true));
  EXPECT_TRUE(*store_->JobQueuePaused("PURGE_AUDIT_LOG")) << "all pauses every type";
  auto all_paused = store_->ClaimJob("node", 200);
  ASSERT_TRUE(all_paused);
  EXPECT_FALSE(*all_paused);
  auto stopped = store_->StopPendingJobs(std::string(kAllJobTypes), 210);
  ASSERT_TRUE(stopped);
  EXPECT_EQ(*stopped, 1u);
  auto gc = store_->ListJobs("GARBAGE_COLLECTION", "", 0, 10);
  ASSERT_TRUE(gc && gc->items.size() == 1);
  EXPECT_EQ(gc->items[0].status, "Stopped");
}

TEST_F(SqlSchedulesTest, APoolThatStoppedBeatingIsNoLongerListed) {
  ASSERT_TRUE(store_->BeatWorkerPool(WorkerPoolRecord{"a", 10, "host", 2, 100, 100}));
  ASSERT_TRUE(store_->BeatWorkerPool(WorkerPoolRecord{"b", 11, "host", 4, 100, 100}));
  ASSERT_TRUE(store_->BeatWorkerPool(WorkerPoolRecord{"a", 10, "host", 2, 100, 130}));
  auto alive = store_->ListWorkerPools(120);
  ASSERT_TRUE(alive);
  ASSERT_EQ(alive->size(), 1u);
  EXPECT_EQ(alive->front().node, "a");
  EXPECT_EQ(alive->front().heartbeat_at, 130);
  ASSERT_TRUE(store_->RemoveWorkerPool("a"));
  auto none = store_->ListWorkerPools(0);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->size(), 1u);
}

}  // namespace
}  // namespace berth
