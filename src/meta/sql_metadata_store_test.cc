// The metadata store's conformance suites, on the engine the run names (tests/support/engines.h).
#include <gtest/gtest.h>

#include "core/scoped_temp_dir.h"
#include "meta/databases.h"
#include "meta/identity_store_conformance.h"
#include "meta/metadata_store_conformance.h"
#include "tests/support/engines.h"

namespace berth {

namespace {

std::unique_ptr<SqlMetadataStore> OpenIn(const std::filesystem::path& dir) {
  return testing::TestMetadataStore(dir);
}

}  // namespace

template <>
struct MetadataStoreFactory<SqlMetadataStore> {
  static std::unique_ptr<MetadataStore> Make(const std::filesystem::path& dir) {
    return OpenIn(dir);
  }
};

INSTANTIATE_TYPED_TEST_SUITE_P(Sql, MetadataStoreConformance, SqlMetadataStore);

template <>
struct IdentityStoreFactory<SqlMetadataStore> {
  static std::unique_ptr<SqlMetadataStore> Make(const std::filesystem::path& dir) {
    return OpenIn(dir);
  }
};

INSTANTIATE_TYPED_TEST_SUITE_P(Sql, IdentityStoreConformance, SqlMetadataStore);

namespace {

TEST(SqlMetadataStoreTest, ReopeningKeepsDataAndSkipsAppliedMigrations) {
  if (testing::OnPostgres()) GTEST_SKIP() << "berth.db is SQLite's";
  ScopedTempDir dir;
  {
    auto store = OpenSqliteMetadata(dir.path() / "berth.db");
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE((*store)->LinkBlob("repo", DigestOf("x"), 1, 1));
  }
  auto again = OpenSqliteMetadata(dir.path() / "berth.db");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*(*again)->LinkedBlobSize("repo", DigestOf("x")), 1u);
}

}  // namespace
}  // namespace berth
