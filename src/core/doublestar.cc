#include "core/doublestar.h"

#include <cstdint>
#include <vector>

namespace berth {
namespace {

constexpr size_t kMaxPatternLength = 256;
constexpr size_t kMaxAlternatives = 64;

// Where the class opening at `open` ends (the index of its `]`), or npos if it does not.
size_t ClassEnd(std::string_view p, size_t open) {
  size_t i = open + 1;
  if (i < p.size() && (p[i] == '!' || p[i] == '^')) ++i;
  if (i < p.size() && p[i] == ']') ++i;  // a leading `]` is a member
  for (; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
    } else if (p[i] == ']') {
      return i;
    }
  }
  return std::string_view::npos;
}

bool ClassMatches(std::string_view p, size_t open, size_t close, char c) {
  size_t i = open + 1;
  const bool negated = p[i] == '!' || p[i] == '^';
  if (negated) ++i;
  bool found = false;
  while (i < close) {
    char low = p[i];
    if (low == '\\') low = p[++i];
    ++i;
    char high = low;
    if (i + 1 < close && p[i] == '-') {
      size_t at = i + 1;
      if (p[at] == '\\') ++at;
      high = p[at];
      i = at + 1;
    }
    if (low <= c && c <= high) found = true;
  }
  return found != negated;
}

// The pattern with every {a,b} written out: one brace-free alternative per choice.
Status Expand(std::string_view p, std::vector<std::string>& out) {
  size_t open = std::string_view::npos;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      if (++i == p.size()) return Fail(ErrorCode::kBadRequest, "pattern ends in a lone \\");
    } else if (p[i] == '[') {
      i = ClassEnd(p, i);
      if (i == std::string_view::npos) return Fail(ErrorCode::kBadRequest, "unclosed [ in pattern");
    } else if (p[i] == '{') {
      open = i;
      break;
    } else if (p[i] == '}') {
      return Fail(ErrorCode::kBadRequest, "unopened } in pattern");
    }
  }
  if (open == std::string_view::npos) {
    if (out.size() == kMaxAlternatives)
      return Fail(ErrorCode::kBadRequest, "pattern has too many {,} alternatives");
    out.emplace_back(p);
    return {};
  }
  std::vector<std::string_view> options;
  size_t depth = 0, start = open + 1, close = std::string_view::npos;
  for (size_t i = open + 1; i < p.size() && close == std::string_view::npos; ++i) {
    switch (p[i]) {
      case '\\':
        ++i;
        break;
      case '[':
        i = ClassEnd(p, i);
        if (i == std::string_view::npos)
          return Fail(ErrorCode::kBadRequest, "unclosed [ in pattern");
        break;
      case '{':
        ++depth;
        break;
      case '}':
        if (depth == 0) {
          options.push_back(p.substr(start, i - start));
          close = i;
        } else {
          --depth;
        }
        break;
      case ',':
        if (depth == 0) {
          options.push_back(p.substr(start, i - start));
          start = i + 1;
        }
        break;
    }
  }
  if (close == std::string_view::npos) return Fail(ErrorCode::kBadRequest, "unclosed { in pattern");
  for (std::string_view option : options) {
    std::string choice(p.substr(0, open));
    choice.append(option).append(p.substr(close + 1));
    if (auto s = Expand(choice, out); !s) return s;
  }
  return {};
}

// One brace-free alternative against the text, each (pattern, text) position decided once.
class Matcher {
 public:
  Matcher(std::string_view pattern, std::string_view text)
      : p_(pattern), t_(text), memo_((p_.size() + 1) * (t_.size() + 1), kUnknown) {}

  bool At(size_t pi, size_t ti) {
    int8_t& known = memo_[pi * (t_.size() + 1) + ti];
    if (known == kUnknown) known = Decide(pi, ti) ? 1 : 0;
    return known == 1;
  }

 private:
  static constexpr int8_t kUnknown = -1;

  bool Decide(size_t pi, size_t ti) {
    if (pi == p_.size()) return ti == t_.size();
    const bool more = ti < t_.size();
    switch (p_[pi]) {
      case '*': {
        if (pi + 1 < p_.size() && p_[pi + 1] == '*') {
          const size_t after = pi + 2;
          const bool whole_segment =
              (pi == 0 || p_[pi - 1] == '/') && after < p_.size() && p_[after] == '/';
          if (whole_segment && At(after + 1, ti)) return true;  // `a/**/b` matches `a/b`
          return At(after, ti) || (more && At(pi, ti + 1));
        }
        return At(pi + 1, ti) || (more && t_[ti] != '/' && At(pi, ti + 1));
      }
      case '?':
        return more && t_[ti] != '/' && At(pi + 1, ti + 1);
      case '[': {
        const size_t close = ClassEnd(p_, pi);
        return more && t_[ti] != '/' && ClassMatches(p_, pi, close, t_[ti]) &&
               At(close + 1, ti + 1);
      }
      case '\\':
        return more && pi + 1 < p_.size() && t_[ti] == p_[pi + 1] && At(pi + 2, ti + 1);
      default:
        return more && t_[ti] == p_[pi] && At(pi + 1, ti + 1);
    }
  }

  std::string_view p_, t_;
  std::vector<int8_t> memo_;
};

}  // namespace

Result<DoublestarPattern> DoublestarPattern::Parse(std::string_view pattern) {
  if (pattern.empty()) return Fail(ErrorCode::kBadRequest, "pattern is empty");
  if (pattern.size() > kMaxPatternLength)
    return Fail(ErrorCode::kBadRequest, "pattern is over 256 characters");
  std::vector<std::string> alternatives;
  if (auto s = Expand(pattern, alternatives); !s) return tl::unexpected(s.error());
  return DoublestarPattern(std::string(pattern), std::move(alternatives));
}

bool DoublestarPattern::Matches(std::string_view text) const {
  for (const std::string& alternative : alternatives_) {
    if (Matcher(alternative, text).At(0, 0)) return true;
  }
  return false;
}

}  // namespace berth
