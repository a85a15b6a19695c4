#include "core/error.h"

#include <array>

namespace berth {
namespace {

// The spec allows only its 14 codes in a 4xx body, so the extra conditions (bad tag, ranges,
// sizes) reuse the nearest spec code with their own status.
constexpr std::array kErrors = {
    ErrorInfo{"BLOB_UNKNOWN", 404, "blob unknown to registry"},
    ErrorInfo{"BLOB_UPLOAD_INVALID", 400, "blob upload invalid"},
    ErrorInfo{"BLOB_UPLOAD_UNKNOWN", 404, "blob upload unknown to registry"},
    ErrorInfo{"DIGEST_INVALID", 400, "provided digest did not match uploaded content"},
    ErrorInfo{"MANIFEST_BLOB_UNKNOWN", 400,
              "manifest references a manifest or blob unknown to registry"},
    ErrorInfo{"MANIFEST_INVALID", 400, "manifest invalid"},
    ErrorInfo{"MANIFEST_UNKNOWN", 404, "manifest unknown to registry"},
    ErrorInfo{"NAME_INVALID", 400, "invalid repository name"},
    ErrorInfo{"NAME_UNKNOWN", 404, "repository name not known to registry"},
    ErrorInfo{"SIZE_INVALID", 400, "provided length did not match content length"},
    ErrorInfo{"UNAUTHORIZED", 401, "authentication required"},
    ErrorInfo{"DENIED", 403, "requested access to the resource is denied"},
    ErrorInfo{"UNSUPPORTED", 400, "the operation is unsupported"},
    ErrorInfo{"TOOMANYREQUESTS", 429, "too many requests"},
    ErrorInfo{"MANIFEST_INVALID", 400, "invalid tag"},
    ErrorInfo{"SIZE_INVALID", 413, "manifest exceeds the 4 MiB limit"},
    ErrorInfo{"BLOB_UPLOAD_INVALID", 416, "chunk does not start at the upload's current offset"},
    ErrorInfo{"SIZE_INVALID", 416, "requested range not satisfiable"},
    ErrorInfo{"UNSUPPORTED", 400, "invalid pagination parameters"},
    ErrorInfo{"UNSUPPORTED", 404, "no such endpoint"},
    ErrorInfo{"UNSUPPORTED", 405, "method not allowed"},
    ErrorInfo{"BAD_REQUEST", 400, "the password does not meet the policy"},
    ErrorInfo{"UNAUTHORIZED", 401, "invalid token"},
    ErrorInfo{"UNAVAILABLE", 503, "service unavailable"},
    ErrorInfo{"UNKNOWN", 500, "internal server error"},
};
static_assert(kErrors.size() == static_cast<size_t>(ErrorCode::kInternal) + 1);

}  // namespace

const ErrorInfo& Describe(ErrorCode code) { return kErrors[static_cast<size_t>(code)]; }

}  // namespace berth
