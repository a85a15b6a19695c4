// AWS Signature Version 4 for S3, in the header form (Authorization) and the query form
// (presigned URLs). Written over OpenSSL's HMAC in one module rather than with libcurl's
// CURLOPT_AWS_SIGV4, which cannot presign and signs a query string only in the order given.
// Pure functions, thread-safe.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth {

struct S3Credentials {
  std::string access_key;
  std::string secret_key;
  std::string region;
};

struct SigV4Request {
  std::string method;
  std::string host;                                          // as in the Host header: host[:port]
  std::string path;                                          // encoded, as sent: /bucket/key
  std::vector<std::pair<std::string, std::string>> query;    // not encoded; any order
  std::vector<std::pair<std::string, std::string>> headers;  // signed besides host; any case
  std::string payload_hash = "UNSIGNED-PAYLOAD";
};

// "20130524T000000Z"
std::string AmzDate(std::time_t when);

// The Authorization header for `request` at `amz_date`; the request must also send x-amz-date
// and x-amz-content-sha256 (the payload hash).
std::string AuthorizationV4(const S3Credentials& credentials, const SigV4Request& request,
                            const std::string& amz_date);

// The query string (without '?') that makes `request` a URL valid for `expires` seconds from
// `amz_date`, with the request's own query first.
std::string PresignedQueryV4(const S3Credentials& credentials, const SigV4Request& request,
                             const std::string& amz_date, int expires);

// S3's URI encoding: unreserved characters kept, the rest %XX; '/' kept when `path`.
std::string UriEncode(std::string_view text, bool path);

}  // namespace berth
