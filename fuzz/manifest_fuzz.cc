// Manifest bytes and Content-Type straight from a client: parsing must answer, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "registry/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first line, when there is one, plays the Content-Type header.
  size_t newline = input.find('\n');
  std::string_view content_type = newline == input.npos ? "" : input.substr(0, newline);
  std::string_view body = newline == input.npos ? input : input.substr(newline + 1);
  auto parsed = berth::ParseManifest(body, content_type);
  if (parsed) {
    berth::ReferrerDescriptor(body, parsed->media_type, "sha256:00", parsed->artifact_type);
  }
  return 0;
}
