// Repository names, tags and digests arrive in every request path.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/digest.h"
#include "core/reference.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  berth::IsValidRepositoryName(input);
  berth::IsValidTag(input);
  if (auto digest = berth::Digest::Parse(input)) {
    if (digest->str() != input) __builtin_trap();
  }
  return 0;
}
