// Password hashing (PBKDF2-HMAC-SHA256 with a per-user salt), constant-time verification,
// and Harbor's password policy. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace berth {

// OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
inline constexpr int kDefaultPasswordIterations = 600000;

// Returns "pbkdf2-sha256$<iterations>$<salt>$<hash>" (base64), with a fresh random salt.
std::string HashPassword(std::string_view password, int iterations = kDefaultPasswordIterations);

// True when `password` matches `stored` (a HashPassword result); compares in constant time.
bool VerifyPassword(std::string_view password, std::string_view stored);

// Harbor's rule: 8 to 128 characters with an upper-case letter, a lower-case one and a digit.
Status CheckPasswordPolicy(std::string_view password);

}  // namespace berth
