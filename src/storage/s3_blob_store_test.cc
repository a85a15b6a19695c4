// The S3 store against a real Ceph RGW (BERTH_TEST_ENGINE=postgres-s3; skipped otherwise): the
// BlobStore suite, and what only an object store does.
#include "storage/s3_blob_store.h"

#include <gtest/gtest.h>

#include "storage/blob_store_conformance.h"
#include "tests/support/engines.h"

namespace berth {

namespace {

std::unique_ptr<S3BlobStore> OpenTestStore(std::string prefix = "", bool redirect = false) {
  if (!testing::OnS3()) return nullptr;
  testing::RgwServer& rgw = testing::SharedRgw();
  S3BlobStore::Options options;
  options.s3 = {rgw.endpoint(),   "us-east-1",      rgw.bucket(),
                rgw.access_key(), rgw.secret_key(), prefix.empty() ? rgw.NewPrefix() : prefix};
  options.redirect = redirect;
  auto store = S3BlobStore::Open(options);
  EXPECT_TRUE(store) << store.error().message;
  return store ? std::move(*store) : nullptr;
}

}  // namespace

template <>
struct BlobStoreFactory<S3BlobStore> {
  static std::unique_ptr<BlobStore> Make(const std::filesystem::path&) { return OpenTestStore(); }
};

INSTANTIATE_TYPED_TEST_SUITE_P(S3, BlobStoreConformance, S3BlobStore);

namespace {

class S3BlobStoreTest : public BlobStoreConformance<S3BlobStore> {
 protected:
  uint64_t Requests(const char* operation) {
    return static_cast<S3BlobStore&>(*store_).client().stats().at(operation).requests;
  }
};

// A request that failed before its record was kept: the next goes on from the older record,
// and what was written in between does not show.
TEST_F(S3BlobStoreTest, AWriterThatNeverFlushedLeavesTheOldRecordGood) {
  const std::string bytes = Pattern(20 << 20, 7);
  const std::string record = Upload("retry", bytes.substr(0, 2 << 20), 2 << 20);
  {
    auto lost = store_->OpenUploadWriter("retry", record);
    ASSERT_TRUE(lost);
    const std::string other = Pattern(20 << 20, 8);  // two parts' worth go up
    ASSERT_TRUE((*lost)->Append(std::span(other.data(), other.size())));
  }
  auto w = store_->OpenUploadWriter("retry", record);
  ASSERT_TRUE(w);
  ASSERT_TRUE((*w)->Append(std::span(bytes.data() + (2 << 20), bytes.size() - (2 << 20))));
  ASSERT_TRUE((*w)->Commit(DigestOf(bytes)));
  auto blob = store_->Open(DigestOf(bytes));
  ASSERT_TRUE(blob);
  EXPECT_TRUE(ReadAll(**blob) == bytes);
}

// Chunks of a part's minimum or more go up as parts: the next request reads nothing back.
TEST_F(S3BlobStoreTest, ChunksOfAPartOrMoreAreNeverReadBack) {
  const std::string bytes = Pattern(30 << 20, 3);
  const uint64_t gets = Requests("GetObject");
  const std::string record = Upload("big-chunks", bytes, 6 << 20);
  EXPECT_EQ(Requests("GetObject"), gets);
  auto w = store_->OpenUploadWriter("big-chunks", record);
  ASSERT_TRUE(w);
  ASSERT_TRUE((*w)->Commit(DigestOf(bytes)));
  EXPECT_EQ(Requests("GetObject"), gets);
  EXPECT_EQ(*store_->Stat(DigestOf(bytes)), bytes.size());
}

TEST_F(S3BlobStoreTest, AnUnfinishedUploadIsAbortedWithItsParts) {
  Upload("abandoned", Pattern(12 << 20, 4), 6 << 20);
  auto& client = static_cast<S3BlobStore&>(*store_).client();
  EXPECT_EQ(client.ListMultipartUploads("uploads/abandoned/")->size(), 1u);
  ASSERT_TRUE(store_->DeleteUpload("abandoned"));
  EXPECT_TRUE(client.ListMultipartUploads("uploads/abandoned/")->empty());
  EXPECT_TRUE(store_->ListUploads()->empty());
}

TEST(S3BlobStoreOpenTest, StartUpFailuresSayWhich) {
  if (!testing::OnS3()) GTEST_SKIP() << "runs with BERTH_TEST_ENGINE=postgres-s3";
  testing::RgwServer& rgw = testing::SharedRgw();
  S3BlobStore::Options options;
  options.s3 = {rgw.endpoint(),   "us-east-1",      "no-such-bucket",
                rgw.access_key(), rgw.secret_key(), ""};
  auto missing = S3BlobStore::Open(options);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("does not exist"), std::string::npos)
      << missing.error().message;
  options.s3.bucket = rgw.bucket();
  options.s3.secret_key = "wrong";
  auto refused = S3BlobStore::Open(options);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("refuses these credentials"), std::string::npos)
      << refused.error().message;
  options.s3.endpoint = "http://127.0.0.1:1";
  auto unreachable = S3BlobStore::Open(options);
  ASSERT_FALSE(unreachable);
  EXPECT_NE(unreachable.error().message.find("cannot reach"), std::string::npos)
      << unreachable.error().message;
}

}  // namespace
}  // namespace berth
