#include "gc/collector.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace berth {
namespace {

constexpr int64_t kBefore = 1000;  // the collection began then, its grace period taken off

GcManifest Manifest(int64_t id, std::string digest, bool tagged, int64_t pushed_at = 10) {
  GcManifest m;
  m.id = id;
  m.repository_id = 1;
  m.digest = std::move(digest);
  m.tagged = tagged;
  m.pushed_at = pushed_at;
  return m;
}

std::vector<int64_t> Sorted(std::vector<int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST(PlanCollectionTest, WhatATagReachesThroughIndexesAndReferrersIsKept) {
  GcSnapshot snapshot;
  GcManifest index = Manifest(1, "index", true);
  index.children = {"amd64", "arm64"};
  GcManifest signature = Manifest(4, "signature", false);
  signature.subject = "index";
  GcManifest sbom_of_signature = Manifest(5, "sbom", false);
  sbom_of_signature.subject = "signature";
  GcManifest old_index = Manifest(6, "old-index", false);
  old_index.children = {"amd64", "old-arm64"};
  GcManifest referrer_of_garbage = Manifest(8, "old-signature", false);
  referrer_of_garbage.subject = "old-index";
  snapshot.manifests = {index,
                        Manifest(2, "amd64", false),
                        Manifest(3, "arm64", false),
                        signature,
                        sbom_of_signature,
                        old_index,
                        Manifest(7, "old-arm64", false),
                        referrer_of_garbage,
                        Manifest(9, "young", false, kBefore),
                        Manifest(10, "dangling-referrer", false)};
  snapshot.manifests.back().subject = "never-pushed";
  EXPECT_EQ(Sorted(PlanCollection(snapshot, {}, true, kBefore).manifests),
            (std::vector<int64_t>{6, 7, 8, 10}));
  EXPECT_TRUE(PlanCollection(snapshot, {}, false, kBefore).manifests.empty());
}

TEST(PlanCollectionTest, BlobsGoOnceNoLinkHoldsThemAndTheyAreOldAndNotBeingCommitted) {
  GcSnapshot snapshot;
  GcManifest tagged = Manifest(1, "tagged", true);
  tagged.blobs = {"layer", "config"};
  GcManifest untagged = Manifest(2, "untagged", false);
  untagged.blobs = {"old-layer", "config"};
  snapshot.manifests = {tagged, untagged};
  snapshot.links = {{1, "layer", 10},     {1, "config", 10},       {1, "old-layer", 10},
                    {1, "stray", 10},     {1, "fresh-stray", kBefore}, {2, "shared", 10}};
  GcManifest elsewhere = Manifest(3, "elsewhere", true);
  elsewhere.repository_id = 2;
  elsewhere.blobs = {"shared"};
  snapshot.manifests.push_back(elsewhere);
  snapshot.blobs = {{"layer", 1, 10},         {"config", 2, 10},  {"old-layer", 3, 10},
                    {"stray", 4, 10},         {"fresh-stray", 5, kBefore},
                    {"shared", 6, 10},        {"unlinked", 7, 10}, {"committing", 8, 10, true},
                    {"young", 9, kBefore}};
  const std::vector<StoredBlob> stored = {
      {*Digest::Parse("sha256:" + std::string(64, 'a')), 100, 10},
      {*Digest::Parse("sha256:" + std::string(64, 'b')), 200, kBefore}};
  snapshot.blobs.push_back({"sha256:" + std::string(64, 'b'), 200, kBefore});
  const GcPlan plan = PlanCollection(snapshot, stored, true, kBefore);
  std::vector<std::string> links, blobs;
  for (const GcLink& l : plan.links) links.push_back(l.digest);
  for (const GcBlob& b : plan.blobs) blobs.push_back(b.digest);
  std::sort(links.begin(), links.end());
  std::sort(blobs.begin(), blobs.end());
  EXPECT_EQ(links, (std::vector<std::string>{"old-layer", "stray"}));
  EXPECT_EQ(blobs, (std::vector<std::string>{"old-layer", "stray", "unlinked"}));
  ASSERT_EQ(plan.orphans.size(), 1u) << "an orphan younger than the grace period stays";
  EXPECT_EQ(plan.orphans[0].digest, "sha256:" + std::string(64, 'a'));
  // Without delete_untagged the untagged manifest keeps its blobs.
  const GcPlan kept = PlanCollection(snapshot, stored, false, kBefore);
  blobs.clear();
  for (const GcBlob& b : kept.blobs) blobs.push_back(b.digest);
  std::sort(blobs.begin(), blobs.end());
  EXPECT_EQ(blobs, (std::vector<std::string>{"stray", "unlinked"}));
}

}  // namespace
}  // namespace berth
