#include "jobs/cron.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

// 2026-12-03 10:15:30 UTC, a Thursday.
constexpr int64_t kThursday = 1796292930;

struct NextCase {
  const char* cron;
  int64_t after;
  int64_t next;
};

class CronNextTest : public testing::TestWithParam<NextCase> {};

TEST_P(CronNextTest, NamesTheFirstTimeAfter) {
  const NextCase& c = GetParam();
  auto schedule = CronSchedule::Parse(c.cron);
  ASSERT_TRUE(schedule) << schedule.error().message;
  auto next = schedule->Next(c.after);
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(*next, c.next) << c.cron << " after " << c.after;
}

INSTANTIATE_TEST_SUITE_P(
    Schedules, CronNextTest,
    testing::Values(
        NextCase{"* * * * * *", kThursday, kThursday + 1},
        NextCase{"0 0 * * * *", kThursday, kThursday - 930 + 3600},     // Hourly
        NextCase{"0 0 0 * * *", kThursday, kThursday - 36930 + 86400},  // Daily
        // Weekly: Sunday 2026-12-06 00:00.
        NextCase{"0 0 0 * * 0", kThursday, kThursday - 36930 + 3 * 86400},
        NextCase{"0 0 0 * * SUN", kThursday, kThursday - 36930 + 3 * 86400},
        NextCase{"0 0 0 * * 7", kThursday, kThursday - 36930 + 3 * 86400},
        NextCase{"*/15 * * * * *", kThursday, kThursday + 15},
        NextCase{"30 15 10 * * *", kThursday - 1, kThursday},
        NextCase{"30 15 10 * * *", kThursday, kThursday + 86400},
        NextCase{"0 20-40/10 * * * ?", kThursday, kThursday - 930 + 1200},
        NextCase{"0,45 16 10 * * *", kThursday, kThursday + 30},
        // 1 January 2027 00:00.
        NextCase{"0 0 0 1 JAN *", kThursday, 1798761600},
        // Both day fields restricted: either one runs (the 5th is a Saturday, Friday comes first).
        NextCase{"0 0 0 5 * FRI", kThursday, kThursday - 36930 + 86400},
        // One restricted, the other *: only the restricted one counts.
        NextCase{"0 0 0 5 * *", kThursday, kThursday - 36930 + 2 * 86400},
        // 29 February comes in 2028.
        NextCase{"0 0 12 29 2 *", kThursday, 1835438400}));

TEST(CronTest, RefusesWhatHarborWouldNot) {
  for (const char* bad :
       {"", "* * * * *", "* * * * * * *", "60 * * * * *", "* 60 * * * *", "* * 24 * * *",
        "* * * 0 * *", "* * * 32 * *", "* * * * 13 *", "* * * * * 8", "a * * * * *",
        "5-1 * * * * *", "*/0 * * * * *", "* * * * FOO *", "1,,2 * * * * *"}) {
    auto parsed = CronSchedule::Parse(bad);
    ASSERT_FALSE(parsed) << "'" << bad << "'";
    EXPECT_EQ(parsed.error().code, ErrorCode::kBadRequest);
    EXPECT_FALSE(parsed.error().message.empty());
  }
}

TEST(CronTest, AScheduleThatNamesNoTimeSaysSo) {
  auto never = CronSchedule::Parse("0 0 0 30 2 *");
  ASSERT_TRUE(never);
  auto next = never->Next(kThursday);
  ASSERT_FALSE(next);
  EXPECT_EQ(next.error().code, ErrorCode::kNotFound);
}

TEST(CronTest, ScheduleTypesStandForTheirCron) {
  EXPECT_EQ(CronOfScheduleType("Hourly"), "0 0 * * * *");
  EXPECT_EQ(CronOfScheduleType("Daily"), "0 0 0 * * *");
  EXPECT_EQ(CronOfScheduleType("Weekly"), "0 0 0 * * 0");
  EXPECT_EQ(CronOfScheduleType("Custom"), "");
}

}  // namespace
}  // namespace berth
