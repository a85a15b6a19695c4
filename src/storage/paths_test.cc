#include "storage/paths.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

TEST(PathsTest, Layout) {
  const std::string hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  auto digest = Digest::Parse("sha256:" + hex);
  ASSERT_TRUE(digest);
  struct Case {
    std::filesystem::path got;
    std::string want;
  };
  const Case cases[] = {
      {BlobPath("/d", *digest), "/d/blobs/sha256/e3/" + hex},
      {UploadsRoot("/d"), "/d/uploads"},
      {UploadDir("/d", "u-1"), "/d/uploads/u-1"},
      {UploadPath("/d", "u-1"), "/d/uploads/u-1/data"},
      {MetadataPath("/d"), "/d/berth.db"},
      {HistoryPath("/d"), "/d/history.db"},
  };
  for (const Case& c : cases) EXPECT_EQ(c.got.string(), c.want);
}

}  // namespace
}  // namespace berth
