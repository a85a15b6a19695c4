// A project's webhook policies and their delivery history: executions (one per event and
// policy), tasks (one per target) and each task's tries.
#include <boost/json.hpp>

#include "api/harbor_api.h"
#include "api/harbor_json.h"
#include "api/query.h"

namespace berth {
namespace {

using http::Response;

boost::json::object PolicyJson(const WebhookPolicyRecord& p) {
  boost::system::error_code ec;
  boost::json::value targets = boost::json::parse(p.targets_json, ec);
  boost::json::array types;
  for (const std::string& t : p.event_types) types.push_back(boost::json::string(t));
  return {{"id", p.id},
          {"name", p.name},
          {"description", p.description},
          {"project_id", p.project_id},
          {"targets", ec ? boost::json::value(boost::json::array()) : targets},
          {"event_types", std::move(types)},
          {"creator", p.creator},
          {"creation_time", Rfc3339(p.created_at)},
          {"update_time", Rfc3339(p.updated_at)},
          {"enabled", p.enabled}};
}

// The policy's fields from a request body, over `policy`.
Status ApplyPolicy(const boost::json::object& body, WebhookPolicyRecord& policy) {
  auto name = StringField(body, "name");
  auto description = StringField(body, "description");
  auto enabled = BoolField(body, "enabled");
  for (const auto* f : {&name, &description}) {
    if (!*f) return tl::unexpected(f->error());
  }
  if (!enabled) return tl::unexpected(enabled.error());
  if (*name) policy.name = **name;
  if (*description) policy.description = **description;
  if (*enabled) policy.enabled = **enabled;
  if (policy.name.empty()) return Fail(ErrorCode::kBadRequest, "name is required");
  if (const auto* types = body.if_contains("event_types")) {
    if (!types->is_array()) return Fail(ErrorCode::kBadRequest, "event_types must be an array");
    policy.event_types.clear();
    for (const auto& t : types->as_array()) {
      if (!t.is_string()) return Fail(ErrorCode::kBadRequest, "event types are strings");
      const std::string_view type = t.as_string();
      if (std::find(std::begin(kWebhookEventTypes), std::end(kWebhookEventTypes), type) ==
          std::end(kWebhookEventTypes)) {
        return Fail(ErrorCode::kBadRequest, "unknown event type " + std::string(type));
      }
      policy.event_types.emplace_back(type);
    }
  }
  if (policy.event_types.empty())
    return Fail(ErrorCode::kBadRequest, "event_types must name at least one event type");
  if (const auto* targets = body.if_contains("targets")) {
    const std::string json = boost::json::serialize(*targets);
    auto parsed = ParseWebhookTargets(json);
    if (!parsed) return tl::unexpected(parsed.error());
    policy.targets_json = json;
  }
  auto targets = ParseWebhookTargets(policy.targets_json);
  if (!targets || targets->empty())
    return Fail(ErrorCode::kBadRequest, "targets must hold at least one target");
  return {};
}

}  // namespace

Response HarborApi::GetSupportedEventTypes(Call& call) {
  if (auto s = Require(call.who, *call.project, Resource::kWebhookPolicy, Action::kRead); !s)
    return HarborError(s.error());
  boost::json::array types;
  for (std::string_view t : kWebhookEventTypes) types.push_back(boost::json::string(t));
  return JsonBody(
      200, boost::json::object{
               {"event_type", std::move(types)},
               {"notify_type", boost::json::array{"http"}},
               {"payload_formats",
                boost::json::array{boost::json::object{
                    {"notify_type", "http"},
                    {"formats", boost::json::array{"Default", "CloudEvents"}}}}}});
}

Response HarborApi::LastTrigger(Call& call) {
  const ProjectRecord& project = *call.project;
  if (auto s = Require(call.who, project, Resource::kWebhookPolicy, Action::kRead); !s)
    return HarborError(s.error());
  auto policies = management_.ListWebhookPolicies(project.id);
  if (!policies) return HarborError(policies.error());
  boost::json::array out;
  for (const WebhookPolicyRecord& policy : *policies) {
    for (const std::string& type : policy.event_types) {
      auto last = history_.LastWebhookTrigger(policy.id, type);
      if (!last) return HarborError(last.error());
      boost::json::object trigger{{"policy_name", policy.name},
                                  {"event_type", type},
                                  {"enabled", policy.enabled},
                                  {"creation_time", Rfc3339(policy.created_at)}};
      if (*last) trigger["last_trigger_time"] = Rfc3339(*last);
      out.push_back(std::move(trigger));
    }
  }
  return JsonBody(200, out);
}

Response HarborApi::ListWebhookPoliciesOfProject(Call& call) {
  const ProjectRecord& project = *call.project;
  if (auto s = Require(call.who, project, Resource::kWebhookPolicy, Action::kList); !s)
    return HarborError(s.error());
  auto policies = management_.ListWebhookPolicies(project.id);
  if (!policies) return HarborError(policies.error());
  auto sort = ParseSort(call.request.Query("sort").value_or(""));
  if (!sort) return HarborError(sort.error());
  auto field = [](const WebhookPolicyRecord& w,
                  const std::string& f) -> std::optional<SortValue> {
    if (f == "name") return w.name;
    if (f == "creation_time") return w.created_at;
    if (f == "update_time") return w.updated_at;
    if (f == "id") return w.id;
    return std::nullopt;
  };
  if (auto s = SortItems(*policies, *sort, field); !s) return HarborError(s.error());
  auto conditions = ParseQuery(call.request.Query("q").value_or(""));
  if (!conditions) return HarborError(conditions.error());
  boost::json::array items;
  for (const WebhookPolicyRecord& w : *policies) {
    bool match = true;
    for (const QueryCondition& c : *conditions) {
      if (c.key != "name")
        return HarborError(ErrorCode::kBadRequest, "cannot filter policies by " + c.key);
      match = match && MatchesText(c, w.name);
    }
    if (match) items.push_back(PolicyJson(w));
  }
  return PagedList(call.request, std::move(items));
}

Response HarborApi::CreateWebhookPolicyOfProject(Call& call) {
  const ProjectRecord& project = *call.project;
  if (auto s = Require(call.who, project, Resource::kWebhookPolicy, Action::kCreate); !s)
    return HarborError(s.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  const int64_t now = clock_.Now();
  WebhookPolicyRecord policy;
  policy.project_id = project.id;
  policy.creator = OperatorOf(call.who);
  policy.created_at = policy.updated_at = now;
  if (auto s = ApplyPolicy(*body, policy); !s) return HarborError(s.error());
  auto id = management_.CreateWebhookPolicy(policy);
  if (!id) {
    if (id.error().code == ErrorCode::kConflict)
      return HarborError(ErrorCode::kConflict, "policy " + policy.name + " already exists");
    return HarborError(id.error());
  }
  if (notifier_) notifier_->PoliciesChanged();
  return Created(std::string(kApiPrefix) + "/projects/" + std::to_string(project.id) +
                 "/webhook/policies/" + std::to_string(*id));
}

// The policy of {webhook_policy_id}, one of the call's project's, once the caller may.
Result<WebhookPolicyRecord> HarborApi::WebhookPolicyOf(Call& call, Action action) {
  if (auto s = Require(call.who, *call.project, Resource::kWebhookPolicy, action); !s)
    return tl::unexpected(s.error());
  auto id = ParseId(call.params.Get("webhook_policy_id"));
  if (!id) return Fail(ErrorCode::kBadRequest, "invalid webhook policy id");
  auto policy = management_.GetWebhookPolicy(*id);
  if (!policy && policy.error().code != ErrorCode::kNotFound) return policy;
  if (!policy || policy->project_id != call.project->id)
    return Fail(ErrorCode::kNotFound, "webhook policy not found");
  return policy;
}

Response HarborApi::GetWebhookPolicyOfProject(Call& call) {
  auto policy = WebhookPolicyOf(call, Action::kRead);
  if (!policy) return HarborError(policy.error());
  return JsonBody(200, PolicyJson(*policy));
}

Response HarborApi::UpdateWebhookPolicyOfProject(Call& call) {
  auto policy = WebhookPolicyOf(call, Action::kUpdate);
  if (!policy) return HarborError(policy.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  if (auto s = ApplyPolicy(*body, *policy); !s) return HarborError(s.error());
  policy->updated_at = clock_.Now();
  if (auto s = management_.UpdateWebhookPolicy(*policy); !s) return HarborError(s.error());
  if (notifier_) notifier_->PoliciesChanged();
  return Empty(200);
}

Response HarborApi::DeleteWebhookPolicyOfProject(Call& call) {
  auto policy = WebhookPolicyOf(call, Action::kDelete);
  if (!policy) return HarborError(policy.error());
  if (auto s = management_.DeleteWebhookPolicy(policy->id); !s) return HarborError(s.error());
  if (notifier_) notifier_->PoliciesChanged();
  return Empty(200);
}

Response HarborApi::ListExecutionsOfWebhookPolicy(Call& call) {
  auto policy = WebhookPolicyOf(call, Action::kRead);
  if (!policy) return HarborError(policy.error());
  const int64_t id = policy->id;
  auto page = ParsePageRequest(call.request.Query("page"), call.request.Query("page_size"));
  if (!page) return HarborError(page.error());
  auto executions =
      history_.ListWebhookExecutions(id, page->Offset(), page->page_size);
  if (!executions) return HarborError(executions.error());
  boost::json::array items;
  for (const WebhookExecutionRecord& e : executions->items) {
    items.push_back(boost::json::object{
        {"id", e.id},
        {"vendor_type", "WEBHOOK"},
        {"vendor_id", e.policy_id},
        {"status", e.status},
        {"trigger", "EVENT"},
        {"extra_attrs", boost::json::object{{"event_type", e.event_type}}},
        {"start_time", Rfc3339(e.started_at)},
        {"end_time", Rfc3339OrEmpty(e.ended_at)}});
  }
  return PagedSlice(call.request, *page, std::move(items), executions->total);
}

Result<WebhookExecutionRecord> HarborApi::WebhookExecutionOf(Call& call) {
  auto policy = WebhookPolicyOf(call, Action::kRead);
  if (!policy) return tl::unexpected(policy.error());
  auto execution_id = ParseId(call.params.Get("execution_id"));
  if (!execution_id) return Fail(ErrorCode::kBadRequest, "invalid execution id");
  auto execution = history_.GetWebhookExecution(*execution_id);
  if (!execution || execution->policy_id != policy->id)
    return Fail(ErrorCode::kNotFound, "execution not found");
  return execution;
}

Response HarborApi::ListTasksOfWebhookExecution(Call& call) {
  auto execution = WebhookExecutionOf(call);
  if (!execution) return HarborError(execution.error());
  auto tasks = history_.ListWebhookTasks(execution->id);
  if (!tasks) return HarborError(tasks.error());
  boost::json::array items;
  for (const WebhookTaskRecord& t : *tasks) {
    auto attempts = history_.ListWebhookAttempts(t.id);
    if (!attempts) return HarborError(attempts.error());
    boost::json::array tries;
    std::string last_message;
    for (const WebhookAttemptRecord& a : *attempts) {
      tries.push_back(boost::json::object{{"attempt", a.attempt},
                                          {"time", Rfc3339(a.at)},
                                          {"http_status", a.http_status},
                                          {"message", a.message}});
      last_message = a.message;
    }
    items.push_back(boost::json::object{
        {"id", t.id},
        {"execution_id", t.execution_id},
        {"status", t.status},
        {"status_message", last_message},
        {"run_count", t.run_count},
        {"extra_attrs", boost::json::object{{"address", t.address}, {"attempts", tries}}},
        {"creation_time", Rfc3339(t.created_at)},
        {"update_time", Rfc3339(t.updated_at)},
        {"start_time", Rfc3339OrEmpty(t.started_at)},
        {"end_time", Rfc3339OrEmpty(t.ended_at)}});
  }
  return PagedList(call.request, std::move(items));
}

Response HarborApi::GetLogsOfWebhookTask(Call& call) {
  auto execution = WebhookExecutionOf(call);
  if (!execution) return HarborError(execution.error());
  auto tasks = history_.ListWebhookTasks(execution->id);
  if (!tasks) return HarborError(tasks.error());
  auto task_id = ParseId(call.params.Get("task_id"));
  const bool known = task_id && std::any_of(tasks->begin(), tasks->end(),
                                            [&](const auto& t) { return t.id == *task_id; });
  if (!known) return HarborError(ErrorCode::kNotFound, "task not found");
  auto attempts = history_.ListWebhookAttempts(*task_id);
  if (!attempts) return HarborError(attempts.error());
  Response res = Empty(200);
  res.headers.Set("Content-Type", "text/plain");
  for (const WebhookAttemptRecord& a : *attempts) {
    res.body += Rfc3339(a.at) + " attempt " + std::to_string(a.attempt) + ": " +
                (a.http_status ? "HTTP " + std::to_string(a.http_status) : a.message) + "\n";
  }
  return res;
}

}  // namespace berth
