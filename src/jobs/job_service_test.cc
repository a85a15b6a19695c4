#include "jobs/job_service.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "core/scoped_temp_dir.h"
#include "meta/databases.h"
#include "storage/paths.h"
#include "tests/support/eventually.h"

namespace berth {
namespace {

using testing::Eventually;

JobServiceOptions Options(std::string node) {
  JobServiceOptions options;
  options.node = std::move(node);
  options.heartbeat = std::chrono::milliseconds(50);
  options.poll = std::chrono::milliseconds(20);
  return options;
}

class JobServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenSqliteMetadata(MetadataPath(dir_.path()));
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }

  JobRecord Job(int64_t id) { return *store_->GetJob(id); }
  bool Ended(int64_t id) {
    const std::string status = Job(id).status;
    return status != "Pending" && status != "Running";
  }

  ScopedTempDir dir_;
  SystemClock clock_;
  std::unique_ptr<SqlMetadataStore> store_;
};

TEST_F(JobServiceTest, AJobRunsOnceWithItsLogAndResultAndAFailureIsAnError) {
  JobService jobs(*store_, clock_, Options("node"));
  std::atomic<int> runs = 0;
  jobs.Register("ECHO", [&](JobContext& job) -> Result<JobOutcome> {
    ++runs;
    job.Log("asked " + job.job().parameters);
    return JobOutcome{R"({"done":true})", false};
  });
  jobs.Register("FAIL", [](JobContext&) -> Result<JobOutcome> {
    return Fail(ErrorCode::kInternal, "the disk is gone");
  });
  ASSERT_TRUE(jobs.Start());
  auto echo = jobs.Submit("ECHO", R"({"x":1})", "Manual");
  auto fail = jobs.Submit("FAIL", "{}", "Manual");
  auto unknown = jobs.Submit("NOBODY", "{}", "Manual");
  ASSERT_TRUE(echo && fail && unknown);
  ASSERT_TRUE(Eventually([&] { return Ended(*echo) && Ended(*fail) && Ended(*unknown); }));
  EXPECT_EQ(runs, 1);
  const JobRecord done = Job(*echo);
  EXPECT_EQ(done.status, "Success");
  EXPECT_EQ(done.result, R"({"done":true})");
  EXPECT_EQ(done.trigger, "Manual");
  EXPECT_GE(done.ended_at, done.started_at);
  EXPECT_NE(store_->JobLog(*echo)->find(R"(asked {"x":1})"), std::string::npos);
  EXPECT_EQ(Job(*fail).status, "Error");
  EXPECT_NE(store_->JobLog(*fail)->find("the disk is gone"), std::string::npos);
  EXPECT_EQ(Job(*unknown).status, "Error");
  auto listed = store_->ListJobs("ECHO", "", 0, 10);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->total, 1);
}

TEST_F(JobServiceTest, AStopReachesARunningJobAndAPendingOneNeverRuns) {
  JobService jobs(*store_, clock_, [] {
    JobServiceOptions options = Options("node");
    options.workers = 1;
    return options;
  }());
  std::atomic<bool> running = false;
  jobs.Register("LOOP", [&](JobContext& job) -> Result<JobOutcome> {
    running = true;
    while (!job.stop()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    job.Log("stopping as asked");
    return JobOutcome{"{}", true};
  });
  ASSERT_TRUE(jobs.Start());
  auto first = jobs.Submit("LOOP", "{}", "Manual");
  auto second = jobs.Submit("LOOP", "{}", "Manual");
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(Eventually([&] { return running.load(); }));
  EXPECT_EQ(*store_->StopJob(*second, clock_.Now()), true);  // waiting behind the first
  EXPECT_EQ(Job(*second).status, "Stopped");
  EXPECT_EQ(*store_->StopJob(*first, clock_.Now()), true);
  ASSERT_TRUE(Eventually([&] { return Ended(*first); }));
  EXPECT_EQ(Job(*first).status, "Stopped");
  EXPECT_NE(store_->JobLog(*first)->find("stopping as asked"), std::string::npos);
  EXPECT_EQ(*store_->StopJob(*first, clock_.Now()), false);  // ended already
  EXPECT_EQ(store_->StopJob(987654, clock_.Now()).error().code, ErrorCode::kNotFound);
}

// A process killed mid-job: at the next start the job runs again, and its log keeps both runs.
TEST_F(JobServiceTest, AJobCutShortByAKilledProcessRunsAgainAtTheNextStart) {
  auto id = store_->CreateJob(JobRecord{0, "SLOW", "{}", "Manual", "", "", "", 0,
                                        clock_.Now(), 0, 0, 0, ""});
  ASSERT_TRUE(id);
  store_.reset();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = OpenSqliteMetadata(MetadataPath(dir_.path()));
    if (!store) std::_Exit(3);
    SystemClock clock;
    JobService jobs(**store, clock, Options("killed"));
    jobs.Register("SLOW", [](JobContext& job) -> Result<JobOutcome> {
      job.Log("begun");
      while (true) std::this_thread::sleep_for(std::chrono::seconds(1));
    });
    if (!jobs.Start()) std::_Exit(4);
    while (true) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  auto store = OpenSqliteMetadata(MetadataPath(dir_.path()));
  ASSERT_TRUE(store);
  store_ = std::move(*store);
  const bool begun = Eventually([&] {
    auto log = store_->JobLog(*id);
    return log && log->find("begun") != std::string::npos;
  });
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ASSERT_TRUE(begun);
  EXPECT_EQ(Job(*id).status, "Running");
  JobService jobs(*store_, clock_, Options("restarted"));
  jobs.Register("SLOW", [](JobContext& job) -> Result<JobOutcome> {
    job.Log("finished");
    return JobOutcome{"{}", false};
  });
  ASSERT_TRUE(jobs.Start());
  ASSERT_TRUE(Eventually([&] { return Ended(*id); }));
  const JobRecord job = Job(*id);
  EXPECT_EQ(job.status, "Success");
  EXPECT_EQ(job.attempts, 2);
  const std::string log = *store_->JobLog(*id);
  for (const char* line : {"begun", "the node running it stopped; it runs again", "attempt 2",
                           "finished"})
    EXPECT_NE(log.find(line), std::string::npos) << line << " in\n" << log;
}

// The pool says it is alive while its only worker is busy with a long job, and leaves the list
// when its node stops.
TEST_F(JobServiceTest, APoolBusyWithALongJobStillSaysItIsAlive) {
  FakeClock clock(1000);
  JobServiceOptions options = Options("busy");
  options.workers = 1;
  std::atomic<bool> release = false;
  {
    JobService jobs(*store_, clock, options);
    jobs.Register("LONG", [&](JobContext&) -> Result<JobOutcome> {
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      return JobOutcome{};
    });
    ASSERT_TRUE(jobs.Start());
    auto pools = store_->ListWorkerPools(0);
    ASSERT_TRUE(pools && pools->size() == 1);
    EXPECT_EQ(pools->front().node, "busy");
    EXPECT_EQ(pools->front().concurrency, 1);
    auto id = jobs.Submit("LONG", "{}", "Manual");
    ASSERT_TRUE(id);
    ASSERT_TRUE(Eventually([&] { return Job(*id).status == "Running"; }));
    clock.Advance(JobService::kPoolBeat + 1);
    EXPECT_TRUE(Eventually(
        [&] { return !store_->ListWorkerPools(1000 + JobService::kPoolBeat)->empty(); }));
    release = true;
    ASSERT_TRUE(Eventually([&] { return Ended(*id); }));
  }
  EXPECT_TRUE(store_->ListWorkerPools(0)->empty());
}

}  // namespace
}  // namespace berth
