// The conformance suite every BlobStore driver runs: instantiate it with
// INSTANTIATE_TYPED_TEST_SUITE_P(Name, BlobStoreConformance, Impl) after specialising
// BlobStoreFactory<Impl>, so a new driver (S3) proves itself against what the filesystem passes.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "core/scoped_temp_dir.h"
#include "storage/blob_store.h"

namespace berth {

// Specialise with: static std::unique_ptr<BlobStore> Make(const std::filesystem::path& dir).
template <class Impl>
struct BlobStoreFactory;

template <class Impl>
class BlobStoreConformance : public ::testing::Test {
 protected:
  ScopedTempDir dir_;
  std::unique_ptr<BlobStore> store_ = BlobStoreFactory<Impl>::Make(dir_.path());
};

TYPED_TEST_SUITE_P(BlobStoreConformance);

TYPED_TEST_P(BlobStoreConformance, UploadAppendCommitRead) {
  ASSERT_TRUE(this->store_->CreateUpload("u1"));
  {
    auto w = this->store_->OpenUploadWriter("u1");
    ASSERT_TRUE(w);
    ASSERT_TRUE((*w)->Append(std::span<const char>("hello ", 6)));
    ASSERT_TRUE((*w)->Append(std::span<const char>("world", 5)));
  }
  EXPECT_EQ(*this->store_->UploadSize("u1"), 11u);
  Digest d = DigestOf("hello world");
  EXPECT_EQ(this->store_->Stat(d).error().code, ErrorCode::kBlobUnknown);
  ASSERT_TRUE(this->store_->CommitUpload("u1", d));
  EXPECT_EQ(*this->store_->Stat(d), 11u);
  EXPECT_EQ(this->store_->UploadSize("u1").error().code, ErrorCode::kBlobUploadUnknown);

  auto r = this->store_->Open(d);
  ASSERT_TRUE(r);
  char buf[5];
  EXPECT_EQ(*(*r)->ReadAt(6, buf), 5u);
  EXPECT_EQ(std::string(buf, 5), "world");
}

TYPED_TEST_P(BlobStoreConformance, MissingThingsAreReported) {
  Digest d = DigestOf("nothing");
  EXPECT_EQ(this->store_->Open(d).error().code, ErrorCode::kBlobUnknown);
  EXPECT_EQ(this->store_->Delete(d).error().code, ErrorCode::kBlobUnknown);
  EXPECT_EQ(this->store_->OpenUploadWriter("nope").error().code, ErrorCode::kBlobUploadUnknown);
  EXPECT_TRUE(this->store_->DeleteUpload("nope"));
}

TYPED_TEST_P(BlobStoreConformance, ListAndDeleteUploads) {
  ASSERT_TRUE(this->store_->CreateUpload("a"));
  ASSERT_TRUE(this->store_->CreateUpload("b"));
  auto names = this->store_->ListUploads();
  ASSERT_TRUE(names);
  EXPECT_EQ(names->size(), 2u);
  ASSERT_TRUE(this->store_->DeleteUpload("a"));
  EXPECT_EQ(this->store_->ListUploads()->size(), 1u);
}

TYPED_TEST_P(BlobStoreConformance, CommittingTheSameBlobTwiceKeepsIt) {
  Digest d = DigestOf("x");
  for (const char* uuid : {"one", "two"}) {
    ASSERT_TRUE(this->store_->CreateUpload(uuid));
    ASSERT_TRUE((*this->store_->OpenUploadWriter(uuid))->Append(std::span<const char>("x", 1)));
    ASSERT_TRUE(this->store_->CommitUpload(uuid, d));
  }
  EXPECT_EQ(*this->store_->Stat(d), 1u);
  ASSERT_TRUE(this->store_->Delete(d));
  EXPECT_EQ(this->store_->Stat(d).error().code, ErrorCode::kBlobUnknown);
}

REGISTER_TYPED_TEST_SUITE_P(BlobStoreConformance, UploadAppendCommitRead, MissingThingsAreReported,
                            ListAndDeleteUploads, CommittingTheSameBlobTwiceKeepsIt);

}  // namespace berth
