// The authorization every handler and the token service ask: may this principal do this
// action on this resource of this project? Roles come from project membership (directly or
// through a group), robots from their permission list, system admins may do everything, and
// anyone may read and pull what a public project holds. The rules are rbac/rbac.cc's table.
// Project lookups are cached in memory (a few fields per project), dropped on any change made
// through this node and kept at most kProjectCacheTtl, after which another node's change shows.
// Thread-safe.
#pragma once

#include <chrono>
#include <shared_mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "core/strings.h"
#include "core/reference.h"
#include "meta/identity_store.h"
#include "rbac/rbac.h"

namespace berth {

struct ProjectRef {
  int64_t id = 0;
  std::string name;
  bool is_public = false;
  int64_t created_at = 0;
};

inline constexpr std::chrono::seconds kProjectCacheTtl{5};

class AccessControl {
 public:
  explicit AccessControl(IdentityStore& store) : store_(store) {}

  // The project named `name`: nullopt when there is none. With may_block false, answers only
  // from the cache and sets *would_block on a miss.
  Result<std::optional<ProjectRef>> FindProject(std::string_view name, bool may_block = true,
                                                bool* would_block = nullptr);
  void ProjectsChanged();

  // The roles the principal holds in the project (none for robots and anonymous callers).
  Result<std::vector<Role>> Roles(const Principal& principal, const ProjectRef& project);
  Result<bool> Can(const Principal& principal, const ProjectRef& project, Resource resource,
                   Action action);

  // Every project permission the principal holds, in the table's order.
  Result<std::vector<Permission>> Permissions(const Principal& principal,
                                              const ProjectRef& project);

  // The token service's question: which of the `asked` scope actions ("pull", "push",
  // "delete", "*") on `repository` may the principal have? The project is the name's first
  // component; none granted when it does not exist.
  Result<std::vector<std::string>> GrantRepository(const Principal& principal,
                                                   std::string_view repository,
                                                   const std::vector<std::string>& asked);

 private:
  IdentityStore& store_;
  std::shared_mutex mu_;
  struct Cached {
    ProjectRef project;
    std::chrono::steady_clock::time_point until;
  };
  TextMap<Cached> projects_;  // guarded by mu_
};

}  // namespace berth
