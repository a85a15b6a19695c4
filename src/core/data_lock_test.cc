#include "core/data_lock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "core/scoped_temp_dir.h"

namespace berth {
namespace {

TEST(DataDirLockTest, OneHolderAtATimeNamedByItsPid) {
  ScopedTempDir dir;
  {
    auto first = DataDirLock::Take(dir.path());
    ASSERT_TRUE(first) << first.error().message;
    std::string pid;
    std::ifstream(dir.path() / "berth.lock") >> pid;
    EXPECT_EQ(pid, std::to_string(::getpid()));
    // flock(2) locks are per open file: a second take conflicts even in the same process.
    auto second = DataDirLock::Take(dir.path());
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, ErrorCode::kConflict);
    EXPECT_NE(second.error().message.find(dir.path().string()), std::string::npos);
    EXPECT_NE(second.error().message.find("PID " + std::to_string(::getpid())),
              std::string::npos)
        << second.error().message;
  }
  // Released with its holder.
  EXPECT_TRUE(DataDirLock::Take(dir.path()));
}

}  // namespace
}  // namespace berth
