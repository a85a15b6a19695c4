// Projects, their metadata and members, and robot accounts.
#include <openssl/rand.h>

#include <algorithm>
#include <boost/json.hpp>

#include "api/harbor_api.h"
#include "api/harbor_json.h"
#include "api/query.h"
#include "auth/password.h"

namespace berth {
namespace {

using http::Response;

// Harbor's metadata keys (ProjectMetadata in the swagger); others are refused.
constexpr std::string_view kMetadataKeys[] = {
    "public",
    "enable_content_trust",
    "enable_content_trust_cosign",
    "prevent_vul",
    "severity",
    "auto_scan",
    "auto_sbom_generation",
    "reuse_sys_cve_allowlist",
    "retention_id",
    "proxy_speed_kb",
    "max_upstream_conn",
};

// Harbor's rule for project and robot names: ^[a-z0-9]+(?:[._-][a-z0-9]+)*$.
bool IsHarborName(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  bool after_separator = true;
  for (char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum) {
      after_separator = false;
    } else if (c == '.' || c == '_' || c == '-') {
      if (after_separator) return false;
      after_separator = true;
    } else {
      return false;
    }
  }
  return !after_separator;
}

// Harbor's robot_token_duration default, which a robot created with duration 0 gets.
constexpr int64_t kDefaultRobotDays = 30;

ProjectRef RefOf(const ProjectRecord& p) { return {p.id, p.name, p.is_public, p.created_at}; }

// A robot secret: 32 characters with upper and lower case and digits, so that it also
// passes the password policy that a secret chosen by hand must meet.
std::string NewSecret() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  while (true) {
    unsigned char raw[32];
    RAND_bytes(raw, sizeof raw);
    std::string secret;
    for (unsigned char b : raw) secret.push_back(kAlphabet[b % 62]);
    if (CheckPasswordPolicy(secret)) return secret;
  }
}

Result<std::map<std::string, std::string>> MetadataFrom(const boost::json::value& v) {
  if (!v.is_object()) return Fail(ErrorCode::kBadRequest, "metadata must be an object");
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : v.as_object()) {
    if (std::find(std::begin(kMetadataKeys), std::end(kMetadataKeys), key) ==
        std::end(kMetadataKeys)) {
      return Fail(ErrorCode::kBadRequest, "unknown metadata " + std::string(key));
    }
    if (!value.is_string())
      return Fail(ErrorCode::kBadRequest, "metadata " + std::string(key) + " must be a string");
    out[std::string(key)] = std::string(value.as_string());
  }
  if (auto it = out.find("public");
      it != out.end() && it->second != "true" && it->second != "false")
    return Fail(ErrorCode::kBadRequest, "metadata public must be \"true\" or \"false\"");
  return out;
}

// "public" is kept in the project's own field, the other keys in its metadata. retention_id
// names the project's retention policy, which only that policy sets: as Harbor, a request may
// repeat the current value and nothing else.
Status ApplyMetadata(ProjectRecord& project, std::map<std::string, std::string> metadata) {
  if (auto it = metadata.find("retention_id"); it != metadata.end()) {
    auto current = project.metadata.find("retention_id");
    const std::string now = current == project.metadata.end() ? "" : current->second;
    if (it->second != now)
      return Fail(ErrorCode::kBadRequest,
                  "retention_id " + it->second + " is not this project's retention policy");
  }
  if (auto it = metadata.find("public"); it != metadata.end()) {
    project.is_public = it->second == "true";
    metadata.erase(it);
  }
  for (auto& [k, v] : metadata) project.metadata[k] = std::move(v);
  return {};
}

// The metadata as Harbor shows it, "public" included.
boost::json::object MetadataJson(const ProjectRecord& project) {
  boost::json::object out;
  for (const auto& [k, v] : project.metadata) out[k] = v;
  out["public"] = project.is_public ? "true" : "false";
  return out;
}

// Reads public and metadata of a ProjectReq into `project`.
Status ApplyProjectReq(const boost::json::object& body, ProjectRecord& project) {
  if (const auto* metadata = body.if_contains("metadata"); metadata && !metadata->is_null()) {
    auto parsed = MetadataFrom(*metadata);
    if (!parsed) return tl::unexpected(parsed.error());
    if (auto s = ApplyMetadata(project, std::move(*parsed)); !s) return s;
  }
  auto is_public = BoolField(body, "public");
  if (!is_public) return tl::unexpected(is_public.error());
  if (*is_public) project.is_public = **is_public;
  return {};
}

}  // namespace

Result<ProjectRecord> HarborApi::ProjectByKey(const Principal& who, const http::Request& req,
                                              std::string_view key) {
  const bool by_name =
      req.headers.Get("X-Is-Resource-Name") == std::optional<std::string_view>("true");
  auto id = by_name ? std::nullopt : ParseId(key);
  return DenyIfMissing(who, key,
                       id ? store_.GetProject(*id) : store_.FindProject(std::string(key)));
}

Result<ProjectRecord> HarborApi::ProjectByName(const Principal& who, std::string_view name) {
  return DenyIfMissing(who, name, store_.FindProject(std::string(name)));
}

Result<ProjectRecord> HarborApi::DenyIfMissing(const Principal& who, std::string_view key,
                                               Result<ProjectRecord> found) {
  if (found || found.error().code != ErrorCode::kNotFound) return found;
  if (who.anonymous()) return Fail(ErrorCode::kUnauthenticated, "log in first");
  if (!who.sysadmin)
    return Fail(ErrorCode::kForbidden, "the caller may not read project " + std::string(key));
  return Fail(ErrorCode::kNotFound, "project " + std::string(key) + " not found");
}

boost::json::object HarborApi::ProjectJson(const Principal& who, const ProjectRecord& p) {
  boost::json::object out{{"project_id", p.id},
                          {"owner_id", p.owner_id},
                          {"name", p.name},
                          {"creation_time", Rfc3339(p.created_at)},
                          {"update_time", Rfc3339(p.updated_at)},
                          {"deleted", false},
                          {"togglable", true},
                          {"metadata", MetadataJson(p)}};
  if (auto owner = store_.GetUser(p.owner_id)) out["owner_name"] = owner->username;
  if (auto repos = store_.CountRepositories(p.name)) out["repo_count"] = *repos;
  if (auto roles = access_.Roles(who, RefOf(p)); roles && !roles->empty()) {
    boost::json::array ids;
    for (Role r : *roles) ids.push_back(static_cast<int>(r));
    out["current_user_role_id"] = static_cast<int>(*std::min_element(roles->begin(), roles->end()));
    out["current_user_role_ids"] = ids;
  }
  return out;
}

Response HarborApi::HeadProject(Call& call) {
  auto name = call.request.Query("project_name");
  if (!name || name->empty())
    return HarborError(ErrorCode::kBadRequest, "project_name is required");
  auto project = ProjectByName(call.who, *name);
  if (!project) return HarborError(project.error());
  if (auto s = Require(call.who, *project, Resource::kProject, Action::kRead); !s)
    return HarborError(s.error());
  return Empty(200);
}

Response HarborApi::CreateProject(Call& call) {
  const Principal& who = call.who;
  if (who.anonymous()) return HarborError(ErrorCode::kUnauthenticated, "log in first");
  if (who.kind != Principal::Kind::kUser)
    return HarborError(ErrorCode::kForbidden, "robot accounts cannot create projects");
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  auto name = StringField(*body, "project_name");
  if (!name) return HarborError(name.error());
  if (!*name || !IsHarborName(**name)) {
    return HarborError(ErrorCode::kBadRequest,
                       "project_name must match ^[a-z0-9]+(?:[._-][a-z0-9]+)*$");
  }
  const RuntimeSettings settings = settings_.Get();
  if (settings.project_creation_restriction == "adminonly" && !who.sysadmin)
    return HarborError(ErrorCode::kForbidden, "only system administrators may create projects");
  auto limit = IntField(*body, "storage_limit");
  if (!limit) return HarborError(limit.error());
  // As Harbor: only a system administrator chooses a quota; 0 or none means the default.
  int64_t storage_limit = settings.storage_per_project;
  if (who.sysadmin && limit->value_or(0) != 0) storage_limit = **limit;
  if (storage_limit < -1)
    return HarborError(ErrorCode::kBadRequest, "storage_limit must be -1 or more than 0");
  const int64_t now = clock_.Now();
  ProjectRecord project{0, **name, who.id, false, now, now, {}};
  if (auto s = ApplyProjectReq(*body, project); !s) return HarborError(s.error());
  const auto event = ProjectEvent(EventKind::kCreateProject, who, project.name);
  auto id = store_.CreateProject(project, event);
  if (!id) {
    if (id.error().code == ErrorCode::kConflict)
      return HarborError(ErrorCode::kConflict, "project " + **name + " already exists");
    return HarborError(id.error());
  }
  changes_.Publish(ChangeTopic::kProjects, "");
  if (auto s = management_.SetStorageLimit(*id, storage_limit, now); !s)
    return HarborError(s.error());
  return Created(std::string(kApiPrefix) + "/projects/" + std::to_string(*id));
}

Response HarborApi::ListProjects(Call& call) {
  auto listing = ParseListing(call.request);
  if (!listing) return HarborError(listing.error());
  for (std::string_view plain : {"name", "public", "owner"}) {
    if (auto v = call.request.Query(plain)) {
      QueryCondition c;
      c.key = std::string(plain);
      // Harbor's name parameter matches fuzzily.
      c.kind = plain == "name" ? QueryCondition::Kind::kFuzzy : QueryCondition::Kind::kExact;
      c.values = {std::string(*v)};
      listing->request.conditions.push_back(std::move(c));
    }
  }
  auto scope = VisibleProjects(call.who);
  if (!scope) return HarborError(scope.error());
  auto listed = store_.ListProjects(*scope, listing->request);
  if (!listed) return HarborError(listed.error());
  boost::json::array items;
  for (const ProjectRecord& project : listed->items)
    items.push_back(ProjectJson(call.who, project));
  return PagedSlice(call.request, listing->page, std::move(items), listed->total);
}

Result<std::optional<ProjectScope>> HarborApi::VisibleProjects(const Principal& who) {
  if (who.sysadmin) return std::nullopt;
  switch (who.kind) {
    case Principal::Kind::kAnonymous:
      return ProjectScope{true, {}};
    case Principal::Kind::kUser: {
      auto member = store_.MemberProjects(who.id, who.group_ids);
      if (!member) return tl::unexpected(member.error());
      return ProjectScope{true, std::move(*member)};
    }
    case Principal::Kind::kRobot:
      break;
  }
  // A robot reads the projects its grants name; its few grants are checked project by project.
  auto projects = store_.ListProjects();
  if (!projects) return tl::unexpected(projects.error());
  ProjectScope scope{false, {}};
  for (const ProjectRecord& p : *projects) {
    auto can = access_.Can(who, RefOf(p), Resource::kProject, Action::kRead);
    if (!can) return tl::unexpected(can.error());
    if (*can) scope.ids.push_back(p.id);
  }
  return scope;
}

Response HarborApi::GetProject(Call& call) {
  if (auto s = Require(call.who, *call.project, Resource::kProject, Action::kRead); !s)
    return HarborError(s.error());
  return JsonBody(200, ProjectJson(call.who, *call.project));
}

Response HarborApi::SaveProject(ProjectRecord updated) {
  updated.updated_at = clock_.Now();
  if (auto s = store_.UpdateProject(updated); !s) return HarborError(s.error());
  changes_.Publish(ChangeTopic::kProjects, "");
  return Empty(200);
}

Response HarborApi::UpdateProject(Call& call) {
  if (auto s = Require(call.who, *call.project, Resource::kProject, Action::kUpdate); !s)
    return HarborError(s.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  ProjectRecord updated = *call.project;
  if (auto s = ApplyProjectReq(*body, updated); !s) return HarborError(s.error());
  return SaveProject(std::move(updated));
}

Response HarborApi::DeleteProject(Call& call) {
  const ProjectRecord& project = *call.project;
  if (auto s = Require(call.who, project, Resource::kProject, Action::kDelete); !s)
    return HarborError(s.error());
  const auto event = ProjectEvent(EventKind::kDeleteProject, call.who, project.name);
  if (auto s = store_.DeleteProject(project.id, event); !s) return HarborError(s.error());
  changes_.Publish(ChangeTopic::kProjects, "");
  changes_.Publish(ChangeTopic::kCredentials, "");
  if (notifier_) notifier_->PoliciesChanged();
  return Empty(200);
}

Response HarborApi::GetProjectSummary(Call& call) {
  const ProjectRecord& project = *call.project;
  const Principal& who = call.who;
  if (auto s = Require(who, project, Resource::kProject, Action::kRead); !s)
    return HarborError(s.error());
  auto repos = store_.CountRepositories(project.name);
  if (!repos) return HarborError(repos.error());
  boost::json::object out{{"repo_count", *repos}};
  if (auto can = access_.Can(who, RefOf(project), Resource::kQuota, Action::kRead); can && *can) {
    auto quota = management_.GetQuota(project.id);
    if (!quota) return HarborError(quota.error());
    out["quota"] =
        boost::json::object{{"hard", boost::json::object{{"storage", quota->storage_limit}}},
                            {"used", boost::json::object{{"storage", quota->storage_used}}}};
  }
  if (auto can = access_.Can(who, RefOf(project), Resource::kMember, Action::kList); can && *can) {
    auto members = store_.ListMembers(project.id);
    if (!members) return HarborError(members.error());
    int counts[6] = {};
    for (const MemberRecord& member : *members) {
      if (member.role >= 1 && member.role <= 5) ++counts[member.role];
    }
    out["project_admin_count"] = counts[1];
    out["developer_count"] = counts[2];
    out["guest_count"] = counts[3];
    out["maintainer_count"] = counts[4];
    out["limited_guest_count"] = counts[5];
  }
  return JsonBody(200, out);
}

Response HarborApi::GetProjectDeletable(Call& call) {
  if (auto s = Require(call.who, *call.project, Resource::kProject, Action::kDelete); !s)
    return HarborError(s.error());
  auto repos = store_.CountRepositories(call.project->name);
  if (!repos) return HarborError(repos.error());
  return JsonBody(
      200, boost::json::object{{"deletable", *repos == 0},
                               {"message", *repos == 0 ? "" : "the project holds repositories"}});
}

Response HarborApi::ListProjectMetadatas(Call& call) {
  if (auto s = Require(call.who, *call.project, Resource::kMetadata, Action::kRead); !s)
    return HarborError(s.error());
  return JsonBody(200, MetadataJson(*call.project));
}

Response HarborApi::GetProjectMetadata(Call& call) {
  if (auto s = Require(call.who, *call.project, Resource::kMetadata, Action::kRead); !s)
    return HarborError(s.error());
  const std::string_view name = call.params.Get("meta_name");
  const boost::json::object all = MetadataJson(*call.project);
  const auto* value = all.if_contains(name);
  if (!value) return HarborError(ErrorCode::kNotFound, "no such metadata");
  return JsonBody(200, boost::json::object{{name, *value}});
}

Response HarborApi::AddProjectMetadatas(Call& call) {
  if (auto s = Require(call.who, *call.project, Resource::kMetadata, Action::kCreate); !s)
    return HarborError(s.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  auto metadata = MetadataFrom(*body);
  if (!metadata) return HarborError(metadata.error());
  ProjectRecord updated = *call.project;
  if (auto s = ApplyMetadata(updated, std::move(*metadata)); !s) return HarborError(s.error());
  return SaveProject(std::move(updated));
}

Response HarborApi::UpdateProjectMetadata(Call& call) {
  if (auto s = Require(call.who, *call.project, Resource::kMetadata, Action::kUpdate); !s)
    return HarborError(s.error());
  const std::string_view name = call.params.Get("meta_name");
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  if (body->size() != 1 || !body->contains(name))
    return HarborError(ErrorCode::kBadRequest, "the body must hold exactly " + std::string(name));
  auto metadata = MetadataFrom(*body);
  if (!metadata) return HarborError(metadata.error());
  ProjectRecord updated = *call.project;
  if (auto s = ApplyMetadata(updated, std::move(*metadata)); !s) return HarborError(s.error());
  return SaveProject(std::move(updated));
}

Response HarborApi::DeleteProjectMetadata(Call& call) {
  if (auto s = Require(call.who, *call.project, Resource::kMetadata, Action::kDelete); !s)
    return HarborError(s.error());
  const std::string name(call.params.Get("meta_name"));
  if (name == "public") return HarborError(ErrorCode::kBadRequest, "public cannot be removed");
  ProjectRecord updated = *call.project;
  if (!updated.metadata.erase(name)) return HarborError(ErrorCode::kNotFound, "no such metadata");
  return SaveProject(std::move(updated));
}

namespace {

boost::json::object MemberJson(const MemberRecord& m) {
  auto role = RoleFromId(m.role);
  return {{"id", m.id},
          {"project_id", m.project_id},
          {"entity_name", m.entity_name},
          {"role_name", role ? RoleName(*role) : ""},
          {"role_id", m.role},
          {"entity_id", m.entity_id},
          {"entity_type", std::string(1, m.entity_type)}};
}

Result<int> RoleIdFrom(const boost::json::object& body) {
  auto role = IntField(body, "role_id");
  if (!role) return tl::unexpected(role.error());
  if (!*role || **role < 1 || **role > 5 || !RoleFromId(static_cast<int>(**role)))
    return Fail(ErrorCode::kBadRequest,
                "role_id must be 1 (projectAdmin), 2 (developer), 3 (guest), 4 (maintainer) or "
                "5 (limitedGuest)");
  return static_cast<int>(**role);
}

}  // namespace

Response HarborApi::ListProjectMembers(Call& call) {
  const ProjectRecord& project = *call.project;
  if (auto s = Require(call.who, project, Resource::kMember, Action::kList); !s)
    return HarborError(s.error());
  auto listing = ParseListing(call.request);
  if (!listing) return HarborError(listing.error());
  if (auto entity = call.request.Query("entityname")) {
    listing->request.conditions.push_back(
        QueryCondition{"entityname", QueryCondition::Kind::kFuzzy, {std::string(*entity)}, {}, {}});
  }
  auto members = store_.ListMembers(project.id, listing->request);
  if (!members) return HarborError(members.error());
  boost::json::array items;
  for (const MemberRecord& member : members->items) items.push_back(MemberJson(member));
  return PagedSlice(call.request, listing->page, std::move(items), members->total);
}

Response HarborApi::CreateProjectMember(Call& call) {
  const ProjectRecord& project = *call.project;
  if (auto s = Require(call.who, project, Resource::kMember, Action::kCreate); !s)
    return HarborError(s.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  auto role = RoleIdFrom(*body);
  if (!role) return HarborError(role.error());
  MemberRecord member{0, project.id, 'u', 0, "", *role};
  const auto* user = body->if_contains("member_user");
  const auto* group = body->if_contains("member_group");
  if (user && user->is_object()) {
    auto id = IntField(user->as_object(), "user_id");
    auto name = StringField(user->as_object(), "username");
    if (!id) return HarborError(id.error());
    if (!name) return HarborError(name.error());
    Result<UserRecord> found =
        Fail(ErrorCode::kBadRequest, "member_user needs user_id or username");
    if (*id && **id > 0)
      found = store_.GetUser(**id);
    else if (*name)
      found = store_.FindUser(**name);
    // In ldap_auth, a user not yet onboarded is looked up in LDAP, as Harbor does.
    if (!found && found.error().code == ErrorCode::kNotFound && ldap_ && *name) {
      auto entries = ldap_->SearchUsers(**name);
      if (entries && entries->size() == 1) {
        const LdapUser& u = entries->front();
        const int64_t now = clock_.Now();
        UserRecord created = OnboardedUser(u, now);
        if (auto id2 = store_.CreateUser(created)) {
          created.id = *id2;
          found = created;
        }
      }
    }
    // The swagger answers a member that cannot be found with 400, not 404.
    if (!found && found.error().code == ErrorCode::kNotFound)
      return HarborError(ErrorCode::kBadRequest, "user not found");
    if (!found) return HarborError(found.error());
    member.entity_id = found->id;
  } else if (group && group->is_object()) {
    member.entity_type = 'g';
    auto id = IntField(group->as_object(), "id");
    auto dn = StringField(group->as_object(), "ldap_group_dn");
    auto name = StringField(group->as_object(), "group_name");
    if (!id) return HarborError(id.error());
    if (!dn) return HarborError(dn.error());
    if (!name) return HarborError(name.error());
    Result<GroupRecord> found =
        Fail(ErrorCode::kBadRequest, "member_group needs id or ldap_group_dn");
    if (*id && **id > 0) {
      found = store_.GetGroup(**id);
    } else if (*dn) {
      found = store_.FindGroupByDn(**dn);
      // An LDAP group is added to Berth's groups the first time it becomes a member.
      if (!found && found.error().code == ErrorCode::kNotFound && ldap_) {
        auto entries = ldap_->SearchGroups("", **dn);
        if (!entries) return HarborError(entries.error());
        if (entries->size() == 1) {
          GroupRecord created{0, name->value_or(entries->front().name), 1, **dn, clock_.Now()};
          auto gid = store_.CreateGroup(created);
          if (!gid) return HarborError(gid.error());
          created.id = *gid;
          found = created;
        }
      }
    }
    if (!found && found.error().code == ErrorCode::kNotFound)
      return HarborError(ErrorCode::kBadRequest, "group not found");
    if (!found) return HarborError(found.error());
    member.entity_id = found->id;
  } else {
    return HarborError(ErrorCode::kBadRequest, "member_user or member_group is required");
  }
  auto id = store_.AddMember(member);
  if (!id) {
    if (id.error().code == ErrorCode::kConflict)
      return HarborError(ErrorCode::kConflict, "already a member of " + project.name);
    return HarborError(id.error());
  }
  return Created(std::string(kApiPrefix) + "/projects/" + std::to_string(project.id) + "/members/" +
                 std::to_string(*id));
}

// The member of {mid}, once the caller may act on the project's members. Harbor forbids
// changing one's own membership, so that an admin cannot lock themselves out.
Result<MemberRecord> HarborApi::MemberOf(Call& call, Action action) {
  const ProjectRecord& project = *call.project;
  auto mid = ParseId(call.params.Get("mid"));
  if (!mid) return Fail(ErrorCode::kBadRequest, "the member id must be a positive integer");
  if (auto s = Require(call.who, project, Resource::kMember, action); !s)
    return tl::unexpected(s.error());
  auto members = store_.ListMembers(project.id);
  if (!members) return tl::unexpected(members.error());
  auto member = std::find_if(members->begin(), members->end(),
                             [&](const MemberRecord& r) { return r.id == *mid; });
  if (member == members->end()) return Fail(ErrorCode::kNotFound, "member not found");
  if (action != Action::kRead && member->entity_type == 'u' &&
      call.who.kind == Principal::Kind::kUser && member->entity_id == call.who.id)
    return Fail(ErrorCode::kForbidden, "one cannot change one's own membership");
  return *member;
}

Response HarborApi::GetProjectMember(Call& call) {
  auto member = MemberOf(call, Action::kRead);
  if (!member) return HarborError(member.error());
  return JsonBody(200, MemberJson(*member));
}

Response HarborApi::DeleteProjectMember(Call& call) {
  auto member = MemberOf(call, Action::kDelete);
  if (!member) return HarborError(member.error());
  if (auto s = store_.DeleteMember(call.project->id, member->id); !s) return HarborError(s.error());
  return Empty(200);
}

Response HarborApi::UpdateProjectMember(Call& call) {
  auto member = MemberOf(call, Action::kUpdate);
  if (!member) return HarborError(member.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  auto role = RoleIdFrom(*body);
  if (!role) return HarborError(role.error());
  if (auto s = store_.UpdateMemberRole(call.project->id, member->id, *role); !s)
    return HarborError(s.error());
  return Empty(200);
}

boost::json::object HarborApi::RobotJson(const RobotRecord& r) {
  boost::system::error_code ec;
  boost::json::value permissions = boost::json::parse(r.permissions, ec);
  if (ec) permissions = boost::json::array();
  return {{"id", r.id},
          {"name", r.name},
          {"description", r.description},
          {"level", r.level},
          {"duration", r.duration},
          {"editable", true},
          {"disable", r.disabled},
          {"expires_at", r.expires_at},
          {"permissions", permissions},
          {"creation_time", Rfc3339(r.created_at)},
          {"update_time", Rfc3339(r.updated_at)}};
}

// Validates a RobotCreate or Robot body into `robot` (name and level only when it is new),
// and checks that the caller may manage a robot with those permissions.
Result<RobotRecord> HarborApi::RobotFromBody(const Principal& who, const boost::json::object& body,
                                             RobotRecord robot) {
  const bool creating = robot.id == 0;
  auto name = StringField(body, "name");
  auto description = StringField(body, "description");
  auto level = StringField(body, "level");
  auto disable = BoolField(body, "disable");
  auto duration = IntField(body, "duration");
  for (const auto* f : {&name, &description, &level}) {
    if (!*f) return tl::unexpected(f->error());
  }
  if (!disable) return tl::unexpected(disable.error());
  if (!duration) return tl::unexpected(duration.error());
  if (*description) robot.description = **description;
  if (*disable) robot.disabled = **disable;
  if (*duration) {
    // Harbor's bound: below MaxInt32 days, which keeps the expiry's seconds far from overflow.
    if (**duration < -1 || **duration >= INT32_MAX)
      return Fail(ErrorCode::kBadRequest,
                  "duration must be -1 (never expires), 0 (30 days) or up to 2147483646 days");
    // 0 takes Harbor's default robot token duration.
    robot.duration = **duration == 0 ? kDefaultRobotDays : **duration;
    robot.expires_at = robot.duration == -1 ? -1 : clock_.Now() + robot.duration * 86400;
  }
  if (creating) {
    if (!*level || (**level != "system" && **level != "project"))
      return Fail(ErrorCode::kBadRequest, "level must be system or project");
    robot.level = **level;
    if (!*name || !IsHarborName(**name))
      return Fail(ErrorCode::kBadRequest, "name must match ^[a-z0-9]+(?:[._-][a-z0-9]+)*$");
  } else if (*level && **level != robot.level) {
    return Fail(ErrorCode::kBadRequest, "the level of a robot cannot change");
  }
  const auto* permissions = body.if_contains("permissions");
  if (creating && (!permissions || !permissions->is_array() || permissions->as_array().empty()))
    return Fail(ErrorCode::kBadRequest, "permissions must list at least one permission");
  if (permissions && !permissions->is_null()) {
    if (!permissions->is_array()) return Fail(ErrorCode::kBadRequest, "permissions must be a list");
    std::optional<ProjectRecord> project;
    for (const auto& perm : permissions->as_array()) {
      const auto* o = perm.if_object();
      if (!o) return Fail(ErrorCode::kBadRequest, "each permission must be an object");
      auto kind = StringField(*o, "kind");
      auto ns = StringField(*o, "namespace");
      if (!kind || !*kind || !ns || !*ns)
        return Fail(ErrorCode::kBadRequest, "each permission needs kind and namespace");
      const auto* access = o->if_contains("access");
      if (!access || !access->is_array())
        return Fail(ErrorCode::kBadRequest, "each permission needs an access list");
      for (const auto& a : access->as_array()) {
        const auto* ao = a.if_object();
        auto resource = ao ? StringField(*ao, "resource") : Fail(ErrorCode::kBadRequest);
        auto action = ao ? StringField(*ao, "action") : Fail(ErrorCode::kBadRequest);
        if (!resource || !*resource || !action || !*action)
          return Fail(ErrorCode::kBadRequest, "each access needs resource and action");
        if (**kind == "project" && (!ResourceFromName(**resource) || !ActionFromName(**action))) {
          return Fail(ErrorCode::kBadRequest,
                      "unknown project permission " + **resource + ":" + **action);
        }
      }
      if (**kind == "system") {
        if (robot.level != "system")
          return Fail(ErrorCode::kBadRequest, "only system robots hold system permissions");
        continue;
      }
      if (**kind != "project")
        return Fail(ErrorCode::kBadRequest, "kind must be system or project");
      if (**ns == "*") {
        if (robot.level != "system")
          return Fail(ErrorCode::kBadRequest, "only system robots cover every project");
        continue;
      }
      auto found = store_.FindProject(**ns);
      if (!found) return Fail(ErrorCode::kNotFound, "project " + **ns + " not found");
      if (robot.level == "project") {
        if (project && project->id != found->id)
          return Fail(ErrorCode::kBadRequest, "a project robot covers one project");
        if (!creating && found->id != robot.project_id)
          return Fail(ErrorCode::kBadRequest, "a project robot cannot move to another project");
      }
      project = *found;
    }
    if (robot.level == "project") {
      if (!project) return Fail(ErrorCode::kBadRequest, "a project robot needs its project");
      robot.project_id = project->id;
    }
    robot.permissions = boost::json::serialize(*permissions);
  }
  // Who may: system robots, system administrators; project robots, the project's admins.
  if (robot.level == "system") {
    if (!who.sysadmin)
      return Fail(ErrorCode::kForbidden, "only system administrators manage system robots");
  } else {
    auto project = store_.GetProject(robot.project_id);
    if (!project) return tl::unexpected(project.error());
    if (auto s =
            Require(who, *project, Resource::kRobot, creating ? Action::kCreate : Action::kUpdate);
        !s)
      return tl::unexpected(s.error());
    if (creating) robot.name = std::string(kRobotPrefix) + project->name + "+" + **name;
  }
  if (creating && robot.level == "system") robot.name = std::string(kRobotPrefix) + **name;
  return robot;
}

namespace {

// Robots are managed by users: a robot account cannot mint or change robot accounts.
Status RequireRobotManager(const Principal& who) {
  if (who.anonymous()) return Fail(ErrorCode::kUnauthenticated, "log in first");
  if (who.kind == Principal::Kind::kRobot)
    return Fail(ErrorCode::kForbidden, "robot accounts cannot manage robot accounts");
  return {};
}

}  // namespace

Response HarborApi::CreateRobot(Call& call) {
  if (auto s = RequireRobotManager(call.who); !s) return HarborError(s.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  const int64_t now = clock_.Now();
  RobotRecord robot;
  robot.created_at = robot.updated_at = now;
  auto built = RobotFromBody(call.who, *body, robot);
  if (!built) return HarborError(built.error());
  const std::string secret = NewSecret();
  built->secret_hash = HashPassword(secret, authenticator_.password_iterations());
  auto id = store_.CreateRobot(*built);
  if (!id) {
    if (id.error().code == ErrorCode::kConflict)
      return HarborError(ErrorCode::kConflict, "robot " + built->name + " already exists");
    return HarborError(id.error());
  }
  Response res = JsonBody(201, boost::json::object{{"id", *id},
                                                   {"name", built->name},
                                                   {"secret", secret},
                                                   {"creation_time", Rfc3339(now)},
                                                   {"expires_at", built->expires_at}});
  res.headers.Set("Location", std::string(kApiPrefix) + "/robots/" + std::to_string(*id));
  return res;
}

Response HarborApi::ListRobot(Call& call) {
  const Principal& who = call.who;
  if (auto s = RequireRobotManager(who); !s) return HarborError(s.error());
  auto listing = ParseListing(call.request);
  if (!listing) return HarborError(listing.error());
  std::optional<int64_t> project_id;
  std::optional<std::string> level;
  std::vector<QueryCondition> by_name;
  for (const QueryCondition& c : listing->request.conditions) {
    if (c.key == "ProjectID" && c.kind == QueryCondition::Kind::kExact) {
      project_id = ParseId(c.values.front());
      if (!project_id) return HarborError(ErrorCode::kBadRequest, "ProjectID must be a number");
    } else if (c.key == "Level" && c.kind == QueryCondition::Kind::kExact) {
      level = c.values.front();
    } else if (c.key == "name") {
      by_name.push_back(c);
    } else {
      return HarborError(ErrorCode::kBadRequest, "cannot filter robots by " + c.key);
    }
  }
  // As Harbor: without a Level the list is of system robots; project robots are listed
  // with Level=project and their ProjectID, by whoever may list that project's robots.
  if (level && *level != "system" && *level != "project")
    return HarborError(ErrorCode::kBadRequest, "Level must be system or project");
  const bool system = level.value_or("system") == "system";
  if (system) {
    if (!who.sysadmin)
      return HarborError(ErrorCode::kForbidden, "only system administrators list system robots");
  } else {
    if (!project_id) return HarborError(ErrorCode::kBadRequest, "Level=project needs a ProjectID");
    auto project = DenyIfMissing(who, std::to_string(*project_id), store_.GetProject(*project_id));
    if (!project) return HarborError(project.error());
    if (auto s = Require(who, *project, Resource::kRobot, Action::kList); !s)
      return HarborError(s.error());
  }
  listing->request.conditions = std::move(by_name);
  auto robots = store_.ListRobots(system ? 0 : *project_id, listing->request);
  if (!robots) return HarborError(robots.error());
  boost::json::array items;
  for (const RobotRecord& r : robots->items) items.push_back(RobotJson(r));
  return PagedSlice(call.request, listing->page, std::move(items), robots->total);
}

Result<RobotRecord> HarborApi::RobotOf(Call& call) {
  if (auto s = RequireRobotManager(call.who); !s) return tl::unexpected(s.error());
  auto id = ParseId(call.params.Get("robot_id"));
  if (!id) return Fail(ErrorCode::kBadRequest, "the robot id must be a positive integer");
  auto robot = store_.GetRobot(*id);
  if (!robot) return Fail(robot.error().code, "robot not found");
  return robot;
}

// Reading or changing a robot takes the same right as listing or updating its project's.
Status HarborApi::MayManageRobot(const Principal& who, const RobotRecord& robot, Action action) {
  if (robot.level == "system")
    return who.sysadmin ? Status{} : Fail(ErrorCode::kForbidden, "only system administrators may");
  auto project = store_.GetProject(robot.project_id);
  if (!project) return tl::unexpected(project.error());
  return Require(who, *project, Resource::kRobot, action);
}

Response HarborApi::GetRobotByID(Call& call) {
  auto robot = RobotOf(call);
  if (!robot) return HarborError(robot.error());
  if (auto s = MayManageRobot(call.who, *robot, Action::kRead); !s) return HarborError(s.error());
  return JsonBody(200, RobotJson(*robot));
}

Response HarborApi::DeleteRobot(Call& call) {
  auto robot = RobotOf(call);
  if (!robot) return HarborError(robot.error());
  if (auto s = MayManageRobot(call.who, *robot, Action::kDelete); !s) return HarborError(s.error());
  if (auto s = store_.DeleteRobot(robot->id); !s) return HarborError(s.error());
  changes_.Publish(ChangeTopic::kCredentials, "");
  return Empty(200);
}

Response HarborApi::RefreshSec(Call& call) {
  auto robot = RobotOf(call);
  if (!robot) return HarborError(robot.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  if (auto s = MayManageRobot(call.who, *robot, Action::kUpdate); !s) return HarborError(s.error());
  auto chosen = StringField(*body, "secret");
  if (!chosen) return HarborError(chosen.error());
  std::string secret = chosen->value_or("");
  if (secret.empty()) {
    secret = NewSecret();
  } else if (auto s = CheckPasswordPolicy(secret); !s) {
    return HarborError(s.error());
  }
  robot->secret_hash = HashPassword(secret, authenticator_.password_iterations());
  robot->updated_at = clock_.Now();
  if (auto s = store_.UpdateRobot(*robot); !s) return HarborError(s.error());
  changes_.Publish(ChangeTopic::kCredentials, "");
  return JsonBody(200, boost::json::object{{"secret", secret}});
}

Response HarborApi::UpdateRobot(Call& call) {
  auto robot = RobotOf(call);
  if (!robot) return HarborError(robot.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  if (auto name = StringField(*body, "name"); name && *name && **name != robot->name)
    return HarborError(ErrorCode::kBadRequest, "the name of a robot cannot change");
  auto updated = RobotFromBody(call.who, *body, *robot);
  if (!updated) return HarborError(updated.error());
  updated->updated_at = clock_.Now();
  if (auto s = store_.UpdateRobot(*updated); !s) return HarborError(s.error());
  changes_.Publish(ChangeTopic::kCredentials, "");
  return Empty(200);
}

}  // namespace berth
