#include "storage/filesystem_blob_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/scoped_temp_dir.h"
#include "storage/paths.h"

namespace berth {
namespace {

class FilesystemBlobStoreTest : public ::testing::Test {
 protected:
  ScopedTempDir dir_;
  const std::filesystem::path& root_ = dir_.path();
  std::unique_ptr<FilesystemBlobStore> store_ = std::make_unique<FilesystemBlobStore>(root_);
};

TEST_F(FilesystemBlobStoreTest, UploadAppendCommitRead) {
  ASSERT_TRUE(store_->CreateUpload("u1"));
  {
    auto w = store_->OpenUploadWriter("u1");
    ASSERT_TRUE(w);
    ASSERT_TRUE((*w)->Append(std::span<const char>("hello ", 6)));
    ASSERT_TRUE((*w)->Append(std::span<const char>("world", 5)));
  }
  EXPECT_EQ(*store_->UploadSize("u1"), 11u);
  Digest d = DigestOf("hello world");
  EXPECT_EQ(store_->Stat(d).error().code, ErrorCode::kBlobUnknown);
  ASSERT_TRUE(store_->CommitUpload("u1", d));
  EXPECT_EQ(*store_->Stat(d), 11u);
  EXPECT_EQ(store_->UploadSize("u1").error().code, ErrorCode::kBlobUploadUnknown);
  EXPECT_FALSE(std::filesystem::exists(UploadDir(root_, "u1")));

  auto r = store_->Open(d);
  ASSERT_TRUE(r);
  char buf[5];
  EXPECT_EQ(*(*r)->ReadAt(6, buf), 5u);
  EXPECT_EQ(std::string(buf, 5), "world");
  EXPECT_GE((*r)->fd(), 0);
}

TEST_F(FilesystemBlobStoreTest, MissingThingsAreReported) {
  Digest d = DigestOf("nothing");
  EXPECT_EQ(store_->Open(d).error().code, ErrorCode::kBlobUnknown);
  EXPECT_EQ(store_->Delete(d).error().code, ErrorCode::kBlobUnknown);
  EXPECT_EQ(store_->OpenUploadWriter("nope").error().code, ErrorCode::kBlobUploadUnknown);
  EXPECT_TRUE(store_->DeleteUpload("nope"));
}

TEST_F(FilesystemBlobStoreTest, ListAndDeleteUploads) {
  ASSERT_TRUE(store_->CreateUpload("a"));
  ASSERT_TRUE(store_->CreateUpload("b"));
  auto names = store_->ListUploads();
  ASSERT_TRUE(names);
  EXPECT_EQ(names->size(), 2u);
  ASSERT_TRUE(store_->DeleteUpload("a"));
  EXPECT_EQ(store_->ListUploads()->size(), 1u);
}

TEST_F(FilesystemBlobStoreTest, CommittingTheSameBlobTwiceKeepsIt) {
  Digest d = DigestOf("x");
  for (const char* uuid : {"one", "two"}) {
    ASSERT_TRUE(store_->CreateUpload(uuid));
    ASSERT_TRUE((*store_->OpenUploadWriter(uuid))->Append(std::span<const char>("x", 1)));
    ASSERT_TRUE(store_->CommitUpload(uuid, d));
  }
  EXPECT_EQ(*store_->Stat(d), 1u);
  ASSERT_TRUE(store_->Delete(d));
  EXPECT_EQ(store_->Stat(d).error().code, ErrorCode::kBlobUnknown);
}

}  // namespace
}  // namespace berth
