#include "retention/policy.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "jobs/cron.h"

namespace berth {
namespace {

namespace json = boost::json;

struct TemplateInfo {
  RetentionTemplate kind;
  std::string_view name;
  int64_t max_param;  // 0: the template takes no parameter
};

constexpr int64_t kMaxCount = 1'000'000;
constexpr int64_t kMaxDays = 100'000;
constexpr int64_t kDay = 86'400;

constexpr TemplateInfo kTemplates[] = {
    {RetentionTemplate::kLatestPushedK, "latestPushedK", kMaxCount},
    {RetentionTemplate::kLatestPulledN, "latestPulledN", kMaxCount},
    {RetentionTemplate::kNDaysSinceLastPush, "nDaysSinceLastPush", kMaxDays},
    {RetentionTemplate::kNDaysSinceLastPull, "nDaysSinceLastPull", kMaxDays},
    {RetentionTemplate::kAlways, "always", 0},
};

const TemplateInfo& InfoOf(RetentionTemplate kind) {
  return *std::find_if(std::begin(kTemplates), std::end(kTemplates),
                       [&](const TemplateInfo& t) { return t.kind == kind; });
}

// A whole number in [0, max] however JSON spelled it (10, 10.0, "10" as Harbor's UI may).
Result<int64_t> Param(const json::value& v, std::string_view name, int64_t max) {
  const std::string range =
      std::string(name) + " must be a whole number from 0 to " + std::to_string(max);
  double number = 0;
  if (v.is_int64()) {
    number = static_cast<double>(v.as_int64());
  } else if (v.is_uint64()) {
    number = static_cast<double>(v.as_uint64());
  } else if (v.is_double()) {
    number = v.as_double();
  } else if (v.is_string()) {
    const std::string text(v.as_string());
    if (text.empty() || text.size() > 9 || !std::all_of(text.begin(), text.end(), ::isdigit))
      return Fail(ErrorCode::kBadRequest, range);
    number = std::stod(text);
  } else {
    return Fail(ErrorCode::kBadRequest, range);
  }
  if (!(number >= 0 && number <= static_cast<double>(max)) || std::floor(number) != number)
    return Fail(ErrorCode::kBadRequest, range);
  return static_cast<int64_t>(number);
}

Result<RetentionRule> ParseRule(const json::value& v, size_t index) {
  const std::string where = "rule " + std::to_string(index + 1) + ": ";
  auto fail = [&](std::string_view why) {
    return Fail(ErrorCode::kBadRequest, where + std::string(why));
  };
  if (!v.is_object()) return fail("a rule is an object");
  const json::object& o = v.as_object();
  const json::value* name = o.if_contains("template");
  if (!name || !name->is_string()) return fail("template is required");
  const auto* info =
      std::find_if(std::begin(kTemplates), std::end(kTemplates),
                   [&](const TemplateInfo& t) { return t.name == name->as_string(); });
  if (info == std::end(kTemplates))
    return fail("unknown template " + std::string(name->as_string()));
  if (const json::value* action = o.if_contains("action");
      action && !action->is_null() &&
      !(action->is_string() && (action->as_string() == "retain" || action->as_string().empty())))
    return fail("action must be retain");
  int64_t param = 0;
  if (info->max_param > 0) {
    const json::value* params = o.if_contains("params");
    const json::value* value =
        params && params->is_object() ? params->as_object().if_contains(info->name) : nullptr;
    if (!value) return fail("params must give " + std::string(info->name));
    auto parsed = Param(*value, info->name, info->max_param);
    if (!parsed) return fail(parsed.error().Message());
    param = *parsed;
  }
  int64_t priority = 0;
  if (const json::value* p = o.if_contains("priority"); p && !p->is_null()) {
    if (!p->is_int64()) return fail("priority must be a whole number");
    priority = p->as_int64();
  }
  bool disabled = false;
  if (const json::value* d = o.if_contains("disabled"); d && !d->is_null()) {
    if (!d->is_bool()) return fail("disabled must be true or false");
    disabled = d->as_bool();
  }
  auto scope = TagScope::Parse(o, true);
  if (!scope) return fail(scope.error().Message());
  return RetentionRule{priority, disabled, info->kind, param, std::move(*scope)};
}

// The candidates a rule reaches, newest first by `time` (ties: by digest, so that a run is
// repeatable).
std::vector<const RetentionCandidate*> NewestFirst(std::vector<const RetentionCandidate*> reached,
                                                   int64_t RetentionCandidate::*time) {
  std::sort(reached.begin(), reached.end(), [&](const auto* a, const auto* b) {
    if (a->*time != b->*time) return a->*time > b->*time;
    return a->digest < b->digest;
  });
  return reached;
}

}  // namespace

Result<RetentionPolicy> RetentionPolicy::Parse(const json::object& o) {
  if (const json::value* algorithm = o.if_contains("algorithm");
      algorithm && !algorithm->is_null() &&
      !(algorithm->is_string() &&
        (algorithm->as_string() == "or" || algorithm->as_string().empty())))
    return Fail(ErrorCode::kBadRequest, "algorithm must be or");
  const json::value* rules = o.if_contains("rules");
  if (!rules || !rules->is_array()) return Fail(ErrorCode::kBadRequest, "rules must be an array");
  if (rules->as_array().size() > kMaxRetentionRules)
    return Fail(ErrorCode::kBadRequest,
                "a policy holds at most " + std::to_string(kMaxRetentionRules) + " rules");
  RetentionPolicy policy;
  for (size_t i = 0; i < rules->as_array().size(); ++i) {
    auto rule = ParseRule(rules->as_array()[i], i);
    if (!rule) return tl::unexpected(rule.error());
    policy.rules.push_back(std::move(*rule));
  }
  if (const json::value* trigger = o.if_contains("trigger"); trigger && !trigger->is_null()) {
    if (!trigger->is_object()) return Fail(ErrorCode::kBadRequest, "trigger must be an object");
    const json::object& t = trigger->as_object();
    if (const json::value* kind = t.if_contains("kind");
        kind && !(kind->is_string() && kind->as_string() == "Schedule"))
      return Fail(ErrorCode::kBadRequest, "trigger kind must be Schedule");
    const json::value* settings = t.if_contains("settings");
    const json::value* cron =
        settings && settings->is_object() ? settings->as_object().if_contains("cron") : nullptr;
    if (cron && !cron->is_null()) {
      if (!cron->is_string()) return Fail(ErrorCode::kBadRequest, "trigger cron must be a string");
      policy.cron = cron->as_string();
    }
  }
  if (!policy.cron.empty()) {
    auto schedule = CronSchedule::Parse(policy.cron);
    if (!schedule) return Fail(ErrorCode::kBadRequest, "trigger " + schedule.error().message);
    if (auto ever = schedule->Next(0); !ever)
      return Fail(ErrorCode::kBadRequest, "trigger " + ever.error().message);
  }
  return policy;
}

json::object RetentionPolicy::Json() const {
  json::array rules_json;
  for (size_t i = 0; i < rules.size(); ++i) {
    const RetentionRule& rule = rules[i];
    const TemplateInfo& info = InfoOf(rule.kind);
    json::object params;
    if (info.max_param > 0) params[info.name] = rule.param;
    json::object out{{"id", static_cast<int64_t>(i + 1)},
                     {"priority", rule.priority},
                     {"disabled", rule.disabled},
                     {"action", "retain"},
                     {"template", info.name},
                     {"params", std::move(params)}};
    for (auto& [key, value] : rule.scope.Selectors()) out[key] = value;
    rules_json.push_back(std::move(out));
  }
  return {{"algorithm", "or"},
          {"rules", std::move(rules_json)},
          {"trigger", json::object{{"kind", "Schedule"},
                                   {"settings", json::object{{"cron", cron}}},
                                   {"references", json::object()}}}};
}

bool RetentionPolicy::Reaches(std::string_view repository) const {
  return std::any_of(rules.begin(), rules.end(), [&](const RetentionRule& r) {
    return !r.disabled && r.scope.ReachesRepository(repository);
  });
}

std::set<std::string> Retained(const RetentionPolicy& policy, std::string_view repository,
                               std::span<const RetentionCandidate> candidates, int64_t now) {
  std::set<std::string> kept;
  const bool reached = policy.Reaches(repository);
  for (const RetentionCandidate& c : candidates) {
    if (!reached || c.immutable) kept.insert(c.digest);
  }
  if (!reached) return kept;
  for (const RetentionRule& rule : policy.rules) {
    if (rule.disabled || !rule.scope.ReachesRepository(repository)) continue;
    std::vector<const RetentionCandidate*> mine;
    for (const RetentionCandidate& c : candidates) {
      if (rule.scope.ReachesArtifact(c.tags)) mine.push_back(&c);
    }
    auto keep_first = [&](int64_t RetentionCandidate::*time) {
      const auto sorted = NewestFirst(std::move(mine), time);
      for (size_t i = 0; i < sorted.size() && i < static_cast<size_t>(rule.param); ++i)
        kept.insert(sorted[i]->digest);
    };
    // param <= kMaxDays, so the product cannot overflow.
    const int64_t since = now - rule.param * kDay;
    switch (rule.kind) {
      case RetentionTemplate::kLatestPushedK:
        keep_first(&RetentionCandidate::pushed_at);
        break;
      case RetentionTemplate::kLatestPulledN:
        keep_first(&RetentionCandidate::pulled_at);
        break;
      case RetentionTemplate::kNDaysSinceLastPush:
        for (const auto* c : mine)
          if (c->pushed_at >= since) kept.insert(c->digest);
        break;
      case RetentionTemplate::kNDaysSinceLastPull:
        for (const auto* c : mine)
          if (c->pulled_at != 0 && c->pulled_at >= since) kept.insert(c->digest);
        break;
      case RetentionTemplate::kAlways:
        for (const auto* c : mine) kept.insert(c->digest);
        break;
    }
  }
  return kept;
}

}  // namespace berth
