// What happened to content and projects, raised once by whoever changed it (the registry, the
// management API) after the change is committed, and read by the audit log, the pull counter
// and webhooks. A value; thread-safe to copy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace berth {

// Kept by number in the event journal: new kinds go at the end.
enum class EventKind {
  kPushArtifact,
  kPullArtifact,
  kDeleteArtifact,
  kCreateTag,
  kDeleteTag,
  kDeleteRepository,
  kQuotaExceed,
  kQuotaWarning,
  kCreateProject,
  kDeleteProject,
  kTagRetention,  // a retention run's end; detail: Harbor's event_data.retention as JSON
};
inline constexpr EventKind kLastEventKind = EventKind::kTagRetention;

struct Event {
  EventKind kind = EventKind::kPushArtifact;
  std::string operator_name;  // user, robot$..., or "anonymous"
  int64_t at = 0;             // Unix seconds
  std::string project;
  std::string repository;  // the full name, "<project>/..."
  std::string digest;
  std::string tag;
  std::string detail;  // a quota event's message, a retention run's summary
};

// Harbor's webhook event type ("PUSH_ARTIFACT"), or nullopt for events webhooks do not carry.
std::optional<std::string_view> WebhookEventType(EventKind kind);

// Appends `e` as a record: its length (u32), kind (u8), time (i64) and strings (u32 length,
// bytes), in native byte order; false, and nothing appended, when it is too long to be one.
bool EncodeEvent(const Event& e, std::string& out);
// Reads the record at the front of `in` into `e`: the record's size in bytes, 0 when `in` ends
// before the record does, nullopt when the bytes are no record.
std::optional<size_t> DecodeEvent(std::string_view in, Event& e);

// Every webhook event type Harbor names, in its order: what /webhook/events lists.
inline constexpr std::string_view kWebhookEventTypes[] = {
    "DELETE_ARTIFACT", "PULL_ARTIFACT",      "PUSH_ARTIFACT",   "QUOTA_EXCEED",
    "QUOTA_WARNING",   "REPLICATION",        "SCANNING_FAILED", "SCANNING_COMPLETED",
    "TAG_RETENTION",
};

// The operator name of an anonymous caller.
inline constexpr std::string_view kAnonymous = "anonymous";

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Never blocks on consumers; callable from the event loop.
  virtual void Publish(Event event) = 0;
};

}  // namespace berth
