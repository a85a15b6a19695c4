#include "meta/lease.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace berth {

LeaseHolder::LeaseHolder(LeaseStore& store, std::string name, std::string node,
                         std::chrono::seconds ttl, const Clock& clock)
    : store_(store), name_(std::move(name)), node_(std::move(node)), ttl_(ttl), clock_(clock) {}

LeaseHolder::~LeaseHolder() {
  if (!held_ || ttl_.count() == 0) return;
  if (auto s = store_.ReleaseLease(name_, node_); !s)
    spdlog::warn("{} lease not given up: {}", name_, s.error().message);
}

bool LeaseHolder::Held() {
  just_taken_ = false;
  if (ttl_.count() == 0) {
    just_taken_ = !held_;
    held_ = true;
    return true;
  }
  const int64_t now = clock_.Now();
  if (now < next_check_) return held_;
  auto held = store_.HoldLease(name_, node_, now, ttl_.count());
  if (!held) spdlog::warn("{} lease: {}", name_, held.error().message);
  const bool holds = held && *held;
  next_check_ = now + std::max<int64_t>(1, ttl_.count() / 3);
  if (holds && !held_) spdlog::info("{}: this node now holds the lease", name_);
  just_taken_ = holds && !held_;
  held_ = holds;
  return held_;
}

}  // namespace berth
