// Opens the BlobStore the configuration names: the data folder (the embedded default) or an S3
// bucket.
#pragma once

#include <filesystem>
#include <memory>

#include "core/config.h"
#include "storage/blob_store.h"

namespace berth {

// A bad endpoint, a missing bucket or refused credentials fail with one line that says which.
Result<std::unique_ptr<BlobStore>> OpenBlobStore(const Config::Storage& config,
                                                 const std::filesystem::path& data_dir);

}  // namespace berth
