#include "api/harbor_json.h"

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <charconv>
#include <ctime>

#include "api/query.h"

namespace berth {

http::Response HarborError(const Error& error) {
  const ErrorInfo& info = Describe(error.code);
  http::Response res;
  res.status = info.http_status;
  res.headers.Set("Content-Type", "application/json");
  boost::json::array errors;
  errors.push_back(boost::json::object{{"code", info.code}, {"message", error.Message()}});
  res.body = boost::json::serialize(boost::json::object{{"errors", std::move(errors)}});
  return res;
}

http::Response HarborError(ErrorCode code, std::string message) {
  return HarborError(Error{code, std::move(message)});
}

http::Response JsonBody(int status, const boost::json::value& body) {
  http::Response res;
  res.status = status;
  res.headers.Set("Content-Type", "application/json");
  res.body = boost::json::serialize(body);
  return res;
}

http::Response Empty(int status) {
  http::Response res;
  res.status = status;
  return res;
}

http::Response Created(std::string location) {
  http::Response res = Empty(201);
  res.headers.Set("Location", std::move(location));
  return res;
}

std::optional<int64_t> ParseId(std::string_view text) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

Result<boost::json::object> ParseJsonObject(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec) return Fail(ErrorCode::kBadRequest, "invalid JSON: " + ec.message());
  if (!v.is_object()) return Fail(ErrorCode::kBadRequest, "the body must be a JSON object");
  return std::move(v.as_object());
}

http::Response PagedList(const http::Request& request, boost::json::array items) {
  auto page = ParsePageRequest(request.Query("page"), request.Query("page_size"));
  if (!page) return HarborError(page.error());
  const int64_t total = static_cast<int64_t>(items.size());
  const int64_t first = std::min(total, page->Offset());
  const int64_t last = std::min(total, first + page->page_size);
  return PagedSlice(request, *page,
                    boost::json::array(items.begin() + first, items.begin() + last), total);
}

Result<Listing> ParseListing(const http::Request& request, std::string_view default_sort) {
  Listing out;
  auto page = ParsePageRequest(request.Query("page"), request.Query("page_size"));
  if (!page) return tl::unexpected(page.error());
  out.page = *page;
  auto conditions = ParseQuery(request.Query("q").value_or(""));
  if (!conditions) return tl::unexpected(conditions.error());
  auto sort = ParseSort(request.Query("sort").value_or(default_sort));
  if (!sort) return tl::unexpected(sort.error());
  out.request = ListRequest{std::move(*conditions), std::move(*sort), page->Offset(),
                            page->page_size};
  return out;
}

http::Response PagedSlice(const http::Request& request, const PageRequest& page,
                          boost::json::array slice, int64_t total) {
  http::Response res = JsonBody(200, slice);
  res.headers.Set("X-Total-Count", std::to_string(total));
  std::string other;
  for (const auto& [key, value] : request.query) {
    if (key == "page" || key == "page_size") continue;
    if (!other.empty()) other += '&';
    other += boost::urls::encode(key, boost::urls::unreserved_chars) + "=" +
             boost::urls::encode(value, boost::urls::unreserved_chars);
  }
  if (std::string links = PageLinks(request.path, other, page, total); !links.empty())
    res.headers.Set("Link", links);
  return res;
}

namespace {

tl::unexpected<Error> WrongType(std::string_view key, const char* type) {
  return Fail(ErrorCode::kBadRequest, std::string(key) + " must be " + type);
}

}  // namespace

Result<std::optional<std::string>> StringField(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) return WrongType(key, "a string");
  return std::string(v->as_string());
}

Result<std::optional<bool>> BoolField(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_bool()) return WrongType(key, "a boolean");
  return v->as_bool();
}

Result<std::optional<int64_t>> IntField(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= INT64_MAX) return static_cast<int64_t>(v->as_uint64());
  return WrongType(key, "an integer");
}

std::string Rfc3339OrEmpty(int64_t unix_seconds) {
  return unix_seconds == 0 ? std::string() : Rfc3339(unix_seconds);
}

std::string Rfc3339OrNever(int64_t unix_seconds) {
  return unix_seconds == 0 ? "0001-01-01T00:00:00Z" : Rfc3339(unix_seconds);
}

std::string Rfc3339(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace berth
