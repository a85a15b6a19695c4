// The history store: the audit log's filters, webhook executions that end with their last task
// or are stopped, history swept with its policy, and the history berth.db kept before
// migration 6 taken over.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "core/scoped_temp_dir.h"
#include "meta/databases.h"
#include "meta/sql_metadata_store.h"
#include "tests/support/engines.h"

namespace berth {
namespace {

class HistoryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::TestHistoryStore(dir_.path());
    ASSERT_TRUE(store_);
  }

  // A delivery to `addresses`, stored: its execution and tasks carry their ids.
  WebhookDelivery Deliver(int64_t policy, const std::vector<std::string>& addresses) {
    std::vector<WebhookDelivery> deliveries(1);
    deliveries[0].execution = {0, policy, "PUSH_ARTIFACT", "Running", 1, 0};
    for (const std::string& address : addresses) {
      WebhookTaskRecord t;
      t.address = address;
      t.payload_format = "Default";
      deliveries[0].tasks.push_back(t);
    }
    EXPECT_TRUE(store_->CreateWebhookDeliveries(deliveries));
    return deliveries[0];
  }

  ScopedTempDir dir_;
  std::unique_ptr<SqlHistoryStore> store_;
};

TEST_F(HistoryStoreTest, AuditLogsAreFilteredSortedAndPaged) {
  ASSERT_TRUE(store_->AddAuditLogs({{0, 3, "alice", "create", "artifact", "proj/a:1", 5},
                                    {0, 0, "bob", "pull", "artifact", "x/a:1", 6}}));
  auto all = store_->QueryAuditLogs({});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->items.size(), 2u);
  EXPECT_EQ(all->items.front().username, "bob");  // newest first
  AuditLogQuery mine;
  mine.projects = std::vector<int64_t>{3};
  EXPECT_EQ(store_->QueryAuditLogs(mine)->total, 1);
  AuditLogQuery filtered;
  filtered.text = {{"resource", {"a:1"}, true}, {"operation", {"pull", "delete"}, false}};
  filtered.from = 6;
  auto found = store_->QueryAuditLogs(filtered);
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->total, 1);
  EXPECT_EQ(found->items.front().username, "bob");
  AuditLogQuery paged;
  paged.order_by = "username";
  paged.descending = false;
  paged.limit = 1;
  paged.offset = 1;
  EXPECT_EQ(store_->QueryAuditLogs(paged)->items.front().username, "bob");
  AuditLogQuery injected;
  injected.order_by = "id; DROP TABLE audit_logs";
  EXPECT_EQ(store_->QueryAuditLogs(injected).error().code, ErrorCode::kBadRequest);
}

TEST_F(HistoryStoreTest, AnExecutionEndsWithItsLastTask) {
  std::vector<WebhookDelivery> deliveries(1);
  deliveries[0].execution = {0, 7, "PUSH_ARTIFACT", "Running", 1, 0};
  deliveries[0].tasks.resize(2);
  deliveries[0].tasks[0].address = "http://a";
  deliveries[0].tasks[1].address = "http://b";
  deliveries[0].tasks[1].next_try_at = 5;
  deliveries[0].tasks[1].payload_format = "CloudEvents";
  deliveries[0].tasks[1].event = std::string("\0\x01 event bytes", 15);
  ASSERT_TRUE(store_->CreateWebhookDeliveries(deliveries));
  // Tasks are claimed once, when due; a stopped process's claims go back to the queue.
  EXPECT_EQ(store_->ClaimWebhookTasks(4, 10)->size(), 1u);
  EXPECT_TRUE(store_->ClaimWebhookTasks(4, 10)->empty());
  // A claim younger than the lease stays: another node may be sending it.
  ASSERT_TRUE(store_->RequeueWebhookTasks(4));
  EXPECT_TRUE(store_->ClaimWebhookTasks(4, 10)->empty());
  ASSERT_TRUE(store_->RequeueWebhookTasks(5));
  auto due = store_->ClaimWebhookTasks(5, 10);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ(due->at(1).payload_format, "CloudEvents");
  EXPECT_EQ(due->at(1).event, deliveries[0].tasks[1].event);
  EXPECT_EQ(due->at(1).policy_id, 7);
  WebhookTaskRecord a = deliveries[0].tasks[0], b = deliveries[0].tasks[1];
  a.status = "Success";
  a.run_count = 1;
  ASSERT_TRUE(store_->RecordWebhookTries({{a, {a.id, 1, 2, 200, "HTTP 200"}}}));
  EXPECT_EQ(store_->GetWebhookExecution(a.execution_id)->status, "Running");
  b.status = "Error";
  b.run_count = 2;
  ASSERT_TRUE(store_->RecordWebhookTries({{b, {b.id, 2, 3, 500, "HTTP 500"}}}));
  auto execution = store_->GetWebhookExecution(a.execution_id);
  EXPECT_EQ(execution->status, "Error");
  EXPECT_EQ(execution->ended_at, b.updated_at);
  EXPECT_EQ(store_->ListWebhookAttempts(b.id)->front().http_status, 500);
  EXPECT_EQ(store_->LastWebhookTrigger(7, "PUSH_ARTIFACT"), 1);
}

TEST_F(HistoryStoreTest, StoppingTheWebhookQueueStopsWhatWaitsAndEndsItsExecutions) {
  std::vector<WebhookDelivery> deliveries(3);
  for (int i = 0; i < 3; ++i) {
    deliveries[i].execution = {0, 1, "PUSH_ARTIFACT", "Running", 1, 0};
    deliveries[i].tasks.resize(i == 1 ? 1 : 2);
    for (WebhookTaskRecord& t : deliveries[i].tasks) {
      t.address = "http://a";
      t.created_at = 10 + i;
      t.event = "event";
    }
  }
  ASSERT_TRUE(store_->CreateWebhookDeliveries(deliveries));
  using Waiting = std::pair<int64_t, int64_t>;  // how many, and the oldest one's creation
  EXPECT_EQ(*store_->PendingWebhookTasks(), Waiting(5, 10));
  // One of the first execution's tasks is being sent, and one of the third's is done.
  auto claimed = store_->ClaimWebhookTasks(20, 1);
  ASSERT_EQ(claimed->size(), 1u);
  ASSERT_EQ(claimed->front().execution_id, deliveries[0].execution.id);
  WebhookTaskRecord done = deliveries[2].tasks[0];
  done.status = "Success";
  done.run_count = 1;
  ASSERT_TRUE(store_->RecordWebhookTries({{done, {done.id, 1, 20, 200, "HTTP 200"}}}));
  EXPECT_EQ(*store_->PendingWebhookTasks(), Waiting(3, 10));

  auto stopped = store_->StopPendingWebhookTasks(30);
  ASSERT_TRUE(stopped) << stopped.error().message;
  EXPECT_EQ(*stopped, 3u);
  EXPECT_EQ(*store_->PendingWebhookTasks(), Waiting(0, 0));
  EXPECT_TRUE(store_->ClaimWebhookTasks(40, 10)->empty()) << "nothing stopped is sent";
  EXPECT_EQ(store_->GetWebhookExecution(deliveries[0].execution.id)->status, "Running")
      << "one of its tasks is still being sent";
  for (int i : {1, 2}) {
    auto execution = store_->GetWebhookExecution(deliveries[i].execution.id);
    EXPECT_EQ(execution->status, "Stopped") << i;
    EXPECT_EQ(execution->ended_at, 30) << i;
  }
  EXPECT_EQ(store_->ListWebhookTasks(deliveries[2].execution.id)->at(1).status, "Stopped");
  EXPECT_EQ(*store_->StopPendingWebhookTasks(31), 0u);
  // The task that was being sent ends its execution, stopped for the other task.
  WebhookTaskRecord sent = claimed->front();
  sent.status = "Success";
  sent.run_count = 1;
  ASSERT_TRUE(store_->RecordWebhookTries({{sent, {sent.id, 1, 32, 200, "HTTP 200"}}}));
  EXPECT_EQ(store_->GetWebhookExecution(deliveries[0].execution.id)->status, "Stopped");
}

TEST_F(HistoryStoreTest, TheHistoryOfPoliciesNoLongerKeptIsSwept) {
  const WebhookDelivery kept = Deliver(1, {"http://a"});
  const WebhookDelivery swept = Deliver(2, {"http://a", "http://b"});
  WebhookTaskRecord tried = swept.tasks[0];
  tried.status = "Success";
  tried.run_count = 1;
  ASSERT_TRUE(store_->RecordWebhookTries({{tried, {tried.id, 1, 2, 200, "HTTP 200"}}}));
  ASSERT_TRUE(store_->KeepWebhookHistoryOf({1, 3}));
  EXPECT_EQ(store_->ListWebhookExecutions(1, 0, 10)->total, 1);
  EXPECT_EQ(store_->ListWebhookExecutions(2, 0, 10)->total, 0);
  EXPECT_EQ(store_->GetWebhookExecution(swept.execution.id).error().code, ErrorCode::kNotFound);
  // Its tasks and their tries went with it: nothing of it is left to send.
  EXPECT_TRUE(store_->ListWebhookTasks(swept.execution.id)->empty());
  EXPECT_TRUE(store_->ListWebhookAttempts(tried.id)->empty());
  auto due = store_->ClaimWebhookTasks(100, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ(due->front().id, kept.tasks[0].id);
  ASSERT_TRUE(store_->KeepWebhookHistoryOf({}));
  EXPECT_EQ(store_->ListWebhookExecutions(1, 0, 10)->total, 0);
}

TEST_F(HistoryStoreTest, EachPolicyKeepsItsNewestEndedExecutionsAndEveryUnfinishedOne) {
  std::vector<WebhookDelivery> first;
  for (int i = 0; i < 4; ++i) first.push_back(Deliver(1, {"http://a"}));
  const WebhookDelivery other = Deliver(2, {"http://a"});
  // All but the newest of policy 1's end.
  for (int i = 0; i < 3; ++i) {
    WebhookTaskRecord done = first[i].tasks[0];
    done.status = "Success";
    done.run_count = 1;
    ASSERT_TRUE(store_->RecordWebhookTries({{done, {done.id, 1, 2, 200, "HTTP 200"}}}));
  }
  auto trimmed = store_->TrimWebhookHistory(1);
  ASSERT_TRUE(trimmed) << trimmed.error().message;
  EXPECT_EQ(*trimmed, 2);
  auto left = store_->ListWebhookExecutions(1, 0, 10);
  ASSERT_EQ(left->total, 2);
  EXPECT_EQ(left->items[0].id, first[3].execution.id) << "still running: kept";
  EXPECT_EQ(left->items[1].id, first[2].execution.id) << "the newest that ended";
  EXPECT_EQ(store_->ListWebhookExecutions(2, 0, 10)->total, 1);
  EXPECT_EQ(*store_->TrimWebhookHistory(1), 0);
}

TEST_F(HistoryStoreTest, APurgeTakesOnlyOldEntriesOfWhatItNamesAndADryRunCounts) {
  ASSERT_TRUE(store_->AddAuditLogs({{0, 1, "a", "create", "artifact", "p/r:1", 10},
                                    {0, 1, "a", "pull", "artifact", "p/r:1", 20},
                                    {0, 1, "a", "create", "project", "p", 30},
                                    {0, 1, "a", "delete", "tag", "p/r:1", 40},
                                    {0, 1, "a", "create", "artifact", "p/r:2", 100}}));
  const AuditLogPurge purge{50, {"create_artifact", "pull_artifact"}, {"delete"}};
  EXPECT_EQ(*store_->PurgeAuditLogs(purge, 0, true), 3);
  EXPECT_EQ(*store_->PurgeAuditLogs(purge, 2, false), 2);
  EXPECT_EQ(*store_->PurgeAuditLogs(purge, 2, false), 1);
  EXPECT_EQ(*store_->PurgeAuditLogs(purge, 2, false), 0);
  AuditLogQuery all;
  all.limit = 10;
  auto left = store_->QueryAuditLogs(all);
  ASSERT_EQ(left->total, 2);
  EXPECT_EQ(left->items[0].resource, "p/r:2") << "newer than the purge";
  EXPECT_EQ(left->items[1].resource_type, "project") << "not named";
}

// Rows berth.db's migration 6 set aside are taken once, with their ids, and the copies dropped.
TEST(SqlHistoryStoreMoveTest, TakesTheHistoryBerthDbSetAside) {
  if (testing::OnPostgres()) GTEST_SKIP() << "berth.db and history.db are SQLite's";
  ScopedTempDir dir;
  const auto metadata_path = dir.path() / "berth.db";
  ASSERT_TRUE(OpenSqliteMetadata(metadata_path));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(metadata_path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "INSERT INTO moved_audit_logs VALUES (41, 1, 'alice', 'create', "
                         "'artifact', 'p/a:1', 9);"
                         "INSERT INTO moved_webhook_executions VALUES (5, 2, 'PUSH_ARTIFACT', "
                         "'Running', 8, 0);"
                         "INSERT INTO moved_webhook_tasks VALUES (6, 5, 'http://a', 'Pending', 1, "
                         "8, 8, 8, 0, 10, 'Bearer x', 0, 'CloudEvents', x'0102');"
                         "INSERT INTO moved_webhook_attempts VALUES (6, 1, 8, 503, 'HTTP 503');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);

  for (int open = 0; open < 2; ++open) {
    auto history = OpenSqliteHistory(dir.path() / "history.db", metadata_path);
    ASSERT_TRUE(history) << history.error().message;
    auto logs = (*history)->QueryAuditLogs({});
    ASSERT_EQ(logs->total, 1);
    EXPECT_EQ(logs->items.front().id, 41);
    EXPECT_EQ(logs->items.front().username, "alice");
    EXPECT_EQ((*history)->ListWebhookExecutions(2, 0, 10)->items.at(0).id, 5);
    EXPECT_EQ((*history)->ListWebhookAttempts(6)->at(0).http_status, 503);
    auto due = (*history)->ClaimWebhookTasks(10, 10);
    ASSERT_EQ(due->size(), 1u);
    EXPECT_EQ(due->front().auth_header, "Bearer x");
    EXPECT_EQ(due->front().event, std::string("\x01\x02"));
    ASSERT_TRUE((*history)->RequeueWebhookTasks(11));
  }
  ASSERT_EQ(sqlite3_open(metadata_path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* left = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'moved_%'",
                               -1, &left, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(left), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(left, 0), 0);
  sqlite3_finalize(left);
  sqlite3_close(db);
}

}  // namespace
}  // namespace berth
