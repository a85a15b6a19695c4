// SqliteHistoryStore: the embedded HistoryStore, a SQLite file of its own (history.db) beside
// the metadata. Only bookkeeping threads write it, so a thread at idle priority may lead its
// commits, and they pay for no fsync: a commit survives a crash of the process, not a power loss,
// like the event journals that feed it. Thread-safe.
#pragma once

#include <filesystem>
#include <memory>

#include "meta/history_store.h"

namespace berth {

class SqliteDatabase;

class SqliteHistoryStore : public HistoryStore {
 public:
  // Opens (creating if needed) the database and applies pending migrations, then takes the
  // history that the metadata at `metadata_path` kept before its migration 6, if any is left.
  static Result<std::unique_ptr<SqliteHistoryStore>> Open(
      const std::filesystem::path& path, const std::filesystem::path& metadata_path);
  ~SqliteHistoryStore() override;

  Status AddAuditLogs(const std::vector<AuditLogRecord>& logs) override;
  Result<ListPage<AuditLogRecord>> QueryAuditLogs(const AuditLogQuery& query) override;
  Status CreateWebhookDeliveries(std::vector<WebhookDelivery>& deliveries) override;
  Result<std::vector<WebhookTaskRecord>> ClaimWebhookTasks(int64_t now, size_t limit) override;
  Status RequeueWebhookTasks() override;
  Status RecordWebhookTries(const std::vector<WebhookTry>& tries) override;
  Status KeepWebhookHistoryOf(const std::vector<int64_t>& policies) override;
  Result<ListPage<WebhookExecutionRecord>> ListWebhookExecutions(int64_t policy_id, int64_t offset,
                                                                int64_t limit) override;
  Result<int64_t> LastWebhookTrigger(int64_t policy_id, const std::string& event_type) override;
  Result<WebhookExecutionRecord> GetWebhookExecution(int64_t id) override;
  Result<std::vector<WebhookTaskRecord>> ListWebhookTasks(int64_t execution_id) override;
  Result<std::vector<WebhookAttemptRecord>> ListWebhookAttempts(int64_t task_id) override;

 private:
  explicit SqliteHistoryStore(std::unique_ptr<SqliteDatabase> db);
  static Status TakeMovedHistory(const std::filesystem::path& path,
                                 const std::filesystem::path& metadata_path);

  std::unique_ptr<SqliteDatabase> db_;
};

}  // namespace berth
