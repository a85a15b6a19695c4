#include "meta/sqlite_sql.h"

#include <gtest/gtest.h>

#include <array>

#include "core/scoped_temp_dir.h"

namespace berth {
namespace {

constexpr std::array<Migration, 1> kFirst = {{{R"sql(
CREATE TABLE parents (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE children (
  parent_id INTEGER NOT NULL REFERENCES parents(id) ON DELETE CASCADE,
  name TEXT NOT NULL
);
INSERT INTO parents VALUES (1, 'a'), (2, 'b');
INSERT INTO children VALUES (1, 'a1'), (2, 'b1');
)sql",
                                               ""}}};

// The same, then the parent rebuilt with AUTOINCREMENT as berth.db's migration 7 does.
constexpr std::array<Migration, 2> kRebuilt = {{kFirst[0],
                                                {R"sql(
CREATE TABLE parents_v2 (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);
INSERT INTO parents_v2 SELECT * FROM parents;
DROP TABLE parents;
ALTER TABLE parents_v2 RENAME TO parents;
)sql",
                                                 ""}}};

int64_t Count(SqlDatabase& db, const char* sql) {
  auto n = db.Read([&](SqlConnection& c) -> Result<int64_t> {
    auto q = c.Query(sql);
    if (!q) return tl::unexpected(q.error());
    if (!(*q)->Step().value_or(false)) return -1;
    return (*q)->Int(0);
  });
  return n.value_or(-1);
}

Result<std::unique_ptr<SqliteDatabase>> Opened(const std::filesystem::path& path,
                                               std::span<const Migration> migrations) {
  auto db = SqliteDatabase::Open(path, {});
  if (!db) return db;
  if (auto s = (*db)->Migrate("test", migrations); !s) return tl::unexpected(s.error());
  return db;
}

TEST(SqliteDatabaseTest, ATableRebuiltByAMigrationKeepsTheRowsThatReferToIt) {
  ScopedTempDir dir;
  ASSERT_TRUE(Opened(dir.path() / "db", kFirst));
  auto db = Opened(dir.path() / "db", kRebuilt);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(Count(**db, "SELECT count(*) FROM children"), 2);
  // Foreign keys are back on once the migrations are done: deletes cascade again.
  ASSERT_TRUE(
      (*db)->Commit([](SqlConnection& c) { return c.Exec("DELETE FROM parents WHERE id = 2"); }));
  EXPECT_EQ(Count(**db, "SELECT count(*) FROM children"), 1);
  // And the rebuilt table never gives an id twice.
  auto id = (*db)->CommitInsert([](SqlConnection& c) {
    return InsertId(c, "INSERT INTO parents (name) VALUES ('c') RETURNING id");
  });
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, 3);
}

TEST(SqliteDatabaseTest, AMigrationThatLeavesDanglingReferencesIsRolledBack) {
  ScopedTempDir dir;
  constexpr std::array<Migration, 2> kDangling = {
      {kFirst[0], {"INSERT INTO children VALUES (42, 'orphan');", ""}}};
  auto db = Opened(dir.path() / "db", kDangling);
  ASSERT_FALSE(db);
  EXPECT_NE(db.error().message.find("children"), std::string::npos) << db.error().message;
  auto first = Opened(dir.path() / "db", kFirst);
  ASSERT_TRUE(first);
  EXPECT_EQ(Count(**first, "SELECT count(*) FROM children"), 2);
}

}  // namespace
}  // namespace berth
