#include "registry/manifest_cache.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

ManifestCache::Entry Entry(const std::string& digest, uint64_t generation) {
  return {digest, "application/vnd.oci.image.manifest.v1+json",
          std::make_shared<const std::string>("{}"), generation};
}

TEST(ManifestCacheTest, HitsMissesAndEviction) {
  ManifestCache cache(2);
  EXPECT_FALSE(cache.Get("r", "a"));
  cache.Put("r", "a", Entry("sha256:a", cache.Generation("r")));
  cache.Put("r", "b", Entry("sha256:b", cache.Generation("r")));
  EXPECT_EQ(cache.Get("r", "a")->digest, "sha256:a");  // a is now the newest
  cache.Put("r", "c", Entry("sha256:c", cache.Generation("r")));
  EXPECT_FALSE(cache.Get("r", "b"));  // the least recently used went
  EXPECT_TRUE(cache.Get("r", "a"));
  EXPECT_TRUE(cache.Get("r", "c"));
  EXPECT_FALSE(cache.Get("other", "a"));
}

TEST(ManifestCacheTest, AWriteMakesEarlierReadsStale) {
  ManifestCache cache(16);
  const uint64_t before = cache.Generation("r");
  cache.Put("r", "latest", Entry("sha256:old", before));
  cache.Put("s", "latest", Entry("sha256:s", cache.Generation("s")));
  cache.Invalidate("r");
  EXPECT_FALSE(cache.Get("r", "latest"));
  EXPECT_TRUE(cache.Get("s", "latest"));  // other repositories keep theirs
  // A reader that looked at the database before the write must not repopulate the cache.
  cache.Put("r", "latest", Entry("sha256:old", before));
  EXPECT_FALSE(cache.Get("r", "latest"));
  cache.Put("r", "latest", Entry("sha256:new", cache.Generation("r")));
  EXPECT_EQ(cache.Get("r", "latest")->digest, "sha256:new");
}

TEST(ManifestCacheTest, ZeroCapacityCachesNothing) {
  ManifestCache cache(0);
  cache.Put("r", "a", Entry("sha256:a", cache.Generation("r")));
  EXPECT_FALSE(cache.Get("r", "a"));
}

}  // namespace
}  // namespace berth
