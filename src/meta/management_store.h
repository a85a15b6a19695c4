// ManagementStore: what the management API keeps besides content and identities: artifacts as
// the API shows them (with tags, labels and pull times), labels, storage quotas, pull counts,
// settings changed at run time, webhook policies (their delivery history is a HistoryStore's),
// immutable tag rules and tag retention policies with their tasks.
// Every call is one transaction. Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/list_query.h"
#include "core/result.h"
#include "core/tag_scope.h"

namespace berth {

struct TagRecord {
  int64_t id = 0;
  std::string name;
  int64_t pushed_at = 0;  // when it last moved
};

struct ArtifactRecord {
  int64_t id = 0;
  int64_t repository_id = 0;
  std::string repository;
  std::string digest;
  std::string media_type;
  std::string content;  // the manifest
  std::string subject;
  std::string artifact_type;
  int64_t pushed_at = 0;
  int64_t pull_time = 0;  // 0: never pulled
  std::vector<TagRecord> tags;
  std::vector<int64_t> label_ids;
  std::vector<std::string> children;  // an index's manifests
  bool is_child = false;              // some index of the repository lists it
};

struct ArtifactListing {
  ListRequest request;
  std::optional<bool> tagged;  // only tagged (true) or untagged (false) artifacts
};

struct LabelRecord {
  int64_t id = 0;
  std::string name;
  std::string description;
  std::string color;
  std::string scope;       // "g" (global) or "p" (project)
  int64_t project_id = 0;  // 0 for global labels
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct QuotaRecord {
  int64_t project_id = 0;  // also the quota's id: one quota per project
  std::string project_name;
  int64_t storage_limit = -1;  // bytes; -1: unlimited
  int64_t storage_used = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// Manifest pulls seen since the last flush, one entry per (repository, digest).
struct PullTally {
  std::string repository;
  std::string digest;
  int64_t count = 0;
  int64_t last = 0;  // Unix seconds of the latest
};

struct WebhookPolicyRecord {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string name;
  std::string description;
  std::string creator;
  bool enabled = true;
  std::vector<std::string> event_types;
  std::string targets_json;  // Harbor's targets array, as sent
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// A project's immutable tag rule (meta/sql_immutable.cc enforces the enabled ones).
struct ImmutableRuleRecord {
  int64_t id = 0;
  int64_t project_id = 0;
  int64_t priority = 0;
  bool disabled = false;
  std::string selectors;  // TagScope::Selectors() as JSON
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// Harbor's bound on a project's immutable tag rules.
inline constexpr int64_t kMaxImmutableRules = 15;

// The enabled ones of a project's rules, in their order, each with what it reaches.
inline Result<std::vector<ScopedRule>> EnabledImmutableRules(
    const std::vector<ImmutableRuleRecord>& rules) {
  std::vector<ScopedRule> enabled;
  for (const ImmutableRuleRecord& rule : rules) {
    if (rule.disabled) continue;
    auto scope = TagScope::FromStored(rule.selectors, false);
    if (!scope) return tl::unexpected(scope.error());
    enabled.push_back(ScopedRule{rule.id, std::move(*scope)});
  }
  return enabled;
}

// A project's tag retention policy (retention/policy.h); its runs are jobs of the queue of type
// kRetentionJobType whose subject is RetentionSubject(id).
struct RetentionPolicyRecord {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string policy;  // RetentionPolicy::Json()
  int64_t created_at = 0;
  int64_t updated_at = 0;
};
inline constexpr std::string_view kRetentionJobType = "RETENTION";
inline std::string RetentionSubject(int64_t policy_id) {
  return "retention:" + std::to_string(policy_id);
}

// What one run did to one repository.
struct RetentionTaskRecord {
  int64_t id = 0;
  int64_t execution_id = 0;  // the run's job
  std::string repository;
  std::string status;  // Running, Success, Error, Stopped
  int64_t total = 0;     // artifacts weighed
  int64_t retained = 0;  // of those, kept
  int64_t started_at = 0;
  int64_t ended_at = 0;
};

class ManagementStore {
 public:
  virtual ~ManagementStore() = default;

  // The repository's artifacts as Harbor lists them (neither an untagged index child nor an
  // accessory, which show under their parent), filtered by digest, media_type, tags and labels,
  // sorted (push_time, pull_time, id, digest, media_type, size; newest push first when unsaid)
  // and cut in the database; tags, labels and children filled in for the page only.
  // kNotFound without the repository; BAD_REQUEST for another field.
  virtual Result<ListPage<ArtifactRecord>> ListArtifacts(const std::string& repository,
                                                         const ArtifactListing& listing) = 0;
  // By digest or tag; kNotFound when absent.
  virtual Result<ArtifactRecord> GetArtifact(const std::string& repository,
                                             const std::string& reference) = 0;

  virtual Result<int64_t> CreateLabel(const LabelRecord& label) = 0;
  virtual Result<LabelRecord> GetLabel(int64_t id) = 0;
  // One page of the global labels (scope "g") or a project's ("p"), filtered by name, sorted
  // (id, name, creation_time).
  virtual Result<ListPage<LabelRecord>> ListLabels(const std::string& scope, int64_t project_id,
                                                   const ListRequest& request) = 0;
  virtual Status UpdateLabel(const LabelRecord& label) = 0;
  virtual Status DeleteLabel(int64_t id) = 0;
  // kConflict when already attached.
  virtual Status AttachLabel(int64_t artifact_id, int64_t label_id, int64_t now) = 0;
  // kNotFound when not attached.
  virtual Status DetachLabel(int64_t artifact_id, int64_t label_id) = 0;

  // Each blob counted once per project, with the manifests' own bytes.
  virtual Result<QuotaRecord> GetQuota(int64_t project_id) = 0;
  virtual Result<std::vector<QuotaRecord>> ListQuotas() = 0;
  // One page of the projects' quotas (of `project_id` alone when given), sorted (hard.storage,
  // creation_time, update_time in the database; used.storage, which is worked out per project,
  // over every project) with the usage worked out for the page's projects.
  virtual Result<ListPage<QuotaRecord>> ListQuotas(std::optional<int64_t> project_id,
                                                   const ListRequest& request) = 0;
  virtual Status SetStorageLimit(int64_t project_id, int64_t limit, int64_t now) = 0;

  virtual Status RecordPulls(const std::vector<PullTally>& pulls) = 0;

  virtual Result<std::map<std::string, std::string>> LoadSettings() = 0;
  virtual Status SaveSettings(const std::map<std::string, std::string>& settings) = 0;
  // The secret named `name` that every node shares (the token signing key): `candidate` when
  // none is kept yet, which is kept then; whichever node's candidate came first otherwise.
  virtual Result<std::string> SharedSecret(const std::string& name,
                                           const std::string& candidate) = 0;

  // Ids are never reused, so the history a HistoryStore keeps under a deleted policy's id stays
  // that policy's until it is swept away (HistoryStore::KeepWebhookHistoryOf).
  virtual Result<int64_t> CreateWebhookPolicy(const WebhookPolicyRecord& policy) = 0;
  virtual Result<WebhookPolicyRecord> GetWebhookPolicy(int64_t id) = 0;
  // Every project's when project_id is 0.
  virtual Result<std::vector<WebhookPolicyRecord>> ListWebhookPolicies(int64_t project_id) = 0;
  virtual Status UpdateWebhookPolicy(const WebhookPolicyRecord& policy) = 0;
  virtual Status DeleteWebhookPolicy(int64_t id) = 0;

  // kConflict when the project has a rule of the same selectors; BAD_REQUEST when it has
  // kMaxImmutableRules already.
  virtual Result<int64_t> CreateImmutableRule(const ImmutableRuleRecord& rule) = 0;
  // kNotFound when absent.
  virtual Result<ImmutableRuleRecord> GetImmutableRule(int64_t id) = 0;
  // By priority, then id.
  virtual Result<std::vector<ImmutableRuleRecord>> ListImmutableRules(int64_t project_id) = 0;
  // Its priority, disabled flag, selectors and updated_at; kConflict as CreateImmutableRule.
  virtual Status UpdateImmutableRule(const ImmutableRuleRecord& rule) = 0;
  virtual Status DeleteImmutableRule(int64_t id) = 0;

  // kConflict when the project has a policy already.
  virtual Result<int64_t> CreateRetentionPolicy(const RetentionPolicyRecord& policy) = 0;
  // kNotFound when absent.
  virtual Result<RetentionPolicyRecord> GetRetentionPolicy(int64_t id) = 0;
  // The project's policy; kNotFound when it has none.
  virtual Result<RetentionPolicyRecord> ProjectRetentionPolicy(int64_t project_id) = 0;
  // Its policy text and updated_at.
  virtual Status UpdateRetentionPolicy(const RetentionPolicyRecord& policy) = 0;
  // The policy with its runs and their tasks.
  virtual Status DeleteRetentionPolicy(int64_t id) = 0;
  virtual Result<int64_t> CreateRetentionTask(const RetentionTaskRecord& task) = 0;
  // Ends the task with its counts, appending `log`.
  virtual Status FinishRetentionTask(const RetentionTaskRecord& task, const std::string& log) = 0;
  // A run's tasks, oldest first.
  virtual Result<ListPage<RetentionTaskRecord>> ListRetentionTasks(int64_t execution_id,
                                                                   int64_t offset,
                                                                   int64_t limit) = 0;
  // kNotFound when the run has no such task.
  virtual Result<std::string> RetentionTaskLog(int64_t execution_id, int64_t task_id) = 0;
  // A run taken up again starts its tasks over.
  virtual Status DeleteRetentionTasks(int64_t execution_id) = 0;
};

}  // namespace berth
