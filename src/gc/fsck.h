// `berth fsck`: checks that the metadata and the store agree. Every blob a manifest lists is
// stored, every stored blob hashes to its name and has the size its row claims, and every
// project's quota counts what the store holds for it (each blob once, with the manifests' own
// bytes). With repair, what can be put right is: a wrong size is set to the store's, and a blob
// whose bytes do not hash to its name is removed from the store and from its repositories, so
// that the next push of it uploads it again instead of finding it there. A missing blob cannot be made up: it is
// reported, with the manifests that list it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "meta/management_store.h"
#include "meta/metadata_store.h"
#include "storage/blob_store.h"

namespace berth {

struct FsckReport {
  size_t manifests = 0;  // checked
  size_t blobs = 0;      // stored blobs hashed
  std::vector<std::string> problems;
  size_t repaired = 0;
};

Result<FsckReport> CheckRegistry(MetadataStore& meta, ManagementStore& management,
                                 BlobStore& blobs, bool repair,
                                 const std::function<void(const std::string&)>& log);

}  // namespace berth
