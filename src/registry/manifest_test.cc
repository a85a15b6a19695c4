#include "registry/manifest.h"

#include <gtest/gtest.h>

#include "core/digest.h"

namespace berth {
namespace {

const std::string kA = DigestOf("a").str();
const std::string kB = DigestOf("b").str();

std::string Descriptor(std::string_view media_type, const std::string& digest) {
  return R"({"mediaType":")" + std::string(media_type) + R"(","size":1,"digest":")" + digest + "\"}";
}

std::string Image(std::string_view media_type, const std::string& extra = "") {
  return R"({"schemaVersion":2,"mediaType":")" + std::string(media_type) + R"(","config":)" +
         Descriptor("application/vnd.oci.image.config.v1+json", kA) + R"(,"layers":[)" +
         Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", kB) + "]" + extra + "}";
}

TEST(ManifestTest, AcceptsTheFourMediaTypes) {
  struct Case {
    std::string body;
    std::string content_type;
    std::string want_type;
  };
  const std::string index = R"({"schemaVersion":2,"mediaType":")" + std::string(kOciIndex) +
                            R"(","manifests":[)" + Descriptor(kOciManifest, kA) + "]}";
  const std::string list = R"({"schemaVersion":2,"mediaType":")" +
                           std::string(kDockerManifestList) + R"(","manifests":[)" +
                           Descriptor(kDockerManifest, kA) + "]}";
  const Case cases[] = {
      {Image(kOciManifest), std::string(kOciManifest), std::string(kOciManifest)},
      {Image(kOciManifest), "", std::string(kOciManifest)},
      {Image(kOciManifest), "application/json", std::string(kOciManifest)},
      {Image(kDockerManifest), std::string(kDockerManifest) + "; charset=utf-8",
       std::string(kDockerManifest)},
      {index, std::string(kOciIndex), std::string(kOciIndex)},
      {list, std::string(kDockerManifestList), std::string(kDockerManifestList)},
  };
  for (const Case& c : cases) {
    auto m = ParseManifest(c.body, c.content_type);
    ASSERT_TRUE(m) << c.body << ": " << m.error().message;
    EXPECT_EQ(m->media_type, c.want_type);
  }
}

TEST(ManifestTest, CollectsReferences) {
  auto m = ParseManifest(Image(kOciManifest), kOciManifest);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->blobs, (std::vector<std::string>{kA, kB}));
  EXPECT_TRUE(m->children.empty());
  EXPECT_EQ(m->artifact_type, "application/vnd.oci.image.config.v1+json");

  auto artifact = ParseManifest(
      Image(kOciManifest, R"(,"artifactType":"application/x.sbom","subject":)" +
                              Descriptor(kOciManifest, kB)),
      kOciManifest);
  ASSERT_TRUE(artifact);
  EXPECT_EQ(artifact->subject, kB);
  EXPECT_EQ(artifact->artifact_type, "application/x.sbom");
}

TEST(ManifestTest, RefusesWithAReason) {
  struct Case {
    std::string body;
    std::string content_type;
    std::string reason;  // a part of the message
  };
  const Case cases[] = {
      {"not json", "", "not valid JSON"},
      {"[]", "", "not a JSON object"},
      {R"({"mediaType":"x"})", "", "schemaVersion"},
      {R"({"schemaVersion":1,"name":"x","tag":"y","fsLayers":[]})", "", "schema 1"},
      {"{}", "application/vnd.docker.distribution.manifest.v1+prettyjws", "schema 1"},
      {R"({"schemaVersion":3})", "", "schemaVersion must be 2"},
      {Image(kOciManifest), std::string(kDockerManifest), "does not match"},
      {R"({"schemaVersion":2,"mediaType":"application/x.custom"})", "", "unsupported"},
      {R"({"schemaVersion":2,"config":{"mediaType":"x","size":1,"digest":"sha256:zz"},"layers":[]})",
       "", "invalid digest"},
      {R"({"schemaVersion":2,"config":{"mediaType":"x","size":-1,"digest":")" + kA + R"("},"layers":[]})",
       "", "size"},
      {R"({"schemaVersion":2,"config":)" + Descriptor("x", kA) + "}", "", "layers"},
      {R"({"schemaVersion":2,"mediaType":")" + std::string(kOciIndex) + R"("})", "", "manifests"},
  };
  for (const Case& c : cases) {
    auto m = ParseManifest(c.body, c.content_type);
    ASSERT_FALSE(m) << c.body;
    EXPECT_EQ(m.error().code, ErrorCode::kManifestInvalid) << c.body;
    EXPECT_NE(m.error().message.find(c.reason), std::string::npos) << m.error().message;
  }
  EXPECT_EQ(ParseManifest(std::string(kMaxManifestBytes + 1, ' '), "").error().code,
            ErrorCode::kManifestTooLarge);
}

TEST(ManifestTest, ForeignLayersAreNotRequired) {
  std::string body = R"({"schemaVersion":2,"mediaType":")" + std::string(kDockerManifest) +
                     R"(","config":)" + Descriptor("application/vnd.docker.container.image.v1+json", kA) +
                     R"(,"layers":[{"mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip","size":1,"digest":")" +
                     kB + R"(","urls":["https://example.invalid/layer"]}]})";
  auto m = ParseManifest(body, kDockerManifest);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->blobs, std::vector<std::string>{kA});
}

TEST(ManifestTest, ReferrerDescriptorCarriesAnnotations) {
  std::string content = R"({"schemaVersion":2,"annotations":{"k":"v"}})";
  std::string d = ReferrerDescriptor(content, kOciManifest, kA, "application/x.sbom");
  EXPECT_NE(d.find(R"("artifactType":"application/x.sbom")"), std::string::npos) << d;
  EXPECT_NE(d.find(R"("annotations":{"k":"v"})"), std::string::npos) << d;
  EXPECT_NE(d.find(R"("size":)" + std::to_string(content.size())), std::string::npos) << d;
  EXPECT_EQ(ReferrerDescriptor("{}", kOciIndex, kA, "").find("artifactType"), std::string::npos);
}

}  // namespace
}  // namespace berth
