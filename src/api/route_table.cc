#include "api/route_table.h"

#include <optional>

#include "core/strings.h"

namespace berth {
namespace {

constexpr std::string_view kMultiSegment = "repository_name";

std::vector<std::string_view> TemplateSegments(std::string_view path_template) {
  std::vector<std::string_view> out;
  for (std::string_view part : Split(path_template, '/')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

bool IsParameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool MatchFrom(std::span<const std::string_view> pattern, std::span<const std::string_view> path,
               PathParams& params) {
  if (pattern.empty()) return path.empty();
  if (path.empty()) return false;
  const std::string_view head = pattern.front();
  if (!IsParameter(head)) {
    return head == path.front() && MatchFrom(pattern.subspan(1), path.subspan(1), params);
  }
  const std::string_view name = head.substr(1, head.size() - 2);
  // The shortest run that lets the rest match: the repository ends where its artifacts begin.
  const size_t longest = name == kMultiSegment ? path.size() : 1;
  for (size_t taken = 1; taken <= longest; ++taken) {
    const size_t mark = params.values.size();
    if (MatchFrom(pattern.subspan(1), path.subspan(taken), params)) {
      std::string value;
      for (size_t i = 0; i < taken; ++i) {
        if (i) value += '/';
        value += path[i];
      }
      params.values.emplace(params.values.begin() + static_cast<ptrdiff_t>(mark), name,
                            std::move(value));
      return true;
    }
    params.values.resize(mark);
  }
  return false;
}

}  // namespace

const std::string* PathParams::Find(std::string_view name) const {
  for (const auto& [key, value] : values) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::string_view PathParams::Get(std::string_view name) const {
  const std::string* value = Find(name);
  return value ? std::string_view(*value) : std::string_view();
}

bool PathParams::Has(std::string_view name) const { return Find(name) != nullptr; }

std::optional<PathParams> MatchTemplate(std::string_view path_template,
                                        std::span<const std::string_view> segments) {
  const std::vector<std::string_view> pattern = TemplateSegments(path_template);
  PathParams params;
  if (!MatchFrom(pattern, segments, params)) return std::nullopt;
  return params;
}

RouteTable::RouteTable(std::vector<RouteSpec> routes) {
  for (const RouteSpec& spec : routes) {
    std::vector<std::string_view> pattern = TemplateSegments(spec.path);
    size_t literals = 0;
    for (std::string_view segment : pattern) literals += !IsParameter(segment);
    routes_.push_back({spec, std::move(pattern), literals});
  }
}

RouteTable::Match RouteTable::Find(std::string_view method,
                                   std::span<const std::string_view> segments) const {
  Match best;
  std::optional<size_t> best_literals;
  bool path_known = false;
  auto consider = [&](std::string_view wanted) {
    for (size_t i = 0; i < routes_.size(); ++i) {
      const Entry& entry = routes_[i];
      PathParams params;
      if (!MatchFrom(entry.pattern, segments, params)) continue;
      path_known = true;
      if (entry.spec.method != wanted) continue;
      if (best_literals && *best_literals >= entry.literals) continue;
      best = {Match::Kind::kFound, i, std::move(params)};
      best_literals = entry.literals;
    }
  };
  consider(method);
  if (!best_literals && method == "HEAD") consider("GET");
  if (!best_literals) best.kind = path_known ? Match::Kind::kNoSuchMethod : Match::Kind::kNoSuchPath;
  return best;
}

}  // namespace berth
