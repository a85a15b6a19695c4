// Purging the audit log as a job of the job service: Harbor's PURGE_AUDIT_LOG, with its
// parameters as /system/purgeaudit takes them (audit_retention_hour, include_event_types,
// include_operations, dry_run), read here for the API that submits it and the handler alike.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "jobs/job_service.h"
#include "meta/history_store.h"

namespace berth {

inline constexpr std::string_view kPurgeAuditJobType = "PURGE_AUDIT_LOG";

struct PurgeAuditOptions {
  int64_t retention_hours = 0;           // entries older than this go
  std::vector<std::string> event_types;  // create_artifact, pull_artifact, ...
  std::vector<std::string> operations;   // create, delete, pull, update
  bool dry_run = false;
};

// BAD_REQUEST for a wrong type, hours outside 0 to 876,000 (a century), or a purge that names
// neither event types nor operations.
Result<PurgeAuditOptions> PurgeAuditOptionsFromJson(const boost::json::object& parameters);
boost::json::object PurgeAuditParametersJson(const PurgeAuditOptions& options);

// Deletes in batches, so that a stop is heard between them and no transaction grows large; its
// result is how many entries went (or, in a dry run, would).
JobHandler PurgeAuditJobHandler(HistoryStore& history);

}  // namespace berth
