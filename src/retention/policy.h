// Tag retention as Harbor defines it: a project's policy is a list of rules, each of which
// retains some of the artifacts its selectors reach (the latest K pushed, those pulled within N
// days, ...). In a repository that an enabled rule reaches, an artifact survives if any rule
// retains it ("or", Harbor's one algorithm) or if an immutable tag rule holds one of its tags;
// every other artifact there is deleted. Repositories no rule reaches are left alone.
// Values and pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/tag_scope.h"

namespace berth {

enum class RetentionTemplate {
  kLatestPushedK,
  kLatestPulledN,
  kNDaysSinceLastPush,
  kNDaysSinceLastPull,
  kAlways,
};

struct RetentionRule {
  int64_t priority = 0;
  bool disabled = false;
  RetentionTemplate kind = RetentionTemplate::kAlways;
  int64_t param = 0;  // K, N or days, as the template reads it
  TagScope scope;
};

// Harbor's bound on a policy's rules.
inline constexpr size_t kMaxRetentionRules = 15;

struct RetentionPolicy {
  std::vector<RetentionRule> rules;
  std::string cron;  // Harbor's 6-field schedule; empty: run by hand only

  // From Harbor's RetentionPolicy JSON (its id and scope are the caller's to read): algorithm
  // "or", up to kMaxRetentionRules rules, each with a known template and its parameter
  // (0 to 1,000,000 artifacts, 0 to 100,000 days), and a trigger of kind Schedule.
  // BAD_REQUEST saying what is wrong.
  static Result<RetentionPolicy> Parse(const boost::json::object& json);
  // Harbor's RetentionPolicy JSON, but for id and scope; rules numbered from 1 in their order.
  boost::json::object Json() const;

  // Whether an enabled rule reaches the repository (named within its project).
  bool Reaches(std::string_view repository) const;
};

// An artifact of one repository as retention weighs it.
struct RetentionCandidate {
  std::string digest;
  std::vector<std::string> tags;
  int64_t pushed_at = 0;
  int64_t pulled_at = 0;   // 0: never pulled
  bool immutable = false;  // an immutable tag rule holds one of its tags
};

// The digests of `candidates` that the policy keeps in `repository` (named within its project),
// `now` in Unix seconds. Every candidate when no enabled rule reaches the repository.
std::set<std::string> Retained(const RetentionPolicy& policy, std::string_view repository,
                               std::span<const RetentionCandidate> candidates, int64_t now);

}  // namespace berth
