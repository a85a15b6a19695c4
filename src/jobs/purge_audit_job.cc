#include "jobs/purge_audit_job.h"

#include <boost/json.hpp>

#include "api/harbor_json.h"
#include "core/strings.h"

namespace berth {
namespace {

constexpr int64_t kMaxRetentionHours = 876000;
constexpr int64_t kBatch = 5000;

Result<std::vector<std::string>> CommaList(const boost::json::object& o, std::string_view key) {
  auto text = StringField(o, key);
  if (!text) return tl::unexpected(text.error());
  std::vector<std::string> items;
  const std::string whole = text->value_or("");
  for (std::string_view item : Split(whole, ',')) {
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) items.emplace_back(item);
  }
  return items;
}

}  // namespace

Result<PurgeAuditOptions> PurgeAuditOptionsFromJson(const boost::json::object& parameters) {
  PurgeAuditOptions options;
  auto hours = IntField(parameters, "audit_retention_hour");
  if (!hours) return tl::unexpected(hours.error());
  if (*hours) {
    if (**hours < 0 || **hours > kMaxRetentionHours)
      return Fail(ErrorCode::kBadRequest, "audit_retention_hour must be 0 to 876000");
    options.retention_hours = **hours;
  }
  auto types = CommaList(parameters, "include_event_types");
  if (!types) return tl::unexpected(types.error());
  options.event_types = std::move(*types);
  auto operations = CommaList(parameters, "include_operations");
  if (!operations) return tl::unexpected(operations.error());
  options.operations = std::move(*operations);
  if (options.event_types.empty() && options.operations.empty())
    return Fail(ErrorCode::kBadRequest,
                "include_event_types (or include_operations) must name what to purge, e.g. "
                "create_artifact,delete_artifact,pull_artifact");
  auto dry_run = BoolField(parameters, "dry_run");
  if (!dry_run) return tl::unexpected(dry_run.error());
  options.dry_run = dry_run->value_or(false);
  return options;
}

boost::json::object PurgeAuditParametersJson(const PurgeAuditOptions& options) {
  boost::json::object o{{"audit_retention_hour", options.retention_hours},
                        {"include_event_types", Join(options.event_types, ",")},
                        {"dry_run", options.dry_run}};
  if (!options.operations.empty()) o["include_operations"] = Join(options.operations, ",");
  return o;
}

JobHandler PurgeAuditJobHandler(HistoryStore& history) {
  return [&history](JobContext& job) -> Result<JobOutcome> {
    auto parameters = ParseJsonObject(job.job().parameters);
    if (!parameters) return tl::unexpected(parameters.error());
    auto options = PurgeAuditOptionsFromJson(*parameters);
    if (!options) return tl::unexpected(options.error());
    // Dated from when the job was asked for, so that a run taken up again purges the same.
    const AuditLogPurge purge{job.job().created_at - options->retention_hours * 3600,
                              options->event_types, options->operations};
    job.Log(
        "purging audit log entries before " + Rfc3339(purge.before) + " of " +
        Join(options->event_types, ",") +
        (options->operations.empty() ? "" : " and operations " + Join(options->operations, ",")) +
        (options->dry_run ? " (dry run)" : ""));
    int64_t purged = 0;
    bool stopped = false;
    if (options->dry_run) {
      auto counted = history.PurgeAuditLogs(purge, 0, true);
      if (!counted) return tl::unexpected(counted.error());
      purged = *counted;
    } else {
      while (true) {
        if (job.stop()) {
          stopped = true;
          break;
        }
        auto batch = history.PurgeAuditLogs(purge, kBatch, false);
        if (!batch) return tl::unexpected(batch.error());
        purged += *batch;
        if (*batch < kBatch) break;
      }
    }
    job.Log(std::to_string(purged) +
            (options->dry_run ? " entries would be purged" : " entries purged") +
            (stopped ? "; stopped" : ""));
    return JobOutcome{boost::json::serialize(boost::json::object{{"purged", purged}}), stopped};
  };
}

}  // namespace berth
