// Harbor's REST API v2.0 (third_party/harbor/swagger.yaml, same paths and bodies):
// users, user groups, projects and their members and metadata, robot accounts, LDAP,
// repositories, artifacts, tags, labels, quotas, audit logs, search, webhooks, configurations,
// statistics, ping, health, system info, immutable tag rules, tag retention and garbage
// collection; and the portal's /c/login and /c/log_out with a session cookie and a CSRF token.
// Each operation is a row of the route table (routes.cc). Every permission is asked of
// AccessControl. Thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "api/route_table.h"
#include "auth/access.h"
#include "auth/authenticator.h"
#include "auth/ldap.h"
#include "core/clock.h"
#include "core/result.h"
#include "core/settings.h"
#include "events/event.h"
#include "events/notifier.h"
#include "http/message.h"
#include "jobs/job_service.h"
#include "meta/change_feed.h"
#include "meta/history_store.h"
#include "meta/identity_store.h"
#include "meta/job_store.h"
#include "meta/management_store.h"
#include "meta/metadata_store.h"
#include "meta/schedule_store.h"
#include "registry/registry.h"
#include "storage/blob_store.h"

namespace berth {

struct HarborApiOptions {
  std::string auth_mode = "db_auth";
  std::chrono::seconds session_ttl{std::chrono::hours(12)};
  bool secure_cookie = false;  // when the external URL is https
  std::string external_url;    // how clients reach Berth, for /systeminfo
};

// UNAUTHORIZED for anonymous callers; FORBIDDEN too for callers who are not administrators.
Status RequireUser(const Principal& who);
Status RequireAdmin(const Principal& who);

// Harbor's Label object.
boost::json::object LabelJson(const LabelRecord& label);

// What the API works on; all outlive it.
struct HarborServices {
  IdentityStore& identities;
  MetadataStore& content;
  ManagementStore& management;
  HistoryStore& history;
  BlobStore& blobs;
  Registry& registry;
  Authenticator& authenticator;
  AccessControl& access;
  const LdapDirectory* ldap;
  const Clock& clock;
  Settings& settings;
  EventSink* events;    // may be null: nothing announced
  Notifier* notifier;   // may be null: policies kept, nothing sent
  std::filesystem::path data_dir;  // for /systeminfo/volumes
  // Where projects, accounts and settings changed here are announced to every node's caches.
  ChangeFeed& changes;
  JobStore& job_store;
  ScheduleStore& schedules;
  JobService* jobs;  // may be null: no job is submitted here
};

class HarborApi : public http::Handler {
 public:
  HarborApi(const HarborServices& services, HarborApiOptions options);

  http::Dispatch Handle(const http::Request& request) override;

  // One API call once its body (if any) has arrived, its caller is known and its route found.
  struct Call {
    const http::Request& request;
    Principal who;
    std::string body;
    PathParams params;
    // The project of {project_name} or {project_name_or_id}, resolved once before the
    // operation runs; the repository of {repository_name}, its full name.
    std::optional<ProjectRecord> project;
    std::string repository;
  };
  using Operation = http::Response (HarborApi::*)(Call&);
  struct ApiRoute {
    std::string_view method;
    std::string_view path;  // the swagger's template, after /api/v2.0
    std::string_view operation_id;
    Operation run;
  };
  // Every operation served, one row each (api/routes.cc).
  static std::span<const ApiRoute> Routes();

 private:
  http::Response Invoke(Call& call, Operation run);
  Result<Principal> Caller(const http::Request& request, bool* via_session,
                           std::string* csrf_token);
  http::Response Login(const http::Request& request, const std::string& form);
  http::Response Logout(const http::Request& request);

  // The operations, named as the swagger's operationIds. Users, groups, LDAP, system:
  // harbor_api.cc.
  http::Response ListUsers(Call& call);
  http::Response CreateUserOp(Call& call);
  http::Response SearchUsers(Call& call);
  http::Response GetUser(Call& call);
  http::Response UpdateUserProfile(Call& call);
  http::Response DeleteUser(Call& call);
  http::Response UpdateUserPassword(Call& call);
  http::Response SetUserSysAdmin(Call& call);
  http::Response GetCurrentUserInfo(Call& call);
  http::Response GetCurrentUserPermissions(Call& call);
  http::Response ListUserGroups(Call& call);
  http::Response CreateUserGroup(Call& call);
  http::Response SearchUserGroups(Call& call);
  http::Response GetUserGroup(Call& call);
  http::Response UpdateUserGroup(Call& call);
  http::Response DeleteUserGroup(Call& call);
  http::Response PingLdap(Call& call);
  http::Response SearchLdapUser(Call& call);
  http::Response ImportLdapUser(Call& call);
  http::Response SearchLdapGroup(Call& call);
  http::Response GetPing(Call& call);
  http::Response GetHealth(Call& call);
  http::Response GetSystemInfo(Call& call);
  // Projects, their metadata, members and robots: projects_api.cc.
  http::Response ListProjects(Call& call);
  http::Response HeadProject(Call& call);
  http::Response CreateProject(Call& call);
  http::Response GetProject(Call& call);
  http::Response UpdateProject(Call& call);
  http::Response DeleteProject(Call& call);
  http::Response GetProjectSummary(Call& call);
  http::Response GetProjectDeletable(Call& call);
  http::Response ListProjectMetadatas(Call& call);
  http::Response AddProjectMetadatas(Call& call);
  http::Response GetProjectMetadata(Call& call);
  http::Response UpdateProjectMetadata(Call& call);
  http::Response DeleteProjectMetadata(Call& call);
  http::Response ListProjectMembers(Call& call);
  http::Response CreateProjectMember(Call& call);
  http::Response GetProjectMember(Call& call);
  http::Response UpdateProjectMember(Call& call);
  http::Response DeleteProjectMember(Call& call);
  http::Response ListRobot(Call& call);
  http::Response CreateRobot(Call& call);
  http::Response GetRobotByID(Call& call);
  http::Response UpdateRobot(Call& call);
  http::Response RefreshSec(Call& call);
  http::Response DeleteRobot(Call& call);
  // Repositories: repositories_api.cc. Artifacts, tags, artifact labels: artifacts_api.cc.
  http::Response ListAllRepositories(Call& call);
  http::Response ListRepositories(Call& call);
  http::Response GetRepository(Call& call);
  http::Response UpdateRepository(Call& call);
  http::Response DeleteRepository(Call& call);
  http::Response ListArtifacts(Call& call);
  http::Response CopyArtifact(Call& call);
  http::Response GetArtifact(Call& call);
  http::Response DeleteArtifact(Call& call);
  http::Response ListAccessories(Call& call);
  http::Response GetAddition(Call& call);
  http::Response ListTags(Call& call);
  http::Response CreateTag(Call& call);
  http::Response DeleteTag(Call& call);
  http::Response AddLabel(Call& call);
  http::Response RemoveLabel(Call& call);
  // Labels, quotas, audit logs, search, statistics, configurations, volumes:
  // operations_api.cc.
  http::Response ListLabels(Call& call);
  http::Response CreateLabel(Call& call);
  http::Response GetLabelByID(Call& call);
  http::Response UpdateLabel(Call& call);
  http::Response DeleteLabel(Call& call);
  http::Response ListQuotas(Call& call);
  http::Response GetQuota(Call& call);
  http::Response UpdateQuota(Call& call);
  http::Response ListAuditLogs(Call& call);
  http::Response GetLogs(Call& call);
  http::Response Search(Call& call);
  http::Response GetStatistic(Call& call);
  http::Response GetConfigurations(Call& call);
  http::Response UpdateConfigurations(Call& call);
  http::Response GetVolumes(Call& call);
  // A project's webhook policies and their history: webhooks_api.cc.
  http::Response ListWebhookPoliciesOfProject(Call& call);
  http::Response CreateWebhookPolicyOfProject(Call& call);
  http::Response GetWebhookPolicyOfProject(Call& call);
  http::Response UpdateWebhookPolicyOfProject(Call& call);
  http::Response DeleteWebhookPolicyOfProject(Call& call);
  http::Response ListExecutionsOfWebhookPolicy(Call& call);
  http::Response ListTasksOfWebhookExecution(Call& call);
  http::Response GetLogsOfWebhookTask(Call& call);
  http::Response LastTrigger(Call& call);
  http::Response GetSupportedEventTypes(Call& call);
  // A project's immutable tag rules: immutable_api.cc.
  http::Response ListImmuRules(Call& call);
  http::Response CreateImmuRule(Call& call);
  http::Response UpdateImmuRule(Call& call);
  http::Response DeleteImmuRule(Call& call);
  // Tag retention policies, their runs and tasks: retention_api.cc.
  http::Response GetRentenitionMetadata(Call& call);
  http::Response CreateRetention(Call& call);
  http::Response GetRetention(Call& call);
  http::Response UpdateRetention(Call& call);
  http::Response DeleteRetention(Call& call);
  http::Response TriggerRetentionExecution(Call& call);
  http::Response ListRetentionExecutions(Call& call);
  http::Response OperateRetentionExecution(Call& call);
  http::Response ListRetentionTasks(Call& call);
  http::Response GetRetentionTaskLog(Call& call);
  // Garbage collection and the audit log purge: gc_api.cc.
  http::Response GetGCHistory(Call& call);
  http::Response GetGC(Call& call);
  http::Response GetGCLog(Call& call);
  http::Response StopGC(Call& call);
  http::Response GetGCSchedule(Call& call);
  http::Response CreateGCSchedule(Call& call);
  http::Response UpdateGCSchedule(Call& call);
  http::Response GetPurgeHistory(Call& call);
  http::Response GetPurgeJob(Call& call);
  http::Response GetPurgeJobLog(Call& call);
  http::Response StopPurge(Call& call);
  http::Response GetPurgeSchedule(Call& call);
  http::Response CreatePurgeSchedule(Call& call);
  http::Response UpdatePurgeSchedule(Call& call);
  // The job service and the schedules: jobservice_api.cc.
  http::Response GetWorkerPools(Call& call);
  http::Response GetWorkers(Call& call);
  http::Response StopRunningJob(Call& call);
  http::Response ActionGetJobLog(Call& call);
  http::Response ListJobQueues(Call& call);
  http::Response ActionPendingJobs(Call& call);
  http::Response ListSchedules(Call& call);
  http::Response GetSchedulePaused(Call& call);

 public:
  // One of the system's own jobs, as /system/gc and /system/purgeaudit serve it (gc_api.cc).
  struct SystemJob;

 private:
  // What several operations share.
  Result<UserRecord> UserOf(Call& call);
  Result<GroupRecord> GroupOf(Call& call);
  Result<RobotRecord> RobotOf(Call& call);
  Status MayManageRobot(const Principal& who, const RobotRecord& robot, Action action);
  Result<MemberRecord> MemberOf(Call& call, Action action);
  Result<ArtifactRecord> ArtifactOf(Call& call, Resource resource, Action action);
  Status MayLabel(const Principal& who, const LabelRecord& label, Action action);
  Result<LabelRecord> LabelOf(Call& call);
  Result<QuotaRecord> QuotaOf(Call& call);
  std::string QuotaOwner(int64_t project_id);
  Result<WebhookPolicyRecord> WebhookPolicyOf(Call& call, Action action);
  Result<WebhookExecutionRecord> WebhookExecutionOf(Call& call);
  Result<ImmutableRuleRecord> ImmutableRuleOf(Call& call, Action action);
  Result<RetentionPolicyRecord> RetentionPolicyOf(Call& call, Action action);
  Result<JobRecord> RetentionExecutionOf(Call& call, Action action);
  Result<JobRecord> SystemRunOf(Call& call, const SystemJob& kind);
  http::Response SystemRuns(Call& call, const SystemJob& kind);
  http::Response SystemRun(Call& call, const SystemJob& kind);
  http::Response SystemRunLog(Call& call, const SystemJob& kind);
  http::Response StopSystemRun(Call& call, const SystemJob& kind);
  http::Response SystemSchedule(Call& call, const SystemJob& kind);
  http::Response PutSystemSchedule(Call& call, const SystemJob& kind, int success_status);
  // The schedule a ScheduleObj ({"type":"Daily","cron":...}) asks for, without its job;
  // BAD_REQUEST for a type other than a schedule's or a cron that names no time.
  Result<ScheduleRecord> ScheduleFromBody(const boost::json::object& schedule,
                                          std::string_view vendor_type, int64_t vendor_id);
  static boost::json::object ScheduleJson(const ScheduleRecord& schedule);
  // Sets or clears the schedule of a retention policy, as its trigger's cron says.
  Status ScheduleRetention(const Principal& who, int64_t policy_id, const std::string& cron);
  Result<JobRecord> JobOf(Call& call);
  http::Response JobLogOf(int64_t id);
  Result<std::vector<WorkerPoolRecord>> LivePools();
  http::Response SaveProject(ProjectRecord updated);
  http::Response AuditLogs(Call& call, const ProjectRecord* project);

  // Who the audit log and webhooks name for the caller.
  static std::string OperatorOf(const Principal& who);
  // The event a project's creation or deletion records with it; none without an event sink.
  std::optional<Event> ProjectEvent(EventKind kind, const Principal& who,
                                    const std::string& project);
  // `immutable`: the project's enabled immutable tag rules, which mark the tags they reach.
  boost::json::object ArtifactJson(const ArtifactRecord& a, int64_t project_id,
                                   const http::Request& request,
                                   std::span<const ScopedRule> immutable);
  Result<std::vector<ScopedRule>> ImmutableRulesOf(int64_t project_id);

  // The project named or numbered by `key` (a name when the X-Is-Resource-Name header says
  // so or the key is not a number). A missing project answers as one the caller may not read
  // (UNAUTHORIZED, FORBIDDEN; NOT_FOUND only for administrators), as Harbor's
  // RequireProjectAccess does, so that no one learns which private projects exist.
  Result<ProjectRecord> ProjectByKey(const Principal& who, const http::Request& request,
                                     std::string_view key);
  // The project of that name, missing projects answered as ProjectByKey does.
  Result<ProjectRecord> ProjectByName(const Principal& who, std::string_view name);
  static Result<ProjectRecord> DenyIfMissing(const Principal& who, std::string_view key,
                                      Result<ProjectRecord> found);
  // FORBIDDEN (or UNAUTHORIZED for anonymous callers) unless the caller may.
  Status Require(const Principal& who, const ProjectRecord& project, Resource resource,
                 Action action);
  boost::json::object ProjectJson(const Principal& who, const ProjectRecord& project);
  static boost::json::object RobotJson(const RobotRecord& robot);
  // The projects a list shows the caller: public and member ones; nullopt: every project (a
  // system administrator's).
  Result<std::optional<ProjectScope>> VisibleProjects(const Principal& who);
  // The names of the projects whose `resource` the caller may list; nullopt: every project
  // (a system administrator's).
  Result<std::optional<std::vector<std::string>>> ListableProjects(const Principal& who,
                                                                   Resource resource);
  Result<int64_t> NewUser(const boost::json::object& body);
  Result<RobotRecord> RobotFromBody(const Principal& who, const boost::json::object& body,
                                    RobotRecord robot);

  IdentityStore& store_;
  MetadataStore& content_;
  ManagementStore& management_;
  HistoryStore& history_;
  BlobStore& blobs_;
  Registry& registry_;
  Authenticator& authenticator_;
  AccessControl& access_;
  const LdapDirectory* ldap_;
  const Clock& clock_;
  Settings& settings_;
  ChangeFeed& changes_;
  JobStore& job_store_;
  ScheduleStore& schedules_;
  JobService* jobs_;
  EventSink* events_;
  Notifier* notifier_;
  std::filesystem::path data_dir_;
  HarborApiOptions options_;
};

}  // namespace berth
