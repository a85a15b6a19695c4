// A tag retention run as a job of the job service (jobs/job_service.h): the policy's rules
// weighed against every repository of its project that they reach, one task per repository,
// and what they do not retain deleted as the API's DELETE would (events, cache), or only
// listed on a dry run. A run taken up again after a crash starts its tasks over: what it had
// deleted is gone and weighs no more. The end of a real run raises TAG_RETENTION.
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "events/event.h"
#include "jobs/job_service.h"
#include "meta/identity_store.h"
#include "meta/management_store.h"
#include "meta/metadata_store.h"
#include "registry/registry.h"

namespace berth {

// A run's parameters, as the API submits them and the handler reads them.
struct RetentionRun {
  int64_t policy_id = 0;
  bool dry_run = false;
  std::string operator_name;  // who asked for it: named by the deletions' events
};
std::string RetentionRunJson(const RetentionRun& run);
Result<RetentionRun> RetentionRunFromJson(const std::string& json);

struct RetentionServices {
  ManagementStore& management;
  IdentityStore& identities;
  MetadataStore& content;
  Registry& registry;
  EventSink* events;  // may be null: nothing announced
  const Clock& clock;
};

JobHandler RetentionJobHandler(RetentionServices services);

}  // namespace berth
