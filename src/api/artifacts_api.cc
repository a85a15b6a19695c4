// Artifacts of a repository: listed, read, copied and deleted, with their tags, labels,
// accessories (OCI referrers) and the build history of images.
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "api/harbor_api.h"
#include "api/harbor_json.h"
#include "api/query.h"
#include "core/reference.h"

namespace berth {
namespace {

using http::Response;

constexpr std::string_view kHelmConfig = "application/vnd.cncf.helm.config.v1+json";
constexpr std::string_view kCnabConfig = "application/vnd.cnab.config.v1+json";

bool IsIndex(std::string_view media_type) {
  return media_type == "application/vnd.oci.image.index.v1+json" ||
         media_type == "application/vnd.docker.distribution.manifest.list.v2+json";
}

bool IsImageConfig(std::string_view media_type) {
  return media_type == "application/vnd.oci.image.config.v1+json" ||
         media_type == "application/vnd.docker.container.image.v1+json";
}

// The manifest, parsed; an empty object if it cannot be (it was validated when pushed).
boost::json::object ManifestJson(std::string_view content) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(content, ec);
  if (ec || !v.is_object()) return {};
  return std::move(v.as_object());
}

std::string TextAt(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

int64_t SizeAt(const boost::json::object& o) {
  const auto* v = o.if_contains("size");
  return v && v->is_int64() ? v->as_int64() : 0;
}

const boost::json::object* ObjectAt(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

const boost::json::array* ArrayAt(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_array() ? &v->as_array() : nullptr;
}

// What the artifact is by its media types, as Harbor's processors name it; other types take
// the vendor of their media type ("application/vnd.<vendor>...").
std::string ArtifactType(const ArtifactRecord& a, std::string_view config_type) {
  if (IsIndex(a.media_type)) return "IMAGE INDEX";
  const std::string_view type = a.artifact_type.empty() ? config_type : a.artifact_type;
  if (type == kHelmConfig) return "CHART";
  if (type == kCnabConfig) return "CNAB";
  if (IsImageConfig(type) || type.empty()) return "IMAGE";
  constexpr std::string_view vendor_prefix = "application/vnd.";
  if (type.starts_with(vendor_prefix)) {
    std::string vendor(type.substr(vendor_prefix.size()));
    vendor = vendor.substr(0, vendor.find_first_of(".+"));
    for (char& c : vendor) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!vendor.empty()) return vendor;
  }
  return "UNKNOWN";
}

// Harbor's accessory types for the referrers it knows.
std::string AccessoryType(std::string_view type) {
  if (type == "application/vnd.dev.cosign.artifact.sig.v1+json") return "signature.cosign";
  if (type == "application/vnd.cncf.notary.signature") return "signature.notation";
  if (type == "application/vnd.goharbor.harbor.sbom.v1") return "harbor.sbom";
  return "subject.accessory";
}

// Harbor's clients encode a repository path's slashes twice in links.
std::string LinkRepository(std::string_view repository_path) {
  std::string out;
  for (char c : repository_path) out += c == '/' ? std::string("%252F") : std::string(1, c);
  return out;
}

// The manifest with its config and layers; an index's children are added by the caller.
int64_t ArtifactSize(const ArtifactRecord& a) {
  const boost::json::object manifest = ManifestJson(a.content);
  int64_t size = static_cast<int64_t>(a.content.size());
  if (const auto* config = ObjectAt(manifest, "config")) size += SizeAt(*config);
  if (const auto* layers = ArrayAt(manifest, "layers")) {
    for (const auto& layer : *layers) {
      if (layer.is_object()) size += SizeAt(layer.as_object());
    }
  }
  return size;
}

boost::json::object TagJson(const ArtifactRecord& a, const TagRecord& t,
                            std::span<const ScopedRule> immutable) {
  const std::string_view within = std::string_view(a.repository).substr(a.repository.find('/') + 1);
  return {{"id", t.id},
          {"repository_id", a.repository_id},
          {"artifact_id", a.id},
          {"name", t.name},
          {"push_time", Rfc3339(t.pushed_at)},
          {"pull_time", Rfc3339OrNever(a.pull_time)},
          {"immutable", FirstReaching(immutable, within, t.name) != nullptr}};
}

}  // namespace

boost::json::object HarborApi::ArtifactJson(const ArtifactRecord& a, int64_t project_id,
                                            const http::Request& req,
                                            std::span<const ScopedRule> immutable) {
  const boost::json::object manifest = ManifestJson(a.content);
  const boost::json::object* config = ObjectAt(manifest, "config");
  const std::string config_type = config ? TextAt(*config, "mediaType") : std::string();
  int64_t size = ArtifactSize(a);
  boost::json::array references;
  if (const auto* children = ArrayAt(manifest, "manifests")) {
    for (const auto& child : *children) {
      if (!child.is_object()) continue;
      const auto& c = child.as_object();
      boost::json::object reference{{"parent_id", a.id}, {"child_digest", TextAt(c, "digest")}};
      // An index weighs what its manifests and their blobs weigh.
      if (auto found = management_.GetArtifact(a.repository, TextAt(c, "digest"))) {
        reference["child_id"] = found->id;
        size += ArtifactSize(*found);
      } else {
        size += SizeAt(c);
      }
      if (const auto* platform = ObjectAt(c, "platform")) reference["platform"] = *platform;
      if (const auto* annotations = ObjectAt(c, "annotations"))
        reference["annotations"] = *annotations;
      references.push_back(std::move(reference));
    }
  }
  const std::string repository_path(a.repository.substr(a.repository.find('/') + 1));
  boost::json::object out{{"id", a.id},
                          {"type", ArtifactType(a, config_type)},
                          {"media_type", IsIndex(a.media_type) || config_type.empty()
                                             ? a.media_type
                                             : config_type},
                          {"manifest_media_type", a.media_type},
                          {"project_id", project_id},
                          {"repository_id", a.repository_id},
                          {"repository_name", a.repository},
                          {"digest", a.digest},
                          {"size", size},
                          {"icon", ""},
                          {"push_time", Rfc3339(a.pushed_at)},
                          {"pull_time", Rfc3339OrNever(a.pull_time)},
                          {"references", std::move(references)}};
  if (!a.artifact_type.empty()) out["artifact_type"] = a.artifact_type;
  if (const auto* annotations = ObjectAt(manifest, "annotations"))
    out["annotations"] = *annotations;
  boost::json::object extra;
  if (config && IsImageConfig(config_type)) {
    if (auto digest = Digest::Parse(TextAt(*config, "digest"))) {
      if (auto reader = blobs_.Open(*digest)) {
        std::string bytes((*reader)->size(), '\0');
        if (auto n = (*reader)->ReadAt(0, bytes); n && *n == bytes.size()) {
          const boost::json::object image = ManifestJson(bytes);
          for (const char* key : {"architecture", "os", "created", "author", "variant"}) {
            if (const auto* v = image.if_contains(key)) extra[key] = *v;
          }
          if (const auto* c = image.if_contains("config")) extra["config"] = *c;
        }
      }
    }
    out["addition_links"] = boost::json::object{
        {"build_history",
         boost::json::object{{"href", std::string(kApiPrefix) + "/projects/" +
                                          std::string(ProjectOf(a.repository)) + "/repositories/" +
                                          LinkRepository(repository_path) + "/artifacts/" +
                                          a.digest + "/additions/build_history"},
                             {"absolute", false}}}};
  }
  out["extra_attrs"] = std::move(extra);
  if (req.Query("with_tag").value_or("true") != "false") {
    boost::json::array tags;
    for (const TagRecord& t : a.tags) tags.push_back(TagJson(a, t, immutable));
    out["tags"] = std::move(tags);
  }
  if (req.Query("with_label").value_or("false") == "true") {
    boost::json::array labels;
    for (int64_t id : a.label_ids) {
      if (auto l = management_.GetLabel(id)) labels.push_back(LabelJson(*l));
    }
    out["labels"] = std::move(labels);
  }
  if (req.Query("with_scan_overview").value_or("false") == "true")
    out["scan_overview"] = boost::json::object{};
  if (req.Query("with_accessory").value_or("false") == "true") {
    boost::json::array accessories;
    if (auto digest = Digest::Parse(a.digest)) {
      if (auto referrers = content_.ListReferrers(a.repository, *digest)) {
        for (const ManifestRecord& r : *referrers) {
          auto found = management_.GetArtifact(a.repository, r.digest);
          if (!found) continue;
          accessories.push_back(boost::json::object{
              {"id", found->id},
              {"artifact_id", found->id},
              {"subject_artifact_id", a.id},
              {"subject_artifact_digest", a.digest},
              {"subject_artifact_repo", a.repository},
              {"size", static_cast<int64_t>(r.content.size())},
              {"digest", r.digest},
              {"type", AccessoryType(r.artifact_type)},
              {"icon", ""},
              {"creation_time", Rfc3339(found->pushed_at)}});
        }
      }
    }
    out["accessories"] = std::move(accessories);
  }
  return out;
}

Response HarborApi::CopyArtifact(Call& call) {
  const ProjectRecord& project = *call.project;
  const std::string& repository = call.repository;
  if (auto s = Require(call.who, project, Resource::kArtifact, Action::kCreate); !s)
    return HarborError(s.error());
  auto from = call.request.Query("from");
  if (!from) return HarborError(ErrorCode::kBadRequest, "from is required");
  const std::string source(*from);
  const size_t at = source.find('@');
  const size_t colon = at == std::string::npos ? source.rfind(':') : std::string::npos;
  const size_t cut = at != std::string::npos ? at : colon;
  if (cut == std::string::npos || cut + 1 >= source.size())
    return HarborError(ErrorCode::kBadRequest, "from must be project/repository:tag or @digest");
  const std::string source_repository = source.substr(0, cut);
  const std::string reference = source.substr(cut + 1);
  if (!IsValidRepositoryName(source_repository))
    return HarborError(ErrorCode::kBadRequest, "invalid repository " + source_repository);
  // A repository's path begins with its project's name, never its id.
  auto source_project = ProjectByName(call.who, ProjectOf(source_repository));
  if (!source_project) return HarborError(source_project.error());
  if (auto s = Require(call.who, *source_project, Resource::kArtifact, Action::kRead); !s)
    return HarborError(s.error());
  auto copied =
      registry_.CopyArtifact(source_repository, reference, repository, OperatorOf(call.who));
  if (!copied) {
    const ErrorCode c = copied.error().code;
    if (c == ErrorCode::kManifestUnknown || c == ErrorCode::kNameUnknown)
      return HarborError(ErrorCode::kNotFound, "artifact " + source + " not found");
    return HarborError(copied.error());
  }
  auto artifact = management_.GetArtifact(repository, reference);
  const std::string digest = artifact ? artifact->digest : reference;
  return Created(std::string(kApiPrefix) + "/projects/" + project.name + "/repositories/" +
                 LinkRepository(repository.substr(project.name.size() + 1)) + "/artifacts/" +
                 digest);
}

Response HarborApi::ListArtifacts(Call& call) {
  const ProjectRecord& project = *call.project;
  const std::string& repository = call.repository;
  if (auto s = Require(call.who, project, Resource::kArtifact, Action::kList); !s)
    return HarborError(s.error());
  auto listing = ParseListing(call.request, "-push_time");
  if (!listing) return HarborError(listing.error());
  // Harbor's tags=nil and tags=* ask for untagged and tagged artifacts; type is worked out
  // from the manifest and its config, so a list filtered by it is cut here, not in the store.
  ArtifactListing query;
  std::vector<QueryCondition> by_type;
  for (QueryCondition& c : listing->request.conditions) {
    const bool exact = c.kind == QueryCondition::Kind::kExact;
    if (c.key == "tags" && exact && (c.values.front() == "nil" || c.values.front() == "*")) {
      query.tagged = c.values.front() == "*";
    } else if (c.key == "type") {
      by_type.push_back(std::move(c));
    } else {
      query.request.conditions.push_back(std::move(c));
    }
  }
  query.request.sort = std::move(listing->request.sort);
  if (by_type.empty()) {
    query.request.offset = listing->request.offset;
    query.request.limit = listing->request.limit;
  }
  auto listed = management_.ListArtifacts(repository, query);
  if (!listed) return HarborError(listed.error());
  auto immutable = ImmutableRulesOf(project.id);
  if (!immutable) return HarborError(immutable.error());
  boost::json::array items;
  int64_t total = listed->total;
  if (by_type.empty()) {
    for (const ArtifactRecord& a : listed->items)
      items.push_back(ArtifactJson(a, project.id, call.request, *immutable));
  } else {
    total = 0;
    for (const ArtifactRecord& a : listed->items) {
      boost::json::object json = ArtifactJson(a, project.id, call.request, *immutable);
      const std::string type(json.at("type").as_string());
      if (!std::all_of(by_type.begin(), by_type.end(),
                       [&](const QueryCondition& c) { return MatchesText(c, type); }))
        continue;
      if (total >= listing->request.offset &&
          total < listing->request.offset + listing->request.limit)
        items.push_back(std::move(json));
      ++total;
    }
  }
  return PagedSlice(call.request, listing->page, std::move(items), total);
}

// The artifact of {reference} in the call's repository, once the caller may act on it: a
// caller without the right learns nothing of what the repository holds.
Result<ArtifactRecord> HarborApi::ArtifactOf(Call& call, Resource resource, Action action) {
  if (auto s = Require(call.who, *call.project, resource, action); !s)
    return tl::unexpected(s.error());
  return management_.GetArtifact(call.repository, std::string(call.params.Get("reference")));
}

Response HarborApi::GetArtifact(Call& call) {
  auto artifact = ArtifactOf(call, Resource::kArtifact, Action::kRead);
  if (!artifact) return HarborError(artifact.error());
  auto immutable = ImmutableRulesOf(call.project->id);
  if (!immutable) return HarborError(immutable.error());
  return JsonBody(200, ArtifactJson(*artifact, call.project->id, call.request, *immutable));
}

Response HarborApi::DeleteArtifact(Call& call) {
  auto artifact = ArtifactOf(call, Resource::kArtifact, Action::kDelete);
  if (!artifact) return HarborError(artifact.error());
  auto digest = Digest::Parse(artifact->digest);
  if (!digest) return HarborError(digest.error());
  if (auto s = registry_.DeleteArtifact(call.repository, *digest, OperatorOf(call.who)); !s)
    return HarborError(s.error());
  return Empty(200);
}

Response HarborApi::ListAccessories(Call& call) {
  auto artifact = ArtifactOf(call, Resource::kArtifact, Action::kRead);
  if (!artifact) return HarborError(artifact.error());
  http::Request probe = call.request;
  probe.query = {{"with_accessory", "true"}, {"with_tag", "false"}};
  boost::json::object json = ArtifactJson(*artifact, call.project->id, probe, {});
  boost::json::array accessories = json["accessories"].as_array();
  return PagedList(call.request, std::move(accessories));
}

Response HarborApi::GetAddition(Call& call) {
  auto artifact = ArtifactOf(call, Resource::kArtifact, Action::kRead);
  if (!artifact) return HarborError(artifact.error());
  const std::string_view addition = call.params.Get("addition");
  if (addition != "build_history")
    return HarborError(ErrorCode::kNotFound, "no addition " + std::string(addition));
  const boost::json::object manifest = ManifestJson(artifact->content);
  const boost::json::object* config = ObjectAt(manifest, "config");
  if (!config || !IsImageConfig(TextAt(*config, "mediaType")))
    return HarborError(ErrorCode::kNotFound, "the artifact has no build history");
  auto digest = Digest::Parse(TextAt(*config, "digest"));
  if (!digest) return HarborError(digest.error());
  auto reader = blobs_.Open(*digest);
  if (!reader) return HarborError(reader.error());
  std::string bytes((*reader)->size(), '\0');
  auto n = (*reader)->ReadAt(0, bytes);
  if (!n) return HarborError(n.error());
  const boost::json::object image = ManifestJson(bytes);
  const boost::json::array* history = ArrayAt(image, "history");
  return JsonBody(200, history ? *history : boost::json::array());
}

Response HarborApi::ListTags(Call& call) {
  auto artifact = ArtifactOf(call, Resource::kTag, Action::kList);
  if (!artifact) return HarborError(artifact.error());
  auto conditions = ParseQuery(call.request.Query("q").value_or(""));
  if (!conditions) return HarborError(conditions.error());
  auto immutable = ImmutableRulesOf(call.project->id);
  if (!immutable) return HarborError(immutable.error());
  boost::json::array tags;
  for (const TagRecord& t : artifact->tags) {
    bool match = true;
    for (const QueryCondition& c : *conditions) {
      if (c.key != "name") return HarborError(ErrorCode::kBadRequest, "cannot filter by " + c.key);
      match = match && MatchesText(c, t.name);
    }
    if (match) tags.push_back(TagJson(*artifact, t, *immutable));
  }
  return PagedList(call.request, std::move(tags));
}

Response HarborApi::CreateTag(Call& call) {
  auto artifact = ArtifactOf(call, Resource::kTag, Action::kCreate);
  if (!artifact) return HarborError(artifact.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  auto name = StringField(*body, "name");
  if (!name) return HarborError(name.error());
  if (!*name || (*name)->empty()) return HarborError(ErrorCode::kBadRequest, "name is required");
  if (auto existing = management_.GetArtifact(artifact->repository, **name)) {
    return HarborError(ErrorCode::kConflict,
                       "tag " + **name + " already exists in " + artifact->repository);
  }
  if (auto s = registry_.PutTag(artifact->repository, artifact->digest, **name,
                                OperatorOf(call.who));
      !s)
    return HarborError(s.error());
  const ProjectRecord& project = *call.project;
  return Created(std::string(kApiPrefix) + "/projects/" + project.name + "/repositories/" +
                 LinkRepository(artifact->repository.substr(project.name.size() + 1)) +
                 "/artifacts/" + artifact->digest + "/tags/" + **name);
}

Response HarborApi::DeleteTag(Call& call) {
  auto artifact = ArtifactOf(call, Resource::kTag, Action::kDelete);
  if (!artifact) return HarborError(artifact.error());
  const std::string tag(call.params.Get("tag_name"));
  const bool on_artifact = std::any_of(artifact->tags.begin(), artifact->tags.end(),
                                       [&](const TagRecord& t) { return t.name == tag; });
  if (!on_artifact) return HarborError(ErrorCode::kNotFound, "tag " + tag + " not found");
  if (auto s = registry_.DeleteTag(artifact->repository, tag, OperatorOf(call.who)); !s)
    return HarborError(s.error());
  return Empty(200);
}

Response HarborApi::AddLabel(Call& call) {
  auto artifact = ArtifactOf(call, Resource::kArtifactLabel, Action::kCreate);
  if (!artifact) return HarborError(artifact.error());
  auto body = ParseJsonObject(call.body);
  if (!body) return HarborError(body.error());
  auto id = IntField(*body, "id");
  if (!id) return HarborError(id.error());
  if (!*id) return HarborError(ErrorCode::kBadRequest, "id is required");
  auto label = management_.GetLabel(**id);
  if (!label) return HarborError(ErrorCode::kNotFound, "label not found");
  if (label->scope == "p" && label->project_id != call.project->id)
    return HarborError(ErrorCode::kBadRequest, "the label belongs to another project");
  if (auto s = management_.AttachLabel(artifact->id, label->id, clock_.Now()); !s)
    return HarborError(s.error());
  return Empty(200);
}

Response HarborApi::RemoveLabel(Call& call) {
  auto artifact = ArtifactOf(call, Resource::kArtifactLabel, Action::kDelete);
  if (!artifact) return HarborError(artifact.error());
  auto id = ParseId(call.params.Get("label_id"));
  if (!id) return HarborError(ErrorCode::kBadRequest, "invalid label id");
  if (auto s = management_.DetachLabel(artifact->id, *id); !s) return HarborError(s.error());
  return Empty(200);
}

}  // namespace berth
