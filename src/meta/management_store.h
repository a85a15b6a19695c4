// ManagementStore: what the management API keeps besides content and identities: artifacts as
// the API shows them (with tags, labels and pull times), labels, storage quotas, the audit log,
// pull counts, settings changed at run time, and webhook policies with their delivery history.
// Every call is one transaction. Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace berth {

struct TagRecord {
  int64_t id = 0;
  std::string name;
  int64_t pushed_at = 0;  // when it last moved
};

struct ArtifactRecord {
  int64_t id = 0;
  int64_t repository_id = 0;
  std::string repository;
  std::string digest;
  std::string media_type;
  std::string content;  // the manifest
  std::string subject;
  std::string artifact_type;
  int64_t pushed_at = 0;
  int64_t pull_time = 0;  // 0: never pulled
  std::vector<TagRecord> tags;
  std::vector<int64_t> label_ids;
  std::vector<std::string> children;  // an index's manifests
  bool is_child = false;              // some index of the repository lists it
};

struct LabelRecord {
  int64_t id = 0;
  std::string name;
  std::string description;
  std::string color;
  std::string scope;       // "g" (global) or "p" (project)
  int64_t project_id = 0;  // 0 for global labels
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct QuotaRecord {
  int64_t project_id = 0;  // also the quota's id: one quota per project
  std::string project_name;
  int64_t storage_limit = -1;  // bytes; -1: unlimited
  int64_t storage_used = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

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

// One page of a list and how many items the whole list holds.
template <class T>
struct ListPage {
  std::vector<T> items;
  int64_t total = 0;
};

// Manifest pulls seen since the last flush, one entry per (repository, digest).
struct PullTally {
  std::string repository;
  std::string digest;
  int64_t count = 0;
  int64_t last = 0;  // Unix seconds of the latest
};

struct WebhookPolicyRecord {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string name;
  std::string description;
  std::string creator;
  bool enabled = true;
  std::vector<std::string> event_types;
  std::string targets_json;  // Harbor's targets array, as sent
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// One delivery to one target. Pending tasks are the delivery queue: kept in the database, so
// a backlog costs no memory and survives a restart.
struct WebhookTaskRecord {
  int64_t id = 0;
  int64_t execution_id = 0;
  std::string address;
  std::string status = "Pending";  // Pending, Running, Success, Error
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
  int64_t policy_id = 0;   // ClaimWebhookTasks fills these in from the execution's policy
  int64_t project_id = 0;
};

struct WebhookExecutionRecord {
  int64_t id = 0;
  int64_t policy_id = 0;
  std::string event_type;
  std::string status = "Running";  // Running, Success, Error
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

class ManagementStore {
 public:
  virtual ~ManagementStore() = default;

  // The repository's artifacts, oldest first; kNotFound without the repository.
  virtual Result<std::vector<ArtifactRecord>> ListArtifacts(const std::string& repository) = 0;
  // By digest or tag; kNotFound when absent.
  virtual Result<ArtifactRecord> GetArtifact(const std::string& repository,
                                             const std::string& reference) = 0;

  virtual Result<int64_t> CreateLabel(const LabelRecord& label) = 0;
  virtual Result<LabelRecord> GetLabel(int64_t id) = 0;
  // Global labels for scope "g"; a project's for scope "p".
  virtual Result<std::vector<LabelRecord>> ListLabels(const std::string& scope,
                                                      int64_t project_id) = 0;
  virtual Status UpdateLabel(const LabelRecord& label) = 0;
  virtual Status DeleteLabel(int64_t id) = 0;
  // kConflict when already attached.
  virtual Status AttachLabel(int64_t artifact_id, int64_t label_id, int64_t now) = 0;
  // kNotFound when not attached.
  virtual Status DetachLabel(int64_t artifact_id, int64_t label_id) = 0;

  // Each blob counted once per project, with the manifests' own bytes.
  virtual Result<QuotaRecord> GetQuota(int64_t project_id) = 0;
  virtual Result<std::vector<QuotaRecord>> ListQuotas() = 0;
  virtual Status SetStorageLimit(int64_t project_id, int64_t limit, int64_t now) = 0;

  virtual Status AddAuditLogs(const std::vector<AuditLogRecord>& logs) = 0;
  // BAD_REQUEST for a column the query may not name.
  virtual Result<ListPage<AuditLogRecord>> QueryAuditLogs(const AuditLogQuery& query) = 0;

  virtual Status RecordPulls(const std::vector<PullTally>& pulls) = 0;

  virtual Result<std::map<std::string, std::string>> LoadSettings() = 0;
  virtual Status SaveSettings(const std::map<std::string, std::string>& settings) = 0;

  virtual Result<int64_t> CreateWebhookPolicy(const WebhookPolicyRecord& policy) = 0;
  virtual Result<WebhookPolicyRecord> GetWebhookPolicy(int64_t id) = 0;
  // Every project's when project_id is 0.
  virtual Result<std::vector<WebhookPolicyRecord>> ListWebhookPolicies(int64_t project_id) = 0;
  virtual Status UpdateWebhookPolicy(const WebhookPolicyRecord& policy) = 0;
  virtual Status DeleteWebhookPolicy(int64_t id) = 0;
  // Stores the executions with their tasks, filling in their ids.
  virtual Status CreateWebhookDeliveries(std::vector<WebhookDelivery>& deliveries) = 0;
  // Up to `limit` Pending tasks due by `now`, oldest first, marked Running.
  virtual Result<std::vector<WebhookTaskRecord>> ClaimWebhookTasks(int64_t now, size_t limit) = 0;
  // Running tasks back to Pending: those a stopped process was sending.
  virtual Status RequeueWebhookTasks() = 0;
  // Records the tries, in one transaction; an execution ends when its last task ends.
  virtual Status RecordWebhookTries(const std::vector<WebhookTry>& tries) = 0;
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
