#include "storage/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>

#include "core/strings.h"

namespace berth {
namespace {

std::string Hex(const unsigned char* bytes, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 15]);
  }
  return out;
}

std::string Sha256Hex(std::string_view text) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), md);
  return Hex(md, sizeof md);
}

std::string Hmac(std::string_view key, std::string_view text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), md, &size);
  return std::string(reinterpret_cast<const char*>(md), size);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string CanonicalQuery(std::vector<std::pair<std::string, std::string>> query) {
  for (auto& [k, v] : query) {
    k = UriEncode(k, false);
    v = UriEncode(v, false);
  }
  std::sort(query.begin(), query.end());
  std::string out;
  for (const auto& [k, v] : query) out += (out.empty() ? "" : "&") + k + "=" + v;
  return out;
}

std::string Scope(const S3Credentials& credentials, const std::string& amz_date) {
  return amz_date.substr(0, 8) + "/" + credentials.region + "/s3/aws4_request";
}

// The signature of the canonical request (method, path, query, headers, payload hash).
std::string Signature(const S3Credentials& credentials, const SigV4Request& request,
                      const std::vector<std::pair<std::string, std::string>>& query,
                      const std::string& amz_date, std::string* signed_headers) {
  std::vector<std::pair<std::string, std::string>> headers = {{"host", request.host}};
  for (const auto& [k, v] : request.headers) headers.emplace_back(Lower(k), std::string(Trim(v)));
  std::sort(headers.begin(), headers.end());
  std::string canonical_headers;
  signed_headers->clear();
  for (const auto& [k, v] : headers) {
    canonical_headers += k + ":" + v + "\n";
    *signed_headers += (signed_headers->empty() ? "" : ";") + k;
  }
  const std::string canonical = request.method + "\n" + request.path + "\n" +
                                CanonicalQuery(query) + "\n" + canonical_headers + "\n" +
                                *signed_headers + "\n" + request.payload_hash;
  const std::string scope = Scope(credentials, amz_date);
  const std::string to_sign =
      "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + Sha256Hex(canonical);
  std::string key = Hmac("AWS4" + credentials.secret_key, amz_date.substr(0, 8));
  key = Hmac(key, credentials.region);
  key = Hmac(key, "s3");
  key = Hmac(key, "aws4_request");
  const std::string signature = Hmac(key, to_sign);
  return Hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
}

}  // namespace

std::string AmzDate(std::time_t when) {
  std::tm utc{};
  gmtime_r(&when, &utc);
  char out[17];
  std::strftime(out, sizeof out, "%Y%m%dT%H%M%SZ", &utc);
  return out;
}

std::string UriEncode(std::string_view text, bool path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (path && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string AuthorizationV4(const S3Credentials& credentials, const SigV4Request& request,
                            const std::string& amz_date) {
  std::string signed_headers;
  const std::string signature =
      Signature(credentials, request, request.query, amz_date, &signed_headers);
  return "AWS4-HMAC-SHA256 Credential=" + credentials.access_key + "/" +
         Scope(credentials, amz_date) + ",SignedHeaders=" + signed_headers +
         ",Signature=" + signature;
}

std::string PresignedQueryV4(const S3Credentials& credentials, const SigV4Request& request,
                             const std::string& amz_date, int expires) {
  auto query = request.query;
  query.emplace_back("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
  query.emplace_back("X-Amz-Credential",
                     credentials.access_key + "/" + Scope(credentials, amz_date));
  query.emplace_back("X-Amz-Date", amz_date);
  query.emplace_back("X-Amz-Expires", std::to_string(expires));
  std::string signed_headers = "host";
  for (const auto& header : request.headers) signed_headers += ";" + Lower(header.first);
  query.emplace_back("X-Amz-SignedHeaders", signed_headers);
  SigV4Request unsigned_payload = request;
  unsigned_payload.payload_hash = "UNSIGNED-PAYLOAD";
  const std::string signature =
      Signature(credentials, unsigned_payload, query, amz_date, &signed_headers);
  return CanonicalQuery(query) + "&X-Amz-Signature=" + signature;
}

}  // namespace berth
