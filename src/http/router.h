// Sends each request to the handler of the longest path prefix that matches it: /v2/ to the
// registry, /service/token to the token service, /api/v2.0/ and /c/ to the management API.
// Routes are added before serving begins and not changed after; then thread-safe.
#pragma once

#include <string>
#include <vector>

#include "http/message.h"

namespace berth::http {

// The answer to a path that no handler serves, in the Harbor API's error format.
Response NoSuchEndpoint();

class Router : public Handler {
 public:
  // `prefix` matches a path equal to it or continuing with '/'.
  void Add(std::string prefix, Handler& handler);

  std::optional<Response> TryFast(const Request& request) override;
  Dispatch Handle(const Request& request) override;

 private:
  Handler* Find(const std::string& path) const;
  std::vector<std::pair<std::string, Handler*>> routes_;
};

}  // namespace berth::http
