#include "rbac/rbac.h"

#include <array>

namespace berth {
namespace {

// ../shared/reference/harbor-rbac.md, column for column. Letters: C create, R read, U update,
// D delete, L list, p pull, P push, O operate, S stop.
struct Row {
  Resource resource;
  std::string_view name;
  // Indexed by column: projectAdmin, maintainer, developer, guest, limitedGuest.
  std::array<std::string_view, 5> grants;
};

constexpr std::array kTable = {
    Row{Resource::kProject, "project", {"RUD", "R", "R", "R", "R"}},
    Row{Resource::kMember, "member", {"CRUDL", "RL", "RL", "RL", ""}},
    Row{Resource::kMetadata, "metadata", {"CRUD", "R", "", "", ""}},
    Row{Resource::kLog, "log", {"L", "", "", "", ""}},
    Row{Resource::kLabel, "label", {"CRUDL", "CRUDL", "RL", "RL", ""}},
    Row{Resource::kQuota, "quota", {"R", "R", "R", "R", "R"}},
    Row{Resource::kRepository, "repository", {"CRUDLpP", "CRUDLpP", "CRULpP", "RLp", "RLp"}},
    Row{Resource::kArtifact, "artifact", {"CRDL", "CRDL", "CRL", "RL", "RL"}},
    Row{Resource::kTag, "tag", {"CDL", "CDL", "CL", "L", "L"}},
    Row{Resource::kArtifactLabel, "artifact-label", {"CD", "CD", "CD", "", ""}},
    Row{Resource::kTagRetention, "tag-retention", {"CRUDLO", "CRUDLO", "CRUDLO", "", ""}},
    Row{Resource::kImmutableTag, "immutable-tag", {"CUDL", "CUDL", "", "", ""}},
    Row{Resource::kRobot, "robot", {"CRUDL", "RL", "RL", "RL", ""}},
    Row{Resource::kWebhookPolicy, "notification-policy", {"CRUDL", "RL", "", "", ""}},
    Row{Resource::kScan, "scan", {"CRS", "CRS", "R", "R", "R"}},
    Row{Resource::kScanner, "scanner", {"RC", "R", "R", "R", "R"}},
    Row{Resource::kPreheatPolicy, "preheat-policy", {"CRUDL", "", "", "", ""}},
    Row{Resource::kCveExport, "export-cve", {"CRL", "CRL", "CRL", "", ""}},
    Row{Resource::kConfiguration, "configuration", {"RU", "R", "R", "R", "R"}},
};

size_t Column(Role role) {
  switch (role) {
    case Role::kProjectAdmin:
      return 0;
    case Role::kMaintainer:
      return 1;
    case Role::kDeveloper:
      return 2;
    case Role::kGuest:
      return 3;
    case Role::kLimitedGuest:
      return 4;
  }
  return 4;
}

char Letter(Action action) {
  switch (action) {
    case Action::kCreate:
      return 'C';
    case Action::kRead:
      return 'R';
    case Action::kUpdate:
      return 'U';
    case Action::kDelete:
      return 'D';
    case Action::kList:
      return 'L';
    case Action::kPull:
      return 'p';
    case Action::kPush:
      return 'P';
    case Action::kOperate:
      return 'O';
    case Action::kStop:
      return 'S';
  }
  return '?';
}

constexpr std::array<std::pair<Action, std::string_view>, 9> kActionNames = {{
    {Action::kCreate, "create"},
    {Action::kRead, "read"},
    {Action::kUpdate, "update"},
    {Action::kDelete, "delete"},
    {Action::kList, "list"},
    {Action::kPull, "pull"},
    {Action::kPush, "push"},
    {Action::kOperate, "operate"},
    {Action::kStop, "stop"},
}};

constexpr std::array<Resource, kTable.size()> kResources = [] {
  std::array<Resource, kTable.size()> out{};
  for (size_t i = 0; i < kTable.size(); ++i) out[i] = kTable[i].resource;
  return out;
}();

constexpr std::array<std::pair<std::string_view, Role>, 5> kRoleNames = {{
    {"projectAdmin", Role::kProjectAdmin},
    {"maintainer", Role::kMaintainer},
    {"developer", Role::kDeveloper},
    {"guest", Role::kGuest},
    {"limitedGuest", Role::kLimitedGuest},
}};

}  // namespace

bool Allowed(Role role, Resource resource, Action action) {
  for (const Row& row : kTable) {
    if (row.resource == resource)
      return row.grants[Column(role)].find(Letter(action)) != std::string_view::npos;
  }
  return false;
}

std::optional<Role> RoleFromName(std::string_view name) {
  for (const auto& [n, role] : kRoleNames) {
    if (n == name) return role;
  }
  return std::nullopt;
}

std::optional<Role> RoleFromId(int id) {
  if (id < 1 || id > 5) return std::nullopt;
  return static_cast<Role>(id);
}

std::string_view RoleName(Role role) {
  for (const auto& [n, r] : kRoleNames) {
    if (r == role) return n;
  }
  return "";
}

std::optional<Resource> ResourceFromName(std::string_view name) {
  for (const Row& row : kTable) {
    if (row.name == name) return row.resource;
  }
  return std::nullopt;
}

std::string_view ResourceName(Resource resource) {
  for (const Row& row : kTable) {
    if (row.resource == resource) return row.name;
  }
  return "";
}

std::optional<Action> ActionFromName(std::string_view name) {
  for (const auto& [action, n] : kActionNames) {
    if (n == name) return action;
  }
  return std::nullopt;
}

std::string_view ActionName(Action action) {
  for (const auto& [a, n] : kActionNames) {
    if (a == action) return n;
  }
  return "";
}

std::span<const Resource> ProjectResources() { return kResources; }

std::span<const Action> AllActions() {
  static constexpr std::array<Action, kActionNames.size()> kActions = [] {
    std::array<Action, kActionNames.size()> out{};
    for (size_t i = 0; i < kActionNames.size(); ++i) out[i] = kActionNames[i].first;
    return out;
  }();
  return kActions;
}

std::optional<Permission> RegistryPermission(std::string_view scope_action) {
  if (scope_action == "pull") return Permission{Resource::kRepository, Action::kPull};
  if (scope_action == "push") return Permission{Resource::kRepository, Action::kPush};
  if (scope_action == "delete") return Permission{Resource::kArtifact, Action::kDelete};
  return std::nullopt;
}

}  // namespace berth
