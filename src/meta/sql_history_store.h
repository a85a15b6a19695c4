// SqlHistoryStore: the HistoryStore (audit log and webhook history), written once over the SQL
// seam: on the embedded default a SQLite file of its own (history.db) beside the metadata, on
// PostgreSQL the metadata's own database. Thread-safe.
#pragma once

#include <filesystem>
#include <memory>

#include "meta/history_store.h"

namespace berth {

class SqlDatabase;

class SqlHistoryStore : public HistoryStore {
 public:
  // Applies the pending migrations to `db`.
  static Result<std::unique_ptr<SqlHistoryStore>> Open(std::shared_ptr<SqlDatabase> db);
  ~SqlHistoryStore() override;

  Status AddAuditLogs(const std::vector<AuditLogRecord>& logs) override;
  Result<ListPage<AuditLogRecord>> QueryAuditLogs(const AuditLogQuery& query) override;
  Result<int64_t> PurgeAuditLogs(const AuditLogPurge& purge, int64_t limit, bool dry_run) override;
  Result<int64_t> TrimWebhookHistory(int64_t keep) override;
  Status CreateWebhookDeliveries(std::vector<WebhookDelivery>& deliveries) override;
  Result<std::vector<WebhookTaskRecord>> ClaimWebhookTasks(int64_t now, size_t limit) override;
  Result<std::pair<int64_t, int64_t>> PendingWebhookTasks() override;
  Result<size_t> StopPendingWebhookTasks(int64_t now) override;
  Status RequeueWebhookTasks(int64_t claimed_before) override;
  Status RecordWebhookTries(const std::vector<WebhookTry>& tries) override;
  Status KeepWebhookHistoryOf(const std::vector<int64_t>& policies) override;
  Result<ListPage<WebhookExecutionRecord>> ListWebhookExecutions(int64_t policy_id, int64_t offset,
                                                                 int64_t limit) override;
  Result<int64_t> LastWebhookTrigger(int64_t policy_id, const std::string& event_type) override;
  Result<WebhookExecutionRecord> GetWebhookExecution(int64_t id) override;
  Result<std::vector<WebhookTaskRecord>> ListWebhookTasks(int64_t execution_id) override;
  Result<std::vector<WebhookAttemptRecord>> ListWebhookAttempts(int64_t task_id) override;

 private:
  explicit SqlHistoryStore(std::shared_ptr<SqlDatabase> db);

  std::shared_ptr<SqlDatabase> db_;
};

}  // namespace berth
