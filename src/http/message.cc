#include "http/message.h"

#include <strings.h>

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

namespace berth::http {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

class BufferingSink : public BodySink {
 public:
  BufferingSink(size_t limit, std::function<Response(std::string)> then,
                std::function<Response()> too_large)
      : limit_(limit), then_(std::move(then)), too_large_(std::move(too_large)) {}

  std::optional<Response> Write(std::span<const char> bytes) override {
    if (body_.size() + bytes.size() > limit_) return too_large_();
    body_.append(bytes.data(), bytes.size());
    return std::nullopt;
  }
  Response Finish() override { return then_(std::move(body_)); }

 private:
  size_t limit_;
  std::string body_;
  std::function<Response(std::string)> then_;
  std::function<Response()> too_large_;
};

}  // namespace

std::optional<std::string_view> Headers::Get(std::string_view name) const {
  for (const auto& [k, v] : fields_) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return std::nullopt;
}

void Headers::Set(std::string name, std::string value) {
  Erase(name);
  Add(std::move(name), std::move(value));
}

void Headers::Erase(std::string_view name) {
  std::erase_if(fields_, [&](const auto& f) { return EqualsIgnoreCase(f.first, name); });
}

std::optional<std::string_view> Request::Query(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::unique_ptr<BodySink> BufferBody(size_t limit, std::function<Response(std::string)> then,
                                     std::function<Response()> too_large) {
  return std::make_unique<BufferingSink>(limit, std::move(then), std::move(too_large));
}

std::optional<std::vector<std::pair<std::string, std::string>>> ParseForm(std::string_view body) {
  if (!boost::urls::parse_query(body)) return std::nullopt;
  boost::urls::encoding_opts form;
  form.space_as_plus = true;
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : boost::urls::params_view(body, form)) out.emplace_back(p.key, p.value);
  return out;
}

}  // namespace berth::http
