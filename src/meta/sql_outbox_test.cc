// The outbox and leases of the metadata store, on the engine the run names
// (tests/support/engines.h).
#include <gtest/gtest.h>

#include <future>

#include "core/scoped_temp_dir.h"
#include "meta/sql_metadata_store.h"
#include "meta/sql_store.h"
#include "tests/support/engines.h"

namespace berth {
namespace {

class SqlOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase(dir_.path());
    ASSERT_TRUE(db_);
    auto store = SqlMetadataStore::Open(db_);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }

  static Event Push(const std::string& repository, const std::string& tag) {
    return Event{EventKind::kPushArtifact, "alice", 100, "proj", repository, "sha256:ab", tag, {}};
  }

  ManifestRecord Manifest(const std::string& repository, const std::string& content) {
    ManifestRecord m;
    m.repository = repository;
    m.content = content;
    m.digest = DigestOf(content).str();
    m.media_type = "application/vnd.oci.image.manifest.v1+json";
    return m;
  }

  std::vector<std::string> TagsAfter(OutboxPosition after) {
    auto read = store_->ReadOutbox(after, 100);
    EXPECT_TRUE(read) << read.error().message;
    std::vector<std::string> tags;
    if (read) {
      for (const OutboxEntry& e : *read) tags.push_back(e.event.tag);
    }
    return tags;
  }

  ScopedTempDir dir_;
  std::shared_ptr<SqlDatabase> db_;
  std::unique_ptr<SqlMetadataStore> store_;
};

TEST_F(SqlOutboxTest, AChangeRecordsItsEventAndAChangeRefusedRecordsNone) {
  const Event pushed = Push("proj/app", "v1");
  ASSERT_TRUE(store_->PutManifest(Manifest("proj/app", "{}"), "v1", 100, pushed));
  // A manifest whose blob was never uploaded is refused: its event goes with it.
  ManifestRecord missing = Manifest("proj/app", R"({"layers":1})");
  missing.blobs = {DigestOf("never uploaded").str()};
  const Event refused = Push("proj/app", "v2");
  EXPECT_FALSE(store_->PutManifest(missing, "v2", 101, refused));
  const Event deleted{EventKind::kDeleteTag, "bob", 102, "proj", "proj/app", "", "v1", {}};
  ASSERT_TRUE(store_->DeleteTag("proj/app", "v1", deleted));
  EXPECT_FALSE(store_->DeleteTag("proj/app", "v1", deleted));  // nothing left to delete

  auto read = store_->ReadOutbox({}, 100);
  ASSERT_TRUE(read) << read.error().message;
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0].event.kind, EventKind::kPushArtifact);
  EXPECT_EQ((*read)[0].event.operator_name, "alice");
  EXPECT_EQ((*read)[0].event.repository, "proj/app");
  EXPECT_EQ((*read)[0].event.tag, "v1");
  EXPECT_EQ((*read)[1].event.kind, EventKind::kDeleteTag);
  EXPECT_EQ((*read)[1].event.operator_name, "bob");
  EXPECT_LT((*read)[0].position, (*read)[1].position);
}

TEST_F(SqlOutboxTest, CursorsAreEachConsumersOwnAndPruningKeepsWhatOneHasNotRead) {
  for (const char* tag : {"a", "b", "c"}) ASSERT_TRUE(store_->AddOutboxEvent(Push("proj/x", tag)));
  auto audit = store_->OutboxCursor("audit");
  auto hooks = store_->OutboxCursor("webhooks");
  ASSERT_TRUE(audit && hooks);
  EXPECT_EQ(TagsAfter(*audit), (std::vector<std::string>{"a", "b", "c"}));
  auto all = store_->ReadOutbox(*audit, 100);
  ASSERT_TRUE(all && all->size() == 3);
  ASSERT_TRUE(store_->AdvanceOutbox("audit", (*all)[2].position));
  ASSERT_TRUE(store_->AdvanceOutbox("webhooks", (*all)[0].position));
  EXPECT_EQ(TagsAfter(*store_->OutboxCursor("audit")), std::vector<std::string>{});
  EXPECT_EQ(TagsAfter(*store_->OutboxCursor("webhooks")), (std::vector<std::string>{"b", "c"}));

  auto pruned = store_->PruneOutbox();
  ASSERT_TRUE(pruned) << pruned.error().message;
  EXPECT_EQ(*pruned, 1u);
  EXPECT_EQ(TagsAfter({}), (std::vector<std::string>{"b", "c"}));
  // A consumer new to the outbox reads what it keeps.
  EXPECT_EQ(TagsAfter(*store_->OutboxCursor("replication")), (std::vector<std::string>{"b", "c"}));
}

// The reason for the transaction ids: a transaction that began first and commits last would
// otherwise see its event passed over by a reader that has read the later one.
TEST_F(SqlOutboxTest, AnEventIsNotReadBeforeEveryEarlierTransactionHasEnded) {
  if (!testing::OnPostgres()) GTEST_SKIP() << "SQLite commits one transaction at a time";
  std::promise<void> recorded, release;
  auto slow = std::async(std::launch::async, [&] {
    return db_->CommitLocked([&](SqlConnection& c) -> Status {
      if (auto s = RecordEvent(c, Push("proj/x", "slow")); !s) return s;
      recorded.set_value();
      release.get_future().wait();
      return {};
    });
  });
  recorded.get_future().wait();
  ASSERT_TRUE(store_->AddOutboxEvent(Push("proj/x", "fast")));
  EXPECT_EQ(TagsAfter({}), std::vector<std::string>{});
  release.set_value();
  ASSERT_TRUE(slow.get());
  EXPECT_EQ(TagsAfter({}), (std::vector<std::string>{"slow", "fast"}));
}

TEST_F(SqlOutboxTest, ALeaseIsHeldByOneOwnerUntilItRunsOutOrIsGivenUp) {
  EXPECT_TRUE(*store_->HoldLease("outbox", "node-a", 100, 10));
  EXPECT_FALSE(*store_->HoldLease("outbox", "node-b", 105, 10));
  EXPECT_TRUE(*store_->HoldLease("outbox", "node-a", 108, 10));  // renewed, to 118
  EXPECT_FALSE(*store_->HoldLease("outbox", "node-b", 115, 10));
  EXPECT_TRUE(*store_->HoldLease("outbox", "node-b", 119, 10));  // ran out
  EXPECT_FALSE(*store_->HoldLease("outbox", "node-a", 120, 10));
  EXPECT_TRUE(*store_->HoldLease("scheduler", "node-a", 120, 10));  // another lease
  ASSERT_TRUE(store_->ReleaseLease("outbox", "node-a"));            // not its to give up
  EXPECT_FALSE(*store_->HoldLease("outbox", "node-a", 121, 10));
  ASSERT_TRUE(store_->ReleaseLease("outbox", "node-b"));
  EXPECT_TRUE(*store_->HoldLease("outbox", "node-a", 121, 10));
}

}  // namespace
}  // namespace berth
