// Glob patterns as Harbor's tag retention and immutability rules write them (the "doublestar"
// selector kind, after github.com/bmatcuk/doublestar): `*` any run within a path segment, `**`
// any run across segments (`a/**/b` also matches `a/b`), `?` one character but `/`, `[a-z]` and
// `[!x]` classes, `{a,b}` alternatives, `\` quotes the next character. Written by hand because
// no packaged C++ library matches this syntax. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace berth {

// A pattern that was checked once; matching it cannot fail and takes time proportional to
// the pattern's length times the text's, whatever either holds.
class DoublestarPattern {
 public:
  // BAD_REQUEST for a pattern that is empty, over 256 characters, unbalanced ([ or {) or
  // that expands to more than 64 alternatives.
  static Result<DoublestarPattern> Parse(std::string_view pattern);

  bool Matches(std::string_view text) const;
  const std::string& text() const { return text_; }

 private:
  DoublestarPattern(std::string text, std::vector<std::string> alternatives)
      : text_(std::move(text)), alternatives_(std::move(alternatives)) {}
  std::string text_;
  std::vector<std::string> alternatives_;  // brace-free, {a,b} written out
};

}  // namespace berth
