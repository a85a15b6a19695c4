// Internal to src/meta's stores: what more than one of their translation units asks of the
// database, written once over the SQL seam.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "core/digest.h"
#include "events/event.h"
#include "meta/sql.h"

namespace berth {

// Returns the repository's id, or 0 when there is none.
Result<int64_t> RepositoryId(SqlConnection& c, const std::string& name);
// The repository's id, creating it when it is new.
Result<int64_t> EnsureRepository(SqlConnection& c, const std::string& name, int64_t now);

// The bounds of a project's repository names: after "<project>/", before "<project>0"
// ('0' is the byte after '/'), so an indexed range scan finds them.
inline std::pair<std::string, std::string> ProjectRange(std::string_view project) {
  return {std::string(project) + "/", std::string(project) + "0"};
}

// Bytes the project's repositories hold: each blob once, with the manifests' own bytes.
Result<int64_t> ProjectUsage(SqlConnection& c, std::string_view project);
// The project's storage limit in bytes; -1 when it has none.
Result<int64_t> ProjectStorageLimit(SqlConnection& c, std::string_view project);
// kQuotaExceeded when linking `digest` (`size` bytes) into the project would pass its limit.
Status CheckQuota(SqlConnection& c, std::string_view project, const Digest& digest, uint64_t size);

// The runs (jobs) of the retention policies `where` picks ("project_id = ?", "id = ?"), with
// their tasks, and their schedules.
Status DeleteRetentionJobs(SqlConnection& c, const char* where, int64_t value);

// kPrecondition naming the first enabled immutable tag rule of the repository's project that
// reaches one of `tags`, which therefore cannot be `doing` ("overwritten", "deleted").
Status RefuseImmutableTags(SqlConnection& c, const std::string& repository,
                           std::span<const std::string> tags, std::string_view doing);

// Records `event` in the outbox, in the transaction of the change it tells of.
Status RecordEvent(SqlConnection& c, const Event& event);
// RecordEvent when there is an event to record.
inline Status RecordEvent(SqlConnection& c, const std::optional<Event>& event) {
  return event ? RecordEvent(c, *event) : Status{};
}

}  // namespace berth
