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

}  // namespace

Response HarborApi::Repositories(Call& call, const ProjectRecord& project) {
  const auto& p = call.path;
  const std::string& m = call.request.method;
  auto require = [&](Action a) { return Require(call.who, project, Resource::kRepository, a); };
  if (p.size() == 3) {
    if (m != "GET") return HarborError(ErrorCode::kMethodNotAllowed);
    if (auto s = require(Action::kList); !s) return HarborError(s.error());
    auto listing = ParseListing(call.request);
    if (!listing) return HarborError(listing.error());
    auto listed =
        content_.ListRepositoryRecords(std::vector<std::string>{project.name}, listing->request);
    if (!listed) return HarborError(listed.error());
    boost::json::array items;
    for (const RepositoryRecord& r : listed->items) items.push_back(RepositoryJson(r, project.id));
    return PagedSlice(call.request, listing->page, std::move(items), listed->total);
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
  auto listing = ParseListing(call.request);
  if (!listing) return HarborError(listing.error());
  auto projects = ListableProjects(call.who, Resource::kRepository);
  if (!projects) return HarborError(projects.error());
  auto listed = content_.ListRepositoryRecords(*projects, listing->request);
  if (!listed) return HarborError(listed.error());
  boost::json::array items;
  for (const RepositoryRecord& r : listed->items) {
    auto project = access_.FindProject(ProjectOf(r.name));
    items.push_back(RepositoryJson(r, project && *project ? (*project)->id : 0));
  }
  return PagedSlice(call.request, listing->page, std::move(items), listed->total);
}

Result<std::optional<std::vector<std::string>>> HarborApi::ListableProjects(const Principal& who,
                                                                             Resource resource) {
  if (who.sysadmin) return std::nullopt;
  auto projects = store_.ListProjects();
  if (!projects) return tl::unexpected(projects.error());
  std::vector<std::string> names;
  for (const ProjectRecord& p : *projects) {
    auto can = access_.Can(who, ProjectRef{p.id, p.name, p.is_public, p.created_at}, resource,
                           Action::kList);
    if (!can) return tl::unexpected(can.error());
    if (*can) names.push_back(p.name);
  }
  return names;
}

}  // namespace berth
