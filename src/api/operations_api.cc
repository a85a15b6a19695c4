// Labels, quotas, audit logs, search, statistics, configurations and storage volumes.
#include <sys/statvfs.h>

#include <boost/json.hpp>
#include <ctime>

#include "api/harbor_api.h"
#include "api/harbor_json.h"
#include "api/query.h"

namespace berth {
namespace {

using http::Response;

// The repositories a search answers with at most, by name: Harbor's search is not paged.
constexpr int64_t kMaxSearchHits = 500;

boost::json::object QuotaJson(const QuotaRecord& q, const std::string& owner) {
  return {{"id", q.project_id},
          {"ref", boost::json::object{{"id", q.project_id},
                                      {"name", q.project_name},
                                      {"owner_name", owner}}},
          {"hard", boost::json::object{{"storage", q.storage_limit}}},
          {"used", boost::json::object{{"storage", q.storage_used}}},
          {"creation_time", Rfc3339(q.created_at)},
          {"update_time", Rfc3339(q.updated_at)}};
}

// "2026-11-30 04:24:44" (UTC), as Harbor's q writes op_time, in Unix seconds; nullopt for an
// open end; BAD_REQUEST otherwise.
Result<std::optional<int64_t>> ParseQueryTime(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  std::tm tm{};
  const char* end = strptime(text->c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  if (!end || *end != '\0') return Fail(ErrorCode::kBadRequest, "bad time " + *text);
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace

boost::json::object LabelJson(const LabelRecord& l) {
  return {{"id", l.id},
          {"name", l.name},
          {"description", l.description},
          {"color", l.color},
          {"scope", l.scope},
          {"project_id", l.project_id},
          {"creation_time", Rfc3339(l.created_at)},
          {"update_time", Rfc3339(l.updated_at)}};
}

// Global labels are the administrators'; a project's, its maintainers' (Resource::kLabel).
Status HarborApi::MayLabel(const Principal& who, const LabelRecord& l, Action action) {
  if (auto s = RequireUser(who); !s) return s;
  if (l.scope == "g") {
    if (action == Action::kRead || action == Action::kList) return {};
    return RequireAdmin(who);
  }
  auto project = store_.GetProject(l.project_id);
  if (!project) return Fail(ErrorCode::kNotFound, "project not found");
  return Require(who, *project, Resource::kLabel, action);
}

Result<LabelRecord> HarborApi::LabelOf(Call& call) {
  if (auto s = RequireUser(call.who); !s) return tl::unexpected(s.error());
  auto id = ParseId(call.params.Get("label_id"));
  if (!id) return Fail(ErrorCode::kBadRequest, "invalid label id");
  auto label = management_.GetLabel(*id);
  if (!label && label.error().code == ErrorCode::kNotFound)
    return Fail(ErrorCode::kNotFound, "label not found");
  return label;
}

Response HarborApi::ListLabels(Call& call) {
  const std::string scope(call.request.Query("scope").value_or("g"));
  if (scope != "g" && scope != "p")
    return HarborError(ErrorCode::kBadRequest, "scope must be g or p");
  int64_t project_id = 0;
  if (scope == "p") {
    auto id = ParseId(call.request.Query("project_id").value_or(""));
    if (!id) return HarborError(ErrorCode::kBadRequest, "project_id is required for scope p");
    project_id = *id;
  }
  if (auto s = MayLabel(call.who, LabelRecord{0, {}, {}, {}, scope, project_id}, Action::kList); !s)
    return HarborError(s.error());
  auto listing = ParseListing(call.request);
  if (!listing) return HarborError(listing.error());
  if (auto name = call.request.Query("name")) {
    listing->request.conditions.push_back(
        QueryCondition{"name", QueryCondition::Kind::kFuzzy, {std::string(*name)}, {}, {}});
  }
  auto labels = management_.ListLabels(scope, project_id, listing->request);
  if (!labels) return HarborError(labels.error());
  boost::json::array items;
  for (const LabelRecord& l : labels->items) items.push_back(LabelJson(l));
  return PagedSlice(call.request, listing->page, std::move(items), labels->total);
}

Response HarborApi::CreateLabel(Call& call) {
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  auto name = StringField(*body, "name");
  auto description = StringField(*body, "description");
  auto color = StringField(*body, "color");
  auto scope = StringField(*body, "scope");
  auto project_id = IntField(*body, "project_id");
  for (const auto* f : {&name, &description, &color, &scope}) {
    if (!*f) return HarborError(f->error());
  }
  if (!project_id) return HarborError(project_id.error());
  if (!*name || (*name)->empty()) return HarborError(ErrorCode::kBadRequest, "name is required");
  const int64_t now = clock_.Now();
  LabelRecord label{0,         **name, description->value_or(""), color->value_or(""),
                    scope->value_or("g"), 0,     now,  now};
  if (label.scope == "p") {
    label.project_id = project_id->value_or(0);
    if (label.project_id <= 0)
      return HarborError(ErrorCode::kBadRequest, "project_id is required for scope p");
  } else if (label.scope != "g") {
    return HarborError(ErrorCode::kBadRequest, "scope must be g or p");
  }
  if (auto s = MayLabel(call.who, label, Action::kCreate); !s) return HarborError(s.error());
  auto id = management_.CreateLabel(label);
  if (!id) {
    if (id.error().code == ErrorCode::kConflict)
      return HarborError(ErrorCode::kConflict, "label " + label.name + " already exists");
    return HarborError(id.error());
  }
  return Created(std::string(kApiPrefix) + "/labels/" + std::to_string(*id));
}

Response HarborApi::GetLabelByID(Call& call) {
  auto label = LabelOf(call);
  if (!label) return HarborError(label.error());
  if (auto s = MayLabel(call.who, *label, Action::kRead); !s) return HarborError(s.error());
  return JsonBody(200, LabelJson(*label));
}

Response HarborApi::UpdateLabel(Call& call) {
  auto label = LabelOf(call);
  if (!label) return HarborError(label.error());
  if (auto s = MayLabel(call.who, *label, Action::kUpdate); !s) return HarborError(s.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  auto name = StringField(*body, "name");
  auto description = StringField(*body, "description");
  auto color = StringField(*body, "color");
  for (const auto* f : {&name, &description, &color}) {
    if (!*f) return HarborError(f->error());
  }
  if (*name) label->name = **name;
  if (*description) label->description = **description;
  if (*color) label->color = **color;
  label->updated_at = clock_.Now();
  if (auto s = management_.UpdateLabel(*label); !s) return HarborError(s.error());
  return Empty(200);
}

Response HarborApi::DeleteLabel(Call& call) {
  auto label = LabelOf(call);
  if (!label) return HarborError(label.error());
  if (auto s = MayLabel(call.who, *label, Action::kDelete); !s) return HarborError(s.error());
  if (auto s = management_.DeleteLabel(label->id); !s) return HarborError(s.error());
  return Empty(200);
}

std::string HarborApi::QuotaOwner(int64_t project_id) {
  auto project = store_.GetProject(project_id);
  if (!project) return {};
  auto owner = store_.GetUser(project->owner_id);
  return owner ? owner->username : std::string();
}

Result<QuotaRecord> HarborApi::QuotaOf(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return tl::unexpected(s.error());
  auto id = ParseId(call.params.Get("id"));
  if (!id) return Fail(ErrorCode::kBadRequest, "invalid quota id");
  auto quota = management_.GetQuota(*id);
  if (!quota && quota.error().code == ErrorCode::kNotFound)
    return Fail(ErrorCode::kNotFound, "quota not found");
  return quota;
}

Response HarborApi::ListQuotas(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  const auto reference = call.request.Query("reference");
  if (reference && *reference != "project")
    return HarborError(ErrorCode::kBadRequest, "reference must be project");
  // A reference_id that is no project id names no quota (0 is no project's id either).
  std::optional<int64_t> project_id;
  if (auto reference_id = call.request.Query("reference_id"))
    project_id = ParseId(*reference_id).value_or(0);
  auto listing = ParseListing(call.request);
  if (!listing) return HarborError(listing.error());
  for (const SortKey& key : listing->request.sort) {
    if (key.field != "hard.storage" && key.field != "used.storage" &&
        key.field != "creation_time" && key.field != "update_time")
      return HarborError(ErrorCode::kBadRequest, "cannot sort quotas by " + key.field);
  }
  auto quotas = management_.ListQuotas(project_id, listing->request);
  if (!quotas) return HarborError(quotas.error());
  boost::json::array items;
  for (const QuotaRecord& q : quotas->items) items.push_back(QuotaJson(q, QuotaOwner(q.project_id)));
  return PagedSlice(call.request, listing->page, std::move(items), quotas->total);
}

Response HarborApi::GetQuota(Call& call) {
  auto quota = QuotaOf(call);
  if (!quota) return HarborError(quota.error());
  return JsonBody(200, QuotaJson(*quota, QuotaOwner(quota->project_id)));
}

Response HarborApi::UpdateQuota(Call& call) {
  auto quota = QuotaOf(call);
  if (!quota) return HarborError(quota.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  const auto* hard = body->if_contains("hard");
  if (!hard || !hard->is_object())
    return HarborError(ErrorCode::kBadRequest, "hard must be an object");
  auto storage = IntField(hard->as_object(), "storage");
  if (!storage) return HarborError(storage.error());
  if (!*storage) return HarborError(ErrorCode::kBadRequest, "hard.storage is required");
  const int64_t limit = **storage;
  if (limit < -1 || limit == 0)
    return HarborError(ErrorCode::kBadRequest, "hard.storage must be -1 or more than 0");
  if (auto s = management_.SetStorageLimit(quota->project_id, limit, clock_.Now()); !s)
    return HarborError(s.error());
  return Empty(200);
}

Response HarborApi::ListAuditLogs(Call& call) { return AuditLogs(call, nullptr); }

Response HarborApi::GetLogs(Call& call) { return AuditLogs(call, &*call.project); }

Response HarborApi::AuditLogs(Call& call, const ProjectRecord* project) {
  if (project) {
    if (auto s = Require(call.who, *project, Resource::kLog, Action::kList); !s)
      return HarborError(s.error());
  } else if (call.who.anonymous()) {
    return HarborError(ErrorCode::kUnauthenticated, "log in first");
  }
  AuditLogQuery query;
  if (project) {
    query.projects = std::vector<int64_t>{project->id};
  } else if (!call.who.sysadmin) {
    // Outside a project, callers other than administrators see the projects whose logs they
    // may read.
    auto projects = store_.ListProjects();
    if (!projects) return HarborError(projects.error());
    query.projects.emplace();
    for (const ProjectRecord& p : *projects) {
      if (Require(call.who, p, Resource::kLog, Action::kList)) query.projects->push_back(p.id);
    }
  }
  auto conditions = ParseQuery(call.request.Query("q").value_or(""));
  if (!conditions) return HarborError(conditions.error());
  for (const QueryCondition& c : *conditions) {
    using Kind = QueryCondition::Kind;
    if (c.key == "op_time") {
      auto from = ParseQueryTime(c.kind == Kind::kRange ? c.min : c.values.front());
      auto to = ParseQueryTime(c.kind == Kind::kRange ? c.max : c.values.front());
      if (!from || !to || (c.kind != Kind::kRange && c.kind != Kind::kExact))
        return HarborError(ErrorCode::kBadRequest,
                           "op_time takes [YYYY-MM-DD hh:mm:ss~YYYY-MM-DD hh:mm:ss]");
      query.from = std::max(query.from, from->value_or(0));
      query.to = std::min(query.to, to->value_or(query.to));
      continue;
    }
    if (c.key != "username" && c.key != "resource" && c.key != "resource_type" &&
        c.key != "operation") {
      return HarborError(ErrorCode::kBadRequest, "cannot filter audit logs by " + c.key);
    }
    switch (c.kind) {
      case Kind::kExact:
      case Kind::kAnyOf:
        query.text.push_back({c.key, c.values, false});
        break;
      case Kind::kFuzzy:
        query.text.push_back({c.key, c.values, true});
        break;
      case Kind::kAllOf:
        for (const std::string& v : c.values) query.text.push_back({c.key, {v}, false});
        break;
      case Kind::kRange:
        return HarborError(ErrorCode::kBadRequest, c.key + " cannot be a range");
    }
  }
  auto sort = ParseSort(call.request.Query("sort").value_or(""));
  if (!sort) return HarborError(sort.error());
  if (sort->size() > 1) return HarborError(ErrorCode::kBadRequest, "audit logs sort by one field");
  if (!sort->empty()) {
    query.order_by = sort->front().field;
    query.descending = sort->front().descending;
  }
  auto page = ParsePageRequest(call.request.Query("page"), call.request.Query("page_size"));
  if (!page) return HarborError(page.error());
  query.offset = page->Offset();
  query.limit = page->page_size;
  auto logs = history_.QueryAuditLogs(query);
  if (!logs) return HarborError(logs.error());
  boost::json::array items;
  for (const AuditLogRecord& l : logs->items) {
    items.push_back(boost::json::object{{"id", l.id},
                                        {"username", l.username},
                                        {"resource", l.resource},
                                        {"resource_type", l.resource_type},
                                        {"operation", l.operation},
                                        {"op_time", Rfc3339(l.op_time)}});
  }
  return PagedSlice(call.request, *page, std::move(items), logs->total);
}

Response HarborApi::Search(Call& call) {
  const std::string text(call.request.Query("q").value_or(""));
  QueryCondition name;
  name.key = "name";
  name.kind = QueryCondition::Kind::kFuzzy;
  name.values = {text};
  auto projects = store_.ListProjects();
  if (!projects) return HarborError(projects.error());
  boost::json::array project_hits, repository_hits;
  std::vector<std::string> readable;
  std::map<std::string, const ProjectRecord*> by_name;
  for (const ProjectRecord& p : *projects) {
    auto can = access_.Can(call.who, ProjectRef{p.id, p.name, p.is_public, p.created_at},
                           Resource::kProject, Action::kRead);
    if (!can) return HarborError(can.error());
    if (!*can) continue;
    if (MatchesText(name, p.name)) project_hits.push_back(ProjectJson(call.who, p));
    readable.push_back(p.name);
    by_name[p.name] = &p;
  }
  auto repositories =
      content_.ListRepositoryRecords(readable, ListRequest{{name}, {}, 0, kMaxSearchHits});
  if (!repositories) return HarborError(repositories.error());
  for (const RepositoryRecord& r : repositories->items) {
    const ProjectRecord& p = *by_name.at(std::string(ProjectOf(r.name)));
    repository_hits.push_back(boost::json::object{{"project_id", p.id},
                                                  {"project_name", p.name},
                                                  {"project_public", p.is_public},
                                                  {"repository_name", r.name},
                                                  {"pull_count", r.pull_count},
                                                  {"artifact_count", r.artifact_count}});
  }
  return JsonBody(200, boost::json::object{{"project", std::move(project_hits)},
                                           {"repository", std::move(repository_hits)}});
}

Response HarborApi::GetStatistic(Call& call) {
  if (call.who.anonymous()) return HarborError(ErrorCode::kUnauthenticated, "log in first");
  auto projects = store_.ListProjects();
  if (!projects) return HarborError(projects.error());
  int64_t public_projects = 0, private_projects = 0, public_repos = 0, private_repos = 0;
  for (const ProjectRecord& p : *projects) {
    // Administrators count everything; others the public projects and their own.
    if (!call.who.sysadmin && !p.is_public) {
      auto roles = access_.Roles(call.who, ProjectRef{p.id, p.name, p.is_public, p.created_at});
      if (!roles || roles->empty()) continue;
    }
    auto repos = store_.CountRepositories(p.name);
    if (!repos) return HarborError(repos.error());
    (p.is_public ? public_projects : private_projects) += 1;
    (p.is_public ? public_repos : private_repos) += *repos;
  }
  boost::json::object out{{"public_project_count", public_projects},
                          {"private_project_count", private_projects},
                          {"total_project_count", public_projects + private_projects},
                          {"public_repo_count", public_repos},
                          {"private_repo_count", private_repos},
                          {"total_repo_count", public_repos + private_repos}};
  if (call.who.sysadmin) {
    auto quotas = management_.ListQuotas();
    if (!quotas) return HarborError(quotas.error());
    int64_t used = 0;
    for (const QuotaRecord& q : *quotas) used += q.storage_used;
    out["total_storage_consumption"] = used;
  }
  return JsonBody(200, out);
}

Response HarborApi::GetConfigurations(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  const RuntimeSettings s = settings_.Get();
  auto item = [](boost::json::value v, bool editable) {
    return boost::json::object{{"value", std::move(v)}, {"editable", editable}};
  };
  return JsonBody(
      200, boost::json::object{
               {"auth_mode", item(boost::json::string(options_.auth_mode), false)},
               {"primary_auth_mode", item(false, false)},
               {"self_registration", item(false, false)},
               {"project_creation_restriction", item(boost::json::string(s.project_creation_restriction), true)},
               {"read_only", item(s.read_only, true)},
               {"token_expiration", item(s.token_expiration_minutes, true)},
               {"robot_token_duration", item(s.robot_token_duration_days, true)},
               {"robot_name_prefix", item("robot$", false)},
               {"notification_enable", item(s.notification_enable, true)},
               {"quota_per_project_enable", item(true, false)},
               {"storage_per_project", item(s.storage_per_project, true)}});
}

Response HarborApi::UpdateConfigurations(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  std::map<std::string, std::string> values;
  for (const auto& [key, value] : *body) {
    if (value.is_string()) {
      values[key] = std::string(value.as_string());
    } else if (value.is_bool()) {
      values[key] = value.as_bool() ? "true" : "false";
    } else if (value.is_int64()) {
      values[key] = std::to_string(value.as_int64());
    } else {
      return HarborError(ErrorCode::kBadRequest,
                         std::string(key) + " must be a string, a boolean or an integer");
    }
  }
  RuntimeSettings next = settings_.Get();
  if (auto s = ApplySettings(values, next); !s) return HarborError(s.error());
  if (auto s = management_.SaveSettings(SettingsToMap(next)); !s) return HarborError(s.error());
  settings_.Set(std::move(next));
  changes_.Publish(ChangeTopic::kSettings, "");
  return Empty(200);
}

Response HarborApi::GetVolumes(Call& call) {
  if (auto s = RequireAdmin(call.who); !s) return HarborError(s.error());
  struct statvfs fs {};
  if (::statvfs(data_dir_.c_str(), &fs) != 0)
    return HarborError(ErrorCode::kInternal, "cannot read the data volume");
  const auto total = static_cast<int64_t>(fs.f_blocks * fs.f_frsize);
  const auto free = static_cast<int64_t>(fs.f_bavail * fs.f_frsize);
  return JsonBody(200, boost::json::object{
                           {"storage", boost::json::array{boost::json::object{
                                           {"total", total}, {"free", free}}}}});
}

}  // namespace berth
