// SqlMetadataStore: the MetadataStore, IdentityStore and ManagementStore, written once over the
// SQL seam (sql.h): berth.db on the embedded default, or a PostgreSQL database. Thread-safe.
#pragma once

#include <filesystem>
#include <memory>

#include "meta/identity_store.h"
#include "meta/job_store.h"
#include "meta/management_store.h"
#include "meta/metadata_store.h"
#include "meta/outbox_store.h"
#include "meta/schedule_store.h"

namespace berth {

class SqlDatabase;

class SqlMetadataStore : public MetadataStore,
                         public IdentityStore,
                         public ManagementStore,
                         public JobStore,
                         public OutboxStore,
                         public ScheduleStore {
 public:
  // Applies the pending migrations to `db`. On SQLite, migration 6 sets the audit log and webhook
  // history aside for history.db to take (see databases.h).
  static Result<std::unique_ptr<SqlMetadataStore>> Open(std::shared_ptr<SqlDatabase> db);
  ~SqlMetadataStore() override;

  Result<std::vector<std::string>> ListRepositories(const Page& page) override;
  Result<ListPage<RepositoryRecord>> ListRepositoryRecords(
      const std::optional<std::vector<std::string>>& projects, const ListRequest& request) override;
  Result<RepositoryRecord> GetRepository(const std::string& name) override;
  Status SetRepositoryDescription(const std::string& name, const std::string& description,
                                  int64_t now) override;
  Status DeleteRepository(const std::string& name,
                          const std::optional<Event>& event = std::nullopt) override;
  Result<std::optional<StorageUse>> ProjectStorage(const std::string& project) override;
  Result<uint64_t> LinkedBlobSize(const std::string& repository, const Digest& digest) override;
  Status LinkBlob(const std::string& repository, const Digest& digest, uint64_t size,
                  int64_t now) override;
  Status LinkUploadedBlob(const std::string& uuid, const std::string& repository,
                          const Digest& digest, uint64_t size, int64_t now) override;
  Status UnlinkBlob(const std::string& repository, const Digest& digest) override;
  Status PutManifest(const ManifestRecord& manifest, const std::optional<std::string>& tag,
                     int64_t now, const std::optional<Event>& event = std::nullopt) override;
  Result<ManifestRecord> GetManifest(const std::string& repository,
                                     const std::string& reference) override;
  Status DeleteManifest(const std::string& repository, const Digest& digest,
                        const std::optional<Event>& event = std::nullopt) override;
  Status DeleteTag(const std::string& repository, const std::string& tag,
                   const std::optional<Event>& event = std::nullopt) override;
  Result<std::vector<std::string>> ListTags(const std::string& repository,
                                            const Page& page) override;
  Result<std::vector<ManifestRecord>> ListReferrers(const std::string& repository,
                                                    const Digest& subject) override;
  Status CreateUpload(const UploadRecord& upload, const UploadLimits& limits) override;
  Result<UploadRecord> GetUpload(const std::string& uuid) override;
  Status TouchUpload(const std::string& uuid, int64_t now) override;
  Status SaveUploadProgress(const UploadRecord& progress, uint64_t previous_size) override;
  Status DeleteUpload(const std::string& uuid) override;
  Result<std::vector<std::string>> StaleUploads(int64_t before) override;
  Status ReserveBlob(const std::string& uuid, const Digest& digest, uint64_t size,
                     int64_t now) override;
  Result<GcSnapshot> ReadGcSnapshot() override;
  Result<bool> DeleteUnneededManifest(int64_t id, int64_t before) override;
  Result<size_t> UnlinkUnreferenced(std::span<const GcLink> links, int64_t before) override;
  Result<std::vector<Digest>> SweepBlobs(std::span<const Digest> digests, int64_t before,
                                         const RemoveBlobs& remove) override;
  Status AdoptBlobs(std::span<const GcBlob> blobs) override;
  Status SetBlobSize(const std::string& digest, uint64_t size) override;

  Result<int64_t> CreateJob(const JobRecord& job) override;
  Result<JobRecord> GetJob(int64_t id) override;
  Result<std::string> JobLog(int64_t id) override;
  Result<ListPage<JobRecord>> ListJobs(const std::string& type, const std::string& subject,
                                       int64_t offset, int64_t limit) override;
  Result<std::optional<JobRecord>> ClaimJob(const std::string& owner, int64_t now) override;
  Result<bool> BeatJob(int64_t id, const std::string& owner, const std::string& log,
                       int64_t now) override;
  Status FinishJob(int64_t id, const std::string& owner, const std::string& status,
                   const std::string& result, const std::string& log, int64_t now) override;
  Result<bool> StopJob(int64_t id, int64_t now) override;
  Result<size_t> RequeueAbandonedJobs(int64_t before, int64_t now) override;
  Result<std::vector<JobQueueRecord>> ListJobQueues(const std::vector<std::string>& types) override;
  Result<bool> JobQueuePaused(const std::string& type) override;
  Status PauseJobQueue(const std::string& type, bool paused) override;
  Result<size_t> StopPendingJobs(const std::string& type, int64_t now) override;
  Result<std::vector<JobRecord>> RunningJobs(const std::string& owner) override;
  Status BeatWorkerPool(const WorkerPoolRecord& pool) override;
  Status RemoveWorkerPool(const std::string& node) override;
  Result<std::vector<WorkerPoolRecord>> ListWorkerPools(int64_t alive_since) override;

  Result<int64_t> PutSchedule(const ScheduleRecord& schedule) override;
  Result<std::optional<ScheduleRecord>> GetSchedule(const std::string& vendor_type,
                                                    int64_t vendor_id) override;
  Status DeleteSchedule(const std::string& vendor_type, int64_t vendor_id) override;
  Result<ListPage<ScheduleRecord>> ListSchedules(int64_t offset, int64_t limit) override;
  Result<std::vector<ScheduleRecord>> DueSchedules(int64_t now, size_t limit) override;
  Result<std::optional<int64_t>> FireSchedule(const ScheduleRecord& due, int64_t next_run,
                                              int64_t now) override;

  Status AddOutboxEvent(const Event& event) override;
  Result<OutboxPosition> OutboxCursor(const std::string& consumer) override;
  Result<std::vector<OutboxEntry>> ReadOutbox(OutboxPosition after, size_t limit) override;
  Status AdvanceOutbox(const std::string& consumer, OutboxPosition to) override;
  Result<size_t> PruneOutbox() override;
  Result<bool> HoldLease(const std::string& name, const std::string& owner, int64_t now,
                         int64_t ttl) override;
  Status ReleaseLease(const std::string& name, const std::string& owner) override;

  Result<int64_t> CreateUser(const UserRecord& user) override;
  Result<UserRecord> GetUser(int64_t id) override;
  Result<UserRecord> FindUser(const std::string& username) override;
  Result<ListPage<UserRecord>> ListUsers(const ListRequest& request) override;
  Status UpdateUser(const UserRecord& user) override;
  Status DeleteUser(int64_t id) override;
  Result<int64_t> CreateGroup(const GroupRecord& group) override;
  Result<GroupRecord> GetGroup(int64_t id) override;
  Result<GroupRecord> FindGroupByDn(const std::string& ldap_dn) override;
  Result<ListPage<GroupRecord>> ListGroups(const ListRequest& request) override;
  Status UpdateGroup(const GroupRecord& group) override;
  Status DeleteGroup(int64_t id) override;
  Result<int64_t> CreateProject(const ProjectRecord& project,
                                const std::optional<Event>& event = std::nullopt) override;
  Result<ProjectRecord> GetProject(int64_t id) override;
  Result<ProjectRecord> FindProject(const std::string& name) override;
  Result<std::vector<ProjectRecord>> ListProjects() override;
  Result<ListPage<ProjectRecord>> ListProjects(const std::optional<ProjectScope>& scope,
                                               const ListRequest& request) override;
  Result<std::vector<int64_t>> MemberProjects(int64_t user_id,
                                              const std::vector<int64_t>& group_ids) override;
  Status UpdateProject(const ProjectRecord& project) override;
  Status DeleteProject(int64_t id, const std::optional<Event>& event = std::nullopt) override;
  Result<int64_t> CountRepositories(const std::string& project_name) override;
  Result<int64_t> AddMember(const MemberRecord& member) override;
  Result<std::vector<MemberRecord>> ListMembers(int64_t project_id) override;
  Result<ListPage<MemberRecord>> ListMembers(int64_t project_id,
                                             const ListRequest& request) override;
  Status UpdateMemberRole(int64_t project_id, int64_t member_id, int role) override;
  Status DeleteMember(int64_t project_id, int64_t member_id) override;
  Result<std::vector<int>> MemberRoles(int64_t project_id, int64_t user_id,
                                       const std::vector<int64_t>& group_ids) override;
  Result<int64_t> CreateRobot(const RobotRecord& robot) override;
  Result<RobotRecord> GetRobot(int64_t id) override;
  Result<RobotRecord> FindRobot(const std::string& name) override;
  Result<ListPage<RobotRecord>> ListRobots(int64_t project_id, const ListRequest& request) override;
  Status UpdateRobot(const RobotRecord& robot) override;
  Status DeleteRobot(int64_t id) override;
  Result<LoginFailures> GetLoginFailures(const std::string& principal) override;
  Status PutLoginFailures(const std::string& principal, const LoginFailures& f) override;
  Status ClearLoginFailures(const std::string& principal) override;
  Status CreateSession(const SessionRecord& session, int64_t now) override;
  Result<SessionRecord> GetSession(const std::string& id_hash, int64_t now) override;
  Status DeleteSession(const std::string& id_hash) override;

  Result<ListPage<ArtifactRecord>> ListArtifacts(const std::string& repository,
                                                 const ArtifactListing& listing) override;
  Result<ArtifactRecord> GetArtifact(const std::string& repository,
                                     const std::string& reference) override;
  Result<int64_t> CreateLabel(const LabelRecord& label) override;
  Result<LabelRecord> GetLabel(int64_t id) override;
  Result<ListPage<LabelRecord>> ListLabels(const std::string& scope, int64_t project_id,
                                           const ListRequest& request) override;
  Status UpdateLabel(const LabelRecord& label) override;
  Status DeleteLabel(int64_t id) override;
  Status AttachLabel(int64_t artifact_id, int64_t label_id, int64_t now) override;
  Status DetachLabel(int64_t artifact_id, int64_t label_id) override;
  Result<QuotaRecord> GetQuota(int64_t project_id) override;
  Result<std::vector<QuotaRecord>> ListQuotas() override;
  Result<ListPage<QuotaRecord>> ListQuotas(std::optional<int64_t> project_id,
                                           const ListRequest& request) override;
  Status SetStorageLimit(int64_t project_id, int64_t limit, int64_t now) override;
  Status RecordPulls(const std::vector<PullTally>& pulls) override;
  Result<std::map<std::string, std::string>> LoadSettings() override;
  Status SaveSettings(const std::map<std::string, std::string>& settings) override;
  Result<std::string> SharedSecret(const std::string& name, const std::string& candidate) override;
  Result<int64_t> CreateWebhookPolicy(const WebhookPolicyRecord& policy) override;
  Result<WebhookPolicyRecord> GetWebhookPolicy(int64_t id) override;
  Result<std::vector<WebhookPolicyRecord>> ListWebhookPolicies(int64_t project_id) override;
  Status UpdateWebhookPolicy(const WebhookPolicyRecord& policy) override;
  Status DeleteWebhookPolicy(int64_t id) override;
  Result<int64_t> CreateImmutableRule(const ImmutableRuleRecord& rule) override;
  Result<ImmutableRuleRecord> GetImmutableRule(int64_t id) override;
  Result<std::vector<ImmutableRuleRecord>> ListImmutableRules(int64_t project_id) override;
  Status UpdateImmutableRule(const ImmutableRuleRecord& rule) override;
  Status DeleteImmutableRule(int64_t id) override;
  Result<int64_t> CreateRetentionPolicy(const RetentionPolicyRecord& policy) override;
  Result<RetentionPolicyRecord> GetRetentionPolicy(int64_t id) override;
  Result<RetentionPolicyRecord> ProjectRetentionPolicy(int64_t project_id) override;
  Status UpdateRetentionPolicy(const RetentionPolicyRecord& policy) override;
  Status DeleteRetentionPolicy(int64_t id) override;
  Result<int64_t> CreateRetentionTask(const RetentionTaskRecord& task) override;
  Status FinishRetentionTask(const RetentionTaskRecord& task, const std::string& log) override;
  Result<ListPage<RetentionTaskRecord>> ListRetentionTasks(int64_t execution_id, int64_t offset,
                                                           int64_t limit) override;
  Result<std::string> RetentionTaskLog(int64_t execution_id, int64_t task_id) override;
  Status DeleteRetentionTasks(int64_t execution_id) override;

 private:
  explicit SqlMetadataStore(std::shared_ptr<SqlDatabase> db);

  std::shared_ptr<SqlDatabase> db_;
};

}  // namespace berth
