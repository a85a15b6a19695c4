#include "http/router.h"

namespace berth::http {

void Router::Add(std::string prefix, Handler& handler) {
  routes_.emplace_back(std::move(prefix), &handler);
}

Handler* Router::Find(const std::string& path) const {
  Handler* best = nullptr;
  size_t best_length = 0;
  for (const auto& [prefix, handler] : routes_) {
    const bool matches =
        path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/');
    if (matches && (!best || prefix.size() > best_length)) {
      best = handler;
      best_length = prefix.size();
    }
  }
  return best;
}

std::optional<Response> Router::TryFast(const Request& request) {
  Handler* handler = Find(request.path);
  return handler ? handler->TryFast(request) : std::nullopt;
}

Response NoSuchEndpoint() {
  Response res;
  res.status = 404;
  res.headers.Set("Content-Type", "application/json");
  res.body = R"({"errors":[{"code":"NOT_FOUND","message":"no such endpoint"}]})";
  return res;
}

Dispatch Router::Handle(const Request& request) {
  if (Handler* handler = Find(request.path)) return handler->Handle(request);
  return {NoSuchEndpoint(), nullptr};
}

}  // namespace berth::http
