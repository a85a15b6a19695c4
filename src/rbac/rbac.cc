#include "rbac/rbac.h"

#include <array>

namespace berth {
namespace {

// third_party/harbor/rbac.md, column for column. Letters: C create, R read, U update,
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

// Each action's name (Harbor's) and its letter in the table.
struct ActionInfo {
  Action action;
  std::string_view name;
  char letter;
};
constexpr std::array<ActionInfo, 9> kActions = {{
    {Action::kCreate, "create", 'C'},
    {Action::kRead, "read", 'R'},
    {Action::kUpdate, "update", 'U'},
    {Action::kDelete, "delete", 'D'},
    {Action::kList, "list", 'L'},
    {Action::kPull, "pull", 'p'},
    {Action::kPush, "push", 'P'},
    {Action::kOperate, "operate", 'O'},
    {Action::kStop, "stop", 'S'},
}};

constexpr std::array<Resource, kTable.size()> kResources = [] {
  std::array<Resource, kTable.size()> out{};
  for (size_t i = 0; i < kTable.size(); ++i) out[i] = kTable[i].resource;
  return out;
}();

// In the order of the table's columns.
constexpr std::array<std::pair<std::string_view, Role>, 5> kRoleNames = {{
    {"projectAdmin", Role::kProjectAdmin},
    {"maintainer", Role::kMaintainer},
    {"developer", Role::kDeveloper},
    {"guest", Role::kGuest},
    {"limitedGuest", Role::kLimitedGuest},
}};

size_t Column(Role role) {
  size_t column = 0;
  while (column + 1 < kRoleNames.size() && kRoleNames[column].second != role) ++column;
  return column;
}

char Letter(Action action) {
  for (const ActionInfo& a : kActions) {
    if (a.action == action) return a.letter;
  }
  return '?';
}

}  // namespace

bool Allowed(Role role, Resource resource, Action action) {
  for (const Row& row : kTable) {
    if (row.resource == resource)
      return row.grants[Column(role)].find(Letter(action)) != std::string_view::npos;
  }
  return false;
}

std::optional<Role> LeastRoleAllowed(Resource resource, Action action) {
  for (Role role : {Role::kLimitedGuest, Role::kGuest, Role::kDeveloper, Role::kMaintainer,
                    Role::kProjectAdmin}) {
    if (Allowed(role, resource, action)) return role;
  }
  return std::nullopt;
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
  for (const ActionInfo& a : kActions) {
    if (a.name == name) return a.action;
  }
  return std::nullopt;
}

std::string_view ActionName(Action action) {
  for (const ActionInfo& a : kActions) {
    if (a.action == action) return a.name;
  }
  return "";
}

std::span<const Resource> ProjectResources() { return kResources; }

std::span<const Action> AllActions() {
  static constexpr std::array<Action, kActions.size()> kAll = [] {
    std::array<Action, kActions.size()> out{};
    for (size_t i = 0; i < kActions.size(); ++i) out[i] = kActions[i].action;
    return out;
  }();
  return kAll;
}

std::optional<Permission> RegistryPermission(std::string_view scope_action) {
  if (scope_action == "pull") return Permission{Resource::kRepository, Action::kPull};
  if (scope_action == "push") return Permission{Resource::kRepository, Action::kPush};
  if (scope_action == "delete") return Permission{Resource::kArtifact, Action::kDelete};
  return std::nullopt;
}

}  // namespace berth
