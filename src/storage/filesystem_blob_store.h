// FilesystemBlobStore: the default BlobStore, blobs as files under a data folder
// (layout in storage/paths.h). Thread-safe.
#pragma once

#include <filesystem>

#include "storage/blob_store.h"

namespace berth {

class FilesystemBlobStore : public BlobStore {
 public:
  // Creates the folders it needs; throws if they cannot be made (start-up only).
  explicit FilesystemBlobStore(std::filesystem::path root);

  Result<uint64_t> Stat(const Digest& digest) override;
  Result<std::unique_ptr<BlobReader>> Open(const Digest& digest) override;
  Status Delete(const Digest& digest) override;
  Result<std::vector<StoredBlob>> ListBlobs() override;
  Result<std::string> CreateUpload(const std::string& uuid) override;
  Result<uint64_t> UploadSize(const std::string& uuid, const std::string& record) override;
  Result<std::unique_ptr<UploadWriter>> OpenUploadWriter(const std::string& uuid,
                                                         const std::string& record) override;
  Result<std::unique_ptr<BlobReader>> OpenUploadReader(const std::string& uuid,
                                                       const std::string& record) override;
  Status DeleteUpload(const std::string& uuid) override;
  Result<std::vector<std::string>> ListUploads() override;

 private:
  std::filesystem::path root_;
};

}  // namespace berth
