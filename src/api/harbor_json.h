// Harbor API v2.0 responses: the `{"errors":[{"code","message"}]}` error body, JSON bodies,
// and reading JSON request bodies. Pure functions, thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/query.h"
#include "core/error.h"
#include "core/result.h"
#include "http/message.h"

namespace berth {

// The API's base path, for Location headers.
inline constexpr std::string_view kApiPrefix = "/api/v2.0";

http::Response HarborError(const Error& error);
http::Response HarborError(ErrorCode code, std::string message = {});
http::Response JsonBody(int status, const boost::json::value& body);
http::Response Empty(int status);
// 201 with the new resource's Location.
http::Response Created(std::string location);

// A resource id in a path: a positive integer.
std::optional<int64_t> ParseId(std::string_view text);

// The body as a JSON object; BAD_REQUEST with the parser's reason otherwise.
Result<boost::json::object> ParseJsonObject(std::string_view body);

// A list endpoint's answer: the requested page of `items` with X-Total-Count and Link;
// BAD_REQUEST for a bad page or page_size.
http::Response PagedList(const http::Request& request, boost::json::array items);

// A list request's q, sort (`default_sort` when it has none) and page, for a store to answer.
struct Listing {
  ListRequest request;
  PageRequest page;
};
Result<Listing> ParseListing(const http::Request& request, std::string_view default_sort = {});

// `page` of a list that the store cut already, with X-Total-Count (`total`) and Link.
http::Response PagedSlice(const http::Request& request, const PageRequest& page,
                          boost::json::array slice, int64_t total);

// Typed optional fields of a request body: nullopt when absent or null, BAD_REQUEST when
// present with another type.
Result<std::optional<std::string>> StringField(const boost::json::object& o, std::string_view key);
Result<std::optional<bool>> BoolField(const boost::json::object& o, std::string_view key);
Result<std::optional<int64_t>> IntField(const boost::json::object& o, std::string_view key);

// RFC 3339 in UTC ("2026-11-30T04:24:44Z"), as Harbor's date-time fields.
std::string Rfc3339(int64_t unix_seconds);
// The same, with 0 (it never happened: an artifact never pulled) as Go's zero time,
// "0001-01-01T00:00:00Z", which is what Harbor shows.
std::string Rfc3339OrNever(int64_t unix_seconds);
// The same, with 0 (a time that has not come yet: a run that has not ended) as "".
std::string Rfc3339OrEmpty(int64_t unix_seconds);

}  // namespace berth
