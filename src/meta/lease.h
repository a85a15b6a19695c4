// Named leases in the metadata database, by which one node of many does what must be done once
// (read the outbox, fire the schedules); and LeaseHolder, one node's hold on one of them.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/result.h"

namespace berth {

class LeaseStore {
 public:
  virtual ~LeaseStore() = default;
  // Takes or renews the lease `name` for `owner` until now + ttl: true when `owner` holds it
  // (it did, or the last holder's ran out).
  virtual Result<bool> HoldLease(const std::string& name, const std::string& owner, int64_t now,
                                 int64_t ttl) = 0;
  // Gives the lease up, if `owner` holds it, for another node to take at once.
  virtual Status ReleaseLease(const std::string& name, const std::string& owner) = 0;
};

// Used by one thread.
class LeaseHolder {
 public:
  // ttl 0: this node is alone, and holds the lease without asking.
  LeaseHolder(LeaseStore& store, std::string name, std::string node, std::chrono::seconds ttl,
              const Clock& clock);
  // Gives the lease up, for another node to take at once.
  ~LeaseHolder();

  // Whether this node holds the lease now; renewed a third of its ttl after it was last taken,
  // and asked for as often while another node holds it.
  bool Held();
  // Whether the last Held() took the lease from no one or another node: what that node did
  // meanwhile is to be read again.
  bool just_taken() const { return just_taken_; }

 private:
  LeaseStore& store_;
  const std::string name_;
  const std::string node_;
  const std::chrono::seconds ttl_;
  const Clock& clock_;
  bool held_ = false;
  bool just_taken_ = false;
  int64_t next_check_ = 0;
};

}  // namespace berth
