// Registry logic driven through its Beast-free Handler interface, with a fake clock.
#include "registry/registry.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/scoped_temp_dir.h"
#include "meta/databases.h"
#include "storage/filesystem_blob_store.h"
#include "storage/paths.h"

namespace berth {
namespace {

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    blobs_ = std::make_unique<FilesystemBlobStore>(root_);
    meta_ = std::move(*OpenSqliteMetadata(MetadataPath(root_)));
    Reopen();
  }
  // A new Registry over the same stores: what a restarted server sees.
  void Reopen() {
    registry_.reset();
    RegistryOptions options;
    options.upload_ttl = std::chrono::hours(1);
    registry_ = std::make_unique<Registry>(*blobs_, *meta_, clock_, options);
  }

  http::Response Call(std::string method, std::string path, std::string body = {},
                      std::vector<std::pair<std::string, std::string>> query = {}) {
    http::Request req;
    req.method = std::move(method);
    req.path = std::move(path);
    req.query = std::move(query);
    req.has_body = !body.empty();
    req.content_length = body.size();
    http::Dispatch d = registry_->Handle(req);
    if (d.response) return std::move(*d.response);
    if (!body.empty()) {
      if (auto early = d.sink->Write(std::span<const char>(body.data(), body.size()))) return *early;
    }
    return d.sink->Finish();
  }

  std::string StartUpload(const std::string& repo) {
    http::Response res = Call("POST", "/v2/" + repo + "/blobs/uploads/");
    EXPECT_EQ(res.status, 202);
    std::string location(res.headers.Get("Location").value_or(""));
    return location.substr(location.rfind('/') + 1);
  }

  ScopedTempDir dir_;
  const std::filesystem::path& root_ = dir_.path();
  FakeClock clock_{1'700'000'000};
  std::unique_ptr<FilesystemBlobStore> blobs_;
  std::unique_ptr<SqlMetadataStore> meta_;
  std::unique_ptr<Registry> registry_;
};

TEST_F(RegistryTest, UploadResumesAcrossARestartWithItsDigestIntact) {
  std::string uuid = StartUpload("r");
  EXPECT_EQ(Call("PATCH", "/v2/r/blobs/uploads/" + uuid, "hello ").status, 202);
  Reopen();
  http::Response status = Call("GET", "/v2/r/blobs/uploads/" + uuid);
  EXPECT_EQ(status.status, 204);
  EXPECT_EQ(status.headers.Get("Range").value_or(""), "0-5");
  Digest d = DigestOf("hello world");
  http::Response done =
      Call("PUT", "/v2/r/blobs/uploads/" + uuid, "world", {{"digest", d.str()}});
  EXPECT_EQ(done.status, 201) << done.body;
  EXPECT_EQ(Call("HEAD", "/v2/r/blobs/" + d.str()).status, 200);
}

TEST_F(RegistryTest, AbandonedUploadsExpireAndTheirBytesGo) {
  std::string old_upload = StartUpload("r");
  EXPECT_EQ(Call("PATCH", "/v2/r/blobs/uploads/" + old_upload, "abc").status, 202);
  clock_.Advance(3000);
  std::string fresh_upload = StartUpload("r");
  EXPECT_EQ(registry_->PurgeExpiredUploads(), 0u);  // 50 minutes idle: kept
  clock_.Advance(1000);
  EXPECT_EQ(registry_->PurgeExpiredUploads(), 1u);
  EXPECT_EQ(Call("GET", "/v2/r/blobs/uploads/" + old_upload).status, 404);
  EXPECT_FALSE(std::filesystem::exists(UploadDir(root_, old_upload)));
  EXPECT_EQ(Call("GET", "/v2/r/blobs/uploads/" + fresh_upload).status, 204);
}

TEST_F(RegistryTest, BytesWithoutASessionArePurged) {
  ASSERT_TRUE(blobs_->CreateUpload("orphan"));
  EXPECT_EQ(registry_->PurgeExpiredUploads(), 1u);
  EXPECT_FALSE(std::filesystem::exists(UploadDir(root_, "orphan")));
}

TEST_F(RegistryTest, AnUploadBelongsToItsRepository) {
  std::string uuid = StartUpload("a");
  http::Response res = Call("PATCH", "/v2/b/blobs/uploads/" + uuid, "x");
  EXPECT_EQ(res.status, 404);
  EXPECT_NE(res.body.find("BLOB_UPLOAD_UNKNOWN"), std::string::npos);
}

TEST_F(RegistryTest, OneRequestAtATimePerUpload) {
  std::string uuid = StartUpload("r");
  http::Request req;
  req.method = "PATCH";
  req.path = "/v2/r/blobs/uploads/" + uuid;
  req.has_body = true;
  http::Dispatch first = registry_->Handle(req);
  ASSERT_TRUE(first.sink);
  http::Response second = Call("PATCH", req.path, "y");
  EXPECT_EQ(second.status, 400);
  first.sink->Abort();
  first.sink.reset();
  EXPECT_EQ(Call("PATCH", req.path, "y").status, 202);
}

}  // namespace
}  // namespace berth
