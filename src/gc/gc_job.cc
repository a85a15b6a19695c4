#include "gc/gc_job.h"

#include <boost/json.hpp>

#include "api/harbor_json.h"

namespace berth {

Result<GcOptions> GcOptionsFromJson(const boost::json::object& parameters) {
  GcOptions options;
  for (auto [key, into] : {std::pair{"delete_untagged", &options.delete_untagged},
                           std::pair{"dry_run", &options.dry_run}}) {
    auto value = BoolField(parameters, key);
    if (!value) return tl::unexpected(value.error());
    if (*value) *into = **value;
  }
  auto workers = IntField(parameters, "workers");
  if (!workers) return tl::unexpected(workers.error());
  if (*workers) {
    if (**workers < 1 || **workers > 5) return Fail(ErrorCode::kBadRequest, "workers must be 1 to 5");
    options.workers = static_cast<int>(**workers);
  }
  return options;
}

boost::json::object GcParametersJson(const GcOptions& options) {
  return {{"delete_untagged", options.delete_untagged},
          {"dry_run", options.dry_run},
          {"workers", options.workers}};
}

JobHandler GcJobHandler(GarbageCollector& collector, std::chrono::seconds grace_period) {
  return [&collector, grace_period](JobContext& job) -> Result<JobOutcome> {
    auto parameters = ParseJsonObject(job.job().parameters);
    if (!parameters) return tl::unexpected(parameters.error());
    auto options = GcOptionsFromJson(*parameters);
    if (!options) return tl::unexpected(options.error());
    options->grace_period = grace_period;
    auto report =
        collector.Run(*options, [&](const std::string& line) { job.Log(line); }, &job.stop());
    if (!report) return tl::unexpected(report.error());
    const boost::json::object result{{"freed_blobs", report->blobs},
                                     {"freed_space", report->bytes},
                                     {"deleted_manifests", report->manifests},
                                     {"orphan_blobs", report->orphans},
                                     {"removed_links", report->links},
                                     {"expired_uploads", report->uploads}};
    return JobOutcome{boost::json::serialize(result), report->stopped};
  };
}

}  // namespace berth
