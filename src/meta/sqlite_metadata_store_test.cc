#include "meta/sqlite_metadata_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "core/scoped_temp_dir.h"

namespace berth {
namespace {

class SqliteMetadataStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteMetadataStore::Open(dir_.path() / "berth.db");
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
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
  std::unique_ptr<SqliteMetadataStore> store_;
};

TEST_F(SqliteMetadataStoreTest, BlobLinksArePerRepository) {
  Digest d = DigestOf("layer");
  EXPECT_EQ(store_->LinkedBlobSize("a", d).error().code, ErrorCode::kBlobUnknown);
  ASSERT_TRUE(store_->LinkBlob("a", d, 5, 100));
  ASSERT_TRUE(store_->LinkBlob("a", d, 5, 101));  // linking twice is harmless
  EXPECT_EQ(*store_->LinkedBlobSize("a", d), 5u);
  EXPECT_EQ(store_->LinkedBlobSize("b", d).error().code, ErrorCode::kBlobUnknown);
  ASSERT_TRUE(store_->UnlinkBlob("a", d));
  EXPECT_EQ(store_->UnlinkBlob("a", d).error().code, ErrorCode::kBlobUnknown);
}

TEST_F(SqliteMetadataStoreTest, ManifestNeedsItsBlobsLinked) {
  Digest layer = DigestOf("layer");
  auto m = Manifest("repo", "{\"m\":1}", {layer.str()});
  auto refused = store_->PutManifest(m, "v1", 1);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kManifestBlobUnknown);
  // Refused as a whole: not even the repository was created.
  EXPECT_EQ(store_->GetManifest("repo", "v1").error().code, ErrorCode::kNameUnknown);

  ASSERT_TRUE(store_->LinkBlob("repo", layer, 5, 1));
  ASSERT_TRUE(store_->PutManifest(m, "v1", 2));
  auto got = store_->GetManifest("repo", "v1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->content, m.content);
  EXPECT_EQ(got->digest, m.digest);
  EXPECT_EQ(store_->GetManifest("repo", m.digest)->content, m.content);
  EXPECT_EQ(store_->GetManifest("other", "v1").error().code, ErrorCode::kNameUnknown);
}

TEST_F(SqliteMetadataStoreTest, IndexNeedsItsChildren) {
  auto child = Manifest("repo", "{\"child\":1}");
  ManifestRecord index = Manifest("repo", "{\"index\":1}");
  index.children = {child.digest};
  EXPECT_EQ(store_->PutManifest(index, std::nullopt, 1).error().code,
            ErrorCode::kManifestBlobUnknown);
  ASSERT_TRUE(store_->PutManifest(child, std::nullopt, 1));
  ASSERT_TRUE(store_->PutManifest(index, "multi", 1));
}

TEST_F(SqliteMetadataStoreTest, TagsMoveAndListInOrderWithPagination) {
  auto m1 = Manifest("repo", "{\"a\":1}");
  auto m2 = Manifest("repo", "{\"a\":2}");
  ASSERT_TRUE(store_->PutManifest(m1, "b", 1));
  ASSERT_TRUE(store_->PutManifest(m1, "A", 1));
  ASSERT_TRUE(store_->PutManifest(m1, "c", 1));
  ASSERT_TRUE(store_->PutManifest(m2, "b", 2));
  EXPECT_EQ(store_->GetManifest("repo", "b")->digest, m2.digest);
  EXPECT_EQ(*store_->ListTags("repo", {}), (std::vector<std::string>{"A", "b", "c"}));
  EXPECT_EQ(*store_->ListTags("repo", {"", 2}), (std::vector<std::string>{"A", "b"}));
  EXPECT_EQ(*store_->ListTags("repo", {"b", 2}), (std::vector<std::string>{"c"}));
  EXPECT_EQ(store_->ListTags("nope", {}).error().code, ErrorCode::kNameUnknown);

  ASSERT_TRUE(store_->DeleteTag("repo", "c"));
  EXPECT_EQ(store_->DeleteTag("repo", "c").error().code, ErrorCode::kManifestUnknown);
  ASSERT_TRUE(store_->DeleteManifest("repo", *Digest::Parse(m1.digest)));
  EXPECT_EQ(*store_->ListTags("repo", {}), (std::vector<std::string>{"b"}));
}

TEST_F(SqliteMetadataStoreTest, Referrers) {
  auto subject = Manifest("repo", "{\"subject\":1}");
  auto sbom = Manifest("repo", "{\"sbom\":1}");
  sbom.subject = subject.digest;
  sbom.artifact_type = "application/vnd.example.sbom.v1+json";
  ASSERT_TRUE(store_->PutManifest(sbom, std::nullopt, 1));  // before its subject: allowed
  auto refs = store_->ListReferrers("repo", *Digest::Parse(subject.digest));
  ASSERT_TRUE(refs);
  ASSERT_EQ(refs->size(), 1u);
  EXPECT_EQ((*refs)[0].digest, sbom.digest);
  EXPECT_EQ((*refs)[0].artifact_type, sbom.artifact_type);
  EXPECT_TRUE(store_->ListReferrers("other", *Digest::Parse(subject.digest))->empty());
}

TEST_F(SqliteMetadataStoreTest, Uploads) {
  ASSERT_TRUE(store_->CreateUpload({"u1", "repo", 10, 10}));
  ASSERT_TRUE(store_->CreateUpload({"u2", "repo", 10, 10}));
  ASSERT_TRUE(store_->TouchUpload("u2", 50));
  EXPECT_EQ(store_->GetUpload("u1")->repository, "repo");
  EXPECT_EQ(*store_->StaleUploads(20), std::vector<std::string>{"u1"});
  ASSERT_TRUE(store_->DeleteUpload("u1"));
  EXPECT_EQ(store_->GetUpload("u1").error().code, ErrorCode::kBlobUploadUnknown);
}

TEST_F(SqliteMetadataStoreTest, AFinishedUploadLinksItsBlobAndEndsTogether) {
  ASSERT_TRUE(store_->CreateUpload({"u1", "repo", 10, 10}));
  Digest d = DigestOf("bytes");
  ASSERT_TRUE(store_->LinkUploadedBlob("u1", "repo", d, 5, 20));
  EXPECT_EQ(*store_->LinkedBlobSize("repo", d), 5u);
  EXPECT_EQ(store_->GetUpload("u1").error().code, ErrorCode::kBlobUploadUnknown);
}

TEST_F(SqliteMetadataStoreTest, ConcurrentPushesOfTheSameBlobAndTag) {
  Digest layer = DigestOf("shared");
  auto m = Manifest("repo", "{\"same\":1}", {layer.str()});
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (!store_->LinkBlob("repo", layer, 6, 1)) ++failures;
      if (!store_->PutManifest(m, "latest", 1)) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(*store_->ListTags("repo", {}), std::vector<std::string>{"latest"});
  EXPECT_EQ(store_->GetManifest("repo", "latest")->digest, m.digest);
}

TEST_F(SqliteMetadataStoreTest, ReopeningKeepsDataAndSkipsAppliedMigrations) {
  ASSERT_TRUE(store_->LinkBlob("repo", DigestOf("x"), 1, 1));
  store_.reset();
  auto again = SqliteMetadataStore::Open(dir_.path() / "berth.db");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*(*again)->LinkedBlobSize("repo", DigestOf("x")), 1u);
}

}  // namespace
}  // namespace berth
