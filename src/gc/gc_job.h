// Garbage collection as a job of the job service (jobs/job_service.h): its type, and its
// parameters as Harbor's /system/gc takes and shows them (delete_untagged, dry_run, workers),
// read in this one place by the API that submits the job and the handler that runs it.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <string_view>

#include "core/result.h"
#include "gc/collector.h"
#include "jobs/job_service.h"

namespace berth {

inline constexpr std::string_view kGcJobType = "GARBAGE_COLLECTION";

// Absent parameters take GcOptions' defaults; BAD_REQUEST for a wrong type or workers outside
// 1 to 5. The grace period is the node's (gc.grace_period), not the caller's.
Result<GcOptions> GcOptionsFromJson(const boost::json::object& parameters);
boost::json::object GcParametersJson(const GcOptions& options);

// Runs the job's collection; its result is the report, as Harbor's job_parameters add it
// (freed_blobs, freed_space, ...).
JobHandler GcJobHandler(GarbageCollector& collector, std::chrono::seconds grace_period);

}  // namespace berth
