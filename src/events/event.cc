#include "events/event.h"

#include <array>
#include <cstring>

#include "events/journal.h"

namespace berth {

std::optional<std::string_view> WebhookEventType(EventKind kind) {
  switch (kind) {
    case EventKind::kPushArtifact:
      return "PUSH_ARTIFACT";
    case EventKind::kPullArtifact:
      return "PULL_ARTIFACT";
    case EventKind::kDeleteArtifact:
      return "DELETE_ARTIFACT";
    case EventKind::kQuotaExceed:
      return "QUOTA_EXCEED";
    case EventKind::kQuotaWarning:
      return "QUOTA_WARNING";
    case EventKind::kTagRetention:
      return "TAG_RETENTION";
    default:
      return std::nullopt;
  }
}

namespace {

template <class T>
void Put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <class T>
bool Take(std::string_view& in, T& value) {
  if (in.size() < sizeof value) return false;
  std::memcpy(&value, in.data(), sizeof value);
  in.remove_prefix(sizeof value);
  return true;
}

// An event's strings, in their order in a record.
template <class E>
auto Strings(E& e) {
  return std::array{&e.operator_name, &e.project, &e.repository, &e.digest, &e.tag, &e.detail};
}

}  // namespace

bool EncodeEvent(const Event& e, std::string& out) {
  return AppendRecord(out, [&](std::string& body) {
    Put(body, static_cast<uint8_t>(e.kind));
    Put(body, e.at);
    for (const std::string* s : Strings(e)) {
      Put(body, static_cast<uint32_t>(s->size()));
      body.append(*s);
    }
    return true;
  });
}

std::optional<size_t> DecodeEvent(std::string_view in, Event& e) {
  uint32_t size;
  if (!Take(in, size)) return 0;
  if (size > Journal::kMaxRecord) return std::nullopt;
  if (in.size() < size) return 0;
  std::string_view body = in.substr(0, size);
  uint8_t kind;
  if (!Take(body, kind) || kind > static_cast<uint8_t>(kLastEventKind) || !Take(body, e.at))
    return std::nullopt;
  e.kind = static_cast<EventKind>(kind);
  for (std::string* field : Strings(e)) {
    uint32_t length;
    if (!Take(body, length) || body.size() < length) return std::nullopt;
    field->assign(body.substr(0, length));
    body.remove_prefix(length);
  }
  if (!body.empty()) return std::nullopt;
  return sizeof size + size_t{size};
}

}  // namespace berth
