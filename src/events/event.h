// What happened to content and projects, raised once by whoever changed it (the registry, the
// management API) after the change is committed, and read by the audit log, the pull counter
// and webhooks. A value; thread-safe to copy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace berth {

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
};

struct Event {
  EventKind kind = EventKind::kPushArtifact;
  std::string operator_name;  // user, robot$..., or "anonymous"
  int64_t at = 0;             // Unix seconds
  std::string project;
  std::string repository;  // the full name, "<project>/..."
  std::string digest;
  std::string tag;
  std::string detail;  // a quota event's message
};

// Harbor's webhook event type ("PUSH_ARTIFACT"), or nullopt for events webhooks do not carry.
std::optional<std::string_view> WebhookEventType(EventKind kind);

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
