// Harbor's schedules: six-field cron expressions (second minute hour day-of-month month
// day-of-week), read as robfig/cron, which Harbor's job service uses, reads them: `*` and `?`,
// lists, ranges, steps, month and weekday names; when both day fields are restricted a day
// matching either runs. Times are UTC.
#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace berth {

class CronSchedule {
 public:
  static Result<CronSchedule> Parse(std::string_view expression);

  // The first time after `after` (Unix seconds) that the schedule names; kNotFound when it
  // names none in the next five years ("0 0 0 30 2 *").
  Result<int64_t> Next(int64_t after) const;

  const std::string& expression() const { return expression_; }

 private:
  std::string expression_;
  std::bitset<60> seconds_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;      // 1..31
  std::bitset<13> months_;    // 1..12
  std::bitset<7> weekdays_;   // 0 = Sunday
  bool any_day_ = false;      // day-of-month was * or ?
  bool any_weekday_ = false;  // day-of-week was * or ?
};

// The cron Harbor's schedule types stand for: Hourly, Daily, Weekly; empty for the others.
std::string_view CronOfScheduleType(std::string_view type);

}  // namespace berth
