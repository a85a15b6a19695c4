#include "storage/paths.h"

namespace berth {

std::filesystem::path BlobPath(const std::filesystem::path& root, const Digest& digest) {
  std::string_view hex = digest.hex();
  return root / "blobs" / std::string(digest.algorithm()) / std::string(hex.substr(0, 2)) /
         std::string(hex);
}

std::filesystem::path UploadsRoot(const std::filesystem::path& root) { return root / "uploads"; }

std::filesystem::path UploadDir(const std::filesystem::path& root, std::string_view uuid) {
  return UploadsRoot(root) / std::string(uuid);
}

std::filesystem::path UploadPath(const std::filesystem::path& root, std::string_view uuid) {
  return UploadDir(root, uuid) / "data";
}

std::filesystem::path MetadataPath(const std::filesystem::path& root) { return root / "berth.db"; }
std::filesystem::path HistoryPath(const std::filesystem::path& root) { return root / "history.db"; }

}  // namespace berth
