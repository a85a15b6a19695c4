// Repositories: listed per project and across projects, read, described and deleted.
#include <boost/json.hpp>
#include <algorithm>
#include <span>

#include "api/harbor_api.h"
#include "api/harbor_json.h"
#include "api/query.h"
#include "core/reference.h"

namespace berth {
namespace {

using http::Response;

boost::json::object RepositoryJson(const RepositoryRecord& r, int64_t project_id) {
  return {{"id", r.id},
          {"project_id", project_id},
          {"name", r.name},
          {"description", r.description},
          {"artifact_count", r.artifact_count},
          {"pull_count", r.pull_count},
          {"creation_time", Rfc3339(r.created_at)},
          {"update_time", Rfc3339(r.updated_at)}};
}

// The repository's path within its project. Harbor's clients encode a name's slashes twice
// ("web%252Fui" arrives here as "web%2Fui"); encoded once, the name arrives in segments.
std::string RepositoryPath(std::span<const std::string_view> segments) {
  std::string joined;
  for (std::string_view part : segments) joined += (joined.empty() ? "" : "/") + std::string(part);
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

std::optional<SortValue> RepositoryField(const RepositoryRecord& r, const std::string& field) {
  if (field == "name") return r.name;
  if (field == "creation_time") return r.created_at;
  if (field == "update_time") return r.updated_at;
  if (field == "artifact_count") return r.artifact_count;
  if (field == "pull_count") return r.pull_count;
  return std::nullopt;
}

// The repositories meeting `q` (name only), sorted as asked.
Result<std::vector<RepositoryRecord>> Filtered(const http::Request& req,
                                               std::vector<RepositoryRecord> all) {
  auto conditions = ParseQuery(req.Query("q").value_or(""));
  if (!conditions) return tl::unexpected(conditions.error());
  std::vector<RepositoryRecord> out;
  for (RepositoryRecord& r : all) {
    bool match = true;
    for (const QueryCondition& c : *conditions) {
      if (c.key != "name")
        return Fail(ErrorCode::kBadRequest, "cannot filter repositories by " + c.key);
      match = match && MatchesText(c, r.name);
    }
    if (match) out.push_back(std::move(r));
  }
  auto sort = ParseSort(req.Query("sort").value_or(""));
  if (!sort) return tl::unexpected(sort.error());
  if (auto s = SortItems(out, *sort, RepositoryField); !s) return tl::unexpected(s.error());
  return out;
}

}  // namespace

Response HarborApi::Repositories(Call& call, const ProjectRecord& project) {
  const auto& p = call.path;
  const std::string& m = call.request.method;
  auto require = [&](Action a) { return Require(call.who, project, Resource::kRepository, a); };
  if (p.size() == 3) {
    if (m != "GET") return HarborError(ErrorCode::kMethodNotAllowed);
    if (auto s = require(Action::kList); !s) return HarborError(s.error());
    auto all = content_.ListRepositoryRecords(project.name);
    if (!all) return HarborError(all.error());
    auto repositories = Filtered(call.request, std::move(*all));
    if (!repositories) return HarborError(repositories.error());
    boost::json::array items;
    for (const RepositoryRecord& r : *repositories) items.push_back(RepositoryJson(r, project.id));
    return PagedList(call.request, std::move(items));
  }
  // The repository's name ends where its artifacts begin.
  const auto artifacts = std::find(p.begin() + 4, p.end(), "artifacts");
  const size_t name_end = artifacts == p.end() ? p.size() : artifacts - p.begin();
  const std::string name =
      project.name + "/" + RepositoryPath(std::span(p).subspan(3, name_end - 3));
  if (artifacts != p.end()) {
    if (!IsValidRepositoryName(name))
      return HarborError(ErrorCode::kBadRequest, "invalid repository name " + name);
    return Artifacts(call, project, name, name_end + 1);
  }
  if (!IsValidRepositoryName(name))
    return HarborError(ErrorCode::kBadRequest, "invalid repository name " + name);
  if (m == "GET") {
    if (auto s = require(Action::kRead); !s) return HarborError(s.error());
    auto repository = content_.GetRepository(name);
    if (!repository) return HarborError(repository.error());
    return JsonBody(200, RepositoryJson(*repository, project.id));
  }
  if (m == "PUT") {
    if (auto s = require(Action::kUpdate); !s) return HarborError(s.error());
    auto body = ParseJsonObject(call.body);
    if (!body) return HarborError(body.error());
    auto description = StringField(*body, "description");
    if (!description) return HarborError(description.error());
    if (auto s = content_.SetRepositoryDescription(name, description->value_or(""), clock_.Now());
        !s)
      return HarborError(s.error());
    return Empty(200);
  }
  if (m == "DELETE") {
    if (auto s = require(Action::kDelete); !s) return HarborError(s.error());
    if (auto s = registry_.DeleteRepository(name, OperatorOf(call.who)); !s) return HarborError(s.error());
    return Empty(200);
  }
  return HarborError(ErrorCode::kMethodNotAllowed);
}

Response HarborApi::AllRepositories(Call& call) {
  if (call.request.method != "GET") return HarborError(ErrorCode::kMethodNotAllowed);
  auto all = content_.ListRepositoryRecords("");
  if (!all) return HarborError(all.error());
  // Only what the caller may list, project by project.
  std::vector<RepositoryRecord> visible;
  for (RepositoryRecord& r : *all) {
    auto project = access_.FindProject(ProjectOf(r.name));
    if (!project) return HarborError(project.error());
    if (!*project) continue;
    auto can = access_.Can(call.who, **project, Resource::kRepository, Action::kList);
    if (!can) return HarborError(can.error());
    if (*can) visible.push_back(std::move(r));
  }
  auto repositories = Filtered(call.request, std::move(visible));
  if (!repositories) return HarborError(repositories.error());
  boost::json::array items;
  for (const RepositoryRecord& r : *repositories) {
    auto project = access_.FindProject(ProjectOf(r.name));
    items.push_back(RepositoryJson(r, project && *project ? (*project)->id : 0));
  }
  return PagedList(call.request, std::move(items));
}

}  // namespace berth
