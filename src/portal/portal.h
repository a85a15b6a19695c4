// Serves the portal at /: its built files from memory, and index.html for any other path a
// GET asks for (the single-page application's routes). Every answer carries the portal's
// Content Security Policy. Thread-safe: it only reads what it was given.
#pragma once

#include <map>
#include <span>
#include <string_view>

#include "http/message.h"
#include "portal/assets.h"

namespace berth {

class Portal : public http::Handler {
 public:
  explicit Portal(std::span<const PortalAsset> assets);

  std::optional<http::Response> TryFast(const http::Request& request) override;
  http::Dispatch Handle(const http::Request& request) override;

 private:
  http::Response Serve(const http::Request& request) const;

  std::map<std::string_view, const PortalAsset*> by_path_;
  const PortalAsset* index_ = nullptr;
};

}  // namespace berth
