// Parsing and validation of pushed manifests: OCI image manifest and index, Docker v2 schema 2
// manifest and manifest list. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace berth {

inline constexpr size_t kMaxManifestBytes = 4 * 1024 * 1024;

inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";

struct ParsedManifest {
  std::string media_type;
  std::vector<std::string> blobs;     // config and layers the registry must hold
  std::vector<std::string> children;  // manifests an index lists
  std::string subject;                // digest, or empty
  // What the referrers API reports: artifactType, else an image manifest's config media type.
  std::string artifact_type;
};

// Validates `bytes` pushed with `content_type` (parameters ignored; may be empty).
// MANIFEST_INVALID with a message that says what is wrong.
Result<ParsedManifest> ParseManifest(std::string_view bytes, std::string_view content_type);

// The descriptor the referrers API lists for a stored manifest: mediaType, size, digest,
// artifactType (when known) and the manifest's annotations, as a JSON object.
std::string ReferrerDescriptor(std::string_view content, std::string_view media_type,
                               std::string_view digest, std::string_view artifact_type);

}  // namespace berth
