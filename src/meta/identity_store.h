// IdentityStore: who may do what. Users, user groups, projects, project members, robot
// accounts, login failures and portal sessions, beside the registry's content in the same
// database. Every call is one transaction. Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/list_query.h"
#include "core/result.h"
#include "events/event.h"

namespace berth {

struct UserRecord {
  int64_t id = 0;
  std::string username;
  std::string email;
  std::string realname;
  std::string comment;
  std::string password_hash;  // empty for users who authenticate against LDAP
  bool sysadmin = false;
  std::string ldap_dn;  // set for users onboarded from LDAP
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// Harbor's group types: 1 LDAP, 2 HTTP, 3 OIDC.
struct GroupRecord {
  int64_t id = 0;
  std::string name;
  int type = 1;
  std::string ldap_dn;
  int64_t created_at = 0;
};

struct ProjectRecord {
  int64_t id = 0;
  std::string name;
  int64_t owner_id = 0;
  bool is_public = false;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  // Harbor's project metadata ("public", "auto_scan", ...), values as strings as Harbor keeps them.
  std::map<std::string, std::string> metadata;
};

// The projects a caller may see in a list: the public ones if `public_ones`, and those listed.
struct ProjectScope {
  bool public_ones = true;
  std::vector<int64_t> ids;
};

struct MemberRecord {
  int64_t id = 0;
  int64_t project_id = 0;
  char entity_type = 'u';  // 'u' user, 'g' group, as Harbor's API spells it
  int64_t entity_id = 0;
  std::string entity_name;  // filled on reads
  int role = 0;             // rbac Role id
};

struct RobotRecord {
  int64_t id = 0;
  std::string name;  // the full name: robot$<name> or robot$<project>+<name>
  std::string description;
  std::string secret_hash;
  std::string level;       // "system" or "project"
  int64_t project_id = 0;  // 0 for system robots
  int64_t duration = -1;   // days; -1 never expires
  int64_t expires_at = -1;
  bool disabled = false;
  std::string permissions;  // Harbor's RobotPermission list, as JSON
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct SessionRecord {
  std::string id_hash;  // SHA-256 of the cookie value: a database leak reveals no session
  int64_t user_id = 0;
  std::string csrf_token;
  int64_t expires_at = 0;
};

struct LoginFailures {
  int count = 0;             // failures since the last success
  int64_t locked_until = 0;  // Unix seconds; 0 when not frozen
  int64_t last_freeze = 0;   // seconds of the last freeze, to grow the next
};

class IdentityStore {
 public:
  virtual ~IdentityStore() = default;

  // kConflict when the username or email is taken. Returns the id.
  virtual Result<int64_t> CreateUser(const UserRecord& user) = 0;
  // kNotFound when absent.
  virtual Result<UserRecord> GetUser(int64_t id) = 0;
  virtual Result<UserRecord> FindUser(const std::string& username) = 0;
  // One page of the users, filtered by username and email, sorted (username, user_id,
  // creation_time, update_time; by id when unsaid) and cut in the database.
  virtual Result<ListPage<UserRecord>> ListUsers(const ListRequest& request) = 0;
  // Overwrites every field but id and created_at; kNotFound, kConflict (email taken).
  virtual Status UpdateUser(const UserRecord& user) = 0;
  // Also removes the user's memberships and sessions.
  virtual Status DeleteUser(int64_t id) = 0;

  virtual Result<int64_t> CreateGroup(const GroupRecord& group) = 0;
  virtual Result<GroupRecord> GetGroup(int64_t id) = 0;
  virtual Result<GroupRecord> FindGroupByDn(const std::string& ldap_dn) = 0;
  // One page of the groups, filtered by group_name and ldap_group_dn, sorted (id, group_name).
  virtual Result<ListPage<GroupRecord>> ListGroups(const ListRequest& request) = 0;
  virtual Status UpdateGroup(const GroupRecord& group) = 0;
  virtual Status DeleteGroup(int64_t id) = 0;

  // Creates the project with its owner as projectAdmin member; kConflict on the name. Records
  // `event`, when given, in the same transaction (meta/outbox_store.h), as DeleteProject does.
  virtual Result<int64_t> CreateProject(const ProjectRecord& project,
                                        const std::optional<Event>& event = std::nullopt) = 0;
  virtual Result<ProjectRecord> GetProject(int64_t id) = 0;
  virtual Result<ProjectRecord> FindProject(const std::string& name) = 0;
  virtual Result<std::vector<ProjectRecord>> ListProjects() = 0;
  // One page of the projects in `scope` (nullopt: every project), filtered by name, public,
  // owner (the owner's username) and project_id, sorted (name, project_id, creation_time,
  // update_time; by id when unsaid) and cut in the database. BAD_REQUEST for another field.
  virtual Result<ListPage<ProjectRecord>> ListProjects(const std::optional<ProjectScope>& scope,
                                                       const ListRequest& request) = 0;
  // The projects where the user is a member, directly or through one of `group_ids`.
  virtual Result<std::vector<int64_t>> MemberProjects(int64_t user_id,
                                                      const std::vector<int64_t>& group_ids) = 0;
  virtual Status UpdateProject(const ProjectRecord& project) = 0;
  // kPrecondition while the project holds repositories; its members, metadata and robots go.
  virtual Status DeleteProject(int64_t id, const std::optional<Event>& event = std::nullopt) = 0;
  virtual Result<int64_t> CountRepositories(const std::string& project_name) = 0;

  // kConflict when the entity is already a member.
  virtual Result<int64_t> AddMember(const MemberRecord& member) = 0;
  virtual Result<std::vector<MemberRecord>> ListMembers(int64_t project_id) = 0;
  // One page of the project's members, filtered by entityname, sorted (id, entity_name).
  virtual Result<ListPage<MemberRecord>> ListMembers(int64_t project_id,
                                                     const ListRequest& request) = 0;
  virtual Status UpdateMemberRole(int64_t project_id, int64_t member_id, int role) = 0;
  virtual Status DeleteMember(int64_t project_id, int64_t member_id) = 0;
  // The roles of the user in the project, directly and through any of `group_ids`.
  virtual Result<std::vector<int>> MemberRoles(int64_t project_id, int64_t user_id,
                                               const std::vector<int64_t>& group_ids) = 0;

  // kConflict on the name.
  virtual Result<int64_t> CreateRobot(const RobotRecord& robot) = 0;
  virtual Result<RobotRecord> GetRobot(int64_t id) = 0;
  virtual Result<RobotRecord> FindRobot(const std::string& name) = 0;
  // One page of the system robots (project_id 0) or of one project's, filtered by name as Harbor
  // keeps it (without "robot$"), sorted (id, name, creation_time).
  virtual Result<ListPage<RobotRecord>> ListRobots(int64_t project_id,
                                                   const ListRequest& request) = 0;
  virtual Status UpdateRobot(const RobotRecord& robot) = 0;
  virtual Status DeleteRobot(int64_t id) = 0;

  // Failed logins, by principal name (also for names that match no account, so that timing
  // and lockout say nothing about which exist).
  virtual Result<LoginFailures> GetLoginFailures(const std::string& principal) = 0;
  virtual Status PutLoginFailures(const std::string& principal, const LoginFailures& f) = 0;
  virtual Status ClearLoginFailures(const std::string& principal) = 0;

  virtual Status CreateSession(const SessionRecord& session, int64_t now) = 0;
  // kNotFound when absent or expired at `now`.
  virtual Result<SessionRecord> GetSession(const std::string& id_hash, int64_t now) = 0;
  virtual Status DeleteSession(const std::string& id_hash) = 0;
};

}  // namespace berth
