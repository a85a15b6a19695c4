// The portal's built files (web/, built by Vite), as embed_assets compiles them into the
// binary: one file to deploy, nothing beside it.
#pragma once

#include <span>
#include <string_view>

namespace berth {

struct PortalAsset {
  std::string_view path;  // "/index.html", "/assets/index-1a2b3c.js"
  std::string_view content_type;
  std::string_view body;
  std::string_view gzip;  // empty when compressing does not pay
  std::string_view etag;  // quoted, from the body's bytes
};

// The files of the build that this binary was linked with.
std::span<const PortalAsset> EmbeddedPortalAssets();

}  // namespace berth
