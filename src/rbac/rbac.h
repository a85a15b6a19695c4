// Harbor's project roles and what each may do: one table (rbac.cc) that every handler and the
// token service ask, so that a permission is decided in exactly one place. Thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace berth {

// The ids are Harbor's (src/common/const.go), as the members API exchanges them.
enum class Role {
  kProjectAdmin = 1,
  kDeveloper = 2,
  kGuest = 3,
  kMaintainer = 4,
  kLimitedGuest = 5
};

enum class Resource {
  kProject,
  kMember,
  kMetadata,
  kLog,
  kLabel,
  kQuota,
  kRepository,
  kArtifact,
  kTag,
  kArtifactLabel,
  kTagRetention,
  kImmutableTag,
  kRobot,
  kWebhookPolicy,
  kScan,
  kScanner,
  kPreheatPolicy,
  kCveExport,
  kConfiguration,
};

enum class Action { kCreate, kRead, kUpdate, kDelete, kList, kPull, kPush, kOperate, kStop };

bool Allowed(Role role, Resource resource, Action action);
// The least of the roles, from limitedGuest up to projectAdmin, that may; nullopt when none
// may. Every role above it may too, in Harbor's table, for the registry's permissions.
std::optional<Role> LeastRoleAllowed(Resource resource, Action action);

// "projectAdmin", "maintainer", "developer", "guest", "limitedGuest" (Harbor's names).
std::optional<Role> RoleFromName(std::string_view name);
std::optional<Role> RoleFromId(int id);
std::string_view RoleName(Role role);

// Harbor's names for resources ("repository", "artifact-label", ...) and actions ("pull",
// "create", ...), as robot permissions and /users/current/permissions spell them.
std::optional<Resource> ResourceFromName(std::string_view name);
std::string_view ResourceName(Resource resource);
std::optional<Action> ActionFromName(std::string_view name);
std::string_view ActionName(Action action);

// Every project resource, in the table's order, and every action.
std::span<const Resource> ProjectResources();
std::span<const Action> AllActions();

// A registry token scope's action ("pull", "push", "delete") as the permission it needs:
// pull and push on the repository, delete of the artifact.
struct Permission {
  Resource resource;
  Action action;
};
std::optional<Permission> RegistryPermission(std::string_view scope_action);

}  // namespace berth
