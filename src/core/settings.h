// Settings an administrator changes at run time through /api/v2.0/configurations, kept in the
// database and read on every request that depends on them. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "core/result.h"

namespace berth {

struct RuntimeSettings {
  std::string project_creation_restriction = "everyone";  // or "adminonly"
  bool read_only = false;
  int64_t token_expiration_minutes = 30;
  int64_t robot_token_duration_days = 30;
  bool notification_enable = true;
  int64_t storage_per_project = -1;  // bytes for new projects; -1: unlimited
};

class Settings {
 public:
  explicit Settings(RuntimeSettings initial = {}) { Set(std::move(initial)); }

  RuntimeSettings Get() const {
    std::lock_guard lock(mu_);
    return current_;
  }
  void Set(RuntimeSettings next) {
    std::lock_guard lock(mu_);
    read_only_.store(next.read_only, std::memory_order_relaxed);
    token_expiration_.store(next.token_expiration_minutes * 60, std::memory_order_relaxed);
    current_ = std::move(next);
  }
  // The two read on hot paths, without the lock.
  bool read_only() const { return read_only_.load(std::memory_order_relaxed); }
  int64_t token_expiration_seconds() const {
    return token_expiration_.load(std::memory_order_relaxed);
  }

 private:
  mutable std::mutex mu_;
  RuntimeSettings current_;  // guarded by mu_
  std::atomic<bool> read_only_{false};
  std::atomic<int64_t> token_expiration_{1800};
};

// The settings by their Harbor configuration names, as the database keeps them.
std::map<std::string, std::string> SettingsToMap(const RuntimeSettings& settings);
// Applies the named values to `settings`; BAD_REQUEST for an unknown name or a bad value.
Status ApplySettings(const std::map<std::string, std::string>& values, RuntimeSettings& settings);

}  // namespace berth
