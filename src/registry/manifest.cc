#include "registry/manifest.h"

#include <boost/json.hpp>

#include "core/digest.h"

namespace berth {
namespace {

namespace json = boost::json;

tl::unexpected<Error> Invalid(std::string message) {
  return Fail(ErrorCode::kManifestInvalid, std::move(message));
}

std::string_view WithoutParameters(std::string_view content_type) {
  auto semi = content_type.find(';');
  std::string_view t = content_type.substr(0, semi);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return t;
}

bool IsSchema1(std::string_view media_type) {
  return media_type == "application/vnd.docker.distribution.manifest.v1+json" ||
         media_type == "application/vnd.docker.distribution.manifest.v1+prettyjws";
}

bool IsKnown(std::string_view t) {
  return t == kOciManifest || t == kOciIndex || t == kDockerManifest || t == kDockerManifestList;
}

const json::string* StringField(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? &it->value().get_string() : nullptr;
}

// A descriptor's digest, checked; `where` names it in the error message.
Result<std::string> DescriptorDigest(const json::value& v, const std::string& where) {
  if (!v.is_object()) return Invalid(where + " is not a descriptor object");
  const auto& o = v.get_object();
  const json::string* digest = StringField(o, "digest");
  if (!digest) return Invalid(where + " has no digest");
  auto parsed = Digest::Parse(std::string_view(*digest));
  if (!parsed) return Invalid(where + " has an invalid digest: " + std::string(*digest));
  auto size = o.find("size");
  if (size == o.end() || !(size->value().is_int64() || size->value().is_uint64()) ||
      (size->value().is_int64() && size->value().get_int64() < 0)) {
    return Invalid(where + " has no valid size");
  }
  if (!StringField(o, "mediaType")) return Invalid(where + " has no mediaType");
  return std::string(*digest);
}

// Layers that live elsewhere (Windows base layers with `urls`) are not pushed to a registry.
bool IsForeignLayer(const json::object& layer) {
  const json::string* mt = StringField(layer, "mediaType");
  if (!mt) return false;
  std::string_view t(*mt);
  auto urls = layer.find("urls");
  bool has_urls = urls != layer.end() && urls->value().is_array() && !urls->value().get_array().empty();
  return has_urls && (t.find("foreign") != t.npos || t.find("nondistributable") != t.npos);
}

}  // namespace

Result<ParsedManifest> ParseManifest(std::string_view bytes, std::string_view content_type) {
  if (bytes.size() > kMaxManifestBytes) return Fail(ErrorCode::kManifestTooLarge);
  std::string_view header_type = WithoutParameters(content_type);
  if (IsSchema1(header_type)) {
    return Invalid("Docker schema 1 manifests are not supported: push schema 2 or OCI instead");
  }
  json::error_code ec;
  json::value root = json::parse(json::string_view(bytes.data(), bytes.size()), ec);
  if (ec) return Invalid("manifest is not valid JSON: " + ec.message());
  if (!root.is_object()) return Invalid("manifest is not a JSON object");
  const json::object& o = root.get_object();

  auto version = o.find("schemaVersion");
  if (version == o.end() || !version->value().is_number()) {
    return Invalid("manifest has no schemaVersion");
  }
  if (version->value().to_number<double>() == 1) {
    return Invalid("Docker schema 1 manifests are not supported: push schema 2 or OCI instead");
  }
  if (version->value().to_number<double>() != 2) return Invalid("schemaVersion must be 2");

  const json::string* body_type = StringField(o, "mediaType");
  std::string media_type;
  if (IsKnown(header_type)) {
    media_type = header_type;
    if (body_type && std::string_view(*body_type) != header_type) {
      return Invalid("mediaType " + std::string(*body_type) + " does not match Content-Type " +
                     media_type);
    }
  } else if (body_type && IsKnown(std::string_view(*body_type))) {
    media_type = std::string(*body_type);
  } else if (!body_type && o.contains("manifests")) {
    media_type = kOciIndex;
  } else if (!body_type && o.contains("config")) {
    media_type = kOciManifest;
  } else {
    std::string shown = body_type ? std::string(*body_type) : std::string(header_type);
    return Invalid("unsupported manifest media type: " + (shown.empty() ? "none" : shown));
  }

  ParsedManifest m;
  m.media_type = media_type;
  const bool is_index = media_type == kOciIndex || media_type == kDockerManifestList;
  if (is_index) {
    auto list = o.find("manifests");
    if (list == o.end() || !list->value().is_array()) return Invalid("index has no manifests array");
    size_t i = 0;
    for (const auto& entry : list->value().get_array()) {
      auto d = DescriptorDigest(entry, "manifests[" + std::to_string(i++) + "]");
      if (!d) return tl::unexpected(d.error());
      m.children.push_back(std::move(*d));
    }
  } else {
    auto config = o.find("config");
    if (config == o.end()) return Invalid("manifest has no config");
    auto d = DescriptorDigest(config->value(), "config");
    if (!d) return tl::unexpected(d.error());
    m.blobs.push_back(std::move(*d));
    auto layers = o.find("layers");
    if (layers == o.end() || !layers->value().is_array()) {
      return Invalid("manifest has no layers array");
    }
    size_t i = 0;
    for (const auto& layer : layers->value().get_array()) {
      auto ld = DescriptorDigest(layer, "layers[" + std::to_string(i++) + "]");
      if (!ld) return tl::unexpected(ld.error());
      if (!IsForeignLayer(layer.get_object())) m.blobs.push_back(std::move(*ld));
    }
    m.artifact_type = *StringField(config->value().get_object(), "mediaType");
  }
  if (auto subject = o.find("subject"); subject != o.end()) {
    auto d = DescriptorDigest(subject->value(), "subject");
    if (!d) return tl::unexpected(d.error());
    m.subject = std::move(*d);
  }
  if (const json::string* artifact = StringField(o, "artifactType")) {
    m.artifact_type = std::string(*artifact);
  }
  return m;
}

std::string ReferrerDescriptor(std::string_view content, std::string_view media_type,
                               std::string_view digest, std::string_view artifact_type) {
  json::object d;
  d["mediaType"] = media_type;
  d["size"] = content.size();
  d["digest"] = digest;
  if (!artifact_type.empty()) d["artifactType"] = artifact_type;
  json::error_code ec;
  json::value root = json::parse(json::string_view(content.data(), content.size()), ec);
  if (!ec && root.is_object()) {
    if (auto it = root.get_object().find("annotations");
        it != root.get_object().end() && it->value().is_object()) {
      d["annotations"] = it->value();
    }
  }
  return json::serialize(d);
}

}  // namespace berth
