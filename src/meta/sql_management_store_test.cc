// The store's management half: quotas counted once per project and freed by deletes,
// pull tallies, settings and webhook policies.
#include <gtest/gtest.h>

#include "core/scoped_temp_dir.h"
#include "meta/databases.h"
#include "tests/support/engines.h"

namespace berth {
namespace {

class ManagementStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::TestMetadataStore(dir_.path());
    ASSERT_TRUE(store_);
    auto id = store_->CreateProject(ProjectRecord{0, "proj", 1, false, 1, 1, {}});
    ASSERT_TRUE(id) << id.error().message;
    project_ = *id;
  }

  // An image manifest over `blobs` (all linked already), pushed to `repository`.
  Status PutImage(const std::string& repository, const std::vector<std::string>& blobs,
                  const std::string& tag) {
    ManifestRecord m;
    m.repository = repository;
    m.content = R"({"schemaVersion":2,"tag":")" + tag + "\"}";
    m.digest = DigestOf(m.content).str();
    m.media_type = "application/vnd.oci.image.manifest.v1+json";
    m.blobs = blobs;
    return store_->PutManifest(m, tag, 2);
  }

  int64_t Used() { return store_->GetQuota(project_)->storage_used; }

  ScopedTempDir dir_;
  std::unique_ptr<SqlMetadataStore> store_;
  int64_t project_ = 0;
};

TEST_F(ManagementStoreTest, QuotaCountsEachBlobOncePerProjectAndRefusesPastTheLimit) {
  ASSERT_TRUE(store_->SetStorageLimit(project_, 1000, 1));
  const Digest a = DigestOf("a"), b = DigestOf("b");
  ASSERT_TRUE(store_->LinkBlob("proj/one", a, 600, 1));
  // The same blob in a second repository of the project costs nothing more.
  ASSERT_TRUE(store_->LinkBlob("proj/two", a, 600, 1));
  EXPECT_EQ(Used(), 600);
  auto refused = store_->LinkBlob("proj/one", b, 500, 1);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kQuotaExceeded);
  EXPECT_FALSE(store_->LinkedBlobSize("proj/one", b));
  EXPECT_EQ(Used(), 600);
  // Another project has no limit.
  EXPECT_TRUE(store_->LinkBlob("other/x", b, 500, 1));
  auto storage = store_->ProjectStorage("proj");
  ASSERT_TRUE(storage && *storage);
  EXPECT_EQ((*storage)->limit, 1000);
  EXPECT_EQ((*storage)->used, 600);
  auto unlimited = store_->ProjectStorage("other");
  ASSERT_TRUE(unlimited);
  EXPECT_FALSE(*unlimited);
}

TEST_F(ManagementStoreTest, DeletingAManifestFreesBlobsNoOtherManifestUses) {
  const Digest shared = DigestOf("shared"), own = DigestOf("own");
  ASSERT_TRUE(store_->LinkBlob("proj/app", shared, 100, 1));
  ASSERT_TRUE(store_->LinkBlob("proj/app", own, 50, 1));
  ASSERT_TRUE(PutImage("proj/app", {shared.str(), own.str()}, "v1"));
  ASSERT_TRUE(PutImage("proj/app", {shared.str()}, "v2"));
  const int64_t with_both = Used();
  auto v1 = store_->GetArtifact("proj/app", "v1");
  ASSERT_TRUE(v1);
  ASSERT_TRUE(store_->DeleteManifest("proj/app", *Digest::Parse(v1->digest)));
  EXPECT_EQ(Used(), with_both - 50 - static_cast<int64_t>(v1->content.size()));
  EXPECT_TRUE(store_->LinkedBlobSize("proj/app", shared));
  EXPECT_FALSE(store_->LinkedBlobSize("proj/app", own));
}

TEST_F(ManagementStoreTest, ArtifactsCarryTagsLabelsAndPullTallies) {
  const Digest layer = DigestOf("layer");
  ASSERT_TRUE(store_->LinkBlob("proj/app", layer, 10, 1));
  ASSERT_TRUE(PutImage("proj/app", {layer.str()}, "v1"));
  auto artifacts = store_->ListArtifacts("proj/app", {});
  ASSERT_TRUE(artifacts);
  ASSERT_EQ(artifacts->items.size(), 1u);
  const ArtifactRecord& a = artifacts->items.front();
  ASSERT_EQ(a.tags.size(), 1u);
  EXPECT_EQ(a.tags[0].name, "v1");
  auto label = store_->CreateLabel(LabelRecord{0, "qa", "", "", "g", 0, 1, 1});
  ASSERT_TRUE(label);
  ASSERT_TRUE(store_->AttachLabel(a.id, *label, 3));
  EXPECT_EQ(store_->AttachLabel(a.id, *label, 3).error().code, ErrorCode::kConflict);
  ASSERT_TRUE(store_->RecordPulls({{"proj/app", a.digest, 3, 40}, {"proj/app", a.digest, 2, 30}}));
  auto again = store_->GetArtifact("proj/app", a.digest);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->label_ids, std::vector<int64_t>{*label});
  EXPECT_EQ(again->pull_time, 40);
  EXPECT_EQ(store_->GetRepository("proj/app")->pull_count, 5);
  EXPECT_EQ(store_->GetArtifact("proj/app", "nope").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListArtifacts("proj/none", {}).error().code, ErrorCode::kNotFound);
}

TEST_F(ManagementStoreTest, SettingsKeepTheLatestValue) {
  ASSERT_TRUE(store_->SaveSettings({{"read_only", "true"}}));
  ASSERT_TRUE(store_->SaveSettings({{"read_only", "false"}, {"token_expiration", "5"}}));
  auto settings = store_->LoadSettings();
  ASSERT_TRUE(settings);
  EXPECT_EQ((*settings)["read_only"], "false");
  EXPECT_EQ((*settings)["token_expiration"], "5");
}

// The history of a deleted policy may outlive it for a while in history.db, under its id.
TEST_F(ManagementStoreTest, ADeletedPolicysIdIsNeverGivenToAnother) {
  WebhookPolicyRecord policy;
  policy.project_id = project_;
  policy.name = "hook";
  policy.event_types = {"PUSH_ARTIFACT", "PULL_ARTIFACT"};
  policy.targets_json = "[]";
  auto first = store_->CreateWebhookPolicy(policy);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(store_->GetWebhookPolicy(*first)->event_types, policy.event_types);
  ASSERT_TRUE(store_->DeleteWebhookPolicy(*first));
  auto second = store_->CreateWebhookPolicy(policy);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_GT(*second, *first);
}

TEST_F(ManagementStoreTest, ArtifactListsAreFilteredSortedAndCutInTheStore) {
  const Digest layer = DigestOf("layer");
  ASSERT_TRUE(store_->LinkBlob("proj/app", layer, 10, 1));
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(PutImage("proj/app", {layer.str()}, "v" + std::to_string(i)));
  // An untagged one, and an accessory (listed under its subject, not here).
  ManifestRecord untagged;
  untagged.repository = "proj/app";
  untagged.content = R"({"schemaVersion":2,"untagged":1})";
  untagged.digest = DigestOf(untagged.content).str();
  untagged.media_type = "application/vnd.oci.image.manifest.v1+json";
  ASSERT_TRUE(store_->PutManifest(untagged, std::nullopt, 3));
  ManifestRecord accessory = untagged;
  accessory.content = R"({"schemaVersion":2,"sbom":1})";
  accessory.digest = DigestOf(accessory.content).str();
  accessory.subject = untagged.digest;
  ASSERT_TRUE(store_->PutManifest(accessory, std::nullopt, 3));

  auto all = store_->ListArtifacts("proj/app", {});
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(all->total, 6);
  ArtifactListing page;
  page.request.sort = {{"id", true}};
  page.request.offset = 1;
  page.request.limit = 2;
  auto cut = store_->ListArtifacts("proj/app", page);
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->total, 6);
  ASSERT_EQ(cut->items.size(), 2u);
  EXPECT_GT(cut->items[0].id, cut->items[1].id);
  EXPECT_EQ(cut->items[1].tags.at(0).name, "v3");
  ArtifactListing untagged_only;
  untagged_only.tagged = false;
  auto bare = store_->ListArtifacts("proj/app", untagged_only);
  ASSERT_EQ(bare->total, 1);
  EXPECT_EQ(bare->items[0].digest, untagged.digest);
  ArtifactListing by_tag;
  QueryCondition tags;
  tags.key = "tags";
  tags.kind = QueryCondition::Kind::kAnyOf;
  tags.values = {"v1", "v4", "nope"};
  by_tag.request.conditions = {tags};
  EXPECT_EQ(store_->ListArtifacts("proj/app", by_tag)->total, 2);
  ArtifactListing bad;
  bad.request.sort = {{"tags"}};
  EXPECT_EQ(store_->ListArtifacts("proj/app", bad).error().code, ErrorCode::kBadRequest);
}

TEST_F(ManagementStoreTest, QuotaListsAreSortedAndCut) {
  auto second = store_->CreateProject(ProjectRecord{0, "second", 1, false, 2, 2, {}});
  auto third = store_->CreateProject(ProjectRecord{0, "third", 1, false, 3, 3, {}});
  ASSERT_TRUE(second && third);
  ASSERT_TRUE(store_->SetStorageLimit(project_, 100, 4));
  ASSERT_TRUE(store_->SetStorageLimit(*second, 300, 4));
  ASSERT_TRUE(store_->LinkBlob("third/app", DigestOf("x"), 50, 5));
  ListRequest by_limit{{}, {{"hard.storage", true}}, 0, 2};
  auto page = store_->ListQuotas(std::nullopt, by_limit);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->total, 3);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].project_id, *second);
  EXPECT_EQ(page->items[1].project_id, project_);
  ListRequest by_use{{}, {{"used.storage", true}}, 0, 1};
  auto used = store_->ListQuotas(std::nullopt, by_use);
  ASSERT_TRUE(used);
  ASSERT_EQ(used->items.size(), 1u);
  EXPECT_EQ(used->items[0].project_id, *third);
  EXPECT_EQ(used->items[0].storage_used, 50);
  auto one = store_->ListQuotas(*second, {});
  ASSERT_EQ(one->total, 1);
  EXPECT_EQ(one->items[0].storage_limit, 300);
  EXPECT_EQ(store_->ListQuotas(int64_t{0}, {})->total, 0);
}

}  // namespace
}  // namespace berth
