// SqlMetadataStore's schedules (meta/schedule_store.h).
#include "meta/sql.h"
#include "meta/sql_metadata_store.h"

namespace berth {
namespace {

using Connection = SqlConnection;

constexpr const char* kScheduleColumns =
    "id, vendor_type, vendor_id, cron_type, cron, job_type, parameters, subject, next_run, "
    "created_at, updated_at";

ScheduleRecord ReadSchedule(SqlStatement& q) {
  return ScheduleRecord{q.Int(0),  q.Text(1), q.Int(2), q.Text(3), q.Text(4), q.Text(5),
                        q.Text(6), q.Text(7), q.Int(8), q.Int(9),  q.Int(10)};
}

std::string Select(const char* rest) {
  return std::string("SELECT ") + kScheduleColumns + " FROM schedules " + rest;
}

}  // namespace

Result<int64_t> SqlMetadataStore::PutSchedule(const ScheduleRecord& s) {
  return db_->CommitInsert([&](Connection& c) {
    return InsertId(
        c,
        "INSERT INTO schedules (vendor_type, vendor_id, cron_type, cron, job_type, parameters, "
        "subject, next_run, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?9) ON CONFLICT (vendor_type, vendor_id) DO UPDATE SET cron_type = excluded.cron_type, "
        "cron = excluded.cron, job_type = excluded.job_type, parameters = excluded.parameters, "
        "subject = excluded.subject, next_run = excluded.next_run, "
        "updated_at = excluded.updated_at RETURNING id",
        s.vendor_type, s.vendor_id, s.cron_type, s.cron, s.job_type, s.parameters, s.subject,
        s.next_run, s.updated_at);
  });
}

Result<std::optional<ScheduleRecord>> SqlMetadataStore::GetSchedule(const std::string& vendor_type,
                                                                    int64_t vendor_id) {
  return db_->Read([&](Connection& c) -> Result<std::optional<ScheduleRecord>> {
    static const std::string sql = Select("WHERE vendor_type = ? AND vendor_id = ?");
    auto found = One<ScheduleRecord>(c, sql.c_str(), ReadSchedule, vendor_type, vendor_id);
    if (!found && found.error().code == ErrorCode::kNotFound) return std::nullopt;
    if (!found) return tl::unexpected(found.error());
    return std::move(*found);
  });
}

Status SqlMetadataStore::DeleteSchedule(const std::string& vendor_type, int64_t vendor_id) {
  return db_->Commit([&](Connection& c) {
    return c.Exec("DELETE FROM schedules WHERE vendor_type = ? AND vendor_id = ?", vendor_type,
                  vendor_id);
  });
}

Result<ListPage<ScheduleRecord>> SqlMetadataStore::ListSchedules(int64_t offset, int64_t limit) {
  return db_->Read([&](Connection& c) -> Result<ListPage<ScheduleRecord>> {
    static const std::string sql = Select("ORDER BY id LIMIT ? OFFSET ?");
    auto items = All<ScheduleRecord>(c, sql.c_str(), ReadSchedule, limit, offset);
    if (!items) return tl::unexpected(items.error());
    auto total =
        One<int64_t>(c, "SELECT count(*) FROM schedules", [](SqlStatement& q) { return q.Int(0); });
    if (!total) return tl::unexpected(total.error());
    return ListPage<ScheduleRecord>{std::move(*items), *total};
  });
}

Result<std::vector<ScheduleRecord>> SqlMetadataStore::DueSchedules(int64_t now, size_t limit) {
  return db_->Read([&](Connection& c) {
    static const std::string sql = Select("WHERE next_run <= ? ORDER BY next_run, id LIMIT ?");
    return All<ScheduleRecord>(c, sql.c_str(), ReadSchedule, now, static_cast<int64_t>(limit));
  });
}

Result<std::optional<int64_t>> SqlMetadataStore::FireSchedule(const ScheduleRecord& due,
                                                              int64_t next_run, int64_t now) {
  std::optional<int64_t> job;
  Status s = db_->CommitLocked([&](Connection& c) -> Status {
    job.reset();
    // Moved on only from where it was read, and only if no one rewrote it since.
    if (auto s = c.Exec("UPDATE schedules SET next_run = ? WHERE id = ? AND next_run = ? "
                        "AND updated_at = ? AND cron = ? AND job_type = ? AND parameters = ?",
                        next_run, due.id, due.next_run, due.updated_at, due.cron, due.job_type,
                        due.parameters);
        !s)
      return s;
    if (c.Changes() == 0) return {};
    auto made = InsertId(c,
                         "INSERT INTO jobs (type, parameters, trigger_kind, status, created_at, "
                         "updated_at, subject) VALUES (?, ?, 'Schedule', 'Pending', ?, ?, ?) "
                         "RETURNING id",
                         due.job_type, due.parameters, now, now, due.subject);
    if (!made) return tl::unexpected(made.error());
    job = *made;
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return job;
}

}  // namespace berth
