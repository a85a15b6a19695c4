// Harbor's REST API v2.0 (third_party/harbor/swagger.yaml, same paths and bodies):
// users, user groups, projects and their members and metadata, robot accounts, LDAP,
// repositories, artifacts, tags, labels, quotas, audit logs, search, webhooks, configurations,
// statistics, ping, health and system info; and the portal's /c/login and /c/log_out with a
// session cookie and a CSRF token. Every permission is asked of AccessControl. Thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "auth/access.h"
#include "auth/authenticator.h"
#include "auth/ldap.h"
#include "core/clock.h"
#include "core/result.h"
#include "http/message.h"
#include "core/settings.h"
#include "events/event.h"
#include "meta/change_feed.h"
#include "meta/identity_store.h"
#include "meta/history_store.h"
#include "meta/management_store.h"
#include "meta/metadata_store.h"
#include "registry/registry.h"
#include "storage/blob_store.h"
#include "events/notifier.h"

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
};

class HarborApi : public http::Handler {
 public:
  HarborApi(const HarborServices& services, HarborApiOptions options);

  http::Dispatch Handle(const http::Request& request) override;

  // One API call once its body (if any) has arrived and its caller is known.
  struct Call {
    const http::Request& request;
    std::vector<std::string_view> path;  // segments after /api/v2.0
    Principal who;
    std::string body;
  };

 private:
  http::Response Route(Call& call);
  Result<Principal> Caller(const http::Request& request, bool* via_session,
                           std::string* csrf_token);
  http::Response Login(const http::Request& request, const std::string& form);
  http::Response Logout(const http::Request& request);

  http::Response Users(Call& call);
  http::Response CurrentUser(Call& call);
  http::Response CurrentPermissions(Call& call);
  http::Response UserGroups(Call& call);
  http::Response Projects(Call& call);
  http::Response OneProject(Call& call, const ProjectRecord& project);
  http::Response Members(Call& call, const ProjectRecord& project);
  http::Response Robots(Call& call);
  http::Response Repositories(Call& call, const ProjectRecord& project);
  http::Response AllRepositories(Call& call);
  http::Response Artifacts(Call& call, const ProjectRecord& project, const std::string& repository,
                           size_t rest);
  http::Response Tags(Call& call, const ProjectRecord& project, const ArtifactRecord& artifact,
                      size_t rest);
  http::Response ArtifactLabels(Call& call, const ProjectRecord& project,
                                const ArtifactRecord& artifact, size_t rest);
  http::Response Labels(Call& call);
  http::Response Quotas(Call& call);
  http::Response AuditLogs(Call& call, const ProjectRecord* project);
  http::Response Search(Call& call);
  http::Response Statistics(Call& call);
  http::Response Configurations(Call& call);
  http::Response Webhooks(Call& call, const ProjectRecord& project);
  http::Response Ldap(Call& call);
  http::Response System(Call& call);
  http::Response Volumes(Call& call);

  // Who the audit log and webhooks name for the caller.
  static std::string OperatorOf(const Principal& who);
  void Announce(EventKind kind, const Principal& who, const std::string& project);
  boost::json::object ArtifactJson(const ArtifactRecord& a, int64_t project_id,
                                   const http::Request& request);

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
  Result<int64_t> CreateUser(const boost::json::object& body);
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
  EventSink* events_;
  Notifier* notifier_;
  std::filesystem::path data_dir_;
  HarborApiOptions options_;
};

}  // namespace berth
