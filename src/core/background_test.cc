#include "core/background.h"

#include <gtest/gtest.h>
#include <sched.h>

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

TEST(BackgroundTest, AForegroundThreadRunsItsOwnWork) {
  EXPECT_FALSE(InBackground());
  std::thread::id ran_on;
  RunInForeground([&] { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

}  // namespace
}  // namespace berth
