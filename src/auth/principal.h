// Who a request acts as, once its credentials are checked: anonymous, a user (with the groups
// that make them a member through LDAP), or a robot account with its permission list.
// A value; immutable once built.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rbac/rbac.h"

namespace berth {

// One entry of a robot's permissions: `resource`:`action` in `project` ("*": every project).
struct RobotGrant {
  std::string project;
  std::string resource;
  std::string action;
};

struct Principal {
  enum class Kind { kAnonymous, kUser, kRobot };
  Kind kind = Kind::kAnonymous;
  int64_t id = 0;    // user or robot id
  std::string name;  // username or robot$...; empty for anonymous
  bool sysadmin = false;
  std::vector<int64_t> group_ids;
  std::vector<RobotGrant> grants;  // robots only
  // System-level robot permissions ("catalog", "project", ...) for robots of level system.
  bool robot_may_list_catalog = false;

  bool anonymous() const { return kind == Kind::kAnonymous; }
};

}  // namespace berth
