// Every protocol error Berth answers, declared once with its code string and HTTP status.
// Thread-safe: the table is immutable.
#pragma once

#include <string>
#include <string_view>

namespace berth {

enum class ErrorCode {
  kBlobUnknown,
  kBlobUploadInvalid,
  kBlobUploadUnknown,
  kDigestInvalid,
  kManifestBlobUnknown,
  kManifestInvalid,
  kManifestUnknown,
  kNameInvalid,
  kNameUnknown,
  kSizeInvalid,
  kUnauthorized,
  kDenied,
  kUnsupported,
  kTooManyRequests,
  kTagInvalid,
  kManifestTooLarge,
  kUploadRangeInvalid,
  kRangeNotSatisfiable,
  kPaginationInvalid,
  kRouteUnknown,
  kMethodNotAllowed,
  kPasswordPolicy,
  kBadRequest,
  kTokenInvalid,
  kNotFound,
  kConflict,
  kForbidden,
  kPrecondition,
  kUnprocessable,
  kUnauthenticated,
  kQuotaExceeded,
  kReadOnly,
  kStorageFull,
  kUnavailable,
  kInternal,
};

struct ErrorInfo {
  std::string_view code;  // the wire identifier, e.g. "BLOB_UNKNOWN"
  int http_status;
  std::string_view message;  // the default human-readable message
};

const ErrorInfo& Describe(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;  // overrides the default message when not empty

  std::string_view Message() const {
    return message.empty() ? Describe(code).message : std::string_view(message);
  }
  int HttpStatus() const { return Describe(code).http_status; }
};

}  // namespace berth
