#include "core/error.h"

#include <array>
#include <utility>

namespace berth {
namespace {

// On /v2/ the OCI spec allows only its 14 codes in a 4xx body, so the registry's extra
// conditions (bad tag, ranges, sizes) reuse the nearest spec code with their own status.
// BAD_REQUEST, NOT_FOUND, CONFLICT, FORBIDDEN, PRECONDITION and UNAUTHORIZED after them are
// the Harbor API's codes (src/lib/errors/const.go).
constexpr std::array<std::pair<ErrorCode, ErrorInfo>, 35> kErrors = {{
    {ErrorCode::kBlobUnknown, {"BLOB_UNKNOWN", 404, "blob unknown to registry"}},
    {ErrorCode::kBlobUploadInvalid, {"BLOB_UPLOAD_INVALID", 400, "blob upload invalid"}},
    {ErrorCode::kBlobUploadUnknown,
     {"BLOB_UPLOAD_UNKNOWN", 404, "blob upload unknown to registry"}},
    {ErrorCode::kDigestInvalid,
     {"DIGEST_INVALID", 400, "provided digest did not match uploaded content"}},
    {ErrorCode::kManifestBlobUnknown,
     {"MANIFEST_BLOB_UNKNOWN", 400, "manifest references a manifest or blob unknown to registry"}},
    {ErrorCode::kManifestInvalid, {"MANIFEST_INVALID", 400, "manifest invalid"}},
    {ErrorCode::kManifestUnknown, {"MANIFEST_UNKNOWN", 404, "manifest unknown to registry"}},
    {ErrorCode::kNameInvalid, {"NAME_INVALID", 400, "invalid repository name"}},
    {ErrorCode::kNameUnknown, {"NAME_UNKNOWN", 404, "repository name not known to registry"}},
    {ErrorCode::kSizeInvalid,
     {"SIZE_INVALID", 400, "provided length did not match content length"}},
    {ErrorCode::kUnauthorized, {"UNAUTHORIZED", 401, "authentication required"}},
    {ErrorCode::kDenied, {"DENIED", 403, "requested access to the resource is denied"}},
    {ErrorCode::kUnsupported, {"UNSUPPORTED", 400, "the operation is unsupported"}},
    {ErrorCode::kTooManyRequests, {"TOOMANYREQUESTS", 429, "too many requests"}},
    {ErrorCode::kTagInvalid, {"MANIFEST_INVALID", 400, "invalid tag"}},
    {ErrorCode::kManifestTooLarge, {"SIZE_INVALID", 413, "manifest exceeds the 4 MiB limit"}},
    {ErrorCode::kUploadRangeInvalid,
     {"BLOB_UPLOAD_INVALID", 416, "chunk does not start at the upload's current offset"}},
    {ErrorCode::kRangeNotSatisfiable, {"SIZE_INVALID", 416, "requested range not satisfiable"}},
    {ErrorCode::kPaginationInvalid, {"UNSUPPORTED", 400, "invalid pagination parameters"}},
    {ErrorCode::kRouteUnknown, {"UNSUPPORTED", 404, "no such endpoint"}},
    {ErrorCode::kMethodNotAllowed, {"UNSUPPORTED", 405, "method not allowed"}},
    {ErrorCode::kPasswordPolicy, {"BAD_REQUEST", 400, "the password does not meet the policy"}},
    {ErrorCode::kBadRequest, {"BAD_REQUEST", 400, "bad request"}},
    {ErrorCode::kTokenInvalid, {"UNAUTHORIZED", 401, "invalid token"}},
    {ErrorCode::kNotFound, {"NOT_FOUND", 404, "not found"}},
    {ErrorCode::kConflict, {"CONFLICT", 409, "already exists"}},
    {ErrorCode::kForbidden, {"FORBIDDEN", 403, "forbidden"}},
    {ErrorCode::kPrecondition, {"PRECONDITION", 412, "precondition failed"}},
    {ErrorCode::kUnprocessable, {"UNPROCESSABLE_ENTITY", 422, "unprocessable entity"}},
    {ErrorCode::kUnauthenticated, {"UNAUTHORIZED", 401, "invalid credentials"}},
    // Harbor answers both with DENIED (403) on /v2/, which clients show as is.
    {ErrorCode::kQuotaExceeded, {"DENIED", 403, "quota exceeded"}},
    {ErrorCode::kReadOnly,
     {"DENIED", 403, "The system is in read only mode. Any modification is prohibited."}},
    // A refusal like the two above, with HTTP's own status for it.
    {ErrorCode::kStorageFull,
     {"DENIED", 507, "the registry is out of storage space; nothing of this upload was kept"}},
    // Distribution's code for it: an engine (database, object store) cannot be reached now.
    {ErrorCode::kUnavailable, {"UNAVAILABLE", 503, "service unavailable"}},
    {ErrorCode::kInternal, {"UNKNOWN", 500, "internal server error"}},
}};

// The table is indexed by the enum: every entry must sit at its own code's position.
constexpr bool InEnumOrder() {
  for (size_t i = 0; i < kErrors.size(); ++i) {
    if (static_cast<size_t>(kErrors[i].first) != i) return false;
  }
  return true;
}
static_assert(InEnumOrder(), "kErrors must list the codes in ErrorCode's order");
static_assert(kErrors.size() == static_cast<size_t>(ErrorCode::kInternal) + 1);

}  // namespace

const ErrorInfo& Describe(ErrorCode code) { return kErrors[static_cast<size_t>(code)].second; }

}  // namespace berth
