// Routing, callers and sessions, users, user groups and LDAP. Projects, members and robots
// are in projects_api.cc.
#include "api/harbor_api.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <boost/json.hpp>

#include "api/harbor_json.h"
#include "api/query.h"
#include "auth/credentials.h"
#include "auth/password.h"
#include "core/digest.h"
#include "core/random.h"
#include "core/reference.h"
#include "core/strings.h"

namespace berth {
namespace {

using http::Response;

constexpr size_t kMaxBodyBytes = 1 << 20;
constexpr std::string_view kSessionCookie = "sid";
constexpr std::string_view kCsrfHeader = "X-Harbor-CSRF-Token";

// Constant-time, so that the time of a refusal says nothing about how much of a guess was right.
bool SameSecret(std::string_view given, std::string_view expected) {
  return given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0;
}

std::string SessionHash(std::string_view session_id) {
  Hasher h;
  h.Update(session_id);
  return h.Finish().str();
}

std::optional<std::string> CookieValue(const http::Request& req, std::string_view name) {
  auto header = req.headers.Get("Cookie");
  if (!header) return std::nullopt;
  for (std::string_view part : Split(*header, ';')) {
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.starts_with(name) && part[name.size()] == '=')
      return std::string(part.substr(name.size() + 1));
  }
  return std::nullopt;
}

boost::json::object UserJson(const UserRecord& u) {
  return {{"user_id", u.id},
          {"username", u.username},
          {"email", u.email},
          {"realname", u.realname},
          {"comment", u.comment},
          {"sysadmin_flag", u.sysadmin},
          {"admin_role_in_auth", false},
          {"creation_time", Rfc3339(u.created_at)},
          {"update_time", Rfc3339(u.updated_at)}};
}

boost::json::object GroupJson(const GroupRecord& g) {
  return {
      {"id", g.id}, {"group_name", g.name}, {"group_type", g.type}, {"ldap_group_dn", g.ldap_dn}};
}

// Harbor refuses these characters in usernames (src/common/utils/utils.go).
Status CheckUsername(std::string_view name) {
  if (name.empty() || name.size() > 255)
    return Fail(ErrorCode::kBadRequest, "username must be 1 to 255 characters");
  if (name.find_first_of(",\"~#$%") != std::string_view::npos)
    return Fail(ErrorCode::kBadRequest, "username may not contain any of ,\"~#$%");
  return {};
}

Status CheckEmail(std::string_view email) {
  const size_t at = email.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 >= email.size() || email.size() > 255)
    return Fail(ErrorCode::kBadRequest, "email is not a valid address");
  return {};
}

const RouteTable& Table() {
  static const RouteTable table = [] {
    std::vector<RouteSpec> specs;
    for (const HarborApi::ApiRoute& route : HarborApi::Routes())
      specs.push_back({route.method, route.path});
    return RouteTable(std::move(specs));
  }();
  return table;
}

// A repository's path within its project. Harbor's clients encode a name's slashes twice
// ("web%252Fui" arrives here as "web%2Fui"); encoded once, the name arrives in segments.
std::string RepositoryPath(std::string_view joined) {
  std::string out;
  for (size_t i = 0; i < joined.size(); ++i) {
    if (joined[i] == '%' && i + 2 < joined.size() && joined[i + 1] == '2' &&
        (joined[i + 2] == 'F' || joined[i + 2] == 'f')) {
      out += '/';
      i += 2;
    } else {
      out += joined[i];
    }
  }
  return out;
}

}  // namespace

HarborApi::HarborApi(const HarborServices& s, HarborApiOptions options)
    : store_(s.identities),
      content_(s.content),
      management_(s.management),
      history_(s.history),
      blobs_(s.blobs),
      registry_(s.registry),
      authenticator_(s.authenticator),
      access_(s.access),
      ldap_(s.ldap),
      clock_(s.clock),
      settings_(s.settings),
      changes_(s.changes),
      job_store_(s.job_store),
      schedules_(s.schedules),
      jobs_(s.jobs),
      events_(s.events),
      notifier_(s.notifier),
      data_dir_(s.data_dir),
      options_(std::move(options)) {}

std::string HarborApi::OperatorOf(const Principal& who) {
  return who.anonymous() ? std::string(kAnonymous) : who.name;
}

std::optional<Event> HarborApi::ProjectEvent(EventKind kind, const Principal& who,
                                             const std::string& project) {
  if (!events_) return std::nullopt;
  Event e;
  e.kind = kind;
  e.operator_name = OperatorOf(who);
  e.at = clock_.Now();
  e.project = project;
  return e;
}

http::Dispatch HarborApi::Handle(const http::Request& req) {
  const bool has_body = req.has_body;
  auto run = [this, req](std::string body) -> Response {
    if (req.path == "/c/login") {
      if (req.method != "POST") return HarborError(ErrorCode::kMethodNotAllowed);
      return Login(req, body);
    }
    if (req.path == "/c/log_out") return Logout(req);
    if (!req.path.starts_with(kApiPrefix))
      return HarborError(ErrorCode::kNotFound, "no such endpoint");
    bool via_session = false;
    std::string csrf;
    auto who = Caller(req, &via_session, &csrf);
    if (!who) return HarborError(who.error());
    // A session cookie rides along with any request the browser makes: a change needs the
    // CSRF token the portal got at login as well.
    const bool safe = req.method == "GET" || req.method == "HEAD";
    if (via_session && !safe && !SameSecret(req.headers.Get(kCsrfHeader).value_or(""), csrf))
      return HarborError(ErrorCode::kForbidden, "CSRF token invalid");
    std::vector<std::string_view> segments;
    for (std::string_view part : Split(std::string_view(req.path).substr(kApiPrefix.size()), '/')) {
      if (!part.empty()) segments.push_back(part);
    }
    RouteTable::Match match = Table().Find(req.method, segments);
    if (match.kind == RouteTable::Match::Kind::kNoSuchPath)
      return HarborError(ErrorCode::kNotFound, "no such endpoint");
    if (match.kind == RouteTable::Match::Kind::kNoSuchMethod)
      return HarborError(ErrorCode::kMethodNotAllowed);
    Call call{req, std::move(*who), std::move(body), std::move(match.params), {}, {}};
    Response res = Invoke(call, Routes()[match.index].run);
    if (via_session) res.headers.Set(std::string(kCsrfHeader), csrf);
    if (req.method == "HEAD") {
      // Harbor's HEAD answers are status only; a JSON type over no body confuses clients.
      res.body.clear();
      res.headers.Erase("Content-Type");
    }
    return res;
  };
  if (!has_body) return {run(std::string()), nullptr};
  if (req.content_length && *req.content_length > kMaxBodyBytes)
    return {HarborError(ErrorCode::kBadRequest, "the body exceeds 1 MiB"), nullptr};
  return {std::nullopt, http::BufferBody(kMaxBodyBytes, std::move(run), [] {
            return HarborError(ErrorCode::kBadRequest, "the body exceeds 1 MiB");
          })};
}

Result<Principal> HarborApi::Caller(const http::Request& req, bool* via_session,
                                    std::string* csrf_token) {
  Credentials creds = ParseAuthorization(req.headers.Get("Authorization"));
  if (creds.kind == Credentials::Kind::kBasic) {
    auto who = authenticator_.Login(creds.user, creds.password);
    if (!who && who.error().code == ErrorCode::kUnauthenticated)
      return Fail(ErrorCode::kUnauthenticated, "invalid username or password");
    return who;
  }
  if (creds.kind != Credentials::Kind::kNone)
    return Fail(ErrorCode::kUnauthenticated, "the API takes Basic credentials or a session");
  if (auto sid = CookieValue(req, kSessionCookie)) {
    auto session = store_.GetSession(SessionHash(*sid), clock_.Now());
    if (!session) return Fail(ErrorCode::kUnauthenticated, "the session has expired");
    auto user = store_.GetUser(session->user_id);
    if (!user) return Fail(ErrorCode::kUnauthenticated, "the session has expired");
    *via_session = true;
    *csrf_token = session->csrf_token;
    return authenticator_.ForUser(*user);
  }
  return Principal{};
}

Response HarborApi::Login(const http::Request& req, const std::string& form) {
  auto fields = http::ParseForm(form);
  if (!fields) return HarborError(ErrorCode::kBadRequest, "the body is not a URL-encoded form");
  std::string name, password;
  for (const auto& [key, value] : *fields) {
    if (key == "principal") name = value;
    if (key == "password") password = value;
  }
  auto who = authenticator_.Login(name, password);
  if (!who) return HarborError(who.error());
  if (who->kind != Principal::Kind::kUser)
    return HarborError(ErrorCode::kForbidden, "robot accounts cannot log in to the portal");
  const std::string sid = RandomHex(32);
  SessionRecord session{SessionHash(sid), who->id, RandomHex(16),
                        clock_.Now() + options_.session_ttl.count()};
  if (auto s = store_.CreateSession(session, clock_.Now()); !s) return HarborError(s.error());
  Response res = Empty(200);
  res.headers.Set("Set-Cookie", std::string(kSessionCookie) + "=" + sid +
                                    "; Path=/; HttpOnly; SameSite=Strict" +
                                    (options_.secure_cookie ? "; Secure" : ""));
  res.headers.Set(std::string(kCsrfHeader), session.csrf_token);
  return res;
}

Response HarborApi::Logout(const http::Request& req) {
  if (auto sid = CookieValue(req, kSessionCookie)) {
    if (auto s = store_.DeleteSession(SessionHash(*sid)); !s) return HarborError(s.error());
  }
  Response res = Empty(200);
  res.headers.Set("Set-Cookie", std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly");
  return res;
}

Response HarborApi::Invoke(Call& call, Operation run) {
  if (call.params.Has("project_name_or_id")) {
    auto project = ProjectByKey(call.who, call.request, call.params.Get("project_name_or_id"));
    if (!project) return HarborError(project.error());
    call.project = std::move(*project);
  } else if (call.params.Has("project_name")) {
    auto project = ProjectByName(call.who, call.params.Get("project_name"));
    if (!project) return HarborError(project.error());
    call.project = std::move(*project);
  }
  if (call.params.Has("repository_name")) {
    call.repository = call.project->name + "/" + RepositoryPath(call.params.Get("repository_name"));
    if (!IsValidRepositoryName(call.repository))
      return HarborError(ErrorCode::kBadRequest, "invalid repository name " + call.repository);
  }
  return (this->*run)(call);
}

Status HarborApi::Require(const Principal& who, const ProjectRecord& project, Resource resource,
                          Action action) {
  auto can =
      access_.Can(who, ProjectRef{project.id, project.name, project.is_public, project.created_at},
                  resource, action);
  if (!can) return tl::unexpected(can.error());
  if (*can) return {};
  if (who.anonymous()) return Fail(ErrorCode::kUnauthenticated, "log in first");
  return Fail(ErrorCode::kForbidden, "the caller may not " + std::string(ActionName(action)) + " " +
                                         std::string(ResourceName(resource)) + " in " +
                                         project.name);
}

Status RequireUser(const Principal& who) {
  if (who.anonymous()) return Fail(ErrorCode::kUnauthenticated, "log in first");
  return {};
}

Status RequireAdmin(const Principal& who) {
  if (who.anonymous()) return Fail(ErrorCode::kUnauthenticated, "log in first");
  if (!who.sysadmin) return Fail(ErrorCode::kForbidden, "only system administrators may");
  return {};
}

Result<int64_t> HarborApi::NewUser(const boost::json::object& body) {
  auto username = StringField(body, "username");
  auto email = StringField(body, "email");
  auto realname = StringField(body, "realname");
  auto comment = StringField(body, "comment");
  auto password = StringField(body, "password");
  for (const auto* f : {&username, &email, &realname, &comment, &password}) {
    if (!*f) return tl::unexpected(f->error());
  }
  if (!*username) return Fail(ErrorCode::kBadRequest, "username is required");
  if (auto s = CheckUsername(**username); !s) return tl::unexpected(s.error());
  if (*email && !(*email)->empty()) {
    if (auto s = CheckEmail(**email); !s) return tl::unexpected(s.error());
  }
  if (!*password) return Fail(ErrorCode::kBadRequest, "password is required");
  if (auto s = CheckPasswordPolicy(**password); !s) return tl::unexpected(s.error());
  const int64_t now = clock_.Now();
  UserRecord user{0,
                  **username,
                  email->value_or(""),
                  realname->value_or(""),
                  comment->value_or(""),
                  HashPassword(**password, authenticator_.password_iterations()),
                  false,
                  "",
                  now,
                  now};
  auto id = store_.CreateUser(user);
  if (!id && id.error().code == ErrorCode::kConflict)
    return Fail(ErrorCode::kConflict, "username or email already taken");
  return id;
}

Response HarborApi::CreateUserOp(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  if (options_.auth_mode != "db_auth")
    return HarborError(ErrorCode::kForbidden, "users come from LDAP in ldap_auth mode");
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  auto id = NewUser(*body);
  if (!id) return HarborError(id.error());
  return Created(std::string(kApiPrefix) + "/users/" + std::to_string(*id));
}

Response HarborApi::ListUsers(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  auto listing = ParseListing(call.request);
  if (!listing) return HarborError(listing.error());
  auto users = store_.ListUsers(listing->request);
  if (!users) return HarborError(users.error());
  boost::json::array items;
  for (const UserRecord& u : users->items) items.push_back(UserJson(u));
  return PagedSlice(call.request, listing->page, std::move(items), users->total);
}

Response HarborApi::SearchUsers(Call& call) {
  if (auto s = RequireUser(call.who); !s) return HarborError(s.error());
  auto username = call.request.Query("username");
  if (!username || username->empty())
    return HarborError(ErrorCode::kBadRequest, "username is required");
  auto listing = ParseListing(call.request);
  if (!listing) return HarborError(listing.error());
  listing->request.conditions = {
      QueryCondition{"username", QueryCondition::Kind::kFuzzy, {std::string(*username)}, {}, {}}};
  auto users = store_.ListUsers(listing->request);
  if (!users) return HarborError(users.error());
  boost::json::array items;
  for (const UserRecord& u : users->items)
    items.push_back(boost::json::object{{"user_id", u.id}, {"username", u.username}});
  return PagedSlice(call.request, listing->page, std::move(items), users->total);
}

// The user of {user_id}, to the user themself or a system administrator only.
Result<UserRecord> HarborApi::UserOf(Call& call) {
  auto id = ParseId(call.params.Get("user_id"));
  if (!id) return Fail(ErrorCode::kBadRequest, "the user id must be a positive integer");
  if (auto s = RequireUser(call.who); !s) return tl::unexpected(s.error());
  const bool self = call.who.kind == Principal::Kind::kUser && call.who.id == *id;
  if (!self && !call.who.sysadmin)
    return Fail(ErrorCode::kForbidden, "only the user or a system administrator may");
  auto user = store_.GetUser(*id);
  if (!user)
    return Fail(user.error().code, "user " + std::string(call.params.Get("user_id")) + " not found");
  return user;
}

Response HarborApi::GetUser(Call& call) {
  auto user = UserOf(call);
  if (!user) return HarborError(user.error());
  return JsonBody(200, UserJson(*user));
}

Response HarborApi::DeleteUser(Call& call) {
  auto user = UserOf(call);
  if (!user) return HarborError(user.error());
  if (!call.who.sysadmin) return HarborError(ErrorCode::kForbidden, "only system administrators may");
  const bool self = call.who.kind == Principal::Kind::kUser && call.who.id == user->id;
  if (self || user->id == 1)
    return HarborError(ErrorCode::kForbidden, "the first admin and oneself cannot be deleted");
  if (auto s = store_.DeleteUser(user->id); !s) return HarborError(s.error());
  changes_.Publish(ChangeTopic::kCredentials, "");
  return Empty(200);
}

Response HarborApi::UpdateUserProfile(Call& call) {
  auto user = UserOf(call);
  if (!user) return HarborError(user.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  auto email = StringField(*body, "email");
  auto realname = StringField(*body, "realname");
  auto comment = StringField(*body, "comment");
  for (const auto* f : {&email, &realname, &comment}) {
    if (!*f) return HarborError(f->error());
  }
  if (*email) {
    if (auto s = CheckEmail(**email); !s) return HarborError(s.error());
    user->email = **email;
  }
  if (*realname) user->realname = **realname;
  if (*comment) user->comment = **comment;
  user->updated_at = clock_.Now();
  if (auto s = store_.UpdateUser(*user); !s) {
    if (s.error().code == ErrorCode::kConflict)
      return HarborError(ErrorCode::kConflict, "email already taken");
    return HarborError(s.error());
  }
  return Empty(200);
}

Response HarborApi::UpdateUserPassword(Call& call) {
  auto user = UserOf(call);
  if (!user) return HarborError(user.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  if (!user->ldap_dn.empty())
    return HarborError(ErrorCode::kForbidden, "LDAP users change their password in LDAP");
  auto old_password = StringField(*body, "old_password");
  auto new_password = StringField(*body, "new_password");
  if (!old_password) return HarborError(old_password.error());
  if (!new_password) return HarborError(new_password.error());
  if (!*new_password) return HarborError(ErrorCode::kBadRequest, "new_password is required");
  // A system administrator resets another's password; one's own needs the old one.
  const bool self = call.who.kind == Principal::Kind::kUser && call.who.id == user->id;
  if (self || !call.who.sysadmin) {
    if (!*old_password || !VerifyPassword(**old_password, user->password_hash))
      return HarborError(ErrorCode::kForbidden, "the old password is wrong");
  }
  if (VerifyPassword(**new_password, user->password_hash))
    return HarborError(ErrorCode::kBadRequest, "the new password is the old one");
  if (auto s = CheckPasswordPolicy(**new_password); !s) return HarborError(s.error());
  user->password_hash = HashPassword(**new_password, authenticator_.password_iterations());
  user->updated_at = clock_.Now();
  if (auto s = store_.UpdateUser(*user); !s) return HarborError(s.error());
  changes_.Publish(ChangeTopic::kCredentials, "");
  return Empty(200);
}

Response HarborApi::SetUserSysAdmin(Call& call) {
  auto user = UserOf(call);
  if (!user) return HarborError(user.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  if (!call.who.sysadmin) return HarborError(ErrorCode::kForbidden, "only system administrators may");
  if (user->id == 1) return HarborError(ErrorCode::kForbidden, "the first admin stays an admin");
  auto flag = BoolField(*body, "sysadmin_flag");
  if (!flag) return HarborError(flag.error());
  if (!*flag) return HarborError(ErrorCode::kBadRequest, "sysadmin_flag is required");
  user->sysadmin = **flag;
  user->updated_at = clock_.Now();
  if (auto s = store_.UpdateUser(*user); !s) return HarborError(s.error());
  changes_.Publish(ChangeTopic::kCredentials, "");
  return Empty(200);
}

Response HarborApi::GetCurrentUserInfo(Call& call) {
  if (auto s = RequireUser(call.who); !s) return HarborError(s.error());
  if (call.who.kind != Principal::Kind::kUser)
    return HarborError(ErrorCode::kForbidden, "a robot account is not a user");
  auto user = store_.GetUser(call.who.id);
  if (!user) return HarborError(user.error());
  boost::json::object body = UserJson(*user);
  body["admin_role_in_auth"] = false;
  return JsonBody(200, body);
}

Response HarborApi::GetCurrentUserPermissions(Call& call) {
  if (auto s = RequireUser(call.who); !s) return HarborError(s.error());
  // Harbor's form: scope=/project/{id}; relative=true drops the scope from resource names.
  auto scope = call.request.Query("scope");
  const bool relative = call.request.Query("relative") == std::optional<std::string_view>("true");
  boost::json::array out;
  if (!scope || !scope->starts_with("/project/")) return JsonBody(200, out);
  auto id = ParseId(scope->substr(9));
  if (!id) return HarborError(ErrorCode::kBadRequest, "scope must be /project/{id}");
  auto project = store_.GetProject(*id);
  // A missing project has no permissions, as a private one has none for a non-member.
  if (!project && project.error().code == ErrorCode::kNotFound) return JsonBody(200, out);
  if (!project) return HarborError(project.error());
  auto permissions = access_.Permissions(
      call.who, ProjectRef{project->id, project->name, project->is_public, project->created_at});
  if (!permissions) return HarborError(permissions.error());
  for (const Permission& perm : *permissions) {
    std::string resource(ResourceName(perm.resource));
    if (!relative) resource = std::string(*scope) + "/" + resource;
    out.push_back(boost::json::object{{"resource", resource}, {"action", ActionName(perm.action)}});
  }
  return JsonBody(200, out);
}

Response HarborApi::SearchUserGroups(Call& call) {
  if (auto s = RequireUser(call.who); !s) return HarborError(s.error());
  auto name = call.request.Query("groupname");
  if (!name) return HarborError(ErrorCode::kBadRequest, "groupname is required");
  auto listing = ParseListing(call.request);
  if (!listing) return HarborError(listing.error());
  listing->request.conditions = {
      QueryCondition{"group_name", QueryCondition::Kind::kFuzzy, {std::string(*name)}, {}, {}}};
  auto groups = store_.ListGroups(listing->request);
  if (!groups) return HarborError(groups.error());
  boost::json::array items;
  for (const GroupRecord& g : groups->items)
    items.push_back(
        boost::json::object{{"id", g.id}, {"group_name", g.name}, {"group_type", g.type}});
  return PagedSlice(call.request, listing->page, std::move(items), groups->total);
}

Response HarborApi::ListUserGroups(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  auto listing = ParseListing(call.request);
  if (!listing) return HarborError(listing.error());
  if (auto dn = call.request.Query("ldap_group_dn")) {
    listing->request.conditions.push_back(
        QueryCondition{"ldap_group_dn", QueryCondition::Kind::kExact, {std::string(*dn)}, {}, {}});
  }
  if (auto name = call.request.Query("group_name")) {
    listing->request.conditions.push_back(
        QueryCondition{"group_name", QueryCondition::Kind::kFuzzy, {std::string(*name)}, {}, {}});
  }
  auto groups = store_.ListGroups(listing->request);
  if (!groups) return HarborError(groups.error());
  boost::json::array items;
  for (const GroupRecord& g : groups->items) items.push_back(GroupJson(g));
  return PagedSlice(call.request, listing->page, std::move(items), groups->total);
}

Response HarborApi::CreateUserGroup(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  auto name = StringField(*body, "group_name");
  auto type = IntField(*body, "group_type");
  auto dn = StringField(*body, "ldap_group_dn");
  if (!name) return HarborError(name.error());
  if (!type) return HarborError(type.error());
  if (!dn) return HarborError(dn.error());
  const int64_t group_type = type->value_or(1);
  if (group_type < 1 || group_type > 3)
    return HarborError(ErrorCode::kBadRequest, "group_type must be 1 (LDAP), 2 (HTTP) or 3 (OIDC)");
  GroupRecord group{0, name->value_or(""), static_cast<int>(group_type), dn->value_or(""),
                    clock_.Now()};
  if (group.type == 1) {
    if (group.ldap_dn.empty())
      return HarborError(ErrorCode::kBadRequest, "an LDAP group needs its ldap_group_dn");
    if (!ldap_) return HarborError(ErrorCode::kBadRequest, "auth_mode is not ldap_auth");
    auto found = ldap_->SearchGroups("", group.ldap_dn);
    if (!found) return HarborError(found.error());
    if (found->empty()) return HarborError(ErrorCode::kNotFound, "no LDAP group " + group.ldap_dn);
    if (group.name.empty()) group.name = found->front().name;
  }
  if (group.name.empty()) return HarborError(ErrorCode::kBadRequest, "group_name is required");
  auto id = store_.CreateGroup(group);
  if (!id) {
    if (id.error().code == ErrorCode::kConflict)
      return HarborError(ErrorCode::kConflict, "the group already exists");
    return HarborError(id.error());
  }
  return Created(std::string(kApiPrefix) + "/usergroups/" + std::to_string(*id));
}

Result<GroupRecord> HarborApi::GroupOf(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return tl::unexpected(s.error());
  auto id = ParseId(call.params.Get("group_id"));
  if (!id) return Fail(ErrorCode::kBadRequest, "the group id must be a positive integer");
  auto group = store_.GetGroup(*id);
  if (!group) return Fail(group.error().code, "user group not found");
  return group;
}

Response HarborApi::GetUserGroup(Call& call) {
  auto group = GroupOf(call);
  if (!group) return HarborError(group.error());
  return JsonBody(200, GroupJson(*group));
}

Response HarborApi::DeleteUserGroup(Call& call) {
  auto group = GroupOf(call);
  if (!group) return HarborError(group.error());
  if (auto s = store_.DeleteGroup(group->id); !s) return HarborError(s.error());
  return Empty(200);
}

Response HarborApi::UpdateUserGroup(Call& call) {
  auto group = GroupOf(call);
  if (!group) return HarborError(group.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  auto name = StringField(*body, "group_name");
  if (!name) return HarborError(name.error());
  if (!*name || (*name)->empty()) return HarborError(ErrorCode::kBadRequest, "group_name is required");
  group->name = **name;
  if (auto s = store_.UpdateGroup(*group); !s) return HarborError(s.error());
  return Empty(200);
}

Response HarborApi::PingLdap(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  Config::Ldap config = ldap_ ? ldap_->config() : Config::Ldap{};
  if (!call.body.empty()) {
    auto body = ParseJsonObject(call.body);
    if (!body) return HarborError(body.error());
    auto text = [&](std::string_view key, std::string& into) -> Status {
      auto v = StringField(*body, key);
      if (!v) return tl::unexpected(v.error());
      if (*v && !(*v)->empty()) into = **v;
      return {};
    };
    for (auto [key, into] :
         {std::pair{"ldap_url", &config.url}, std::pair{"ldap_search_dn", &config.search_dn},
          std::pair{"ldap_search_password", &config.search_password},
          std::pair{"ldap_base_dn", &config.base_dn}}) {
      if (auto s = text(key, *into); !s) return HarborError(s.error());
    }
    auto verify = BoolField(*body, "ldap_verify_cert");
    if (!verify) return HarborError(verify.error());
    if (*verify) config.verify_cert = **verify;
  }
  Status ping = LdapDirectory::Ping(config);
  return JsonBody(200, boost::json::object{{"success", bool(ping)},
                                           {"message", ping ? "" : ping.error().message}});
}

Response HarborApi::SearchLdapUser(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  if (!ldap_) return HarborError(ErrorCode::kBadRequest, "auth_mode is not ldap_auth");
  auto users = ldap_->SearchUsers(call.request.Query("username").value_or(""));
  if (!users) return HarborError(users.error());
  boost::json::array out;
  for (const LdapUser& u : *users) {
    out.push_back(
        boost::json::object{{"username", u.username}, {"realname", u.realname}, {"email", u.email}});
  }
  return JsonBody(200, out);
}

Response HarborApi::ImportLdapUser(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  if (!ldap_) return HarborError(ErrorCode::kBadRequest, "auth_mode is not ldap_auth");
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  const auto* list = body->if_contains("ldap_uid_list");
  if (!list || !list->is_array())
    return HarborError(ErrorCode::kBadRequest, "ldap_uid_list must be an array");
  boost::json::array failed;
  for (const auto& uid : list->as_array()) {
    if (!uid.is_string()) return HarborError(ErrorCode::kBadRequest, "uids must be strings");
    const std::string name(uid.as_string());
    auto found = ldap_->SearchUsers(name);
    if (!found) return HarborError(found.error());
    if (found->size() != 1) {
      failed.push_back(boost::json::object{{"uid", name}, {"error", "not found in LDAP"}});
      continue;
    }
    auto id = store_.CreateUser(OnboardedUser(found->front(), clock_.Now()));
    if (!id) {
      failed.push_back(boost::json::object{
          {"uid", name},
          {"error", id.error().code == ErrorCode::kConflict ? "already exists" : id.error().message}});
    }
  }
  if (!failed.empty()) return JsonBody(404, failed);
  return Empty(200);
}

Response HarborApi::SearchLdapGroup(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  if (!ldap_) return HarborError(ErrorCode::kBadRequest, "auth_mode is not ldap_auth");
  auto groups = ldap_->SearchGroups(call.request.Query("groupname").value_or(""),
                                    call.request.Query("groupdn").value_or(""));
  if (!groups) return HarborError(groups.error());
  boost::json::array out;
  for (const LdapGroup& g : *groups) {
    out.push_back(
        boost::json::object{{"group_name", g.name}, {"group_type", 1}, {"ldap_group_dn", g.dn}});
  }
  return JsonBody(200, out);
}

Response HarborApi::GetPing(Call&) {
  Response res = Empty(200);
  res.headers.Set("Content-Type", "text/plain");
  res.body = "Pong";
  return res;
}

// The database answers a read and the blob store a look-up, or the node is of no use.
Response HarborApi::GetHealth(Call&) {
  auto admin = store_.GetUser(1);
  boost::json::object database{{"name", "database"}, {"status", admin ? "healthy" : "unhealthy"}};
  if (!admin) database["error"] = admin.error().message;
  auto probe = blobs_.Stat(DigestOf(""));
  const bool stored = probe || probe.error().code == ErrorCode::kBlobUnknown;
  boost::json::object storage{{"name", "storage"}, {"status", stored ? "healthy" : "unhealthy"}};
  if (!stored) storage["error"] = probe.error().message;
  boost::json::array components{boost::json::object{{"name", "core"}, {"status", "healthy"}},
                                database, storage};
  const bool healthy = admin && stored;
  return JsonBody(healthy ? 200 : 503,
                  boost::json::object{{"status", healthy ? "healthy" : "unhealthy"},
                                      {"components", components}});
}

Response HarborApi::GetSystemInfo(Call& call) {
  // As Harbor: anonymous callers learn only what the login page needs.
  boost::json::object info{{"auth_mode", options_.auth_mode},
                           {"primary_auth_mode", false},
                           {"self_registration", false},
                           {"harbor_version", "berth-" BERTH_VERSION},
                           {"current_time", Rfc3339(clock_.Now())}};
  if (!call.who.anonymous()) {
    const size_t scheme = options_.external_url.find("://");
    info["external_url"] = options_.external_url;
    info["registry_url"] = scheme == std::string::npos ? options_.external_url
                                                       : options_.external_url.substr(scheme + 3);
    const RuntimeSettings settings = settings_.Get();
    info["project_creation_restriction"] = settings.project_creation_restriction;
    info["has_ca_root"] = false;
    info["registry_storage_provider_name"] = "filesystem";
    info["read_only"] = settings.read_only;
    info["notification_enable"] = settings.notification_enable;
  }
  return JsonBody(200, info);
}

}  // namespace berth
