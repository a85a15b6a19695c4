// Result<T>: a value or an Error, returned by every fallible call that crosses a seam.
#pragma once

#include <string>
#include <tl/expected.hpp>

#include "core/error.h"

namespace berth {

template <class T>
using Result = tl::expected<T, Error>;
using Status = Result<void>;

inline tl::unexpected<Error> Fail(ErrorCode code, std::string message = {}) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace berth
