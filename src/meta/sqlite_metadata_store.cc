#include "meta/sqlite_metadata_store.h"

#include <array>

#include "core/reference.h"
#include "meta/sql_list.h"
#include "meta/sqlite_database.h"

namespace berth {
namespace {

// Versioned migrations: each runs once, in order, inside a transaction. Append, never edit.
// The SQL stays close to portable (no SQLite-only types), so PostgreSQL can take the schema
// with its own spelling of generated ids.
constexpr std::array<const char*, 7> kMigrations = {
    R"sql(
CREATE TABLE repositories (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
CREATE TABLE blobs (
  digest TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE repository_blobs (
  repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
  digest TEXT NOT NULL REFERENCES blobs(digest),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (repository_id, digest)
);
CREATE TABLE manifests (
  id INTEGER PRIMARY KEY,
  repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
  digest TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  content BLOB NOT NULL,
  subject TEXT,
  artifact_type TEXT,
  pushed_at BIGINT NOT NULL,
  UNIQUE (repository_id, digest)
);
CREATE INDEX manifests_by_subject ON manifests (repository_id, subject);
CREATE TABLE manifest_blobs (
  manifest_id INTEGER NOT NULL REFERENCES manifests(id) ON DELETE CASCADE,
  digest TEXT NOT NULL,
  PRIMARY KEY (manifest_id, digest)
);
CREATE TABLE manifest_children (
  manifest_id INTEGER NOT NULL REFERENCES manifests(id) ON DELETE CASCADE,
  child_digest TEXT NOT NULL,
  PRIMARY KEY (manifest_id, child_digest)
);
CREATE TABLE tags (
  repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  manifest_id INTEGER NOT NULL REFERENCES manifests(id) ON DELETE CASCADE,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (repository_id, name)
);
CREATE INDEX tags_by_manifest ON tags (manifest_id);
CREATE TABLE uploads (
  uuid TEXT PRIMARY KEY,
  repository TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX uploads_by_age ON uploads (updated_at);
)sql",
    R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  email TEXT,
  realname TEXT NOT NULL,
  comment TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  sysadmin INTEGER NOT NULL,
  ldap_dn TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_by_email ON users (email);
CREATE TABLE user_groups (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  type INTEGER NOT NULL,
  ldap_dn TEXT,
  created_at BIGINT NOT NULL,
  UNIQUE (name, type)
);
CREATE UNIQUE INDEX user_groups_by_dn ON user_groups (ldap_dn);
CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  owner_id INTEGER NOT NULL,
  public INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE project_metadata (
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (project_id, name)
);
CREATE TABLE project_members (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  entity_type TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  role INTEGER NOT NULL,
  UNIQUE (project_id, entity_type, entity_id)
);
CREATE INDEX project_members_by_entity ON project_members (entity_type, entity_id);
CREATE TABLE robots (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  level TEXT NOT NULL,
  project_id INTEGER REFERENCES projects(id) ON DELETE CASCADE,
  duration BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  disabled INTEGER NOT NULL,
  permissions TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE login_failures (
  principal TEXT PRIMARY KEY,
  count INTEGER NOT NULL,
  locked_until BIGINT NOT NULL,
  last_freeze BIGINT NOT NULL
);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
)sql",
    R"sql(
ALTER TABLE repositories ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE repositories ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
)sql",
    R"sql(
ALTER TABLE repositories ADD COLUMN pull_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE manifests ADD COLUMN pulled_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX repository_blobs_by_digest ON repository_blobs (digest);
CREATE TABLE labels (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  color TEXT NOT NULL,
  scope TEXT NOT NULL,
  project_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (scope, project_id, name)
);
CREATE TABLE artifact_labels (
  manifest_id INTEGER NOT NULL REFERENCES manifests(id) ON DELETE CASCADE,
  label_id INTEGER NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (manifest_id, label_id)
);
CREATE TABLE quotas (
  project_id INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  storage_limit BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE audit_logs (
  id INTEGER PRIMARY KEY,
  project_id BIGINT NOT NULL,
  username TEXT NOT NULL,
  operation TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource TEXT NOT NULL,
  op_time BIGINT NOT NULL
);
CREATE INDEX audit_logs_by_project ON audit_logs (project_id, id);
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE webhook_policies (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  creator TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  event_types TEXT NOT NULL,
  targets TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (project_id, name)
);
CREATE TABLE webhook_executions (
  id INTEGER PRIMARY KEY,
  policy_id INTEGER NOT NULL REFERENCES webhook_policies(id) ON DELETE CASCADE,
  event_type TEXT NOT NULL,
  status TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  ended_at BIGINT NOT NULL
);
CREATE INDEX webhook_executions_by_policy ON webhook_executions (policy_id, id);
CREATE TABLE webhook_tasks (
  id INTEGER PRIMARY KEY,
  execution_id INTEGER NOT NULL REFERENCES webhook_executions(id) ON DELETE CASCADE,
  address TEXT NOT NULL,
  status TEXT NOT NULL,
  run_count BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  started_at BIGINT NOT NULL,
  ended_at BIGINT NOT NULL,
  next_try_at BIGINT NOT NULL,
  auth_header TEXT NOT NULL,
  skip_cert_verify INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  payload TEXT NOT NULL
);
CREATE INDEX webhook_tasks_by_execution ON webhook_tasks (execution_id);
CREATE INDEX webhook_tasks_due ON webhook_tasks (status, next_try_at);
CREATE TABLE webhook_attempts (
  task_id INTEGER NOT NULL REFERENCES webhook_tasks(id) ON DELETE CASCADE,
  attempt BIGINT NOT NULL,
  at BIGINT NOT NULL,
  http_status BIGINT NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (task_id, attempt)
);
)sql",
    // A task keeps its event, not the rendered payload: a fifth of the bytes written per event;
    // the payload is rendered when it is sent.
    R"sql(
ALTER TABLE webhook_tasks DROP COLUMN content_type;
ALTER TABLE webhook_tasks DROP COLUMN payload;
ALTER TABLE webhook_tasks ADD COLUMN payload_format TEXT NOT NULL DEFAULT 'Default';
ALTER TABLE webhook_tasks ADD COLUMN event BLOB NOT NULL DEFAULT x'';
)sql",
    // The audit log and webhook history move to history.db, where no request writes and
    // bookkeeping commits at idle priority (SqliteHistoryStore, which takes the moved_ copies
    // and drops them). The copies keep no foreign key to the policies, rebuilt with
    // AUTOINCREMENT: a deleted policy's id, under which history.db may still hold history until
    // it is swept, is never given to another policy.
    R"sql(
CREATE TABLE moved_audit_logs AS SELECT * FROM audit_logs;
CREATE TABLE moved_webhook_executions AS SELECT * FROM webhook_executions;
CREATE TABLE moved_webhook_tasks AS SELECT * FROM webhook_tasks;
CREATE TABLE moved_webhook_attempts AS SELECT * FROM webhook_attempts;
DROP TABLE webhook_attempts;
DROP TABLE webhook_tasks;
DROP TABLE webhook_executions;
DROP TABLE audit_logs;
CREATE TABLE webhook_policies_v6 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  creator TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  event_types TEXT NOT NULL,
  targets TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (project_id, name)
);
INSERT INTO webhook_policies_v6 SELECT id, project_id, name, description, creator, enabled,
  event_types, targets, created_at, updated_at FROM webhook_policies;
DROP TABLE webhook_policies;
ALTER TABLE webhook_policies_v6 RENAME TO webhook_policies;
)sql",    // Ids are never given twice (AUTOINCREMENT): a new project, user, robot or label must not
    // inherit what still names a deleted one's id (audit history, tokens, links). SQLite
    // rebuilds a table to change that; the migrations run with foreign keys off, so the drops
    // cascade into nothing, and are checked before they commit.
    R"sql(
CREATE TABLE repositories_v7 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL DEFAULT 0,
  pull_count BIGINT NOT NULL DEFAULT 0
);
INSERT INTO repositories_v7 SELECT * FROM repositories;
DROP TABLE repositories;
ALTER TABLE repositories_v7 RENAME TO repositories;
CREATE TABLE manifests_v7 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
  digest TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  content BLOB NOT NULL,
  subject TEXT,
  artifact_type TEXT,
  pushed_at BIGINT NOT NULL,
  pulled_at BIGINT NOT NULL DEFAULT 0,
  UNIQUE (repository_id, digest)
);
INSERT INTO manifests_v7 SELECT * FROM manifests;
DROP TABLE manifests;
ALTER TABLE manifests_v7 RENAME TO manifests;
CREATE TABLE users_v7 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL UNIQUE,
  email TEXT,
  realname TEXT NOT NULL,
  comment TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  sysadmin INTEGER NOT NULL,
  ldap_dn TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
INSERT INTO users_v7 SELECT * FROM users;
DROP TABLE users;
ALTER TABLE users_v7 RENAME TO users;
CREATE TABLE user_groups_v7 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  type INTEGER NOT NULL,
  ldap_dn TEXT,
  created_at BIGINT NOT NULL,
  UNIQUE (name, type)
);
INSERT INTO user_groups_v7 SELECT * FROM user_groups;
DROP TABLE user_groups;
ALTER TABLE user_groups_v7 RENAME TO user_groups;
CREATE TABLE projects_v7 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  owner_id INTEGER NOT NULL,
  public INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
INSERT INTO projects_v7 SELECT * FROM projects;
DROP TABLE projects;
ALTER TABLE projects_v7 RENAME TO projects;
CREATE TABLE project_members_v7 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  entity_type TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  role INTEGER NOT NULL,
  UNIQUE (project_id, entity_type, entity_id)
);
INSERT INTO project_members_v7 SELECT * FROM project_members;
DROP TABLE project_members;
ALTER TABLE project_members_v7 RENAME TO project_members;
CREATE TABLE robots_v7 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  level TEXT NOT NULL,
  project_id INTEGER REFERENCES projects(id) ON DELETE CASCADE,
  duration BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  disabled INTEGER NOT NULL,
  permissions TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
INSERT INTO robots_v7 SELECT * FROM robots;
DROP TABLE robots;
ALTER TABLE robots_v7 RENAME TO robots;
CREATE TABLE labels_v7 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  color TEXT NOT NULL,
  scope TEXT NOT NULL,
  project_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (scope, project_id, name)
);
INSERT INTO labels_v7 SELECT * FROM labels;
DROP TABLE labels;
ALTER TABLE labels_v7 RENAME TO labels;
-- Wider than before: a repository's artifacts in push order, for their list's pages.
CREATE INDEX manifests_by_subject ON manifests (repository_id, subject, pushed_at, id);
CREATE INDEX manifests_by_media_type ON manifests (repository_id, media_type);
CREATE UNIQUE INDEX users_by_email ON users (email);
CREATE UNIQUE INDEX user_groups_by_dn ON user_groups (ldap_dn);
CREATE INDEX project_members_by_entity ON project_members (entity_type, entity_id);
CREATE INDEX uploads_by_repository ON uploads (repository);
CREATE INDEX manifest_children_by_child ON manifest_children (child_digest);
CREATE INDEX tags_by_lower_name ON tags (repository_id, lower(name), name);
)sql",
};

}  // namespace

namespace {

using Connection = SqliteConnection;

bool IsDigestReference(const std::string& reference) {
  return reference.find(':') != std::string::npos;
}

}  // namespace

SqliteMetadataStore::SqliteMetadataStore(std::unique_ptr<SqliteDatabase> db) : db_(std::move(db)) {}
SqliteMetadataStore::~SqliteMetadataStore() = default;

Result<std::unique_ptr<SqliteMetadataStore>> SqliteMetadataStore::Open(
    const std::filesystem::path& path) {
  // FULL: a push acknowledged to the client survives a power loss, not just a crash.
  auto db = SqliteDatabase::Open(path, kMigrations,
                                 {.fsync_each_commit = true, .requests_write = true});
  if (!db) return tl::unexpected(db.error());
  return std::unique_ptr<SqliteMetadataStore>(new SqliteMetadataStore(std::move(*db)));
}

Result<std::vector<std::string>> SqliteMetadataStore::ListRepositories(const Page& page) {
  return db_->Read([&](Connection& c) -> Result<std::vector<std::string>> {
    auto q = c.Query("SELECT name FROM repositories WHERE name > ? ORDER BY name LIMIT ?",
                     page.last, page.limit ? static_cast<int64_t>(page.limit) : kNoLimit);
    if (!q) return tl::unexpected(q.error());
    return (*q)->Texts();
  });
}

namespace {

// A repository's row with its artifact count; updated_at is the later of its own (a description
// change) and its newest manifest or tag.
constexpr const char* kRepositoryColumns =
    "SELECT r.id, r.name, r.description, r.created_at, "
    "max(r.updated_at, r.created_at, "
    "coalesce((SELECT max(pushed_at) FROM manifests WHERE repository_id = r.id), 0), "
    "coalesce((SELECT max(updated_at) FROM tags WHERE repository_id = r.id), 0)), "
    "(SELECT count(*) FROM manifests WHERE repository_id = r.id), r.pull_count "
    "FROM repositories r ";

RepositoryRecord ReadRepository(Stmt& q) {
  return RepositoryRecord{q.Int(0), q.Text(1), q.Text(2), q.Int(3), q.Int(4), q.Int(5), q.Int(6)};
}

}  // namespace

namespace {

// What a repository list filters on (Harbor's q takes the name) and sorts by.
constexpr ListField kRepositoryFilters[] = {{"name", "r.name"}};
constexpr ListField kRepositorySorts[] = {
    {"name", "r.name"},
    {"creation_time", "r.created_at", true},
    {"update_time", "5", true},  // kRepositoryColumns' columns, by their position
    {"artifact_count", "6", true},
    {"pull_count", "r.pull_count", true},
};

}  // namespace

Result<ListPage<RepositoryRecord>> SqliteMetadataStore::ListRepositoryRecords(
    const std::optional<std::vector<std::string>>& projects, const ListRequest& request) {
  auto filter = FilterSql(request.conditions, kRepositoryFilters);
  if (!filter) return tl::unexpected(filter.error());
  auto order = OrderSql(request.sort.empty() ? std::vector<SortKey>{{"name"}} : request.sort,
                        kRepositorySorts, "r.id");
  if (!order) return tl::unexpected(order.error());
  // Each project's repositories are one indexed range of names.
  std::string where = " WHERE EXISTS (SELECT 1 FROM manifests WHERE repository_id = r.id)";
  std::vector<SqlValue> values;
  if (projects) {
    where += " AND (0";
    for (const std::string& project : *projects) {
      auto [low, high] = ProjectRange(project);
      where += " OR (r.name > ? AND r.name < ?)";
      values.push_back(low);
      values.push_back(high);
    }
    where += ")";
  }
  where += filter->sql;
  values.insert(values.end(), filter->values.begin(), filter->values.end());
  return db_->Read([&](Connection& c) {
    return ListPageOf<RepositoryRecord>(c, kRepositoryColumns, "repositories r", where, values,
                                        *order, request, ReadRepository);
  });
}

Result<RepositoryRecord> SqliteMetadataStore::GetRepository(const std::string& name) {
  static const std::string sql = std::string(kRepositoryColumns) + "WHERE r.name = ?";
  return db_->Read([&](Connection& c) -> Result<RepositoryRecord> {
    auto q = c.Query(sql.c_str(), name);
    if (!q) return tl::unexpected(q.error());
    auto row = (*q)->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return Fail(ErrorCode::kNotFound, "repository " + name + " not found");
    return ReadRepository(**q);
  });
}

Status SqliteMetadataStore::SetRepositoryDescription(const std::string& name,
                                                     const std::string& description, int64_t now) {
  return db_->Commit([&](Connection& c) -> Status {
    if (auto s = c.Exec("UPDATE repositories SET description = ?, updated_at = ? WHERE name = ?",
                        description, now, name);
        !s) {
      return s;
    }
    if (sqlite3_changes(c.db()) == 0)
      return Fail(ErrorCode::kNotFound, "repository " + name + " not found");
    return {};
  });
}

Status SqliteMetadataStore::DeleteRepository(const std::string& name) {
  return db_->Commit([&](Connection& c) -> Status {
    if (auto s = c.Exec("DELETE FROM repositories WHERE name = ?", name); !s) return s;
    if (sqlite3_changes(c.db()) == 0)
      return Fail(ErrorCode::kNotFound, "repository " + name + " not found");
    return {};
  });
}

Result<uint64_t> SqliteMetadataStore::LinkedBlobSize(const std::string& repository,
                                                     const Digest& digest) {
  return db_->Read([&](Connection& c) -> Result<uint64_t> {
    auto q = c.Query(
        "SELECT b.size FROM repository_blobs rb JOIN repositories r ON r.id = rb.repository_id "
        "JOIN blobs b ON b.digest = rb.digest WHERE r.name = ? AND rb.digest = ?",
        repository, digest.str());
    if (!q) return tl::unexpected(q.error());
    auto row = (*q)->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return Fail(ErrorCode::kBlobUnknown);
    return static_cast<uint64_t>((*q)->Int(0));
  });
}

namespace {

Status LinkBlobIn(Connection& c, const std::string& repository, const Digest& digest, uint64_t size,
                  int64_t now) {
  auto id = c.EnsureRepository(repository, now);
  if (!id) return tl::unexpected(id.error());
  auto linked = c.Exists("SELECT 1 FROM repository_blobs WHERE repository_id = ? AND digest = ?",
                         *id, digest.str());
  if (!linked) return tl::unexpected(linked.error());
  if (*linked) return {};
  if (auto s = CheckQuota(c, ProjectOf(repository), digest, size); !s) return s;
  if (auto s = c.Exec("INSERT INTO blobs (digest, size, created_at) VALUES (?, ?, ?) "
                      "ON CONFLICT (digest) DO NOTHING",
                      digest.str(), size, now);
      !s) {
    return s;
  }
  return c.Exec(
      "INSERT INTO repository_blobs (repository_id, digest, created_at) "
      "VALUES (?, ?, ?) ON CONFLICT (repository_id, digest) DO NOTHING",
      *id, digest.str(), now);
}

}  // namespace

Status SqliteMetadataStore::LinkBlob(const std::string& repository, const Digest& digest,
                                     uint64_t size, int64_t now) {
  return db_->Commit([&](Connection& c) { return LinkBlobIn(c, repository, digest, size, now); });
}

Status SqliteMetadataStore::LinkUploadedBlob(const std::string& uuid, const std::string& repository,
                                             const Digest& digest, uint64_t size, int64_t now) {
  return db_->Commit([&](Connection& c) -> Status {
    if (auto s = LinkBlobIn(c, repository, digest, size, now); !s) return s;
    return c.Exec("DELETE FROM uploads WHERE uuid = ?", uuid);
  });
}

Status SqliteMetadataStore::UnlinkBlob(const std::string& repository, const Digest& digest) {
  return db_->Commit([&](Connection& c) -> Status {
    if (auto s = c.Exec("DELETE FROM repository_blobs WHERE digest = ? AND repository_id = "
                        "(SELECT id FROM repositories WHERE name = ?)",
                        digest.str(), repository);
        !s) {
      return s;
    }
    if (sqlite3_changes(c.db()) == 0) return Fail(ErrorCode::kBlobUnknown);
    return {};
  });
}

Status SqliteMetadataStore::PutManifest(const ManifestRecord& m,
                                        const std::optional<std::string>& tag, int64_t now) {
  return db_->Commit([&](Connection& c) -> Status {
    auto repo = c.EnsureRepository(m.repository, now);
    if (!repo) return tl::unexpected(repo.error());
    for (const std::string& blob : m.blobs) {
      auto linked = c.Exists(
          "SELECT 1 FROM repository_blobs WHERE repository_id = ? AND digest = ?", *repo, blob);
      if (!linked) return tl::unexpected(linked.error());
      if (!*linked) return Fail(ErrorCode::kManifestBlobUnknown, "blob unknown: " + blob);
    }
    for (const std::string& child : m.children) {
      auto present =
          c.Exists("SELECT 1 FROM manifests WHERE repository_id = ? AND digest = ?", *repo, child);
      if (!present) return tl::unexpected(present.error());
      if (!*present) return Fail(ErrorCode::kManifestBlobUnknown, "manifest unknown: " + child);
    }
    auto subject = m.subject.empty() ? std::optional<std::string>() : m.subject;
    auto artifact = m.artifact_type.empty() ? std::optional<std::string>() : m.artifact_type;
    auto insert = c.Query(
        "INSERT INTO manifests (repository_id, digest, media_type, size, content, subject, "
        "artifact_type, pushed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (repository_id, digest) DO NOTHING",
        *repo, m.digest, m.media_type, static_cast<int64_t>(m.content.size()), m.content, nullptr,
        nullptr, now);
    if (!insert) return tl::unexpected(insert.error());
    if (subject) (*insert)->Bind(6, *subject);
    if (artifact) (*insert)->Bind(7, *artifact);
    if (auto s = (*insert)->Run(); !s) return s;
    insert->reset();
    const bool inserted = sqlite3_changes(c.db()) > 0;
    auto idq =
        c.Query("SELECT id FROM manifests WHERE repository_id = ? AND digest = ?", *repo, m.digest);
    if (!idq) return tl::unexpected(idq.error());
    if (auto row = (*idq)->Step(); !row || !*row) {
      return row ? Fail(ErrorCode::kInternal, "manifest vanished") : tl::unexpected(row.error());
    }
    const int64_t id = (*idq)->Int(0);
    idq->reset();
    if (inserted) {
      for (const std::string& blob : m.blobs) {
        if (auto s = c.Exec("INSERT INTO manifest_blobs (manifest_id, digest) VALUES (?, ?) "
                            "ON CONFLICT DO NOTHING",
                            id, blob);
            !s) {
          return s;
        }
      }
      for (const std::string& child : m.children) {
        if (auto s = c.Exec("INSERT INTO manifest_children (manifest_id, child_digest) "
                            "VALUES (?, ?) ON CONFLICT DO NOTHING",
                            id, child);
            !s) {
          return s;
        }
      }
    }
    if (!tag) return {};
    return c.Exec(
        "INSERT INTO tags (repository_id, name, manifest_id, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (repository_id, name) DO UPDATE SET manifest_id = excluded.manifest_id, "
        "updated_at = excluded.updated_at",
        *repo, *tag, id, now);
  });
}

Result<ManifestRecord> SqliteMetadataStore::GetManifest(const std::string& repository,
                                                        const std::string& reference) {
  return db_->Read([&](Connection& c) -> Result<ManifestRecord> {
    auto q = IsDigestReference(reference)
                 ? c.Query(
                       "SELECT m.digest, m.media_type, m.content, m.subject, m.artifact_type, "
                       "m.pushed_at FROM manifests m JOIN repositories r ON r.id = "
                       "m.repository_id WHERE r.name = ? AND m.digest = ?",
                       repository, reference)
                 : c.Query(
                       "SELECT m.digest, m.media_type, m.content, m.subject, m.artifact_type, "
                       "m.pushed_at FROM tags t JOIN repositories r ON r.id = t.repository_id "
                       "JOIN manifests m ON m.id = t.manifest_id WHERE r.name = ? AND t.name = ?",
                       repository, reference);
    if (!q) return tl::unexpected(q.error());
    auto row = (*q)->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) {
      q->reset();
      auto id = c.RepositoryId(repository);
      if (!id) return tl::unexpected(id.error());
      return Fail(*id ? ErrorCode::kManifestUnknown : ErrorCode::kNameUnknown);
    }
    ManifestRecord m;
    m.repository = repository;
    m.digest = (*q)->Text(0);
    m.media_type = (*q)->Text(1);
    m.content = (*q)->Text(2);
    m.subject = (*q)->Text(3);
    m.artifact_type = (*q)->Text(4);
    m.pushed_at = (*q)->Int(5);
    return m;
  });
}

Status SqliteMetadataStore::DeleteManifest(const std::string& repository, const Digest& digest) {
  return db_->Commit([&](Connection& c) -> Status {
    auto q = c.Query(
        "SELECT m.id, m.repository_id FROM manifests m JOIN repositories r "
        "ON r.id = m.repository_id WHERE r.name = ? AND m.digest = ?",
        repository, digest.str());
    if (!q) return tl::unexpected(q.error());
    auto row = (*q)->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return Fail(ErrorCode::kManifestUnknown);
    const int64_t id = (*q)->Int(0), repository_id = (*q)->Int(1);
    q->reset();
    // Its blobs leave the repository unless another manifest there still uses them: that is
    // what frees the project's quota (the bytes stay for garbage collection).
    if (auto s = c.Exec(
            "DELETE FROM repository_blobs WHERE repository_id = ?1 AND digest IN "
            "(SELECT digest FROM manifest_blobs WHERE manifest_id = ?2) AND digest NOT IN "
            "(SELECT mb.digest FROM manifest_blobs mb JOIN manifests m ON m.id = mb.manifest_id "
            "WHERE m.repository_id = ?1 AND m.id != ?2)",
            repository_id, id);
        !s) {
      return s;
    }
    return c.Exec("DELETE FROM manifests WHERE id = ?", id);
  });
}

Status SqliteMetadataStore::DeleteTag(const std::string& repository, const std::string& tag) {
  return db_->Commit([&](Connection& c) -> Status {
    if (auto s = c.Exec("DELETE FROM tags WHERE name = ? AND repository_id = "
                        "(SELECT id FROM repositories WHERE name = ?)",
                        tag, repository);
        !s) {
      return s;
    }
    if (sqlite3_changes(c.db()) == 0) return Fail(ErrorCode::kManifestUnknown);
    return {};
  });
}

Result<std::vector<std::string>> SqliteMetadataStore::ListTags(const std::string& repository,
                                                               const Page& page) {
  return db_->Read([&](Connection& c) -> Result<std::vector<std::string>> {
    auto id = c.RepositoryId(repository);
    if (!id) return tl::unexpected(id.error());
    if (*id == 0) return Fail(ErrorCode::kNameUnknown);
    auto q = c.Query(
        "SELECT name FROM tags WHERE repository_id = ? AND "
        "(lower(name), name) > (lower(?), ?) ORDER BY lower(name), name LIMIT ?",
        *id, page.last, page.last, page.limit ? static_cast<int64_t>(page.limit) : kNoLimit);
    if (!q) return tl::unexpected(q.error());
    return (*q)->Texts();
  });
}

Result<std::vector<ManifestRecord>> SqliteMetadataStore::ListReferrers(
    const std::string& repository, const Digest& subject) {
  return db_->Read([&](Connection& c) -> Result<std::vector<ManifestRecord>> {
    auto q = c.Query(
        "SELECT m.digest, m.media_type, m.content, m.artifact_type, m.pushed_at "
        "FROM manifests m JOIN repositories r ON r.id = m.repository_id "
        "WHERE r.name = ? AND m.subject = ? ORDER BY m.id",
        repository, subject.str());
    if (!q) return tl::unexpected(q.error());
    std::vector<ManifestRecord> out;
    while (true) {
      auto row = (*q)->Step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return out;
      ManifestRecord m;
      m.repository = repository;
      m.digest = (*q)->Text(0);
      m.media_type = (*q)->Text(1);
      m.content = (*q)->Text(2);
      m.subject = subject.str();
      m.artifact_type = (*q)->Text(3);
      m.pushed_at = (*q)->Int(4);
      out.push_back(std::move(m));
    }
  });
}

Status SqliteMetadataStore::CreateUpload(const UploadRecord& u, const UploadLimits& limits) {
  return db_->Commit([&](Connection& c) -> Status {
    auto counts = One<std::pair<int64_t, int64_t>>(
        c, "SELECT count(*), count(*) FILTER (WHERE repository = ?) FROM uploads",
        [](Stmt& q) { return std::pair{q.Int(0), q.Int(1)}; }, u.repository);
    if (!counts) return tl::unexpected(counts.error());
    if (limits.total > 0 && counts->first >= limits.total) {
      return Fail(ErrorCode::kTooManyRequests,
                  std::to_string(limits.total) + " uploads are open already: retry later");
    }
    if (limits.per_repository > 0 && counts->second >= limits.per_repository) {
      return Fail(ErrorCode::kTooManyRequests, std::to_string(limits.per_repository) +
                                                   " uploads to " + u.repository +
                                                   " are open already: finish or cancel some");
    }
    return c.Exec(
        "INSERT INTO uploads (uuid, repository, created_at, updated_at) "
        "VALUES (?, ?, ?, ?)",
        u.uuid, u.repository, u.created_at, u.updated_at);
  });
}

Result<UploadRecord> SqliteMetadataStore::GetUpload(const std::string& uuid) {
  return db_->Read([&](Connection& c) -> Result<UploadRecord> {
    auto q = c.Query("SELECT repository, created_at, updated_at FROM uploads WHERE uuid = ?", uuid);
    if (!q) return tl::unexpected(q.error());
    auto row = (*q)->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return Fail(ErrorCode::kBlobUploadUnknown);
    return UploadRecord{uuid, (*q)->Text(0), (*q)->Int(1), (*q)->Int(2)};
  });
}

Status SqliteMetadataStore::TouchUpload(const std::string& uuid, int64_t now) {
  return db_->Commit([&](Connection& c) {
    return c.Exec("UPDATE uploads SET updated_at = ? WHERE uuid = ?", now, uuid);
  });
}

Status SqliteMetadataStore::DeleteUpload(const std::string& uuid) {
  return db_->Commit(
      [&](Connection& c) { return c.Exec("DELETE FROM uploads WHERE uuid = ?", uuid); });
}

Result<std::vector<std::string>> SqliteMetadataStore::StaleUploads(int64_t before) {
  return db_->Read([&](Connection& c) -> Result<std::vector<std::string>> {
    auto q = c.Query("SELECT uuid FROM uploads WHERE updated_at < ?", before);
    if (!q) return tl::unexpected(q.error());
    return (*q)->Texts();
  });
}

}  // namespace berth
