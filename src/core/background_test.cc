#include "core/background.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace berth {
namespace {

TEST(BackgroundTest, ForegroundWorkOfABackgroundThreadRunsAtNormalPriority) {
  int background_policy = -1, foreground_policy = -1;
  std::thread::id worker, foreground;
  std::thread t([&] {
    EnterBackground("test-idle");
    EXPECT_TRUE(InBackground());
    background_policy = ::sched_getscheduler(0);
    worker = std::this_thread::get_id();
    RunInForeground([&] {
      foreground_policy = ::sched_getscheduler(0);
      foreground = std::this_thread::get_id();
    });
    EXPECT_THROW(RunInForeground([] { throw std::runtime_error("reaches the caller"); }),
                 std::runtime_error);
  });
  t.join();
  EXPECT_EQ(background_policy, SCHED_IDLE);
  EXPECT_EQ(foreground_policy, SCHED_OTHER);
  EXPECT_NE(foreground, worker);
}

TEST(BackgroundTest, ABackgroundThreadIsBroughtBackToNormalPriorityToBeJoined) {
  std::atomic<bool> entered = false, brought = false;
  int policy = -1;
  std::thread t([&] {
    EnterBackground("test-idle");
    entered = true;
    while (!brought) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    policy = ::sched_getscheduler(0);
  });
  while (!entered) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  BringToForeground(t);
  brought = true;
  t.join();
  EXPECT_EQ(policy, SCHED_OTHER);
}

TEST(BackgroundTest, AForegroundThreadRunsItsOwnWork) {
  EXPECT_FALSE(InBackground());
  std::thread::id ran_on;
  RunInForeground([&] { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

// Samples a machine whose CPUs were idle, and whose background threads ran, for the given
// times over each kWindow.
class FakeMachine {
 public:
  void Next(std::chrono::milliseconds idle, std::chrono::milliseconds background,
            std::chrono::milliseconds elapsed = SpareCpu::kWindow) {
    sample_.at += elapsed;
    sample_.idle += idle;
    sample_.background += background;
  }
  SpareCpu::Sampler Sampler() {
    return [this]() -> std::optional<CpuSample> {
      if (!readable) return std::nullopt;
      return sample_;
    };
  }
  bool readable = true;

 private:
  // Long past, so that every call takes a new sample.
  CpuSample sample_{std::chrono::steady_clock::now() - std::chrono::hours(1)};
};

TEST(SpareCpuTest, HalfACpuLeftOverIsToSpare) {
  using std::chrono::milliseconds;
  FakeMachine machine;
  SpareCpu spare(machine.Sampler());
  EXPECT_FALSE(spare());  // nothing to compare with yet
  machine.Next(milliseconds(50), milliseconds(0));
  EXPECT_TRUE(spare());
  machine.Next(milliseconds(10), milliseconds(0));
  EXPECT_FALSE(spare());
  machine.Next(milliseconds(50), milliseconds(0));
  EXPECT_TRUE(spare());
  // What background threads use counts as left to them.
  machine.Next(milliseconds(10), milliseconds(45));
  EXPECT_TRUE(spare());
  machine.Next(milliseconds(10), milliseconds(30));
  EXPECT_FALSE(spare());
  machine.Next(milliseconds(50), milliseconds(0));
  EXPECT_TRUE(spare());
  // After a quiet spell with no sample, what the CPUs do now is not known yet.
  machine.Next(milliseconds(2000), milliseconds(0), std::chrono::seconds(2));
  EXPECT_FALSE(spare());
  machine.Next(milliseconds(50), milliseconds(0));
  EXPECT_TRUE(spare());
  // What cannot be measured holds nothing back.
  machine.readable = false;
  EXPECT_TRUE(spare());
}

TEST(SpareCpuTest, SamplesAreTakenAWindowApart) {
  int samples = 0;
  SpareCpu spare([&]() -> std::optional<CpuSample> {
    ++samples;
    return CpuSample{std::chrono::steady_clock::now()};
  });
  spare();
  spare();
  EXPECT_EQ(samples, 1);
  std::this_thread::sleep_for(SpareCpu::kWindow);
  spare();
  EXPECT_EQ(samples, 2);
}

TEST(HoldPolicyTest, HoldsOnlyWhileNoCpuIsToSpareAndNotLongerThanItsMax) {
  bool spare = false;
  const HoldPolicy hold{std::chrono::seconds(30), [&] { return spare; }};
  EXPECT_EQ(hold.DueBy(1000), 970);
  spare = true;
  EXPECT_EQ(hold.DueBy(1000), 1000);
  EXPECT_EQ(HoldPolicy{std::chrono::seconds(0)}.DueBy(1000), 1000);
}

}  // namespace
}  // namespace berth
