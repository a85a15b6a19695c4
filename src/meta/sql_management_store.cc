// SqlMetadataStore's ManagementStore half: artifacts as the API lists them, labels, quotas,
// pull counts, settings and webhook policies (schema: migrations 4 and 6).
#include <algorithm>
#include <cstdio>

#include "core/strings.h"
#include "meta/sql_list.h"
#include "meta/sql_metadata_store.h"
#include "meta/sql_store.h"

namespace berth {
namespace {

using Connection = SqlConnection;

}  // namespace

Result<int64_t> ProjectUsage(Connection& c, std::string_view project) {
  auto [low, high] = ProjectRange(project);
  auto q = c.Query(
      "SELECT coalesce((SELECT sum(b.size) FROM blobs b WHERE b.digest IN "
      "(SELECT rb.digest FROM repository_blobs rb JOIN repositories r ON r.id = rb.repository_id "
      "WHERE r.name > ?1 AND r.name < ?2)), 0) + "
      "coalesce((SELECT sum(size) FROM (SELECT DISTINCT m.digest, m.size FROM manifests m "
      "JOIN repositories r ON r.id = m.repository_id WHERE r.name > ?1 AND r.name < ?2) d), 0)",
      low, high);
  if (!q) return tl::unexpected(q.error());
  auto row = (*q)->Step();
  if (!row) return tl::unexpected(row.error());
  return (*q)->Int(0);
}

Result<int64_t> ProjectStorageLimit(Connection& c, std::string_view project) {
  auto q = c.Query(
      "SELECT q.storage_limit FROM quotas q JOIN projects p ON p.id = q.project_id "
      "WHERE p.name = ?",
      project);
  if (!q) return tl::unexpected(q.error());
  auto row = (*q)->Step();
  if (!row) return tl::unexpected(row.error());
  return *row ? (*q)->Int(0) : -1;
}

Status CheckQuota(Connection& c, std::string_view project, const Digest& digest, uint64_t size) {
  auto limit = ProjectStorageLimit(c, project);
  if (!limit) return tl::unexpected(limit.error());
  if (*limit < 0) return {};
  // Blobs are linked at READ COMMITTED (CommitLocked): on PostgreSQL a limited project's quota
  // row is locked, and its limit read again, so that its new blobs are weighed against it one at
  // a time, each after the last has committed. SQLite has one writer anyway.
  if (c.dialect() == SqlDialect::kPostgres) {
    limit = One<int64_t>(c,
                         "SELECT q.storage_limit FROM quotas q JOIN projects p ON p.id = "
                         "q.project_id WHERE p.name = ? FOR UPDATE OF q",
                         [](SqlStatement& q) { return q.Int(0); }, project);
    if (!limit) return tl::unexpected(limit.error());
    if (*limit < 0) return {};
  }
  auto [low, high] = ProjectRange(project);
  auto held = c.Query(
      "SELECT 1 FROM repository_blobs rb JOIN repositories r ON r.id = rb.repository_id "
      "WHERE rb.digest = ? AND r.name > ? AND r.name < ?",
      digest.str(), low, high);
  if (!held) return tl::unexpected(held.error());
  auto row = (*held)->Step();
  if (!row) return tl::unexpected(row.error());
  if (*row) return {};
  held->reset();
  auto used = ProjectUsage(c, project);
  if (!used) return tl::unexpected(used.error());
  if (*used + static_cast<int64_t>(size) <= *limit) return {};
  return Fail(ErrorCode::kQuotaExceeded,
              "quota exceeded: adding " + Mebibytes(static_cast<int64_t>(size)) + " to project " +
                  std::string(project) + " would pass its storage limit (" + Mebibytes(*used) +
                  " of " + Mebibytes(*limit) + " used)");
}

Result<std::optional<StorageUse>> SqlMetadataStore::ProjectStorage(const std::string& project) {
  return db_->Read([&](Connection& c) -> Result<std::optional<StorageUse>> {
    auto limit = ProjectStorageLimit(c, project);
    if (!limit) return tl::unexpected(limit.error());
    if (*limit < 0) return std::nullopt;
    auto used = ProjectUsage(c, project);
    if (!used) return tl::unexpected(used.error());
    return StorageUse{*limit, *used};
  });
}

namespace {

// Whether an index of the repository lists the manifest. CROSS JOIN (with its condition in WHERE,
// as PostgreSQL's CROSS JOIN takes no ON) keeps SQLite to this order (by manifest_children_by_child
// first): the other way round is a scan of the repository per
// row, and a list quadratic in its length.
#define BERTH_IS_CHILD                                                 \
  "EXISTS (SELECT 1 FROM manifest_children mc CROSS JOIN manifests p " \
  "WHERE p.id = mc.manifest_id AND mc.child_digest = m.digest AND "    \
  "p.repository_id = m.repository_id)"
#define BERTH_TAGGED "EXISTS (SELECT 1 FROM tags t WHERE t.manifest_id = m.id)"

constexpr const char* kArtifactColumns =
    "SELECT m.id, m.repository_id, r.name, m.digest, m.media_type, m.content, "
    "coalesce(m.subject, ''), coalesce(m.artifact_type, ''), m.pushed_at, "
    "m.pulled_at, " BERTH_IS_CHILD
    " FROM manifests m JOIN repositories r ON r.id = m.repository_id ";

// Harbor's artifact list: no accessory (a subject is NULL when there is none), no untagged
// child of an index. The children are gathered once, from the repository's indexes
// (manifests_by_media_type), not looked for row by row, so that the list walks
// manifests_by_subject alone up to its page.
constexpr const char* kListedArtifacts =
    " WHERE m.repository_id = ?1 AND m.subject IS NULL AND m.id NOT IN ("
    "SELECT child.id FROM manifests parent CROSS JOIN manifest_children mc CROSS JOIN manifests "
    "child WHERE mc.manifest_id = parent.id AND child.repository_id = ?1 AND "
    "child.digest = mc.child_digest AND parent.repository_id = ?1 AND parent.media_type IN "
    "('application/vnd.oci.image.index.v1+json', "
    "'application/vnd.docker.distribution.manifest.list.v2+json') AND NOT EXISTS "
    "(SELECT 1 FROM tags t WHERE t.manifest_id = child.id))";

constexpr ListField kArtifactFilters[] = {
    {"digest", "m.digest"},
    {"media_type", "m.media_type"},
    {"tags", "t.name", false, "EXISTS (SELECT 1 FROM tags t WHERE t.manifest_id = m.id AND {})"},
    {"labels", "al.label_id", true,
     "EXISTS (SELECT 1 FROM artifact_labels al WHERE al.manifest_id = m.id AND {})"},
};
constexpr ListField kArtifactSorts[] = {
    {"push_time", "m.pushed_at", true},
    {"pull_time", "m.pulled_at", true},
    {"id", "m.id", true},
    {"digest", "m.digest"},
    {"media_type", "m.media_type"},
    // The manifest with its config and layers, as the artifact's size is shown.
    {"size",
     "m.size + coalesce((SELECT sum(b.size) FROM manifest_blobs mb JOIN blobs b ON "
     "b.digest = mb.digest WHERE mb.manifest_id = m.id), 0)",
     true},
};

ArtifactRecord ReadArtifact(SqlStatement& q) {
  ArtifactRecord a;
  a.id = q.Int(0);
  a.repository_id = q.Int(1);
  a.repository = q.Text(2);
  a.digest = q.Text(3);
  a.media_type = q.Text(4);
  a.content = q.Text(5);
  a.subject = q.Text(6);
  a.artifact_type = q.Text(7);
  a.pushed_at = q.Int(8);
  a.pull_time = q.Int(9);
  a.is_child = q.Int(10) != 0;
  return a;
}

// Tags, labels and children: what the artifact row alone does not hold.
Status Complete(Connection& c, ArtifactRecord& a) {
  // rowid: tags have no id column of their own, and Harbor's Tag has one.
  auto tags = All<TagRecord>(
      c, "SELECT rowid, name, updated_at FROM tags WHERE manifest_id = ? ORDER BY updated_at DESC",
      [](SqlStatement& q) {
        return TagRecord{q.Int(0), q.Text(1), q.Int(2)};
      },
      a.id);
  if (!tags) return tl::unexpected(tags.error());
  a.tags = std::move(*tags);
  auto labels = All<int64_t>(
      c, "SELECT label_id FROM artifact_labels WHERE manifest_id = ? ORDER BY created_at",
      [](SqlStatement& q) { return q.Int(0); }, a.id);
  if (!labels) return tl::unexpected(labels.error());
  a.label_ids = std::move(*labels);
  auto children = c.Query("SELECT child_digest FROM manifest_children WHERE manifest_id = ?", a.id);
  if (!children) return tl::unexpected(children.error());
  auto digests = (*children)->Texts();
  if (!digests) return tl::unexpected(digests.error());
  a.children = std::move(*digests);
  return {};
}

}  // namespace

Result<ListPage<ArtifactRecord>> SqlMetadataStore::ListArtifacts(const std::string& repository,
                                                                 const ArtifactListing& listing) {
  auto filter = FilterSql(listing.request.conditions, kArtifactFilters);
  if (!filter) return tl::unexpected(filter.error());
  auto order = OrderSql(listing.request.sort.empty() ? std::vector<SortKey>{{"push_time", true}}
                                                     : listing.request.sort,
                        kArtifactSorts, "m.id");
  if (!order) return tl::unexpected(order.error());
  std::string where = kListedArtifacts;
  if (listing.tagged) where += *listing.tagged ? " AND " BERTH_TAGGED : " AND NOT " BERTH_TAGGED;
  where += filter->sql;
  return db_->Read([&](Connection& c) -> Result<ListPage<ArtifactRecord>> {
    auto id = RepositoryId(c, repository);
    if (!id) return tl::unexpected(id.error());
    if (*id == 0) return Fail(ErrorCode::kNotFound, "repository " + repository + " not found");
    std::vector<SqlValue> values{*id};
    values.insert(values.end(), filter->values.begin(), filter->values.end());
    auto out = ListPageOf<ArtifactRecord>(c, kArtifactColumns, "manifests m", where, values, *order,
                                          listing.request, ReadArtifact);
    if (!out) return out;
    for (ArtifactRecord& a : out->items) {
      if (auto s = Complete(c, a); !s) return tl::unexpected(s.error());
    }
    return out;
  });
}

Result<ArtifactRecord> SqlMetadataStore::GetArtifact(const std::string& repository,
                                                     const std::string& reference) {
  static const std::string by_digest =
      std::string(kArtifactColumns) + "WHERE r.name = ? AND m.digest = ?";
  static const std::string by_tag = std::string(kArtifactColumns) +
                                    "JOIN tags t ON t.manifest_id = m.id WHERE r.name = ? AND "
                                    "t.name = ?";
  return db_->Read([&](Connection& c) -> Result<ArtifactRecord> {
    const bool digest = reference.find(':') != std::string::npos;
    auto a = One<ArtifactRecord>(c, digest ? by_digest.c_str() : by_tag.c_str(), ReadArtifact,
                                 repository, reference);
    if (!a) {
      if (a.error().code == ErrorCode::kNotFound)
        return Fail(ErrorCode::kNotFound,
                    "artifact " + repository + ":" + reference + " not found");
      return a;
    }
    if (auto s = Complete(c, *a); !s) return tl::unexpected(s.error());
    return a;
  });
}

namespace {

constexpr const char* kLabelColumns =
    "SELECT id, name, description, color, scope, project_id, created_at, updated_at FROM labels ";

LabelRecord ReadLabel(SqlStatement& q) {
  return LabelRecord{q.Int(0),  q.Text(1), q.Text(2), q.Text(3),
                     q.Text(4), q.Int(5),  q.Int(6),  q.Int(7)};
}

}  // namespace

Result<int64_t> SqlMetadataStore::CreateLabel(const LabelRecord& l) {
  return db_->CommitInsert([&](Connection& c) {
    return InsertId(c,
                    "INSERT INTO labels (name, description, color, scope, project_id, created_at, "
                    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    l.name, l.description, l.color, l.scope, l.project_id, l.created_at,
                    l.updated_at);
  });
}

Result<LabelRecord> SqlMetadataStore::GetLabel(int64_t id) {
  static const std::string sql = std::string(kLabelColumns) + "WHERE id = ?";
  return db_->Read([&](Connection& c) { return One<LabelRecord>(c, sql.c_str(), ReadLabel, id); });
}

namespace {

constexpr ListField kLabelFilters[] = {{"name", "name"}};
constexpr ListField kLabelSorts[] = {
    {"id", "id", true}, {"name", "name"}, {"creation_time", "created_at", true}};

}  // namespace

Result<ListPage<LabelRecord>> SqlMetadataStore::ListLabels(const std::string& scope,
                                                           int64_t project_id,
                                                           const ListRequest& request) {
  auto filter = FilterSql(request.conditions, kLabelFilters);
  if (!filter) return tl::unexpected(filter.error());
  auto order = OrderSql(request.sort, kLabelSorts, "id");
  if (!order) return tl::unexpected(order.error());
  std::vector<SqlValue> values{scope, project_id};
  values.insert(values.end(), filter->values.begin(), filter->values.end());
  return db_->Read([&](Connection& c) {
    return ListPageOf<LabelRecord>(c, kLabelColumns, "labels",
                                   " WHERE scope = ? AND project_id = ?" + filter->sql, values,
                                   *order, request, ReadLabel);
  });
}

Status SqlMetadataStore::UpdateLabel(const LabelRecord& l) {
  return db_->Commit([&](Connection& c) {
    return Change(c,
                  "UPDATE labels SET name = ?, description = ?, color = ?, updated_at = ? "
                  "WHERE id = ?",
                  l.name, l.description, l.color, l.updated_at, l.id);
  });
}

Status SqlMetadataStore::DeleteLabel(int64_t id) {
  return db_->Commit(
      [&](Connection& c) { return Change(c, "DELETE FROM labels WHERE id = ?", id); });
}

Status SqlMetadataStore::AttachLabel(int64_t artifact_id, int64_t label_id, int64_t now) {
  return db_->Commit([&](Connection& c) {
    return c.Exec(
        "INSERT INTO artifact_labels (manifest_id, label_id, created_at) VALUES (?, ?, ?)",
        artifact_id, label_id, now);
  });
}

Status SqlMetadataStore::DetachLabel(int64_t artifact_id, int64_t label_id) {
  return db_->Commit([&](Connection& c) {
    return Change(c, "DELETE FROM artifact_labels WHERE manifest_id = ? AND label_id = ?",
                  artifact_id, label_id);
  });
}

namespace {

Result<QuotaRecord> QuotaOf(Connection& c, int64_t id, const std::string& name,
                            int64_t project_created) {
  auto q =
      c.Query("SELECT storage_limit, created_at, updated_at FROM quotas WHERE project_id = ?", id);
  if (!q) return tl::unexpected(q.error());
  auto row = (*q)->Step();
  if (!row) return tl::unexpected(row.error());
  QuotaRecord quota{id, name, -1, 0, project_created, project_created};
  if (*row) {
    quota.storage_limit = (*q)->Int(0);
    quota.created_at = (*q)->Int(1);
    quota.updated_at = (*q)->Int(2);
  }
  q->reset();
  auto used = ProjectUsage(c, name);
  if (!used) return tl::unexpected(used.error());
  quota.storage_used = *used;
  return quota;
}

struct ProjectKey {
  int64_t id;
  std::string name;
  int64_t created_at;
};

}  // namespace

Result<QuotaRecord> SqlMetadataStore::GetQuota(int64_t project_id) {
  return db_->Read([&](Connection& c) -> Result<QuotaRecord> {
    auto p = One<ProjectKey>(
        c, "SELECT id, name, created_at FROM projects WHERE id = ?",
        [](SqlStatement& q) {
          return ProjectKey{q.Int(0), q.Text(1), q.Int(2)};
        },
        project_id);
    if (!p) return tl::unexpected(p.error());
    return QuotaOf(c, p->id, p->name, p->created_at);
  });
}

Result<std::vector<QuotaRecord>> SqlMetadataStore::ListQuotas() {
  return db_->Read([&](Connection& c) -> Result<std::vector<QuotaRecord>> {
    auto projects = All<ProjectKey>(c, "SELECT id, name, created_at FROM projects ORDER BY id",
                                    [](SqlStatement& q) {
                                      return ProjectKey{q.Int(0), q.Text(1), q.Int(2)};
                                    });
    if (!projects) return tl::unexpected(projects.error());
    std::vector<QuotaRecord> out;
    for (const ProjectKey& p : *projects) {
      auto quota = QuotaOf(c, p.id, p.name, p.created_at);
      if (!quota) return tl::unexpected(quota.error());
      out.push_back(std::move(*quota));
    }
    return out;
  });
}

namespace {

constexpr ListField kQuotaSorts[] = {
    {"hard.storage", "coalesce(q.storage_limit, -1)", true},
    {"creation_time", "coalesce(q.created_at, p.created_at)", true},
    {"update_time", "coalesce(q.updated_at, p.created_at)", true},
};

}  // namespace

Result<ListPage<QuotaRecord>> SqlMetadataStore::ListQuotas(std::optional<int64_t> project_id,
                                                           const ListRequest& request) {
  const bool by_usage = std::any_of(request.sort.begin(), request.sort.end(),
                                    [](const SortKey& k) { return k.field == "used.storage"; });
  std::string where = " WHERE TRUE";
  std::vector<SqlValue> values;
  if (project_id) {
    where += " AND p.id = ?";
    values.push_back(*project_id);
  }
  if (by_usage) {
    // Usage is no column: every project's is worked out, then sorted and cut.
    auto all = ListQuotas();
    if (!all) return tl::unexpected(all.error());
    std::erase_if(*all,
                  [&](const QuotaRecord& q) { return project_id && q.project_id != *project_id; });
    for (auto key = request.sort.rbegin(); key != request.sort.rend(); ++key) {
      auto value = [&](const QuotaRecord& q) {
        if (key->field == "used.storage") return q.storage_used;
        if (key->field == "hard.storage") return q.storage_limit;
        return key->field == "creation_time" ? q.created_at : q.updated_at;
      };
      std::stable_sort(all->begin(), all->end(), [&](const QuotaRecord& a, const QuotaRecord& b) {
        return key->descending ? value(b) < value(a) : value(a) < value(b);
      });
    }
    ListPage<QuotaRecord> out;
    out.total = static_cast<int64_t>(all->size());
    const auto first = std::min<size_t>(all->size(), static_cast<size_t>(request.offset));
    const auto last =
        request.limit > 0
            ? std::min<size_t>(all->size(), first + static_cast<size_t>(request.limit))
            : all->size();
    out.items.assign(all->begin() + first, all->begin() + last);
    return out;
  }
  auto order = OrderSql(request.sort, kQuotaSorts, "p.id");
  if (!order) return tl::unexpected(order.error());
  return db_->Read([&](Connection& c) -> Result<ListPage<QuotaRecord>> {
    auto keys =
        ListPageOf<ProjectKey>(c,
                               "SELECT p.id, p.name, p.created_at FROM projects p LEFT JOIN quotas "
                               "q ON q.project_id = p.id",
                               "projects p", where, values, *order, request, [](SqlStatement& q) {
                                 return ProjectKey{q.Int(0), q.Text(1), q.Int(2)};
                               });
    if (!keys) return tl::unexpected(keys.error());
    ListPage<QuotaRecord> out;
    out.total = keys->total;
    for (const ProjectKey& p : keys->items) {
      auto quota = QuotaOf(c, p.id, p.name, p.created_at);
      if (!quota) return tl::unexpected(quota.error());
      out.items.push_back(std::move(*quota));
    }
    return out;
  });
}

Status SqlMetadataStore::SetStorageLimit(int64_t project_id, int64_t limit, int64_t now) {
  return db_->Commit([&](Connection& c) {
    return c.Exec(
        "INSERT INTO quotas (project_id, storage_limit, created_at, updated_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (project_id) DO UPDATE SET "
        "storage_limit = excluded.storage_limit, updated_at = excluded.updated_at",
        project_id, limit, now, now);
  });
}

Status SqlMetadataStore::RecordPulls(const std::vector<PullTally>& pulls) {
  return db_->Commit([&](Connection& c) -> Status {
    for (const PullTally& p : pulls) {
      if (auto s = c.Exec("UPDATE repositories SET pull_count = pull_count + ? WHERE name = ?",
                          p.count, p.repository);
          !s) {
        return s;
      }
      if (auto s =
              c.Exec("UPDATE manifests SET pulled_at = greatest(pulled_at, ?) WHERE digest = ? AND "
                     "repository_id = (SELECT id FROM repositories WHERE name = ?)",
                     p.last, p.digest, p.repository);
          !s) {
        return s;
      }
    }
    return {};
  });
}

Result<std::map<std::string, std::string>> SqlMetadataStore::LoadSettings() {
  return db_->Read([&](Connection& c) -> Result<std::map<std::string, std::string>> {
    auto rows = All<std::pair<std::string, std::string>>(
        c, "SELECT name, value FROM settings",
        [](SqlStatement& q) { return std::pair(q.Text(0), q.Text(1)); });
    if (!rows) return tl::unexpected(rows.error());
    return std::map<std::string, std::string>(rows->begin(), rows->end());
  });
}

Result<std::string> SqlMetadataStore::SharedSecret(const std::string& name,
                                                   const std::string& candidate) {
  std::string kept;
  Status s = db_->Commit([&](Connection& c) -> Status {
    if (auto s = c.Exec("INSERT INTO secrets (name, value) VALUES (?, ?) "
                        "ON CONFLICT (name) DO NOTHING",
                        name, candidate);
        !s) {
      return s;
    }
    auto value = One<std::string>(
        c, "SELECT value FROM secrets WHERE name = ?", [](SqlStatement& q) { return q.Text(0); },
        name);
    if (!value) return tl::unexpected(value.error());
    kept = std::move(*value);
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return kept;
}

Status SqlMetadataStore::SaveSettings(const std::map<std::string, std::string>& settings) {
  return db_->Commit([&](Connection& c) -> Status {
    for (const auto& [name, value] : settings) {
      if (auto s = c.Exec("INSERT INTO settings (name, value) VALUES (?, ?) "
                          "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                          name, value);
          !s) {
        return s;
      }
    }
    return {};
  });
}

namespace {

constexpr const char* kPolicyColumns =
    "SELECT id, project_id, name, description, creator, enabled, event_types, targets, "
    "created_at, updated_at FROM webhook_policies ";

WebhookPolicyRecord ReadPolicy(SqlStatement& q) {
  WebhookPolicyRecord p;
  p.id = q.Int(0);
  p.project_id = q.Int(1);
  p.name = q.Text(2);
  p.description = q.Text(3);
  p.creator = q.Text(4);
  p.enabled = q.Int(5) != 0;
  const std::string types = q.Text(6);
  for (std::string_view type : Split(types, ' ')) {
    if (!type.empty()) p.event_types.emplace_back(type);
  }
  p.targets_json = q.Text(7);
  p.created_at = q.Int(8);
  p.updated_at = q.Int(9);
  return p;
}

}  // namespace

Result<int64_t> SqlMetadataStore::CreateWebhookPolicy(const WebhookPolicyRecord& p) {
  return db_->CommitInsert([&](Connection& c) {
    return InsertId(
        c,
        "INSERT INTO webhook_policies (project_id, name, description, creator, enabled, "
        "event_types, targets, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id",
        p.project_id, p.name, p.description, p.creator, int64_t{p.enabled},
        Join(p.event_types, " "), p.targets_json, p.created_at, p.updated_at);
  });
}

Result<WebhookPolicyRecord> SqlMetadataStore::GetWebhookPolicy(int64_t id) {
  static const std::string sql = std::string(kPolicyColumns) + "WHERE id = ?";
  return db_->Read(
      [&](Connection& c) { return One<WebhookPolicyRecord>(c, sql.c_str(), ReadPolicy, id); });
}

Result<std::vector<WebhookPolicyRecord>> SqlMetadataStore::ListWebhookPolicies(int64_t project_id) {
  static const std::string all = std::string(kPolicyColumns) + "ORDER BY id";
  static const std::string one = std::string(kPolicyColumns) + "WHERE project_id = ? ORDER BY id";
  return db_->Read([&](Connection& c) {
    if (project_id == 0) return All<WebhookPolicyRecord>(c, all.c_str(), ReadPolicy);
    return All<WebhookPolicyRecord>(c, one.c_str(), ReadPolicy, project_id);
  });
}

Status SqlMetadataStore::UpdateWebhookPolicy(const WebhookPolicyRecord& p) {
  return db_->Commit([&](Connection& c) {
    return Change(c,
                  "UPDATE webhook_policies SET name = ?, description = ?, enabled = ?, "
                  "event_types = ?, targets = ?, updated_at = ? WHERE id = ?",
                  p.name, p.description, int64_t{p.enabled}, Join(p.event_types, " "),
                  p.targets_json, p.updated_at, p.id);
  });
}

Status SqlMetadataStore::DeleteWebhookPolicy(int64_t id) {
  return db_->Commit(
      [&](Connection& c) { return Change(c, "DELETE FROM webhook_policies WHERE id = ?", id); });
}

}  // namespace berth
