// A project's immutable tag rules. The store enforces the enabled ones in the transaction of
// every push, delete and retag (meta/sql_immutable.cc); here they are only kept.
#include <boost/json.hpp>

#include "api/harbor_api.h"
#include "api/harbor_json.h"
#include "core/tag_scope.h"

namespace berth {
namespace {

using http::Response;

boost::json::object RuleJson(const ImmutableRuleRecord& rule) {
  boost::json::object out{{"id", rule.id},
                          {"project_id", rule.project_id},
                          {"priority", rule.priority},
                          {"disabled", rule.disabled},
                          {"action", "immutable"},
                          {"template", "immutable_template"},
                          {"params", boost::json::object()}};
  boost::system::error_code ec;
  boost::json::value selectors = boost::json::parse(rule.selectors, ec);
  if (!ec && selectors.is_object()) {
    for (const auto& [key, value] : selectors.as_object()) out[key] = value;
  }
  return out;
}

// The rule's fields from a request body, over `rule`: its selectors must be given when it is
// new, and may be left out of an update that only enables, disables or reorders it.
Status ApplyRule(const boost::json::object& body, ImmutableRuleRecord& rule) {
  auto priority = IntField(body, "priority");
  if (!priority) return tl::unexpected(priority.error());
  auto disabled = BoolField(body, "disabled");
  if (!disabled) return tl::unexpected(disabled.error());
  for (auto [field, only] :
       {std::pair{"action", "immutable"}, std::pair{"template", "immutable_template"}}) {
    auto value = StringField(body, field);
    if (!value) return tl::unexpected(value.error());
    if (*value && !(*value)->empty() && **value != only)
      return Fail(ErrorCode::kBadRequest, std::string(field) + " must be " + only);
  }
  if (*priority) rule.priority = **priority;
  if (*disabled) rule.disabled = **disabled;
  const bool has_selectors = body.contains("tag_selectors") || body.contains("scope_selectors");
  if (!has_selectors && !rule.selectors.empty()) return {};
  auto scope = TagScope::Parse(body, false);
  if (!scope) return tl::unexpected(scope.error());
  rule.selectors = boost::json::serialize(scope->Selectors());
  return {};
}

Error SameRuleConflict() {
  return Error{ErrorCode::kConflict, "the project has a rule of these selectors already"};
}

}  // namespace

Result<std::vector<ScopedRule>> HarborApi::ImmutableRulesOf(int64_t project_id) {
  auto rules = management_.ListImmutableRules(project_id);
  if (!rules) return tl::unexpected(rules.error());
  return EnabledImmutableRules(*rules);
}

Response HarborApi::ListImmuRules(Call& call) {
  if (auto s = Require(call.who, *call.project, Resource::kImmutableTag, Action::kList); !s)
    return HarborError(s.error());
  auto rules = management_.ListImmutableRules(call.project->id);
  if (!rules) return HarborError(rules.error());
  boost::json::array items;
  for (const ImmutableRuleRecord& rule : *rules) items.push_back(RuleJson(rule));
  return PagedList(call.request, std::move(items));
}

Response HarborApi::CreateImmuRule(Call& call) {
  if (auto s = Require(call.who, *call.project, Resource::kImmutableTag, Action::kCreate); !s)
    return HarborError(s.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  ImmutableRuleRecord rule;
  rule.project_id = call.project->id;
  rule.created_at = rule.updated_at = clock_.Now();
  if (auto s = ApplyRule(*body, rule); !s) return HarborError(s.error());
  auto id = management_.CreateImmutableRule(rule);
  if (!id) {
    return HarborError(id.error().code == ErrorCode::kConflict ? SameRuleConflict() : id.error());
  }
  return Created(std::string(kApiPrefix) + "/projects/" + std::to_string(call.project->id) +
                 "/immutabletagrules/" + std::to_string(*id));
}

// The rule of {immutable_rule_id}, one of the call's project's, once the caller may.
Result<ImmutableRuleRecord> HarborApi::ImmutableRuleOf(Call& call, Action action) {
  if (auto s = Require(call.who, *call.project, Resource::kImmutableTag, action); !s)
    return tl::unexpected(s.error());
  auto id = ParseId(call.params.Get("immutable_rule_id"));
  if (!id) return Fail(ErrorCode::kBadRequest, "invalid immutable rule id");
  auto rule = management_.GetImmutableRule(*id);
  if (!rule && rule.error().code != ErrorCode::kNotFound) return rule;
  if (!rule || rule->project_id != call.project->id)
    return Fail(ErrorCode::kNotFound, "immutable rule not found");
  return rule;
}

Response HarborApi::UpdateImmuRule(Call& call) {
  auto rule = ImmutableRuleOf(call, Action::kUpdate);
  if (!rule) return HarborError(rule.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  if (auto s = ApplyRule(*body, *rule); !s) return HarborError(s.error());
  rule->updated_at = clock_.Now();
  if (auto s = management_.UpdateImmutableRule(*rule); !s) {
    return HarborError(s.error().code == ErrorCode::kConflict ? SameRuleConflict() : s.error());
  }
  return Empty(200);
}

Response HarborApi::DeleteImmuRule(Call& call) {
  auto rule = ImmutableRuleOf(call, Action::kDelete);
  if (!rule) return HarborError(rule.error());
  if (auto s = management_.DeleteImmutableRule(rule->id); !s) return HarborError(s.error());
  return Empty(200);
}

}  // namespace berth
