#include "auth/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <vector>

#include "core/base64.h"
#include "core/strings.h"

namespace berth {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

std::string Derive(std::string_view password, std::string_view salt, int iterations) {
  std::string out(kHashBytes, '\0');
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha256(),
                    static_cast<int>(out.size()), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

}  // namespace

std::string HashPassword(std::string_view password, int iterations) {
  std::string salt(kSaltBytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size()));
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + Base64Encode(salt) + "$" +
         Base64Encode(Derive(password, salt, iterations));
}

bool VerifyPassword(std::string_view password, std::string_view stored) {
  auto parts = Split(stored, '$');
  if (parts.size() != 4 || parts[0] != kScheme) return false;
  int iterations = 0;
  auto [end, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), iterations);
  if (ec != std::errc() || end != parts[1].data() + parts[1].size() || iterations < 1) return false;
  auto salt = Base64Decode(parts[2]);
  auto want = Base64Decode(parts[3]);
  if (!salt || !want || want->size() != kHashBytes) return false;
  std::string got = Derive(password, *salt, iterations);
  return CRYPTO_memcmp(got.data(), want->data(), kHashBytes) == 0;
}

Status CheckPasswordPolicy(std::string_view password) {
  bool upper = false, lower = false, digit = false;
  for (char c : password) {
    upper |= c >= 'A' && c <= 'Z';
    lower |= c >= 'a' && c <= 'z';
    digit |= c >= '0' && c <= '9';
  }
  if (password.size() < 8 || password.size() > 128 || !upper || !lower || !digit) {
    return Fail(ErrorCode::kPasswordPolicy,
                "the password must be 8 to 128 characters long with at least one upper-case "
                "letter, one lower-case letter and one digit");
  }
  return {};
}

}  // namespace berth
