// The OCI Distribution grammar for repository names and tags. Pure functions, thread-safe.
#pragma once

#include <string_view>

namespace berth {

inline constexpr size_t kMaxRepositoryNameLength = 255;

// <name>: path components of [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* joined by '/'.
bool IsValidRepositoryName(std::string_view name);

// The project a repository belongs to, its first component: "library/app/web" -> "library";
// "" when the name has only one component.
std::string_view ProjectOf(std::string_view repository);

// <reference> as a tag: [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}.
bool IsValidTag(std::string_view tag);

}  // namespace berth
