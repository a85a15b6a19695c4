#include "rbac/rbac.h"

#include <array>

namespace berth {
namespace {

// ../shared/reference/harbor-rbac.md, column for column. Letters: C create, R read, U update,
// D delete, L list, p pull, P push, O operate, S stop.
struct Row {
  Resource resource;
  // Indexed by column: projectAdmin, maintainer, developer, guest, limitedGuest.
  std::array<std::string_view, 5> grants;
};

constexpr std::array kTable = {
    Row{Resource::kProject, {"RUD", "R", "R", "R", "R"}},
    Row{Resource::kMember, {"CRUDL", "RL", "RL", "RL", ""}},
    Row{Resource::kMetadata, {"CRUD", "R", "", "", ""}},
    Row{Resource::kLog, {"L", "", "", "", ""}},
    Row{Resource::kLabel, {"CRUDL", "CRUDL", "RL", "RL", ""}},
    Row{Resource::kQuota, {"R", "R", "R", "R", "R"}},
    Row{Resource::kRepository, {"CRUDLpP", "CRUDLpP", "CRULpP", "RLp", "RLp"}},
    Row{Resource::kArtifact, {"CRDL", "CRDL", "CRL", "RL", "RL"}},
    Row{Resource::kTag, {"CDL", "CDL", "CL", "L", "L"}},
    Row{Resource::kArtifactLabel, {"CD", "CD", "CD", "", ""}},
    Row{Resource::kTagRetention, {"CRUDLO", "CRUDLO", "CRUDLO", "", ""}},
    Row{Resource::kImmutableTag, {"CUDL", "CUDL", "", "", ""}},
    Row{Resource::kRobot, {"CRUDL", "RL", "RL", "RL", ""}},
    Row{Resource::kWebhookPolicy, {"CRUDL", "RL", "", "", ""}},
    Row{Resource::kScan, {"CRS", "CRS", "R", "R", "R"}},
    Row{Resource::kScanner, {"RC", "R", "R", "R", "R"}},
    Row{Resource::kPreheatPolicy, {"CRUDL", "", "", "", ""}},
    Row{Resource::kCveExport, {"CRL", "CRL", "CRL", "", ""}},
    Row{Resource::kConfiguration, {"RU", "R", "R", "R", "R"}},
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

std::optional<Action> RegistryAction(std::string_view scope_action) {
  if (scope_action == "pull") return Action::kPull;
  if (scope_action == "push") return Action::kPush;
  if (scope_action == "delete") return Action::kDelete;
  return std::nullopt;
}

}  // namespace berth
