// Repositories: listed per project and across projects, read, described and deleted.
#include <boost/json.hpp>
#include <algorithm>

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

}  // namespace

Response HarborApi::ListRepositories(Call& call) {
  const ProjectRecord& project = *call.project;
  if (auto s = Require(call.who, project, Resource::kRepository, Action::kList); !s)
    return HarborError(s.error());
  auto listing = ParseListing(call.request);
  if (!listing) return HarborError(listing.error());
  auto listed =
      content_.ListRepositoryRecords(std::vector<std::string>{project.name}, listing->request);
  if (!listed) return HarborError(listed.error());
  boost::json::array items;
  for (const RepositoryRecord& r : listed->items) items.push_back(RepositoryJson(r, project.id));
  return PagedSlice(call.request, listing->page, std::move(items), listed->total);
}

Response HarborApi::GetRepository(Call& call) {
  if (auto s = Require(call.who, *call.project, Resource::kRepository, Action::kRead); !s)
    return HarborError(s.error());
  auto repository = content_.GetRepository(call.repository);
  if (!repository) return HarborError(repository.error());
  return JsonBody(200, RepositoryJson(*repository, call.project->id));
}

Response HarborApi::UpdateRepository(Call& call) {
  if (auto s = Require(call.who, *call.project, Resource::kRepository, Action::kUpdate); !s)
    return HarborError(s.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  auto description = StringField(*body, "description");
  if (!description) return HarborError(description.error());
  if (auto s = content_.SetRepositoryDescription(call.repository, description->value_or(""),
                                                 clock_.Now());
      !s)
    return HarborError(s.error());
  return Empty(200);
}

Response HarborApi::DeleteRepository(Call& call) {
  if (auto s = Require(call.who, *call.project, Resource::kRepository, Action::kDelete); !s)
    return HarborError(s.error());
  if (auto s = registry_.DeleteRepository(call.repository, OperatorOf(call.who)); !s)
    return HarborError(s.error());
  return Empty(200);
}

Response HarborApi::ListAllRepositories(Call& call) {
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
