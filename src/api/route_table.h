// Finds the operation a request names among path templates written as the swagger writes
// them ("/projects/{project_name}/repositories/{repository_name}"). A {parameter} takes one
// path segment, except {repository_name}, which takes one or more: Harbor's clients send a
// repository's slashes encoded twice (one segment here) or once (several). Where templates
// overlap, the one with more literal segments wins, so /users/current is not /users/{user_id}.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth {

struct RouteSpec {
  std::string_view method;
  std::string_view path;  // the template, from its first '/'
};

struct PathParams {
  // (parameter name, the segments it took, joined by '/')
  std::vector<std::pair<std::string_view, std::string>> values;

  // Empty when the template has no such parameter.
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;

 private:
  const std::string* Find(std::string_view name) const;
};

// The parameters of `segments` under `path_template`, or nullopt when it does not match.
std::optional<PathParams> MatchTemplate(std::string_view path_template,
                                        std::span<const std::string_view> segments);

class RouteTable {
 public:
  explicit RouteTable(std::vector<RouteSpec> routes);

  struct Match {
    enum class Kind { kFound, kNoSuchPath, kNoSuchMethod } kind = Kind::kNoSuchPath;
    size_t index = 0;  // into the routes given, when found
    PathParams params;
  };
  // A HEAD request falls back to the GET of the same path when no HEAD operation has it.
  Match Find(std::string_view method, std::span<const std::string_view> segments) const;

 private:
  struct Entry {
    RouteSpec spec;
    std::vector<std::string_view> pattern;
    size_t literals;
  };
  std::vector<Entry> routes_;
};

}  // namespace berth
