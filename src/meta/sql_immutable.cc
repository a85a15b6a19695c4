// Immutable tag rules (schema: migration 12): SqlMetadataStore's CRUD of them, and the check
// that the content calls make in their own transaction, so a rule holds against every push,
// delete and retag that commits after it.
#include "core/reference.h"
#include "core/tag_scope.h"
#include "meta/sql_metadata_store.h"
#include "meta/sql_store.h"

namespace berth {
namespace {

using Connection = SqlConnection;

constexpr const char* kRuleColumns =
    "SELECT id, project_id, priority, disabled, selectors, created_at, updated_at "
    "FROM immutable_rules ";

ImmutableRuleRecord ReadRule(SqlStatement& q) {
  ImmutableRuleRecord r;
  r.id = q.Int(0);
  r.project_id = q.Int(1);
  r.priority = q.Int(2);
  r.disabled = q.Int(3) != 0;
  r.selectors = q.Text(4);
  r.created_at = q.Int(5);
  r.updated_at = q.Int(6);
  return r;
}

}  // namespace

Status RefuseImmutableTags(Connection& c, const std::string& repository,
                           std::span<const std::string> tags, std::string_view doing) {
  const std::string_view project = ProjectOf(repository);
  if (tags.empty() || project.size() >= repository.size()) return {};
  const std::string_view within = std::string_view(repository).substr(project.size() + 1);
  static const std::string sql =
      std::string(kRuleColumns) +
      "WHERE project_id = (SELECT id FROM projects WHERE name = ?) ORDER BY priority, id";
  auto rules = All<ImmutableRuleRecord>(c, sql.c_str(), ReadRule, project);
  if (!rules) return tl::unexpected(rules.error());
  auto enabled = EnabledImmutableRules(*rules);
  if (!enabled) return tl::unexpected(enabled.error());
  for (const std::string& tag : tags) {
    if (const ScopedRule* rule = FirstReaching(*enabled, within, tag)) {
      return Fail(ErrorCode::kPrecondition,
                  "the tag " + tag + " of " + repository + " is immutable (rule " +
                      std::to_string(rule->id) + " of project " + std::string(project) + ": " +
                      rule->scope.Describe() + ") and cannot be " + std::string(doing));
    }
  }
  return {};
}

namespace {

// BAD_REQUEST once the project has kMaxImmutableRules. On PostgreSQL the project's row is
// locked first, so that two creations cannot both see room for one.
Status CheckRoomForRule(Connection& c, int64_t project_id) {
  if (c.dialect() == SqlDialect::kPostgres) {
    auto locked = Exists(c, "SELECT id FROM projects WHERE id = ? FOR UPDATE", project_id);
    if (!locked) return tl::unexpected(locked.error());
  }
  auto count = One<int64_t>(
      c, "SELECT count(*) FROM immutable_rules WHERE project_id = ?",
      [](SqlStatement& q) { return q.Int(0); }, project_id);
  if (!count) return tl::unexpected(count.error());
  if (*count >= kMaxImmutableRules)
    return Fail(
        ErrorCode::kBadRequest,
        "a project holds at most " + std::to_string(kMaxImmutableRules) + " immutable tag rules");
  return {};
}

}  // namespace

Result<int64_t> SqlMetadataStore::CreateImmutableRule(const ImmutableRuleRecord& r) {
  return db_->CommitInsert([&](Connection& c) -> Result<int64_t> {
    if (auto s = CheckRoomForRule(c, r.project_id); !s) return tl::unexpected(s.error());
    return InsertId(c,
                    "INSERT INTO immutable_rules (project_id, priority, disabled, selectors, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                    r.project_id, r.priority, int64_t{r.disabled}, r.selectors, r.created_at,
                    r.updated_at);
  });
}

Result<ImmutableRuleRecord> SqlMetadataStore::GetImmutableRule(int64_t id) {
  static const std::string sql = std::string(kRuleColumns) + "WHERE id = ?";
  return db_->Read(
      [&](Connection& c) { return One<ImmutableRuleRecord>(c, sql.c_str(), ReadRule, id); });
}

Result<std::vector<ImmutableRuleRecord>> SqlMetadataStore::ListImmutableRules(int64_t project_id) {
  static const std::string sql =
      std::string(kRuleColumns) + "WHERE project_id = ? ORDER BY priority, id";
  return db_->Read([&](Connection& c) {
    return All<ImmutableRuleRecord>(c, sql.c_str(), ReadRule, project_id);
  });
}

Status SqlMetadataStore::UpdateImmutableRule(const ImmutableRuleRecord& r) {
  return db_->Commit([&](Connection& c) {
    return Change(c,
                  "UPDATE immutable_rules SET priority = ?, disabled = ?, selectors = ?, "
                  "updated_at = ? WHERE id = ?",
                  r.priority, int64_t{r.disabled}, r.selectors, r.updated_at, r.id);
  });
}

Status SqlMetadataStore::DeleteImmutableRule(int64_t id) {
  return db_->Commit(
      [&](Connection& c) { return Change(c, "DELETE FROM immutable_rules WHERE id = ?", id); });
}

}  // namespace berth
