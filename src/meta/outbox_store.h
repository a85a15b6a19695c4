// OutboxStore: the events that content and project changes record in the transaction that makes
// the change (the outbox), read in commit order by named consumers with a cursor each, by the one
// node that holds the outbox lease. In the metadata database, shared by every node.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "events/event.h"
#include "meta/lease.h"

namespace berth {

// Where an event stands in commit order: PostgreSQL's transaction id, then the row's id (on
// SQLite, where commits are serial, the id alone: xid is 0).
struct OutboxPosition {
  int64_t xid = 0;
  int64_t id = 0;
  auto operator<=>(const OutboxPosition&) const = default;
};

struct OutboxEntry {
  OutboxPosition position;
  Event event;
};

class OutboxStore : public LeaseStore {
 public:
  virtual ~OutboxStore() = default;

  // Records `event` in a transaction of its own, for events that come of no stored change.
  virtual Status AddOutboxEvent(const Event& event) = 0;
  // The consumer's cursor; one new to the outbox starts with what it still keeps.
  virtual Result<OutboxPosition> OutboxCursor(const std::string& consumer) = 0;
  // Up to `limit` events after `after` in commit order, only from transactions that have all
  // ended: an event read is never followed by one that commits before it.
  virtual Result<std::vector<OutboxEntry>> ReadOutbox(OutboxPosition after, size_t limit) = 0;
  virtual Status AdvanceOutbox(const std::string& consumer, OutboxPosition to) = 0;
  // Deletes the events every consumer has read; returns how many.
  virtual Result<size_t> PruneOutbox() = 0;
};

}  // namespace berth
