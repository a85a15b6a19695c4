// Internal to src/meta's stores: what more than one of their translation units asks of the
// database, written once over the SQL seam.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "core/digest.h"
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

}  // namespace berth
