// HistoryStore: what Berth records of what happened: the audit log, and webhook deliveries
// (executions, their tasks, every try's HTTP status), whose pending tasks are the retry queue.
// Only bookkeeping threads write it, never a request: kept apart from the metadata, it can take
// a backlog of history at idle priority without any request waiting for its commits. Every call
// is one transaction. Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/list_query.h"
#include "core/result.h"

namespace berth {

struct AuditLogRecord {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string username;
  std::string operation;      // create, delete, pull, update
  std::string resource_type;  // artifact, tag, repository, project
  std::string resource;
  int64_t op_time = 0;
};

// Which audit log entries to list, filtered, ordered and paged by the store: the log grows
// with every pull, so it is never read whole.
struct AuditLogQuery {
  std::optional<std::vector<int64_t>> projects;  // nullopt: every project's
  // On username, resource, resource_type or operation: one of `values` equal, or contained
  // when `contains`. Conditions are ANDed.
  struct Text {
    std::string column;
    std::vector<std::string> values;
    bool contains = false;
  };
  std::vector<Text> text;
  int64_t from = 0;  // op_time range, inclusive
  int64_t to = std::numeric_limits<int64_t>::max();
  std::string order_by = "id";  // id, op_time, username, resource, resource_type, operation
  bool descending = true;
  int64_t offset = 0;
  int64_t limit = 10;
};

// One delivery to one target. Pending tasks are the retry queue: kept on disk, so a backlog
// costs no memory and survives a restart.
struct WebhookTaskRecord {
  int64_t id = 0;
  int64_t execution_id = 0;
  std::string address;
  std::string status = "Pending";  // Pending, Running, Success, Error, Stopped
  int64_t run_count = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t started_at = 0;
  int64_t ended_at = 0;
  int64_t next_try_at = 0;  // when a Pending task is due
  // What to send: filled in by ClaimWebhookTasks, empty in listings.
  std::string auth_header;
  bool skip_cert_verify = false;
  std::string payload_format;  // Default or CloudEvents
  // The event, as EncodeEvent writes it: the payload is rendered when it is sent.
  std::string event;
  int64_t policy_id = 0;  // the execution's
};

struct WebhookExecutionRecord {
  int64_t id = 0;
  int64_t policy_id = 0;
  std::string event_type;
  std::string status = "Running";  // Running, Success, Error, Stopped
  int64_t started_at = 0;
  int64_t ended_at = 0;
};

struct WebhookAttemptRecord {
  int64_t task_id = 0;
  int64_t attempt = 0;  // 1-based
  int64_t at = 0;
  int64_t http_status = 0;  // 0 when no answer came
  std::string message;
};

// A try of a task, and the task's state after it (Pending again with next_try_at for a retry).
struct WebhookTry {
  WebhookTaskRecord task;
  WebhookAttemptRecord attempt;
};

// One delivery to start: an execution with a task per target.
struct WebhookDelivery {
  WebhookExecutionRecord execution;
  std::vector<WebhookTaskRecord> tasks;
};

// Which audit log entries a purge deletes: older than `before`, of one of `event_types`
// ("<operation>_<resource_type>": create_artifact) or of one of `operations` (create).
struct AuditLogPurge {
  int64_t before = 0;
  std::vector<std::string> event_types;
  std::vector<std::string> operations;
};

class HistoryStore {
 public:
  virtual ~HistoryStore() = default;

  virtual Status AddAuditLogs(const std::vector<AuditLogRecord>& logs) = 0;
  // BAD_REQUEST for a column the query may not name.
  virtual Result<ListPage<AuditLogRecord>> QueryAuditLogs(const AuditLogQuery& query) = 0;
  // Deletes up to `limit` of the entries `purge` picks, oldest first; returns how many. With
  // `dry_run`, deletes none and returns how many it would, all told.
  virtual Result<int64_t> PurgeAuditLogs(const AuditLogPurge& purge, int64_t limit,
                                         bool dry_run) = 0;

  // Stores the executions with their tasks, filling in their ids.
  virtual Status CreateWebhookDeliveries(std::vector<WebhookDelivery>& deliveries) = 0;
  // Up to `limit` Pending tasks due by `now`, oldest first, marked Running as of `now`. Each is
  // claimed once, whichever node asks.
  virtual Result<std::vector<WebhookTaskRecord>> ClaimWebhookTasks(int64_t now, size_t limit) = 0;
  // Running tasks claimed before `claimed_before` back to Pending: those a stopped process (this
  // node's, or another's) was sending.
  virtual Status RequeueWebhookTasks(int64_t claimed_before) = 0;
  // Records the tries, in one transaction; an execution ends when its last task ends.
  virtual Status RecordWebhookTries(const std::vector<WebhookTry>& tries) = 0;
  // How many tasks wait (Pending, a retry's too) and when the longest-waiting one was made (0
  // when none waits).
  virtual Result<std::pair<int64_t, int64_t>> PendingWebhookTasks() = 0;
  // Every Pending task Stopped, as of `now`, and the executions they end with them; returns
  // how many tasks.
  virtual Result<size_t> StopPendingWebhookTasks(int64_t now) = 0;
  // Deletes the history of every policy but `policies`: those deleted since, whose ids are
  // never given to another policy.
  virtual Status KeepWebhookHistoryOf(const std::vector<int64_t>& policies) = 0;
  // Deletes each policy's ended executions but its newest `keep`; returns how many went.
  virtual Result<int64_t> TrimWebhookHistory(int64_t keep) = 0;
  // Newest first.
  virtual Result<ListPage<WebhookExecutionRecord>> ListWebhookExecutions(int64_t policy_id,
                                                                         int64_t offset,
                                                                         int64_t limit) = 0;
  // When the policy last fired for `event_type`; 0 if never.
  virtual Result<int64_t> LastWebhookTrigger(int64_t policy_id, const std::string& event_type) = 0;
  virtual Result<WebhookExecutionRecord> GetWebhookExecution(int64_t id) = 0;
  virtual Result<std::vector<WebhookTaskRecord>> ListWebhookTasks(int64_t execution_id) = 0;
  virtual Result<std::vector<WebhookAttemptRecord>> ListWebhookAttempts(int64_t task_id) = 0;
};

}  // namespace berth
