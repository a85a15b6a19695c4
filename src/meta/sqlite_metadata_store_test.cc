#include "meta/sqlite_metadata_store.h"

#include <gtest/gtest.h>

#include "core/scoped_temp_dir.h"
#include "meta/identity_store_conformance.h"
#include "meta/metadata_store_conformance.h"

namespace berth {

namespace {

std::unique_ptr<SqliteMetadataStore> OpenIn(const std::filesystem::path& dir) {
  auto store = SqliteMetadataStore::Open(dir / "berth.db");
  return store ? std::move(*store) : nullptr;
}

}  // namespace

template <>
struct MetadataStoreFactory<SqliteMetadataStore> {
  static std::unique_ptr<MetadataStore> Make(const std::filesystem::path& dir) {
    return OpenIn(dir);
  }
};

INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, MetadataStoreConformance, SqliteMetadataStore);

template <>
struct IdentityStoreFactory<SqliteMetadataStore> {
  static std::unique_ptr<SqliteMetadataStore> Make(const std::filesystem::path& dir) {
    return OpenIn(dir);
  }
};

INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, IdentityStoreConformance, SqliteMetadataStore);

namespace {

TEST(SqliteMetadataStoreTest, ReopeningKeepsDataAndSkipsAppliedMigrations) {
  ScopedTempDir dir;
  {
    auto store = SqliteMetadataStore::Open(dir.path() / "berth.db");
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE((*store)->LinkBlob("repo", DigestOf("x"), 1, 1));
  }
  auto again = SqliteMetadataStore::Open(dir.path() / "berth.db");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*(*again)->LinkedBlobSize("repo", DigestOf("x")), 1u);
}

}  // namespace
}  // namespace berth
