#include "storage/blob_stores.h"

#include "storage/filesystem_blob_store.h"
#include "storage/s3_blob_store.h"

namespace berth {

Result<std::vector<Digest>> BlobStore::DeleteBlobs(std::span<const Digest> digests) {
  std::vector<Digest> absent;
  for (const Digest& digest : digests) {
    Status deleted = Delete(digest);
    if (deleted || deleted.error().code == ErrorCode::kBlobUnknown) absent.push_back(digest);
  }
  return absent;
}

Result<std::unique_ptr<BlobStore>> OpenBlobStore(const Config::Storage& config,
                                                 const std::filesystem::path& data_dir) {
  if (config.driver == "s3") {
    const Config::Storage::S3& s3 = config.s3;
    auto store = S3BlobStore::Open(
        {{s3.endpoint, s3.region, s3.bucket, s3.access_key, s3.secret_key, s3.prefix},
         s3.redirect});
    if (!store) return tl::unexpected(store.error());
    return std::unique_ptr<BlobStore>(std::move(*store));
  }
  try {
    return std::unique_ptr<BlobStore>(std::make_unique<FilesystemBlobStore>(data_dir));
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInternal, std::string("cannot use the data folder: ") + e.what());
  }
}

}  // namespace berth
