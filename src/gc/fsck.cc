#include "gc/fsck.h"

#include <map>
#include <set>
#include <unordered_map>

#include "core/digest.h"

namespace berth {
namespace {

// The digest of what the store holds under `digest`'s name.
Result<Digest> HashStored(BlobStore& blobs, const Digest& digest) {
  auto reader = blobs.Open(digest);
  if (!reader) return tl::unexpected(reader.error());
  auto hasher = HashFrom(**reader, Hasher(digest.algorithm()));
  if (!hasher) return tl::unexpected(hasher.error());
  return hasher->Finish();
}

}  // namespace

Result<FsckReport> CheckRegistry(MetadataStore& meta, ManagementStore& management,
                                 BlobStore& blobs, bool repair,
                                 const std::function<void(const std::string&)>& log) {
  FsckReport report;
  auto problem = [&](std::string text) {
    log("problem: " + text);
    report.problems.push_back(std::move(text));
  };
  auto stored = blobs.ListBlobs();
  if (!stored) return tl::unexpected(stored.error());
  auto snapshot = meta.ReadGcSnapshot();
  if (!snapshot) return tl::unexpected(snapshot.error());
  std::unordered_map<std::string, uint64_t> stored_size;
  for (const StoredBlob& b : *stored) stored_size[b.digest.str()] = b.size;

  // Every stored blob is what its name says, and as large as its row claims.
  std::unordered_map<std::string, uint64_t> row_size;
  for (const GcBlob& b : snapshot->blobs) row_size[b.digest] = b.size;
  std::set<std::string> corrupt;
  for (const StoredBlob& b : *stored) {
    ++report.blobs;
    auto actual = HashStored(blobs, b.digest);
    if (!actual) {
      // Removed since it was listed (a collection beside this check) is no problem.
      if (actual.error().code == ErrorCode::kBlobUnknown) continue;
      return tl::unexpected(actual.error());
    }
    if (*actual != b.digest) {
      corrupt.insert(b.digest.str());
      problem("blob " + b.digest.str() + " holds bytes that hash to " + actual->str());
      if (repair) {
        // Unlinked too, so that a client asking whether the blob is there is told it is not,
        // and uploads it again.
        bool unlinked = true;
        for (const GcLink& link : snapshot->links) {
          if (link.digest != b.digest.str()) continue;
          Status s = meta.UnlinkBlob(snapshot->repositories[link.repository_id], b.digest);
          unlinked = unlinked && (s || s.error().code == ErrorCode::kBlobUnknown);
        }
        Status deleted = blobs.Delete(b.digest);
        if (unlinked && (deleted || deleted.error().code == ErrorCode::kBlobUnknown)) {
          ++report.repaired;
          log("repaired: removed " + b.digest.str() + " from the store; a push uploads it again");
        }
      }
      continue;
    }
    auto row = row_size.find(b.digest.str());
    if (row != row_size.end() && row->second != b.size) {
      problem("blob " + b.digest.str() + " is " + std::to_string(b.size) +
              " bytes in the store, " + std::to_string(row->second) + " in the metadata");
      if (repair && meta.SetBlobSize(b.digest.str(), b.size)) {
        row->second = b.size;
        ++report.repaired;
        log("repaired: the size of " + b.digest.str() + " set to the store's");
      }
    }
  }

  // Every manifest's blobs are stored, whole.
  for (const GcManifest& m : snapshot->manifests) {
    ++report.manifests;
    for (const std::string& blob : m.blobs) {
      if (stored_size.count(blob) && !corrupt.count(blob)) continue;
      // Stored since the listing (a push beside this check) is no problem.
      if (auto d = Digest::Parse(blob); d && blobs.Stat(*d) && !corrupt.count(blob)) continue;
      problem("manifest " + snapshot->repositories[m.repository_id] + "@" + m.digest +
              " lists blob " + blob + (corrupt.count(blob) ? ", which is corrupt" : ", which is missing"));
    }
  }

  // Every quota counts what its project's repositories hold: each blob once, by the size the
  // store gives, with the manifests' own bytes.
  auto quotas = management.ListQuotas();
  if (!quotas) return tl::unexpected(quotas.error());
  std::map<std::string, std::set<std::string>> project_blobs;
  std::map<std::string, std::set<std::pair<std::string, uint64_t>>> project_manifests;
  auto project_of = [&](int64_t repository_id) {
    const std::string& name = snapshot->repositories[repository_id];
    return name.substr(0, name.find('/'));
  };
  for (const GcLink& link : snapshot->links)
    project_blobs[project_of(link.repository_id)].insert(link.digest);
  for (const GcManifest& m : snapshot->manifests)
    project_manifests[project_of(m.repository_id)].insert({m.digest, m.size});
  for (const QuotaRecord& q : *quotas) {
    int64_t expected = 0;
    for (const std::string& digest : project_blobs[q.project_name]) {
      auto size = stored_size.find(digest);
      expected += static_cast<int64_t>(size != stored_size.end() ? size->second : row_size[digest]);
    }
    for (const auto& [digest, size] : project_manifests[q.project_name])
      expected += static_cast<int64_t>(size);
    if (expected != q.storage_used)
      problem("project " + q.project_name + " is counted " + std::to_string(q.storage_used) +
              " bytes against its quota, and holds " + std::to_string(expected));
  }
  log("checked " + std::to_string(report.manifests) + " manifests and " +
      std::to_string(report.blobs) + " stored blobs: " + std::to_string(report.problems.size()) +
      " problem(s), " + std::to_string(report.repaired) + " repaired");
  return report;
}

}  // namespace berth
