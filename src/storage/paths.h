// Where every byte of a data folder lives, decided in this one place:
//
//   <data>/
//     berth.db                         metadata (SQLite, WAL)
//     history.db                       audit log and webhook deliveries (SQLite, WAL)
//     events.journal, webhooks.journal events not yet recorded or sent
//     blobs/<alg>/<first 2 hex>/<hex>  verified, immutable blob content
//     uploads/<uuid>/data              an upload in progress, appended to in order
//
// Pure functions, thread-safe.
#pragma once

#include <filesystem>
#include <string_view>

#include "core/digest.h"

namespace berth {

std::filesystem::path BlobPath(const std::filesystem::path& root, const Digest& digest);
std::filesystem::path UploadDir(const std::filesystem::path& root, std::string_view uuid);
std::filesystem::path UploadPath(const std::filesystem::path& root, std::string_view uuid);
std::filesystem::path UploadsRoot(const std::filesystem::path& root);
std::filesystem::path MetadataPath(const std::filesystem::path& root);
std::filesystem::path HistoryPath(const std::filesystem::path& root);

}  // namespace berth
