#include "jobs/cron.h"

#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <vector>

#include "core/strings.h"

namespace berth {
namespace {

struct Field {
  const char* name;
  int low;
  int high;
  std::array<std::string_view, 13> names;  // names[i] stands for low + i
};

constexpr Field kSecond{"second", 0, 59, {}};
constexpr Field kMinute{"minute", 0, 59, {}};
constexpr Field kHour{"hour", 0, 23, {}};
constexpr Field kDay{"day of month", 1, 31, {}};
constexpr Field kMonth{
    "month",
    1,
    12,
    {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}};
constexpr Field kWeekday{"day of week", 0, 6, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}};

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

Result<int> Value(const Field& field, std::string_view text) {
  const std::string upper = Upper(text);
  for (size_t i = 0; i < field.names.size(); ++i) {
    if (!field.names[i].empty() && field.names[i] == upper) return field.low + static_cast<int>(i);
  }
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    return Fail(ErrorCode::kBadRequest,
                "cron " + std::string(field.name) + " '" + std::string(text) + "' is not a value");
  if (value < field.low || value > field.high)
    return Fail(ErrorCode::kBadRequest,
                "cron " + std::string(field.name) + " " + std::to_string(value) + " is outside " +
                    std::to_string(field.low) + "-" + std::to_string(field.high));
  return value;
}

// Sets the values `text` names; `any` is whether it was * or ?.
template <size_t N>
Status ParseField(const Field& field, std::string_view text, std::bitset<N>& bits, bool& any) {
  any = text == "*" || text == "?";
  for (std::string_view item : Split(text, ',')) {
    int step = 1;
    const bool stepped = item.find('/') != std::string_view::npos;
    if (auto slash = item.find('/'); slash != std::string_view::npos) {
      auto parsed = Value(Field{field.name, 1, field.high + 1, {}}, item.substr(slash + 1));
      if (!parsed) return tl::unexpected(parsed.error());
      step = *parsed;
      item = item.substr(0, slash);
      any = false;
    }
    int first = field.low;
    int last = field.high;
    if (item != "*" && item != "?") {
      const auto dash = item.find('-');
      auto low = Value(field, item.substr(0, dash));
      if (!low) return tl::unexpected(low.error());
      first = *low;
      if (dash != std::string_view::npos) {
        auto high = Value(field, item.substr(dash + 1));
        if (!high) return tl::unexpected(high.error());
        last = *high;
      } else if (!stepped) {
        last = first;
      }
      if (last < first)
        return Fail(ErrorCode::kBadRequest, "cron " + std::string(field.name) + " range '" +
                                                std::string(item) + "' runs backwards");
    }
    for (int v = first; v <= last; v += step) bits.set(static_cast<size_t>(v));
  }
  return {};
}

}  // namespace

Result<CronSchedule> CronSchedule::Parse(std::string_view expression) {
  std::vector<std::string_view> fields;
  for (std::string_view part : Split(expression, ' ')) {
    if (!part.empty()) fields.push_back(part);
  }
  if (fields.size() != 6)
    return Fail(ErrorCode::kBadRequest,
                "cron '" + std::string(expression) +
                    "' must have six fields: second minute hour day-of-month month day-of-week");
  CronSchedule s;
  s.expression_ = std::string(expression);
  bool unused = false;
  if (auto r = ParseField(kSecond, fields[0], s.seconds_, unused); !r)
    return tl::unexpected(r.error());
  if (auto r = ParseField(kMinute, fields[1], s.minutes_, unused); !r)
    return tl::unexpected(r.error());
  if (auto r = ParseField(kHour, fields[2], s.hours_, unused); !r) return tl::unexpected(r.error());
  if (auto r = ParseField(kDay, fields[3], s.days_, s.any_day_); !r)
    return tl::unexpected(r.error());
  if (auto r = ParseField(kMonth, fields[4], s.months_, unused); !r)
    return tl::unexpected(r.error());
  // 7 is Sunday too, as robfig/cron reads it.
  std::string weekday(fields[5]);
  std::bitset<8> weekdays;
  const Field weekday_field{kWeekday.name, 0, 7, kWeekday.names};
  if (auto r = ParseField(weekday_field, weekday, weekdays, s.any_weekday_); !r)
    return tl::unexpected(r.error());
  for (size_t d = 0; d < 7; ++d) s.weekdays_[d] = weekdays[d] || (d == 0 && weekdays[7]);
  return s;
}

Result<int64_t> CronSchedule::Next(int64_t after) const {
  using namespace std::chrono;
  const sys_seconds start{seconds(after + 1)};
  sys_days day = floor<days>(start);
  auto time_of_day = start - day;
  const sys_days horizon = day + days(5 * 366 + 1);
  // Day by day, then within a matching day the first matching second at or after the start.
  for (bool first_day = true; day < horizon; ++day, first_day = false) {
    const year_month_day ymd{day};
    if (!months_[static_cast<unsigned>(ymd.month())]) continue;
    const bool day_matches = days_[static_cast<unsigned>(ymd.day())];
    const bool weekday_matches = weekdays_[weekday{day}.c_encoding()];
    const bool matches = any_day_ || any_weekday_ ? (day_matches && weekday_matches)
                                                  : (day_matches || weekday_matches);
    if (!matches) continue;
    const int64_t from = first_day ? duration_cast<seconds>(time_of_day).count() : 0;
    for (int64_t h = from / 3600; h < 24; ++h) {
      if (!hours_[h]) continue;
      for (int64_t m = 0; m < 60; ++m) {
        if (!minutes_[m]) continue;
        for (int64_t sec = 0; sec < 60; ++sec) {
          const int64_t at = h * 3600 + m * 60 + sec;
          if (seconds_[sec] && at >= from)
            return duration_cast<seconds>(day.time_since_epoch()).count() + at;
        }
      }
    }
  }
  return Fail(ErrorCode::kNotFound, "cron '" + expression_ + "' names no time in five years");
}

std::string_view CronOfScheduleType(std::string_view type) {
  if (type == "Hourly") return "0 0 * * * *";
  if (type == "Daily") return "0 0 0 * * *";
  if (type == "Weekly") return "0 0 0 * * 0";
  return {};
}

}  // namespace berth
