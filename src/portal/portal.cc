#include "portal/portal.h"

#include "core/strings.h"
#include "http/router.h"

namespace berth {
namespace {

// Scripts, styles and calls come only from berth itself; nothing may frame the portal.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

// Vite names what it puts under /assets/ by a hash of the content: a new build is a new name.
constexpr std::string_view kHashedPrefix = "/assets/";

bool AcceptsGzip(const http::Request& request) {
  auto accept = request.headers.Get("Accept-Encoding");
  if (!accept) return false;
  for (std::string_view item : Split(*accept, ',')) {
    item = Trim(item);
    const size_t semicolon = item.find(';');
    const std::string_view coding = Trim(item.substr(0, semicolon));
    if (coding != "gzip" && coding != "*") continue;
    if (semicolon == std::string_view::npos) return true;
    const std::string_view params = Trim(item.substr(semicolon + 1));
    // "q=0", "q=0.0", "q=0.000": refused; any other weight accepts.
    return !(params.starts_with("q=0") &&
             params.find_first_not_of("0.", 2) == std::string_view::npos);
  }
  return false;
}

void SetCommonHeaders(http::Response& res) {
  res.headers.Set("Content-Security-Policy", std::string(kContentSecurityPolicy));
  res.headers.Set("X-Content-Type-Options", "nosniff");
  res.headers.Set("X-Frame-Options", "DENY");
  res.headers.Set("Referrer-Policy", "same-origin");
}

http::Response NotFound() {
  http::Response res;
  res.status = 404;
  res.headers.Set("Content-Type", "text/plain; charset=utf-8");
  res.body = "404 page not found\n";
  SetCommonHeaders(res);
  return res;
}

}  // namespace

Portal::Portal(std::span<const PortalAsset> assets) {
  for (const PortalAsset& asset : assets) by_path_.emplace(asset.path, &asset);
  if (auto it = by_path_.find("/index.html"); it != by_path_.end()) index_ = it->second;
}

std::optional<http::Response> Portal::TryFast(const http::Request& request) {
  return Serve(request);
}

http::Dispatch Portal::Handle(const http::Request& request) { return {Serve(request), nullptr}; }

http::Response Portal::Serve(const http::Request& request) const {
  // An API path that no handler took is an API client's mistake, answered as the API would.
  const bool api_path = request.path == "/api" || request.path.starts_with("/api/");
  if (api_path || (request.method != "GET" && request.method != "HEAD"))
    return http::NoSuchEndpoint();
  const PortalAsset* asset = nullptr;
  if (auto it = by_path_.find(request.path == "/" ? "/index.html" : request.path);
      it != by_path_.end()) {
    asset = it->second;
  } else {
    // A route of the application is a path with no file extension; a missing file is a 404,
    // not the page, so that a stale script reference fails plainly.
    const std::string_view last =
        std::string_view(request.path).substr(request.path.rfind('/') + 1);
    if (request.path.starts_with(kHashedPrefix) || last.find('.') != std::string_view::npos)
      return NotFound();
    asset = index_;
  }
  if (!asset) return NotFound();

  http::Response res;
  SetCommonHeaders(res);
  res.headers.Set("Content-Type", std::string(asset->content_type));
  res.headers.Set("ETag", std::string(asset->etag));
  res.headers.Set("Cache-Control", asset->path.starts_with(kHashedPrefix)
                                       ? "public, max-age=31536000, immutable"
                                       : "no-cache");
  if (!asset->gzip.empty()) res.headers.Set("Vary", "Accept-Encoding");
  if (auto match = request.headers.Get("If-None-Match"); match && *match == asset->etag) {
    res.status = 304;
    return res;
  }
  const bool gzip = !asset->gzip.empty() && AcceptsGzip(request);
  if (gzip) res.headers.Set("Content-Encoding", "gzip");
  res.body = std::string(gzip ? asset->gzip : asset->body);
  if (request.method == "HEAD") res.head_only = true;
  return res;
}

}  // namespace berth
