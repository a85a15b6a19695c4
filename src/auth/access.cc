#include "auth/access.h"

#include <algorithm>
#include <mutex>

namespace berth {

Result<std::optional<ProjectRef>> AccessControl::FindProject(std::string_view name,
                                                             bool may_block, bool* would_block) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::shared_lock lock(mu_);
    if (auto it = projects_.find(name); it != projects_.end() && it->second.until > now)
      return it->second.project;
  }
  if (!may_block) {
    if (would_block) *would_block = true;
    return std::optional<ProjectRef>();
  }
  auto record = store_.FindProject(std::string(name));
  if (!record) {
    if (record.error().code == ErrorCode::kNotFound) return std::optional<ProjectRef>();
    return tl::unexpected(record.error());
  }
  ProjectRef ref{record->id, record->name, record->is_public, record->created_at};
  std::unique_lock lock(mu_);
  projects_.insert_or_assign(std::string(name), Cached{ref, now + kProjectCacheTtl});
  return ref;
}

void AccessControl::ProjectsChanged() {
  std::unique_lock lock(mu_);
  projects_.clear();
}

Result<std::vector<Role>> AccessControl::Roles(const Principal& principal,
                                               const ProjectRef& project) {
  if (principal.kind != Principal::Kind::kUser) return std::vector<Role>{};
  auto ids = store_.MemberRoles(project.id, principal.id, principal.group_ids);
  if (!ids) return tl::unexpected(ids.error());
  std::vector<Role> roles;
  for (int id : *ids) {
    if (auto role = RoleFromId(id)) roles.push_back(*role);
  }
  return roles;
}

Result<bool> AccessControl::Can(const Principal& principal, const ProjectRef& project,
                                Resource resource, Action action) {
  if (principal.sysadmin) return true;
  // A public project lets anyone do what its most limited member may: read and pull.
  if (project.is_public && Allowed(Role::kLimitedGuest, resource, action)) return true;
  if (principal.kind == Principal::Kind::kRobot) {
    return std::any_of(principal.grants.begin(), principal.grants.end(), [&](const RobotGrant& g) {
      return (g.project == project.name || g.project == "*") &&
             g.resource == ResourceName(resource) && g.action == ActionName(action);
    });
  }
  auto roles = Roles(principal, project);
  if (!roles) return tl::unexpected(roles.error());
  return std::any_of(roles->begin(), roles->end(),
                     [&](Role r) { return Allowed(r, resource, action); });
}

Result<std::vector<Permission>> AccessControl::Permissions(const Principal& principal,
                                                           const ProjectRef& project) {
  // Roles are read once here rather than once per resource and action.
  auto roles = Roles(principal, project);
  if (!roles) return tl::unexpected(roles.error());
  std::vector<Permission> out;
  for (Resource resource : ProjectResources()) {
    for (Action action : AllActions()) {
      bool can = (principal.sysadmin && Allowed(Role::kProjectAdmin, resource, action)) ||
                 (project.is_public && Allowed(Role::kLimitedGuest, resource, action)) ||
                 std::any_of(roles->begin(), roles->end(),
                             [&](Role r) { return Allowed(r, resource, action); });
      if (!can && principal.kind == Principal::Kind::kRobot) {
        auto robot = Can(principal, project, resource, action);
        if (!robot) return tl::unexpected(robot.error());
        can = *robot;
      }
      if (can) out.push_back({resource, action});
    }
  }
  return out;
}

Result<std::vector<std::string>> AccessControl::GrantRepository(
    const Principal& principal, std::string_view repository,
    const std::vector<std::string>& asked) {
  std::vector<std::string> granted;
  auto project = FindProject(ProjectOf(repository));
  if (!project) return tl::unexpected(project.error());
  if (!*project) return granted;
  auto grant = [&](const std::string& action) -> Status {
    auto permission = RegistryPermission(action);
    if (!permission) return {};
    auto can = Can(principal, **project, permission->resource, permission->action);
    if (!can) return tl::unexpected(can.error());
    if (*can && std::find(granted.begin(), granted.end(), action) == granted.end())
      granted.push_back(action);
    return {};
  };
  for (const std::string& action : asked) {
    // "*" asks for everything the caller may do.
    if (action == "*") {
      for (const char* each : {"pull", "push", "delete"}) {
        if (auto s = grant(each); !s) return tl::unexpected(s.error());
      }
    } else if (auto s = grant(action); !s) {
      return tl::unexpected(s.error());
    }
  }
  return granted;
}

}  // namespace berth
