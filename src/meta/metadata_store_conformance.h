// The conformance suite every MetadataStore implementation runs: instantiate it with
// INSTANTIATE_TYPED_TEST_SUITE_P(Name, MetadataStoreConformance, Impl) after specialising
// MetadataStoreFactory<Impl>, so a new engine proves itself against what SQLite passes.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "core/scoped_temp_dir.h"
#include "meta/metadata_store.h"

namespace berth {

// Specialise with: static std::unique_ptr<MetadataStore> Make(const std::filesystem::path& dir).
template <class Impl>
struct MetadataStoreFactory;

template <class Impl>
class MetadataStoreConformance : public ::testing::Test {
 protected:
  static UploadRecord Session(const std::string& uuid, const std::string& repository,
                              int64_t at) {
    UploadRecord u;
    u.uuid = uuid;
    u.repository = repository;
    u.created_at = u.updated_at = at;
    return u;
  }

  void SetUp() override {
    store_ = MetadataStoreFactory<Impl>::Make(dir_.path());
    ASSERT_TRUE(store_);
  }

  ManifestRecord Manifest(const std::string& repo, const std::string& content,
                          std::vector<std::string> blobs = {}) {
    ManifestRecord m;
    m.repository = repo;
    m.content = content;
    m.digest = DigestOf(content).str();
    m.media_type = "application/vnd.oci.image.manifest.v1+json";
    m.blobs = std::move(blobs);
    return m;
  }

  ScopedTempDir dir_;
  std::unique_ptr<MetadataStore> store_;
};

TYPED_TEST_SUITE_P(MetadataStoreConformance);

TYPED_TEST_P(MetadataStoreConformance, BlobLinksArePerRepository) {
  Digest d = DigestOf("layer");
  EXPECT_EQ(this->store_->LinkedBlobSize("a", d).error().code, ErrorCode::kBlobUnknown);
  ASSERT_TRUE(this->store_->LinkBlob("a", d, 5, 100));
  ASSERT_TRUE(this->store_->LinkBlob("a", d, 5, 101));  // linking twice is harmless
  EXPECT_EQ(*this->store_->LinkedBlobSize("a", d), 5u);
  EXPECT_EQ(this->store_->LinkedBlobSize("b", d).error().code, ErrorCode::kBlobUnknown);
  ASSERT_TRUE(this->store_->UnlinkBlob("a", d));
  EXPECT_EQ(this->store_->UnlinkBlob("a", d).error().code, ErrorCode::kBlobUnknown);
}

TYPED_TEST_P(MetadataStoreConformance, ManifestNeedsItsBlobsLinked) {
  Digest layer = DigestOf("layer");
  auto m = this->Manifest("repo", "{\"m\":1}", {layer.str()});
  auto refused = this->store_->PutManifest(m, "v1", 1);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kManifestBlobUnknown);
  // Refused as a whole: not even the repository was created.
  EXPECT_EQ(this->store_->GetManifest("repo", "v1").error().code, ErrorCode::kNameUnknown);

  ASSERT_TRUE(this->store_->LinkBlob("repo", layer, 5, 1));
  ASSERT_TRUE(this->store_->PutManifest(m, "v1", 2));
  auto got = this->store_->GetManifest("repo", "v1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->content, m.content);
  EXPECT_EQ(got->digest, m.digest);
  EXPECT_EQ(this->store_->GetManifest("repo", m.digest)->content, m.content);
  EXPECT_EQ(this->store_->GetManifest("other", "v1").error().code, ErrorCode::kNameUnknown);
}

TYPED_TEST_P(MetadataStoreConformance, IndexNeedsItsChildren) {
  auto child = this->Manifest("repo", "{\"child\":1}");
  ManifestRecord index = this->Manifest("repo", "{\"index\":1}");
  index.children = {child.digest};
  EXPECT_EQ(this->store_->PutManifest(index, std::nullopt, 1).error().code,
            ErrorCode::kManifestBlobUnknown);
  ASSERT_TRUE(this->store_->PutManifest(child, std::nullopt, 1));
  ASSERT_TRUE(this->store_->PutManifest(index, "multi", 1));
}

TYPED_TEST_P(MetadataStoreConformance, TagsMoveAndListInOrderWithPagination) {
  auto m1 = this->Manifest("repo", "{\"a\":1}");
  auto m2 = this->Manifest("repo", "{\"a\":2}");
  ASSERT_TRUE(this->store_->PutManifest(m1, "b", 1));
  ASSERT_TRUE(this->store_->PutManifest(m1, "A", 1));
  ASSERT_TRUE(this->store_->PutManifest(m1, "c", 1));
  ASSERT_TRUE(this->store_->PutManifest(m2, "b", 2));
  EXPECT_EQ(this->store_->GetManifest("repo", "b")->digest, m2.digest);
  EXPECT_EQ(*this->store_->ListTags("repo", {}), (std::vector<std::string>{"A", "b", "c"}));
  EXPECT_EQ(*this->store_->ListTags("repo", {"", 2}), (std::vector<std::string>{"A", "b"}));
  EXPECT_EQ(*this->store_->ListTags("repo", {"b", 2}), (std::vector<std::string>{"c"}));
  EXPECT_EQ(this->store_->ListTags("nope", {}).error().code, ErrorCode::kNameUnknown);

  ASSERT_TRUE(this->store_->DeleteTag("repo", "c"));
  EXPECT_EQ(this->store_->DeleteTag("repo", "c").error().code, ErrorCode::kManifestUnknown);
  ASSERT_TRUE(this->store_->DeleteManifest("repo", *Digest::Parse(m1.digest)));
  EXPECT_EQ(*this->store_->ListTags("repo", {}), (std::vector<std::string>{"b"}));
}

TYPED_TEST_P(MetadataStoreConformance, Referrers) {
  auto subject = this->Manifest("repo", "{\"subject\":1}");
  auto sbom = this->Manifest("repo", "{\"sbom\":1}");
  sbom.subject = subject.digest;
  sbom.artifact_type = "application/vnd.example.sbom.v1+json";
  ASSERT_TRUE(this->store_->PutManifest(sbom, std::nullopt, 1));  // before its subject: allowed
  auto refs = this->store_->ListReferrers("repo", *Digest::Parse(subject.digest));
  ASSERT_TRUE(refs);
  ASSERT_EQ(refs->size(), 1u);
  EXPECT_EQ((*refs)[0].digest, sbom.digest);
  EXPECT_EQ((*refs)[0].artifact_type, sbom.artifact_type);
  EXPECT_TRUE(this->store_->ListReferrers("other", *Digest::Parse(subject.digest))->empty());
}

TYPED_TEST_P(MetadataStoreConformance, Uploads) {
  ASSERT_TRUE(this->store_->CreateUpload(this->Session("u1", "repo", 10), {}));
  ASSERT_TRUE(this->store_->CreateUpload(this->Session("u2", "repo", 10), {}));
  ASSERT_TRUE(this->store_->TouchUpload("u2", 50));
  EXPECT_EQ(this->store_->GetUpload("u1")->repository, "repo");
  EXPECT_EQ(*this->store_->StaleUploads(20), std::vector<std::string>{"u1"});
  ASSERT_TRUE(this->store_->DeleteUpload("u1"));
  EXPECT_EQ(this->store_->GetUpload("u1").error().code, ErrorCode::kBlobUploadUnknown);

  // Bounds: per repository, then in total.
  const UploadLimits limits{2, 3};
  ASSERT_TRUE(this->store_->CreateUpload(this->Session("u3", "repo", 60), limits));
  EXPECT_EQ(this->store_->CreateUpload(this->Session("u4", "repo", 60), limits).error().code,
            ErrorCode::kTooManyRequests);
  ASSERT_TRUE(this->store_->CreateUpload(this->Session("u5", "other", 60), limits));
  EXPECT_EQ(this->store_->CreateUpload(this->Session("u6", "third", 60), limits).error().code,
            ErrorCode::kTooManyRequests);
  EXPECT_EQ(this->store_->GetUpload("u4").error().code, ErrorCode::kBlobUploadUnknown);
  ASSERT_TRUE(this->store_->DeleteUpload("u3"));
  EXPECT_TRUE(this->store_->CreateUpload(this->Session("u6", "third", 60), limits));
}

// Where an upload stands is kept for the next request, whichever node takes it; a request that
// lost the race for the session cannot write over the winner's progress.
TYPED_TEST_P(MetadataStoreConformance, UploadProgressIsKeptAndRacesAreRefused) {
  ASSERT_TRUE(this->store_->CreateUpload(this->Session("u1", "repo", 10), {}));
  UploadRecord progress = this->Session("u1", "repo", 10);
  progress.size = 6 << 20;
  progress.digest_state = std::string("state\0with\xff bytes", 19);
  progress.store_record = R"({"id":"x","parts":[],"tail":0})";
  progress.updated_at = 30;
  ASSERT_TRUE(this->store_->SaveUploadProgress(progress, 0));
  auto kept = this->store_->GetUpload("u1");
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->size, progress.size);
  EXPECT_EQ(kept->digest_state, progress.digest_state);
  EXPECT_EQ(kept->store_record, progress.store_record);
  EXPECT_EQ(kept->updated_at, 30);
  UploadRecord late = progress;
  late.size = 7 << 20;
  EXPECT_EQ(this->store_->SaveUploadProgress(late, 0).error().code,
            ErrorCode::kBlobUploadInvalid);
  EXPECT_EQ(this->store_->GetUpload("u1")->size, progress.size);
  late.uuid = "gone";
  EXPECT_EQ(this->store_->SaveUploadProgress(late, 0).error().code,
            ErrorCode::kBlobUploadUnknown);
}

TYPED_TEST_P(MetadataStoreConformance, AFinishedUploadLinksItsBlobAndEndsTogether) {
  ASSERT_TRUE(this->store_->CreateUpload(this->Session("u1", "repo", 10), {}));
  Digest d = DigestOf("bytes");
  ASSERT_TRUE(this->store_->LinkUploadedBlob("u1", "repo", d, 5, 20));
  EXPECT_EQ(*this->store_->LinkedBlobSize("repo", d), 5u);
  EXPECT_EQ(this->store_->GetUpload("u1").error().code, ErrorCode::kBlobUploadUnknown);
}

TYPED_TEST_P(MetadataStoreConformance, ConcurrentPushesOfTheSameBlobAndTag) {
  Digest layer = DigestOf("shared");
  auto m = this->Manifest("repo", "{\"same\":1}", {layer.str()});
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (!this->store_->LinkBlob("repo", layer, 6, 1)) ++failures;
      if (!this->store_->PutManifest(m, "latest", 1)) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(*this->store_->ListTags("repo", {}), std::vector<std::string>{"latest"});
  EXPECT_EQ(this->store_->GetManifest("repo", "latest")->digest, m.digest);
}

TYPED_TEST_P(MetadataStoreConformance, RepositoriesAreListedDescribedAndDeleted) {
  Digest layer = DigestOf("layer");
  ASSERT_TRUE(this->store_->LinkBlob("team/app", layer, 5, 100));
  ASSERT_TRUE(this->store_->LinkBlob("team/web/ui", layer, 5, 100));
  ASSERT_TRUE(this->store_->LinkBlob("teammate/x", layer, 5, 100));
  ASSERT_TRUE(
      this->store_->PutManifest(this->Manifest("team/app", "{\"a\":1}", {layer.str()}), "v1", 250));
  ASSERT_TRUE(this->store_->PutManifest(this->Manifest("team/app", "{\"a\":2}", {layer.str()}),
                                        std::nullopt, 300));
  ASSERT_TRUE(this->store_->PutManifest(this->Manifest("team/web/ui", "{\"u\":1}", {layer.str()}),
                                        "v1", 120));
  ASSERT_TRUE(this->store_->PutManifest(this->Manifest("teammate/x", "{\"x\":1}", {layer.str()}),
                                        "v1", 120));
  // A repository that holds no artifact (blobs only) is not listed.
  ASSERT_TRUE(this->store_->LinkBlob("team/empty", layer, 5, 100));
  const std::vector<std::string> team_only{"team"};
  auto team = this->store_->ListRepositoryRecords(team_only, {});
  ASSERT_TRUE(team) << team.error().message;
  EXPECT_EQ(team->total, 2);
  ASSERT_EQ(team->items.size(), 2u);
  EXPECT_EQ(team->items[0].name, "team/app");
  EXPECT_EQ(team->items[0].artifact_count, 2);
  EXPECT_EQ(team->items[0].created_at, 100);
  EXPECT_EQ(team->items[0].updated_at, 300);
  EXPECT_EQ(team->items[1].name, "team/web/ui");
  EXPECT_EQ(team->items[1].artifact_count, 1);
  EXPECT_EQ(this->store_->ListRepositoryRecords(std::nullopt, {})->total, 3);
  EXPECT_EQ(this->store_->ListRepositoryRecords(std::vector<std::string>{}, {})->total, 0);
  // Filtered, sorted and cut in the store; the total counts every match.
  QueryCondition fuzzy;
  fuzzy.key = "name";
  fuzzy.kind = QueryCondition::Kind::kFuzzy;
  fuzzy.values = {"A"};
  auto page = this->store_->ListRepositoryRecords(
      std::nullopt, ListRequest{{fuzzy}, {{"artifact_count", true}}, 0, 1});
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->total, 3);  // case-insensitive, as Harbor's fuzzy match
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].name, "team/app");
  page = this->store_->ListRepositoryRecords(
      std::nullopt, ListRequest{{fuzzy}, {{"artifact_count", true}}, 1, 1});
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].name, "teammate/x");  // a tie, broken by id in the key's direction
  EXPECT_EQ(this->store_->ListRepositoryRecords(std::nullopt, ListRequest{{}, {{"color"}}, 0, 0})
                .error()
                .code,
            ErrorCode::kBadRequest);

  ASSERT_TRUE(this->store_->SetRepositoryDescription("team/web/ui", "the portal", 400));
  auto ui = this->store_->GetRepository("team/web/ui");
  ASSERT_TRUE(ui);
  EXPECT_EQ(ui->description, "the portal");
  EXPECT_EQ(ui->updated_at, 400);
  EXPECT_EQ(this->store_->GetRepository("team/none").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(this->store_->SetRepositoryDescription("team/none", "x", 1).error().code,
            ErrorCode::kNotFound);

  ASSERT_TRUE(this->store_->DeleteRepository("team/app"));
  EXPECT_EQ(this->store_->DeleteRepository("team/app").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(this->store_->GetManifest("team/app", "v1").error().code, ErrorCode::kNameUnknown);
  EXPECT_EQ(this->store_->LinkedBlobSize("team/app", layer).error().code, ErrorCode::kBlobUnknown);
  EXPECT_EQ(*this->store_->LinkedBlobSize("team/web/ui", layer), 5u)
      << "other repositories keep theirs";
}

REGISTER_TYPED_TEST_SUITE_P(MetadataStoreConformance, BlobLinksArePerRepository,
                            RepositoriesAreListedDescribedAndDeleted, ManifestNeedsItsBlobsLinked,
                            IndexNeedsItsChildren, TagsMoveAndListInOrderWithPagination, Referrers,
                            Uploads, AFinishedUploadLinksItsBlobAndEndsTogether,
                            UploadProgressIsKeptAndRacesAreRefused,
                            ConcurrentPushesOfTheSameBlobAndTag);

}  // namespace berth
