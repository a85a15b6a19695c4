// The event bus's bookkeeping consumers: the audit log (who did what to which resource, when),
// kept in the history store, and pull counts and times, kept with the artifacts. Each writes one
// transaction per batch it is handed, off the request path. Each instance is called from one
// thread (a bus's consumer, the outbox reader).
#pragma once

#include <span>
#include <string>
#include <unordered_map>

#include "events/event.h"
#include "meta/history_store.h"
#include "meta/identity_store.h"
#include "meta/management_store.h"

namespace berth {

class AuditRecorder {
 public:
  AuditRecorder(HistoryStore& store, IdentityStore& identities)
      : store_(store), identities_(identities) {}
  // An error leaves the batch unrecorded, for the caller to hand over again or give up.
  Status operator()(std::span<const Event> events);

 private:
  int64_t ProjectId(const std::string& name);

  HistoryStore& store_;
  IdentityStore& identities_;
  std::unordered_map<std::string, int64_t> project_ids_;
};

class PullCounter {
 public:
  explicit PullCounter(ManagementStore& store) : store_(store) {}
  void operator()(std::span<const Event> events);

 private:
  ManagementStore& store_;
};

}  // namespace berth
