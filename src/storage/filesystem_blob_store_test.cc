#include "storage/filesystem_blob_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/scoped_temp_dir.h"
#include "storage/blob_store_conformance.h"
#include "storage/paths.h"

namespace berth {

template <>
struct BlobStoreFactory<FilesystemBlobStore> {
  static std::unique_ptr<BlobStore> Make(const std::filesystem::path& dir) {
    return std::make_unique<FilesystemBlobStore>(dir);
  }
};

INSTANTIATE_TYPED_TEST_SUITE_P(Filesystem, BlobStoreConformance, FilesystemBlobStore);

namespace {

TEST(FilesystemBlobStoreTest, CommitMovesTheFileIntoTheBlobTreeAndOffersAnFd) {
  ScopedTempDir dir;
  FilesystemBlobStore store(dir.path());
  ASSERT_TRUE(store.CreateUpload("u1"));
  auto writer = store.OpenUploadWriter("u1", "");
  ASSERT_TRUE(writer);
  ASSERT_TRUE((*writer)->Append(std::span<const char>("abc", 3)));
  Digest d = DigestOf("abc");
  ASSERT_TRUE((*writer)->Commit(d));
  EXPECT_FALSE(std::filesystem::exists(UploadDir(dir.path(), "u1")));
  EXPECT_EQ(std::filesystem::file_size(BlobPath(dir.path(), d)), 3u);
  auto reader = store.Open(d);
  ASSERT_TRUE(reader);
  EXPECT_GE((*reader)->fd(), 0);
}

}  // namespace
}  // namespace berth
