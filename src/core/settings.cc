#include "core/settings.h"

#include <charconv>

namespace berth {
namespace {

Result<int64_t> ParseInteger(const std::string& name, const std::string& text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    return Fail(ErrorCode::kBadRequest, name + " must be an integer");
  return value;
}

Result<bool> ParseBool(const std::string& name, const std::string& text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return Fail(ErrorCode::kBadRequest, name + " must be true or false");
}

}  // namespace

std::map<std::string, std::string> SettingsToMap(const RuntimeSettings& s) {
  return {{"project_creation_restriction", s.project_creation_restriction},
          {"read_only", s.read_only ? "true" : "false"},
          {"token_expiration", std::to_string(s.token_expiration_minutes)},
          {"robot_token_duration", std::to_string(s.robot_token_duration_days)},
          {"notification_enable", s.notification_enable ? "true" : "false"},
          {"storage_per_project", std::to_string(s.storage_per_project)}};
}

Status ApplySettings(const std::map<std::string, std::string>& values, RuntimeSettings& s) {
  RuntimeSettings next = s;
  for (const auto& [name, value] : values) {
    if (name == "project_creation_restriction") {
      if (value != "everyone" && value != "adminonly")
        return Fail(ErrorCode::kBadRequest,
                    "project_creation_restriction must be everyone or adminonly");
      next.project_creation_restriction = value;
    } else if (name == "read_only" || name == "notification_enable") {
      auto b = ParseBool(name, value);
      if (!b) return tl::unexpected(b.error());
      (name == "read_only" ? next.read_only : next.notification_enable) = *b;
    } else if (name == "token_expiration" || name == "robot_token_duration") {
      auto n = ParseInteger(name, value);
      if (!n) return tl::unexpected(n.error());
      if (*n <= 0) return Fail(ErrorCode::kBadRequest, name + " must be more than 0");
      (name == "token_expiration" ? next.token_expiration_minutes
                                  : next.robot_token_duration_days) = *n;
    } else if (name == "storage_per_project") {
      auto n = ParseInteger(name, value);
      if (!n) return tl::unexpected(n.error());
      if (*n < -1 || *n == 0)
        return Fail(ErrorCode::kBadRequest, "storage_per_project must be -1 or more than 0");
      next.storage_per_project = *n;
    } else {
      return Fail(ErrorCode::kBadRequest, "the setting " + name + " cannot be changed here");
    }
  }
  s = std::move(next);
  return {};
}

}  // namespace berth
