// Unpredictable identifiers and secrets from OpenSSL's CSPRNG. Thread-safe.
#pragma once

#include <string>

namespace berth {

// `bytes` random bytes as lowercase hex.
std::string RandomHex(size_t bytes);

}  // namespace berth
