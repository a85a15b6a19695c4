// SqlMetadataStore's IdentityStore half: users, groups, projects, members, robots, login
// failures and sessions (schema: migration 2 in sql_metadata_store.cc).
#include "meta/sql_list.h"
#include "meta/sql_metadata_store.h"
#include "meta/sql_store.h"

namespace berth {
namespace {

using Connection = SqlConnection;

constexpr const char* kUserColumns =
    "SELECT id, username, coalesce(email, ''), realname, comment, password_hash, sysadmin, "
    "coalesce(ldap_dn, ''), created_at, updated_at FROM users ";

UserRecord ReadUser(SqlStatement& q) {
  return UserRecord{q.Int(0),  q.Text(1),     q.Text(2), q.Text(3), q.Text(4),
                    q.Text(5), q.Int(6) != 0, q.Text(7), q.Int(8),  q.Int(9)};
}

GroupRecord ReadGroup(SqlStatement& q) {
  return GroupRecord{q.Int(0), q.Text(1), static_cast<int>(q.Int(2)), q.Text(3), q.Int(4)};
}

ProjectRecord ReadProject(SqlStatement& q) {
  return ProjectRecord{q.Int(0), q.Text(1), q.Int(2), q.Int(3) != 0, q.Int(4), q.Int(5), {}};
}

RobotRecord ReadRobot(SqlStatement& q) {
  return RobotRecord{q.Int(0), q.Text(1), q.Text(2),     q.Text(3), q.Text(4), q.Int(5),
                     q.Int(6), q.Int(7),  q.Int(8) != 0, q.Text(9), q.Int(10), q.Int(11)};
}

constexpr const char* kRobotColumns =
    "SELECT id, name, description, secret_hash, level, coalesce(project_id, 0), duration, "
    "expires_at, disabled, permissions, created_at, updated_at FROM robots ";

Status LoadMetadata(Connection& c, ProjectRecord& p) {
  auto q = c.Query("SELECT name, value FROM project_metadata WHERE project_id = ?", p.id);
  if (!q) return tl::unexpected(q.error());
  while (true) {
    auto row = (*q)->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return {};
    p.metadata[(*q)->Text(0)] = (*q)->Text(1);
  }
}

Status StoreMetadata(Connection& c, const ProjectRecord& p) {
  if (auto s = c.Exec("DELETE FROM project_metadata WHERE project_id = ?", p.id); !s) return s;
  for (const auto& [name, value] : p.metadata) {
    if (auto s = c.Exec("INSERT INTO project_metadata (project_id, name, value) VALUES (?, ?, ?)",
                        p.id, name, value);
        !s) {
      return s;
    }
  }
  return {};
}

}  // namespace

Result<int64_t> SqlMetadataStore::CreateUser(const UserRecord& u) {
  return db_->CommitInsert([&](Connection& c) -> Result<int64_t> {
    auto q = c.Query(
        "INSERT INTO users (username, email, realname, comment, password_hash, sysadmin, ldap_dn, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        u.username, nullptr, u.realname, u.comment, u.password_hash, int64_t{u.sysadmin}, nullptr,
        u.created_at, u.updated_at);
    if (!q) return tl::unexpected(q.error());
    if (!u.email.empty()) (*q)->Bind(2, u.email);
    if (!u.ldap_dn.empty()) (*q)->Bind(7, u.ldap_dn);
    return ReturnedId(**q);
  });
}

Result<UserRecord> SqlMetadataStore::GetUser(int64_t id) {
  static const std::string sql = std::string(kUserColumns) + "WHERE id = ?";
  return db_->Read([&](Connection& c) { return One<UserRecord>(c, sql.c_str(), ReadUser, id); });
}

Result<UserRecord> SqlMetadataStore::FindUser(const std::string& username) {
  static const std::string sql = std::string(kUserColumns) + "WHERE username = ?";
  return db_->Read(
      [&](Connection& c) { return One<UserRecord>(c, sql.c_str(), ReadUser, username); });
}

namespace {

constexpr ListField kUserFilters[] = {{"username", "username"}, {"email", "email"}};
constexpr ListField kUserSorts[] = {
    {"username", "username"},
    {"user_id", "id", true},
    {"creation_time", "created_at", true},
    {"update_time", "updated_at", true},
};

}  // namespace

Result<ListPage<UserRecord>> SqlMetadataStore::ListUsers(const ListRequest& request) {
  auto filter = FilterSql(request.conditions, kUserFilters);
  if (!filter) return tl::unexpected(filter.error());
  auto order = OrderSql(request.sort, kUserSorts, "id");
  if (!order) return tl::unexpected(order.error());
  const std::string where = " WHERE TRUE" + filter->sql;
  return db_->Read([&](Connection& c) {
    return ListPageOf<UserRecord>(c, kUserColumns, "users", where, filter->values, *order, request,
                                  ReadUser);
  });
}

Status SqlMetadataStore::UpdateUser(const UserRecord& u) {
  return db_->Commit([&](Connection& c) -> Status {
    auto q = c.Query(
        "UPDATE users SET username = ?, email = ?, realname = ?, comment = ?, password_hash = ?, "
        "sysadmin = ?, ldap_dn = ?, updated_at = ? WHERE id = ?",
        u.username, nullptr, u.realname, u.comment, u.password_hash, int64_t{u.sysadmin}, nullptr,
        u.updated_at, u.id);
    if (!q) return tl::unexpected(q.error());
    if (!u.email.empty()) (*q)->Bind(2, u.email);
    if (!u.ldap_dn.empty()) (*q)->Bind(7, u.ldap_dn);
    if (auto r = (*q)->Run(); !r) return r;
    if (c.Changes() == 0) return Fail(ErrorCode::kNotFound);
    return {};
  });
}

Status SqlMetadataStore::DeleteUser(int64_t id) {
  return db_->Commit([&](Connection& c) -> Status {
    if (auto s =
            c.Exec("DELETE FROM project_members WHERE entity_type = 'u' AND entity_id = ?", id);
        !s) {
      return s;
    }
    return Change(c, "DELETE FROM users WHERE id = ?", id);
  });
}

Result<int64_t> SqlMetadataStore::CreateGroup(const GroupRecord& g) {
  return db_->CommitInsert([&](Connection& c) -> Result<int64_t> {
    auto q = c.Query(
        "INSERT INTO user_groups (name, type, ldap_dn, created_at) VALUES (?, ?, ?, ?) "
        "RETURNING id",
        g.name, int64_t{g.type}, nullptr, g.created_at);
    if (!q) return tl::unexpected(q.error());
    if (!g.ldap_dn.empty()) (*q)->Bind(3, g.ldap_dn);
    return ReturnedId(**q);
  });
}

Result<GroupRecord> SqlMetadataStore::GetGroup(int64_t id) {
  return db_->Read([&](Connection& c) {
    return One<GroupRecord>(c,
                            "SELECT id, name, type, coalesce(ldap_dn, ''), created_at "
                            "FROM user_groups WHERE id = ?",
                            ReadGroup, id);
  });
}

Result<GroupRecord> SqlMetadataStore::FindGroupByDn(const std::string& ldap_dn) {
  return db_->Read([&](Connection& c) {
    return One<GroupRecord>(c,
                            "SELECT id, name, type, coalesce(ldap_dn, ''), created_at "
                            "FROM user_groups WHERE ldap_dn = ?",
                            ReadGroup, ldap_dn);
  });
}

namespace {

constexpr ListField kGroupFilters[] = {{"group_name", "name"}, {"ldap_group_dn", "ldap_dn"}};
constexpr ListField kGroupSorts[] = {{"id", "id", true}, {"group_name", "name"}};

}  // namespace

Result<ListPage<GroupRecord>> SqlMetadataStore::ListGroups(const ListRequest& request) {
  auto filter = FilterSql(request.conditions, kGroupFilters);
  if (!filter) return tl::unexpected(filter.error());
  auto order = OrderSql(request.sort, kGroupSorts, "id");
  if (!order) return tl::unexpected(order.error());
  return db_->Read([&](Connection& c) {
    return ListPageOf<GroupRecord>(c,
                                   "SELECT id, name, type, coalesce(ldap_dn, ''), created_at "
                                   "FROM user_groups",
                                   "user_groups", " WHERE TRUE" + filter->sql, filter->values,
                                   *order, request, ReadGroup);
  });
}

Status SqlMetadataStore::UpdateGroup(const GroupRecord& g) {
  return db_->Commit([&](Connection& c) {
    return Change(c, "UPDATE user_groups SET name = ? WHERE id = ?", g.name, g.id);
  });
}

Status SqlMetadataStore::DeleteGroup(int64_t id) {
  return db_->Commit([&](Connection& c) -> Status {
    if (auto s =
            c.Exec("DELETE FROM project_members WHERE entity_type = 'g' AND entity_id = ?", id);
        !s) {
      return s;
    }
    return Change(c, "DELETE FROM user_groups WHERE id = ?", id);
  });
}

Result<int64_t> SqlMetadataStore::CreateProject(const ProjectRecord& p,
                                                const std::optional<Event>& event) {
  int64_t id = 0;
  Status s = db_->Commit([&](Connection& c) -> Status {
    auto inserted = InsertId(c,
                             "INSERT INTO projects (name, owner_id, public, created_at, "
                             "updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                             p.name, p.owner_id, int64_t{p.is_public}, p.created_at, p.updated_at);
    if (!inserted) return tl::unexpected(inserted.error());
    id = *inserted;
    ProjectRecord stored = p;
    stored.id = id;
    if (auto r = StoreMetadata(c, stored); !r) return r;
    if (auto r = RecordEvent(c, event); !r) return r;
    return c.Exec(
        "INSERT INTO project_members (project_id, entity_type, entity_id, role) "
        "VALUES (?, 'u', ?, 1)",
        id, p.owner_id);
  });
  if (!s) return tl::unexpected(s.error());
  return id;
}

namespace {

constexpr const char* kProjectColumns =
    "SELECT id, name, owner_id, public, created_at, updated_at FROM projects ";

Result<ProjectRecord> ProjectWithMetadata(Connection& c, Result<ProjectRecord> p) {
  if (!p) return p;
  if (auto s = LoadMetadata(c, *p); !s) return tl::unexpected(s.error());
  return p;
}

}  // namespace

Result<ProjectRecord> SqlMetadataStore::GetProject(int64_t id) {
  static const std::string sql = std::string(kProjectColumns) + "WHERE id = ?";
  return db_->Read([&](Connection& c) {
    return ProjectWithMetadata(c, One<ProjectRecord>(c, sql.c_str(), ReadProject, id));
  });
}

Result<ProjectRecord> SqlMetadataStore::FindProject(const std::string& name) {
  static const std::string sql = std::string(kProjectColumns) + "WHERE name = ?";
  return db_->Read([&](Connection& c) {
    return ProjectWithMetadata(c, One<ProjectRecord>(c, sql.c_str(), ReadProject, name));
  });
}

namespace {

constexpr ListField kProjectFilters[] = {
    {"name", "name"},
    {"public", "CASE public WHEN 0 THEN 'false' ELSE 'true' END"},
    {"project_id", "id", true},
    {"owner", "u.username", false,
     "EXISTS (SELECT 1 FROM users u WHERE u.id = projects.owner_id AND {})"},
};
constexpr ListField kProjectSorts[] = {
    {"name", "name"},
    {"project_id", "id", true},
    {"creation_time", "created_at", true},
    {"update_time", "updated_at", true},
};

}  // namespace

Result<ListPage<ProjectRecord>> SqlMetadataStore::ListProjects(
    const std::optional<ProjectScope>& scope, const ListRequest& request) {
  auto filter = FilterSql(request.conditions, kProjectFilters);
  if (!filter) return tl::unexpected(filter.error());
  auto order = OrderSql(request.sort, kProjectSorts, "id");
  if (!order) return tl::unexpected(order.error());
  std::string where = " WHERE TRUE";
  std::vector<SqlValue> values;
  if (scope) {
    where += std::string(scope->public_ones ? " AND (public <> 0 OR " : " AND (") +
             InSql("id", scope->ids.size()) + ")";
    values.insert(values.end(), scope->ids.begin(), scope->ids.end());
  }
  where += filter->sql;
  values.insert(values.end(), filter->values.begin(), filter->values.end());
  return db_->Read([&](Connection& c) -> Result<ListPage<ProjectRecord>> {
    auto out = ListPageOf<ProjectRecord>(c, kProjectColumns, "projects", where, values, *order,
                                         request, ReadProject);
    if (!out) return out;
    for (ProjectRecord& p : out->items) {
      if (auto s = LoadMetadata(c, p); !s) return tl::unexpected(s.error());
    }
    return out;
  });
}

Result<std::vector<int64_t>> SqlMetadataStore::MemberProjects(
    int64_t user_id, const std::vector<int64_t>& group_ids) {
  std::string sql =
      "SELECT DISTINCT project_id FROM project_members WHERE (entity_type = 'u' AND entity_id = ?)";
  if (!group_ids.empty()) {
    sql += " OR (entity_type = 'g' AND " + InSql("entity_id", group_ids.size()) + ")";
  }
  return db_->Read([&](Connection& c) -> Result<std::vector<int64_t>> {
    auto q = c.Prepare(sql);
    if (!q) return tl::unexpected(q.error());
    (*q)->Bind(1, user_id);
    for (size_t i = 0; i < group_ids.size(); ++i) (*q)->Bind(static_cast<int>(i) + 2, group_ids[i]);
    return (*q)->Rows<int64_t>([](SqlStatement& row) { return row.Int(0); });
  });
}

Result<std::vector<ProjectRecord>> SqlMetadataStore::ListProjects() {
  static const std::string sql = std::string(kProjectColumns) + "ORDER BY id";
  return db_->Read([&](Connection& c) -> Result<std::vector<ProjectRecord>> {
    auto projects = All<ProjectRecord>(c, sql.c_str(), ReadProject);
    if (!projects) return projects;
    for (ProjectRecord& p : *projects) {
      if (auto s = LoadMetadata(c, p); !s) return tl::unexpected(s.error());
    }
    return projects;
  });
}

Status SqlMetadataStore::UpdateProject(const ProjectRecord& p) {
  return db_->Commit([&](Connection& c) -> Status {
    if (auto s =
            Change(c, "UPDATE projects SET public = ?, owner_id = ?, updated_at = ? WHERE id = ?",
                   int64_t{p.is_public}, p.owner_id, p.updated_at, p.id);
        !s) {
      return s;
    }
    return StoreMetadata(c, p);
  });
}

namespace {

// Repositories of a project are named "<project>/...": a range scan on the unique name index.
// Repositories that hold an artifact: one whose last artifact was deleted no longer counts, as
// Harbor deletes such a repository.
Result<int64_t> CountRepositoriesIn(Connection& c, const std::string& project_name) {
  auto [low, high] = ProjectRange(project_name);
  auto q = c.Query(
      "SELECT count(*) FROM repositories r WHERE name > ? AND name < ? "
      "AND EXISTS (SELECT 1 FROM manifests WHERE repository_id = r.id)",
      low, high);
  if (!q) return tl::unexpected(q.error());
  auto row = (*q)->Step();
  if (!row) return tl::unexpected(row.error());
  return (*q)->Int(0);
}

}  // namespace

Status SqlMetadataStore::DeleteProject(int64_t id, const std::optional<Event>& event) {
  return db_->Commit([&](Connection& c) -> Status {
    auto p = One<ProjectRecord>(c,
                                "SELECT id, name, owner_id, public, created_at, updated_at "
                                "FROM projects WHERE id = ?",
                                ReadProject, id);
    if (!p) return tl::unexpected(p.error());
    auto repositories = CountRepositoriesIn(c, p->name);
    if (!repositories) return tl::unexpected(repositories.error());
    if (*repositories > 0) {
      return Fail(ErrorCode::kPrecondition, "the project " + p->name + " still holds " +
                                                std::to_string(*repositories) + " repositories");
    }
    // What is left of it goes with it: emptied repositories with their blob links and tags
    // (or a new project of the same name would read them), and its labels; its members,
    // robots, quota, webhook policies, immutable tag rules and retention policy follow by their
    // foreign keys, the retention policy's runs and schedule with it.
    auto [low, high] = ProjectRange(p->name);
    if (auto s = c.Exec("DELETE FROM repositories WHERE name > ? AND name < ?", low, high); !s)
      return s;
    if (auto s = c.Exec("DELETE FROM labels WHERE scope = 'p' AND project_id = ?", id); !s)
      return s;
    if (auto s = DeleteRetentionJobs(c, "project_id = ?", id); !s) return s;
    if (auto s = RecordEvent(c, event); !s) return s;
    return Change(c, "DELETE FROM projects WHERE id = ?", id);
  });
}

Result<int64_t> SqlMetadataStore::CountRepositories(const std::string& project_name) {
  return db_->Read([&](Connection& c) { return CountRepositoriesIn(c, project_name); });
}

Result<int64_t> SqlMetadataStore::AddMember(const MemberRecord& m) {
  return db_->CommitInsert([&](Connection& c) {
    return InsertId(c,
                    "INSERT INTO project_members (project_id, entity_type, entity_id, role) "
                    "VALUES (?, ?, ?, ?) RETURNING id",
                    m.project_id, std::string(1, m.entity_type), m.entity_id, int64_t{m.role});
  });
}

namespace {

// A member with the name of the user or group it is.
constexpr const char* kMemberColumns =
    "SELECT m.id, m.project_id, m.entity_type, m.entity_id, "
    "coalesce(u.username, g.name, ''), m.role FROM project_members m "
    "LEFT JOIN users u ON m.entity_type = 'u' AND u.id = m.entity_id "
    "LEFT JOIN user_groups g ON m.entity_type = 'g' AND g.id = m.entity_id";
constexpr const char* kMemberTables =
    "project_members m LEFT JOIN users u ON m.entity_type = 'u' AND u.id = m.entity_id "
    "LEFT JOIN user_groups g ON m.entity_type = 'g' AND g.id = m.entity_id";
constexpr ListField kMemberFilters[] = {{"entityname", "coalesce(u.username, g.name, '')"}};
constexpr ListField kMemberSorts[] = {{"id", "m.id", true},
                                      {"entity_name", "coalesce(u.username, g.name, '')"}};

MemberRecord ReadMember(SqlStatement& q) {
  return MemberRecord{q.Int(0), q.Int(1),  q.Text(2).front(),
                      q.Int(3), q.Text(4), static_cast<int>(q.Int(5))};
}

}  // namespace

Result<std::vector<MemberRecord>> SqlMetadataStore::ListMembers(int64_t project_id) {
  static const std::string sql =
      std::string(kMemberColumns) + " WHERE m.project_id = ? ORDER BY m.id";
  return db_->Read(
      [&](Connection& c) { return All<MemberRecord>(c, sql.c_str(), ReadMember, project_id); });
}

Result<ListPage<MemberRecord>> SqlMetadataStore::ListMembers(int64_t project_id,
                                                             const ListRequest& request) {
  auto filter = FilterSql(request.conditions, kMemberFilters);
  if (!filter) return tl::unexpected(filter.error());
  auto order = OrderSql(request.sort, kMemberSorts, "m.id");
  if (!order) return tl::unexpected(order.error());
  std::vector<SqlValue> values{project_id};
  values.insert(values.end(), filter->values.begin(), filter->values.end());
  return db_->Read([&](Connection& c) {
    return ListPageOf<MemberRecord>(c, kMemberColumns, kMemberTables,
                                    " WHERE m.project_id = ?" + filter->sql, values, *order,
                                    request, ReadMember);
  });
}

Status SqlMetadataStore::UpdateMemberRole(int64_t project_id, int64_t member_id, int role) {
  return db_->Commit([&](Connection& c) {
    return Change(c, "UPDATE project_members SET role = ? WHERE id = ? AND project_id = ?",
                  int64_t{role}, member_id, project_id);
  });
}

Status SqlMetadataStore::DeleteMember(int64_t project_id, int64_t member_id) {
  return db_->Commit([&](Connection& c) {
    return Change(c, "DELETE FROM project_members WHERE id = ? AND project_id = ?", member_id,
                  project_id);
  });
}

Result<std::vector<int>> SqlMetadataStore::MemberRoles(int64_t project_id, int64_t user_id,
                                                       const std::vector<int64_t>& group_ids) {
  return db_->Read([&](Connection& c) -> Result<std::vector<int>> {
    std::vector<int> roles;
    auto add = [&](const char* type, int64_t id) -> Status {
      auto q = c.Query(
          "SELECT role FROM project_members WHERE project_id = ? AND entity_type = ? AND "
          "entity_id = ?",
          project_id, type, id);
      if (!q) return tl::unexpected(q.error());
      auto found = (*q)->Rows<int>([](SqlStatement& s) { return static_cast<int>(s.Int(0)); });
      if (!found) return tl::unexpected(found.error());
      roles.insert(roles.end(), found->begin(), found->end());
      return {};
    };
    if (user_id != 0) {
      if (auto s = add("u", user_id); !s) return tl::unexpected(s.error());
    }
    for (int64_t group : group_ids) {
      if (auto s = add("g", group); !s) return tl::unexpected(s.error());
    }
    return roles;
  });
}

Result<int64_t> SqlMetadataStore::CreateRobot(const RobotRecord& r) {
  return db_->CommitInsert([&](Connection& c) -> Result<int64_t> {
    auto q = c.Query(
        "INSERT INTO robots (name, description, secret_hash, level, project_id, duration, "
        "expires_at, disabled, permissions, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        r.name, r.description, r.secret_hash, r.level, nullptr, r.duration, r.expires_at,
        int64_t{r.disabled}, r.permissions, r.created_at, r.updated_at);
    if (!q) return tl::unexpected(q.error());
    if (r.project_id != 0) (*q)->Bind(5, r.project_id);
    return ReturnedId(**q);
  });
}

Result<RobotRecord> SqlMetadataStore::GetRobot(int64_t id) {
  static const std::string sql = std::string(kRobotColumns) + "WHERE id = ?";
  return db_->Read([&](Connection& c) { return One<RobotRecord>(c, sql.c_str(), ReadRobot, id); });
}

Result<RobotRecord> SqlMetadataStore::FindRobot(const std::string& name) {
  static const std::string sql = std::string(kRobotColumns) + "WHERE name = ?";
  return db_->Read(
      [&](Connection& c) { return One<RobotRecord>(c, sql.c_str(), ReadRobot, name); });
}

namespace {

// Harbor keeps a robot's name without the "robot$" prefix and filters on that.
constexpr ListField kRobotFilters[] = {{"name", "substr(name, 7)"}};
constexpr ListField kRobotSorts[] = {
    {"id", "id", true}, {"name", "name"}, {"creation_time", "created_at", true}};

}  // namespace

Result<ListPage<RobotRecord>> SqlMetadataStore::ListRobots(int64_t project_id,
                                                           const ListRequest& request) {
  auto filter = FilterSql(request.conditions, kRobotFilters);
  if (!filter) return tl::unexpected(filter.error());
  auto order = OrderSql(request.sort, kRobotSorts, "id");
  if (!order) return tl::unexpected(order.error());
  std::string where =
      project_id ? " WHERE level = 'project' AND project_id = ?" : " WHERE level = 'system'";
  std::vector<SqlValue> values;
  if (project_id) values.push_back(project_id);
  where += filter->sql;
  values.insert(values.end(), filter->values.begin(), filter->values.end());
  return db_->Read([&](Connection& c) {
    return ListPageOf<RobotRecord>(c, kRobotColumns, "robots", where, values, *order, request,
                                   ReadRobot);
  });
}

Status SqlMetadataStore::UpdateRobot(const RobotRecord& r) {
  return db_->Commit([&](Connection& c) {
    return Change(c,
                  "UPDATE robots SET description = ?, secret_hash = ?, duration = ?, "
                  "expires_at = ?, disabled = ?, permissions = ?, updated_at = ? WHERE id = ?",
                  r.description, r.secret_hash, r.duration, r.expires_at, int64_t{r.disabled},
                  r.permissions, r.updated_at, r.id);
  });
}

Status SqlMetadataStore::DeleteRobot(int64_t id) {
  return db_->Commit(
      [&](Connection& c) { return Change(c, "DELETE FROM robots WHERE id = ?", id); });
}

Result<LoginFailures> SqlMetadataStore::GetLoginFailures(const std::string& principal) {
  return db_->Read([&](Connection& c) -> Result<LoginFailures> {
    auto f = One<LoginFailures>(
        c, "SELECT count, locked_until, last_freeze FROM login_failures WHERE principal = ?",
        [](SqlStatement& q) {
          return LoginFailures{static_cast<int>(q.Int(0)), q.Int(1), q.Int(2)};
        },
        principal);
    if (!f && f.error().code == ErrorCode::kNotFound) return LoginFailures{};
    return f;
  });
}

Status SqlMetadataStore::PutLoginFailures(const std::string& principal, const LoginFailures& f) {
  return db_->Commit([&](Connection& c) {
    return c.Exec(
        "INSERT INTO login_failures (principal, count, locked_until, last_freeze) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (principal) DO UPDATE SET count = excluded.count, "
        "locked_until = excluded.locked_until, last_freeze = excluded.last_freeze",
        principal, int64_t{f.count}, f.locked_until, f.last_freeze);
  });
}

Status SqlMetadataStore::ClearLoginFailures(const std::string& principal) {
  return db_->Commit([&](Connection& c) {
    return c.Exec("DELETE FROM login_failures WHERE principal = ?", principal);
  });
}

Status SqlMetadataStore::CreateSession(const SessionRecord& s, int64_t now) {
  return db_->Commit([&](Connection& c) -> Status {
    // Expired sessions go as new ones come, so the table holds only live ones.
    if (auto r = c.Exec("DELETE FROM sessions WHERE expires_at <= ?", now); !r) {
      return r;
    }
    return c.Exec(
        "INSERT INTO sessions (id_hash, user_id, csrf_token, expires_at) VALUES (?, ?, ?, ?)",
        s.id_hash, s.user_id, s.csrf_token, s.expires_at);
  });
}

Result<SessionRecord> SqlMetadataStore::GetSession(const std::string& id_hash, int64_t now) {
  return db_->Read([&](Connection& c) {
    return One<SessionRecord>(
        c,
        "SELECT id_hash, user_id, csrf_token, expires_at FROM sessions "
        "WHERE id_hash = ? AND expires_at > ?",
        [](SqlStatement& q) {
          return SessionRecord{q.Text(0), q.Int(1), q.Text(2), q.Int(3)};
        },
        id_hash, now);
  });
}

Status SqlMetadataStore::DeleteSession(const std::string& id_hash) {
  return db_->Commit(
      [&](Connection& c) { return c.Exec("DELETE FROM sessions WHERE id_hash = ?", id_hash); });
}

}  // namespace berth
