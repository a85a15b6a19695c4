// Harbor's API v2.0 for content and operations, against the real binary: artifacts, tags,
// labels, copies, the audit log and pull counts, quotas, webhooks (a receiver started here),
// configurations with read-only mode, search, statistics and volumes.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <random>
#include <thread>
#include <vector>

#include "tests/integration/content_fixture.h"
#include "tests/support/engines.h"

namespace berth::testing {
namespace {

TEST_F(ContentTest, ArtifactsWithTagsReferencesAccessoriesAndBuildHistory) {
  const std::string amd = PushImage("library/app", "amd64", RandomBytes(1000, 1));
  const std::string arm = PushImage("library/app", "arm64", RandomBytes(2000, 2), "arm64");
  const std::string index =
      R"({"schemaVersion":2,"mediaType":")" + std::string(kOciIndex) + R"(","manifests":[)" +
      R"({"mediaType":")" + kOciManifest + R"(","digest":")" + amd + R"(","size":)" +
      std::to_string(ManifestOf(amd).size()) +
      R"(,"platform":{"architecture":"amd64","os":"linux"}},)" + R"({"mediaType":")" +
      kOciManifest + R"(","digest":")" + arm + R"(","size":)" +
      std::to_string(ManifestOf(arm).size()) +
      R"(,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]})";
  ASSERT_EQ(Http("PUT", server_.Url("/v2/library/app/manifests/multi"), index,
                 {std::string("Content-Type: ") + kOciIndex})
                .status,
            201);
  const std::string index_digest = Sha256(index);
  // An SBOM-like referrer of the amd64 image.
  const std::string empty = "{}";
  ASSERT_EQ(PushBlob("library/app", empty), 201);
  const std::string sbom_layer = R"({"spdxVersion":"SPDX-2.3"})";
  ASSERT_EQ(PushBlob("library/app", sbom_layer), 201);
  const std::string sbom =
      R"({"schemaVersion":2,"mediaType":")" + std::string(kOciManifest) +
      R"(","artifactType":"application/vnd.example.sbom.v1+json","config":)" +
      Descriptor("application/vnd.oci.empty.v1+json", empty) + R"(,"layers":[)" +
      Descriptor("application/spdx+json", sbom_layer) + R"(],"subject":{"mediaType":")" +
      kOciManifest + R"(","digest":")" + amd + R"(","size":)" +
      std::to_string(ManifestOf(amd).size()) + "}}";
  ASSERT_EQ(Http("PUT", server_.Url("/v2/library/app/manifests/" + Sha256(sbom)), sbom,
                 {std::string("Content-Type: ") + kOciManifest})
                .status,
            201);

  // The index, the two images (tagged, so listed too); the SBOM only as an accessory.
  HttpResponse list = Do("GET", "/projects/library/repositories/app/artifacts?with_tag=true");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.Header("x-total-count"), "3");
  boost::json::value listed = parse(list.body);
  std::map<std::string, boost::json::object> by_digest;
  for (const auto& a : listed.as_array()) by_digest[std::string(a.at("digest").as_string())] = a.as_object();
  ASSERT_EQ(by_digest.count(index_digest), 1u);
  ASSERT_EQ(by_digest.count(amd), 1u);
  EXPECT_EQ(by_digest.count(Sha256(sbom)), 0u);

  const auto& idx = by_digest[index_digest];
  EXPECT_EQ(idx.at("type"), "IMAGE INDEX");
  EXPECT_EQ(Str(idx.at("manifest_media_type")), kOciIndex);
  EXPECT_EQ(idx.at("tags").as_array().at(0).at("name"), "multi");
  const auto& refs = idx.at("references").as_array();
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(Str(refs[1].at("child_digest")), arm);
  EXPECT_EQ(refs[1].at("platform").at("variant"), "v8");
  EXPECT_EQ(refs[0].at("child_id"), by_digest[amd].at("id"));

  const auto& image = by_digest[amd];
  EXPECT_EQ(image.at("type"), "IMAGE");
  EXPECT_EQ(image.at("media_type"), "application/vnd.oci.image.config.v1+json");
  EXPECT_EQ(Str(image.at("manifest_media_type")), kOciManifest);
  EXPECT_EQ(image.at("repository_name"), "library/app");
  EXPECT_EQ(image.at("extra_attrs").at("architecture"), "amd64");
  EXPECT_EQ(image.at("extra_attrs").at("os"), "linux");
  EXPECT_EQ(image.at("extra_attrs").at("author"), "berth-test");
  EXPECT_EQ(image.at("extra_attrs").at("config").at("Cmd").at(0), "sh");
  const int64_t image_size = image.at("size").as_int64();
  EXPECT_GT(image_size, 1000 + static_cast<int64_t>(ManifestOf(amd).size()));
  EXPECT_EQ(idx.at("size").as_int64(),
            static_cast<int64_t>(index.size()) + image_size +
                by_digest[arm].at("size").as_int64());

  // One artifact, by tag and by digest; accessories; build history.
  HttpResponse one = Do("GET", "/projects/library/repositories/app/artifacts/amd64?with_accessory=true");
  ASSERT_EQ(one.status, 200) << one.body;
  boost::json::value got = parse(one.body);
  EXPECT_EQ(Str(got.at("digest")), amd);
  const auto& accessories = got.at("accessories").as_array();
  ASSERT_EQ(accessories.size(), 1u);
  EXPECT_EQ(Str(accessories[0].at("digest")), Sha256(sbom));
  EXPECT_EQ(Str(accessories[0].at("subject_artifact_digest")), amd);
  EXPECT_EQ(Do("GET", "/projects/library/repositories/app/artifacts/" + amd).status, 200);
  HttpResponse accessory_list =
      Do("GET", "/projects/library/repositories/app/artifacts/" + amd + "/accessories");
  ASSERT_EQ(accessory_list.status, 200) << accessory_list.body;
  EXPECT_EQ(accessory_list.Header("x-total-count"), "1");
  HttpResponse sbom_artifact =
      Do("GET", "/projects/library/repositories/app/artifacts/" + Sha256(sbom));
  EXPECT_EQ(parse(sbom_artifact.body).at("type"), "EXAMPLE");
  HttpResponse history = Do(
      "GET", "/projects/library/repositories/app/artifacts/amd64/additions/build_history");
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_EQ(parse(history.body).at(0).at("created_by"), "ADD layer.tar /");
  ExpectError(Do("GET", "/projects/library/repositories/app/artifacts/nope"), 404, "NOT_FOUND");
  ExpectError(Do("GET", "/projects/library/repositories/none/artifacts"), 404, "NOT_FOUND");

  // q and sort.
  HttpResponse tagged = Do("GET", "/projects/library/repositories/app/artifacts?q=tags%3Darm64");
  EXPECT_EQ(tagged.Header("x-total-count"), "1");
  EXPECT_EQ(Str(parse(tagged.body).at(0).at("digest")), arm);
  ExpectError(api_.DoInvalid("GET", "/projects/library/repositories/app/artifacts?q=color%3Dred"),
              400, "BAD_REQUEST");

  // Tags: added, refused twice, listed, removed.
  EXPECT_EQ(Do("POST", "/projects/library/repositories/app/artifacts/" + amd + "/tags",
               R"({"name":"stable"})")
                .status,
            201);
  ExpectError(Do("POST", "/projects/library/repositories/app/artifacts/" + amd + "/tags",
                 R"({"name":"stable"})"),
              409, "CONFLICT");
  EXPECT_EQ(Http("GET", server_.Url("/v2/library/app/manifests/stable")).Header("docker-content-digest"),
            amd);
  HttpResponse tags = Do("GET", "/projects/library/repositories/app/artifacts/" + amd + "/tags");
  EXPECT_EQ(tags.Header("x-total-count"), "2");
  EXPECT_EQ(Do("DELETE", "/projects/library/repositories/app/artifacts/" + amd + "/tags/stable")
                .status,
            200);
  EXPECT_EQ(Http("GET", server_.Url("/v2/library/app/manifests/stable")).status, 404);
  ExpectError(Do("DELETE", "/projects/library/repositories/app/artifacts/" + amd + "/tags/stable"),
              404, "NOT_FOUND");

  // Labels: a global one attached and detached.
  const std::string label =
      Created(Do("POST", "/labels", R"({"name":"qa","color":"#00ff00","scope":"g"})"));
  ExpectError(Do("POST", "/labels", R"({"name":"qa","scope":"g"})"), 409, "CONFLICT");
  EXPECT_EQ(Do("POST", "/projects/library/repositories/app/artifacts/" + amd + "/labels",
               R"({"id":)" + label + "}")
                .status,
            200);
  HttpResponse labelled =
      Do("GET", "/projects/library/repositories/app/artifacts/" + amd + "?with_label=true");
  EXPECT_EQ(parse(labelled.body).at("labels").at(0).at("name"), "qa");
  EXPECT_EQ(Do("GET", "/labels?scope=g").Header("x-total-count"), "1");
  EXPECT_EQ(
      Do("DELETE", "/projects/library/repositories/app/artifacts/" + amd + "/labels/" + label)
          .status,
      200);
  EXPECT_EQ(Do("PUT", "/labels/" + label, R"({"description":"passed QA"})").status, 200);
  EXPECT_EQ(parse(Do("GET", "/labels/" + label).body).at("description"), "passed QA");
  EXPECT_EQ(Do("DELETE", "/labels/" + label).status, 200);

  // Copy into another project, then delete the copy's source.
  CreateProject("other");
  HttpResponse copied = Do("POST", "/projects/other/repositories/app/artifacts?from=library/app:amd64");
  EXPECT_EQ(copied.status, 201) << copied.body;
  EXPECT_EQ(Http("GET", server_.Url("/v2/other/app/manifests/amd64")).Header("docker-content-digest"),
            amd);
  HttpResponse index_copy =
      Do("POST", "/projects/other/repositories/app/artifacts?from=library/app@" + index_digest);
  EXPECT_EQ(index_copy.status, 201) << index_copy.body;
  HttpResponse arm_copy = Http("GET", server_.Url("/v2/other/app/manifests/" + arm));
  EXPECT_EQ(arm_copy.status, 200) << arm_copy.body << index_copy.Header("location");
  ExpectError(Do("POST", "/projects/other/repositories/app/artifacts?from=library/app:gone"), 404,
              "NOT_FOUND");
  EXPECT_EQ(Do("DELETE", "/projects/library/repositories/app/artifacts/" + index_digest).status,
            200);
  EXPECT_EQ(Http("GET", server_.Url("/v2/library/app/manifests/multi")).status, 404);
  EXPECT_EQ(Http("GET", server_.Url("/v2/other/app/manifests/" + index_digest)).status, 200);
}

TEST_F(ContentTest, AuditLogHoldsOneEntryPerPushPullAndDeleteWithItsOperator) {
  const std::string project = CreateProject("audit");
  ASSERT_EQ(Do("POST", "/users",
               R"({"username":"alice","password":"Passw0rd1","email":"a@b.c","realname":"A"})")
                .status,
            201);
  ASSERT_EQ(Do("POST", "/projects/audit/members",
               R"({"role_id":2,"member_user":{"username":"alice"}})")
                .status,
            201);
  auto operations = [&] {
    HttpResponse logs = Do("GET", "/projects/audit/logs?page_size=100");
    std::vector<std::string> out;
    if (logs.status != 200) return out;
    const boost::json::value entries = parse(logs.body);
    for (const auto& l : entries.as_array()) {
      out.push_back(std::string(l.at("operation").as_string()) + " " +
                    std::string(l.at("resource").as_string()) + " by " +
                    std::string(l.at("username").as_string()));
    }
    return out;
  };
  // Pulls (through the event bus) and changes (through the outbox) are recorded by different
  // threads, and entries are dated to the second: each step waits for the last one's entries so
  // that the log's order is the order things were done in.
  auto recorded = [&](size_t count) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (operations().size() < count && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return operations().size();
  };
  const std::vector<std::string> alice = {BasicAuth("alice", "Passw0rd1")};
  const std::string digest = PushImage("audit/web", "v1", RandomBytes(500, 3), "amd64", alice);
  ASSERT_EQ(recorded(2), 2u);
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(Http("GET", server_.Url("/v2/audit/web/manifests/v1"), {}, alice).status, 200);
  }
  // Neither a HEAD nor a blob GET is a pull.
  ASSERT_EQ(Http("HEAD", server_.Url("/v2/audit/web/manifests/v1"), {}, alice).status, 200);
  ASSERT_EQ(Http("GET", server_.Url("/v2/audit/web/manifests/" + digest)).status, 200);
  ASSERT_EQ(recorded(5), 5u);
  ASSERT_EQ(Http("DELETE", server_.Url("/v2/audit/web/manifests/" + digest)).status, 202);

  // Newest first.
  const std::vector<std::string> expected = {
      "delete audit/web@" + digest + " by admin", "pull audit/web@" + digest + " by admin",
      "pull audit/web:v1 by alice", "pull audit/web:v1 by alice", "create audit/web:v1 by alice",
      "create audit by admin"};
  EXPECT_EQ(Eventually(operations, expected), expected);
  HttpResponse pulls = Do("GET", "/audit-logs?q=operation%3Dpull,username%3Dalice");
  EXPECT_EQ(pulls.Header("x-total-count"), "2") << pulls.body;
  HttpResponse in_range =
      Do("GET", "/audit-logs?q=op_time%3D%5B2000-01-01%2000%3A00%3A00~2100-01-01%2000%3A00%3A00%5D");
  EXPECT_EQ(in_range.Header("x-total-count"), "6");
  // Alice, a developer, may not read the project's logs (Harbor: maintainers and up).
  ExpectError(Do("GET", "/projects/audit/logs", {}, alice), 403, "FORBIDDEN");
  ExpectError(api_.DoInvalid("GET", "/audit-logs?q=color%3Dred"), 400, "BAD_REQUEST");

  // Pull counts are counted off the request path: three manifest GETs.
  auto pull_count = [&] {
    HttpResponse repo = Do("GET", "/projects/audit/repositories/web");
    return repo.status == 200 ? parse(repo.body).at("pull_count").as_int64() : -1;
  };
  EXPECT_EQ(Eventually(pull_count, int64_t{3}), 3);
}

TEST_F(ContentTest, QuotaRefusesWhatWouldPassItAndDeletionFreesIt) {
  WebhookReceiver receiver;
  const std::string project = CreateProject("small", R"(,"storage_limit":10485760)");
  ASSERT_EQ(Do("POST", "/projects/small/webhook/policies",
               R"({"name":"quota","event_types":["QUOTA_EXCEED","QUOTA_WARNING"],)"
               R"("targets":[{"type":"http",)"
               R"("address":")" + receiver.Url("/quota") + R"("}]})")
                .status,
            201);
  auto used = [&] {
    return parse(Do("GET", "/quotas/" + project).body).at("used").at("storage").as_int64();
  };
  EXPECT_EQ(used(), 0);
  const std::string five = RandomBytes(5 << 20, 5);
  const std::string digest = PushImage("small/app", "v1", five);
  const int64_t after_image = used();
  EXPECT_GT(after_image, 5 << 20);
  EXPECT_LT(after_image, (5 << 20) + 4096);
  HttpResponse quotas = Do("GET", "/quotas?reference=project&reference_id=" + project);
  ASSERT_EQ(quotas.status, 200);
  EXPECT_EQ(parse(quotas.body).at(0).at("hard").at("storage"), 10485760);

  // The next 8 MiB layer, monolithic and in a PATCH: refused, nothing counted or kept.
  const std::string eight = RandomBytes(8 << 20, 8);
  HttpResponse refused = Http(
      "POST", server_.Url("/v2/small/app/blobs/uploads/?digest=" + Sha256(eight)), eight);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(ErrorCode(refused), "DENIED");
  EXPECT_NE(refused.body.find("quota"), std::string::npos) << refused.body;
  HttpResponse start = Http("POST", server_.Url("/v2/small/app/blobs/uploads/"));
  ASSERT_EQ(start.status, 202);
  HttpResponse patch = Http("PATCH", server_.Url(start.Header("location")), eight,
                            {"Content-Type: application/octet-stream"});
  EXPECT_EQ(patch.status, 403);
  EXPECT_EQ(Http("GET", server_.Url(start.Header("location"))).status, 404);
  EXPECT_EQ(used(), after_image);
  EXPECT_EQ(Http("HEAD", server_.Url("/v2/small/app/blobs/" + Sha256(eight))).status, 404);
  EXPECT_FALSE(server_.StoresBlob(Sha256(eight)));
  EXPECT_TRUE(server_.StoredUploads().empty());
  if (!OnS3()) {
    std::string upload_bytes;
    const std::string data = server_.data_dir().string();
    RunCommand("find " + data + "/blobs " + data + "/uploads -type f | xargs -r du -cb | tail -1",
               &upload_bytes);
    // Only the 5 MiB layer is stored (the databases, whose WAL may pass 1 MiB, aside).
    EXPECT_GE(std::stoll(upload_bytes), 5 << 20) << upload_bytes;
    EXPECT_LT(std::stoll(upload_bytes), 6 << 20) << upload_bytes;
  }

  const auto exceeded = receiver.WaitFor("/quota", 2);
  ASSERT_EQ(exceeded.size(), 2u);
  boost::json::value event = parse(exceeded[0].body);
  EXPECT_EQ(event.at("type"), "QUOTA_EXCEED");
  EXPECT_EQ(event.at("operator"), "admin");
  EXPECT_EQ(event.at("event_data").at("repository").at("repo_full_name"), "small/app");

  // Deleting the image frees its bytes; the layer then fits. Raising the limit is an update.
  ASSERT_EQ(Do("DELETE", "/projects/small/repositories/app/artifacts/" + digest).status, 200);
  EXPECT_EQ(used(), 0);
  EXPECT_EQ(PushBlob("small/app", eight), 201);
  EXPECT_EQ(used(), 8 << 20);
  // 80% of the limit, then 90%: one QUOTA_WARNING, when 85% is crossed.
  EXPECT_EQ(PushBlob("small/app", RandomBytes(1 << 20, 11)), 201);
  EXPECT_EQ(PushBlob("small/app", RandomBytes(1000, 12)), 201);
  const auto events = receiver.WaitFor("/quota", 3);
  ASSERT_EQ(events.size(), 3u);
  boost::json::value warning = parse(events[2].body);
  EXPECT_EQ(warning.at("type"), "QUOTA_WARNING");
  EXPECT_NE(Str(warning.at("event_data").at("custom_attributes").at("Details")).find("90%"),
            std::string::npos)
      << events[2].body;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(receiver.WaitFor("/quota", 4, 0).size(), 3u);
  ExpectError(Do("PUT", "/quotas/" + project, R"({"hard":{"storage":0}})"), 400, "BAD_REQUEST");
  EXPECT_EQ(Do("PUT", "/quotas/" + project, R"({"hard":{"storage":-1}})").status, 200);
  EXPECT_EQ(PushBlob("small/app", five + "more"), 201);
  ExpectError(Do("GET", "/quotas", {}, kAnonymous), 401, "UNAUTHORIZED");
}

TEST_F(ContentTest, WebhooksDeliverPushAndPullInBothFormatsAndRetryFailures) {
  WebhookReceiver receiver;
  receiver.AnswerFirst("/flaky", {500, 503});
  const std::string project = CreateProject("hooks");
  auto policy = [&](const std::string& name, const std::string& path, const std::string& format,
                    const std::string& types) {
    return Created(Do("POST", "/projects/hooks/webhook/policies",
                      R"({"name":")" + name + R"(","enabled":true,"event_types":[)" + types +
                          R"(],"targets":[{"type":"http","address":")" + receiver.Url(path) +
                          R"(","auth_header":"Bearer s3cret","payload_format":")" + format +
                          "\"}]}"));
  };
  const std::string both = R"("PUSH_ARTIFACT","PULL_ARTIFACT")";
  policy("default", "/default", "Default", both);
  policy("cloud", "/cloud", "CloudEvents", both);
  const std::string flaky = policy("flaky", "/flaky", "Default", R"("PUSH_ARTIFACT")");
  ExpectError(Do("POST", "/projects/hooks/webhook/policies",
                 R"({"name":"bad","event_types":["NOPE"],"targets":[{"type":"http",)"
                 R"("address":"http://x"}]})"),
              400, "BAD_REQUEST");

  const std::string digest = PushImage("hooks/app", "v1", RandomBytes(300, 4));
  // A change's event comes through the outbox and a pull's through the event bus, each promptly
  // but neither waiting for the other: the pull follows once the push was notified.
  ASSERT_EQ(receiver.WaitFor("/default", 1).size(), 1u);
  ASSERT_EQ(receiver.WaitFor("/cloud", 1).size(), 1u);
  ASSERT_EQ(Http("GET", server_.Url("/v2/hooks/app/manifests/v1")).status, 200);
  ASSERT_EQ(Http("HEAD", server_.Url("/v2/hooks/app/manifests/v1")).status, 200);

  const auto defaults = receiver.WaitFor("/default", 2);
  ASSERT_EQ(defaults.size(), 2u) << server_.Log();
  boost::json::value push = parse(defaults[0].body);
  EXPECT_EQ(push.at("type"), "PUSH_ARTIFACT");
  EXPECT_EQ(push.at("operator"), "admin");
  EXPECT_EQ(Str(push.at("event_data").at("resources").at(0).at("digest")), digest);
  EXPECT_EQ(push.at("event_data").at("resources").at(0).at("tag"), "v1");
  EXPECT_EQ(Str(push.at("event_data").at("resources").at(0).at("resource_url")),
            server_.HostPort() + "/hooks/app:v1");
  EXPECT_EQ(push.at("event_data").at("repository").at("namespace"), "hooks");
  EXPECT_EQ(push.at("event_data").at("repository").at("name"), "app");
  EXPECT_EQ(push.at("event_data").at("repository").at("repo_type"), "private");
  EXPECT_EQ(defaults[0].headers.find("authorization")->second, "Bearer s3cret");
  EXPECT_EQ(defaults[0].headers.find("content-type")->second, "application/json");
  EXPECT_EQ(parse(defaults[1].body).at("type"), "PULL_ARTIFACT");

  const auto clouds = receiver.WaitFor("/cloud", 2);
  ASSERT_EQ(clouds.size(), 2u);
  boost::json::value cloud = parse(clouds[0].body);
  EXPECT_EQ(cloud.at("specversion"), "1.0");
  EXPECT_EQ(cloud.at("type"), "harbor.artifact.pushed");
  EXPECT_EQ(cloud.at("datacontenttype"), "application/json");
  EXPECT_EQ(cloud.at("operator"), "admin");
  EXPECT_EQ(Str(cloud.at("data").at("resources").at(0).at("digest")), digest);
  EXPECT_FALSE(cloud.at("id").as_string().empty());
  EXPECT_EQ(clouds[0].headers.find("content-type")->second, "application/cloudevents+json");
  EXPECT_EQ(parse(clouds[1].body).at("type"), "harbor.artifact.pulled");

  // 500, 503, then 200: the third try delivers, and the history shows all three.
  const auto tries = receiver.WaitFor("/flaky", 3);
  ASSERT_EQ(tries.size(), 3u);
  for (const auto& t : tries) EXPECT_EQ(t.body, tries[0].body);
  const std::string base = "/projects/hooks/webhook/policies/" + flaky;
  auto execution_status = [&] {
    HttpResponse r = Do("GET", base + "/executions");
    if (r.status != 200 || parse(r.body).as_array().empty()) return std::string();
    return std::string(parse(r.body).at(0).at("status").as_string());
  };
  EXPECT_EQ(Eventually(execution_status, std::string("Success")), "Success");
  boost::json::value executions = parse(Do("GET", base + "/executions").body);
  ASSERT_EQ(executions.as_array().size(), 1u);
  EXPECT_EQ(executions.at(0).at("vendor_type"), "WEBHOOK");
  EXPECT_EQ(executions.at(0).at("extra_attrs").at("event_type"), "PUSH_ARTIFACT");
  const std::string execution = std::to_string(executions.at(0).at("id").as_int64());
  HttpResponse tasks = Do("GET", base + "/executions/" + execution + "/tasks");
  ASSERT_EQ(tasks.status, 200) << tasks.body;
  boost::json::value task = parse(tasks.body).at(0);
  EXPECT_EQ(task.at("status"), "Success");
  EXPECT_EQ(task.at("run_count"), 3);
  const auto& attempts = task.at("extra_attrs").at("attempts").as_array();
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(attempts[0].at("http_status"), 500);
  EXPECT_EQ(attempts[1].at("http_status"), 503);
  EXPECT_EQ(attempts[2].at("http_status"), 200);
  HttpResponse log = Do("GET", base + "/executions/" + execution + "/tasks/" +
                                   std::to_string(task.at("id").as_int64()) + "/log");
  ASSERT_EQ(log.status, 200);
  EXPECT_NE(log.body.find("attempt 1: HTTP 500"), std::string::npos) << log.body;
  EXPECT_NE(log.body.find("attempt 3: HTTP 200"), std::string::npos) << log.body;

  // Exactly one of each per operation, and nothing for the HEAD.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(receiver.WaitFor("/default", 3, 0).size(), 2u);
  EXPECT_EQ(receiver.WaitFor("/cloud", 3, 0).size(), 2u);

  // Policies: listed, read, disabled (then silent), deleted; the event types.
  HttpResponse policies = Do("GET", "/projects/hooks/webhook/policies");
  EXPECT_EQ(policies.Header("x-total-count"), "3");
  HttpResponse events = Do("GET", "/projects/hooks/webhook/events");
  EXPECT_EQ(parse(events.body).at("event_type").as_array().size(), 9u);
  EXPECT_EQ(Do("GET", "/projects/hooks/webhook/lasttrigger").status, 200);
  HttpResponse read = Do("GET", base);
  EXPECT_EQ(Str(parse(read.body).at("targets").at(0).at("address")), receiver.Url("/flaky"));
  EXPECT_EQ(Do("PUT", base, R"({"name":"flaky","enabled":false})").status, 200);
  PushImage("hooks/app", "v2", RandomBytes(300, 6));
  EXPECT_EQ(receiver.WaitFor("/default", 3).size(), 3u);
  EXPECT_EQ(receiver.WaitFor("/flaky", 4, 2).size(), 3u);
  EXPECT_EQ(Do("DELETE", base).status, 200);
  ExpectError(Do("GET", base), 404, "NOT_FOUND");
}

// Bookkeeping does not wait for an idle machine: with a thread spinning on every core (a busy
// neighbour, a compile), the audit entry and the webhook of a push still come. The wait allowed
// is well below the 30 s that bookkeeping once held back on a busy machine.
TEST_F(ContentTest, APushIsAuditedAndNotifiedWhileEveryCpuIsBusy) {
  WebhookReceiver receiver;
  CreateProject("busy");
  Created(Do("POST", "/projects/busy/webhook/policies",
             R"({"name":"pushes","event_types":["PUSH_ARTIFACT"],"targets":[{"type":"http",)"
             R"("address":")" + receiver.Url("/pushed") + R"("}]})"));
  std::atomic<bool> spinning = true;
  std::vector<std::thread> spinners;
  for (unsigned i = 0; i < std::max(1u, std::thread::hardware_concurrency()); ++i)
    spinners.emplace_back([&] {
      while (spinning) {
      }
    });
  PushImage("busy/app", "v1", RandomBytes(300, 9));
  const size_t delivered = receiver.WaitFor("/pushed", 1, 10).size();
  std::string logs;
  for (int i = 0; i < 50 && logs.find("busy/app:v1") == std::string::npos; ++i) {
    logs = Do("GET", "/projects/busy/logs").body;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  spinning = false;
  for (std::thread& t : spinners) t.join();
  EXPECT_EQ(delivered, 1u) << server_.Log();
  EXPECT_NE(logs.find("\"create\""), std::string::npos) << logs;
  EXPECT_NE(logs.find("busy/app:v1"), std::string::npos) << logs;
}

TEST_F(ContentTest, ConfigurationsReadOnlyModeAndProjectCreationRestriction) {
  HttpResponse config = Do("GET", "/configurations");
  ASSERT_EQ(config.status, 200) << config.body;
  EXPECT_EQ(parse(config.body).at("read_only").at("value"), false);
  EXPECT_EQ(parse(config.body).at("token_expiration").at("value"), 30);
  const std::string digest = PushImage("library/ro", "v1", RandomBytes(100, 7));

  ASSERT_EQ(Do("PUT", "/configurations", R"({"read_only":true,"token_expiration":5})").status, 200);
  // Pushes, deletes and tag changes are refused; pulls go on.
  HttpResponse push = Http("POST", server_.Url("/v2/library/ro/blobs/uploads/"));
  EXPECT_EQ(push.status, 403);
  EXPECT_NE(push.body.find("read only"), std::string::npos) << push.body;
  EXPECT_EQ(Http("DELETE", server_.Url("/v2/library/ro/manifests/" + digest)).status, 403);
  EXPECT_EQ(Http("GET", server_.Url("/v2/library/ro/manifests/v1")).status, 200);
  ExpectError(Do("POST", "/projects/library/repositories/ro/artifacts/v1/tags", R"({"name":"x"})"),
              403, "DENIED");
  ExpectError(Do("DELETE", "/projects/library/repositories/ro/artifacts/v1"), 403, "DENIED");
  ExpectError(Do("DELETE", "/projects/library/repositories/ro"), 403, "DENIED");
  EXPECT_EQ(parse(Do("GET", "/systeminfo").body).at("read_only"), true);
  const std::string token = Http("GET", server_.Url("/service/token?service=harbor-registry"),
                                 {}, {BasicAuth("admin", kAdminPassword)})
                                .body;
  EXPECT_EQ(parse(token).at("expires_in"), 300);

  // Settings outlive a restart.
  server_.Restart();
  EXPECT_EQ(Http("POST", server_.Url("/v2/library/ro/blobs/uploads/")).status, 403);
  ASSERT_EQ(Do("PUT", "/configurations", R"({"read_only":false})").status, 200);
  EXPECT_EQ(Http("POST", server_.Url("/v2/library/ro/blobs/uploads/")).status, 202);

  ASSERT_EQ(Do("POST", "/users",
               R"({"username":"bob","password":"Passw0rd1","email":"b@b.c","realname":"B"})")
                .status,
            201);
  ASSERT_EQ(Do("PUT", "/configurations", R"({"project_creation_restriction":"adminonly"})").status,
            200);
  ExpectError(Do("POST", "/projects", R"({"project_name":"bobs"})", {BasicAuth("bob", "Passw0rd1")}),
              403, "FORBIDDEN");
  ASSERT_EQ(Do("PUT", "/configurations", R"({"project_creation_restriction":"everyone"})").status,
            200);
  EXPECT_EQ(Do("POST", "/projects", R"({"project_name":"bobs"})", {BasicAuth("bob", "Passw0rd1")})
                .status,
            201);
  ExpectError(api_.DoInvalid("PUT", "/configurations", R"({"project_creation_restriction":"x"})"),
              400, "BAD_REQUEST");
  ExpectError(api_.DoInvalid("PUT", "/configurations", R"({"no_such_setting":true})"), 400,
              "BAD_REQUEST");
  ExpectError(Do("GET", "/configurations", {}, {BasicAuth("bob", "Passw0rd1")}), 403, "FORBIDDEN");
}

TEST_F(ContentTest, SearchStatisticsAndVolumesShowWhatTheCallerMaySee) {
  CreateProject("secret");
  PushImage("secret/vault", "v1", RandomBytes(100, 9));
  PushImage("library/vaulted", "v1", RandomBytes(100, 10));
  HttpResponse admin = Do("GET", "/search?q=vault");
  ASSERT_EQ(admin.status, 200) << admin.body;
  EXPECT_EQ(parse(admin.body).at("repository").as_array().size(), 2u);
  HttpResponse anonymous = Do("GET", "/search?q=vault", {}, kAnonymous);
  ASSERT_EQ(anonymous.status, 200) << anonymous.body;
  const boost::json::value seen = parse(anonymous.body);
  const auto& visible = seen.at("repository").as_array();
  ASSERT_EQ(visible.size(), 1u);
  EXPECT_EQ(visible[0].at("repository_name"), "library/vaulted");
  EXPECT_EQ(visible[0].at("project_public"), true);
  EXPECT_EQ(parse(Do("GET", "/search?q=secr").body).at("project").as_array().size(), 1u);

  HttpResponse stats = Do("GET", "/statistics");
  ASSERT_EQ(stats.status, 200) << stats.body;
  boost::json::value s = parse(stats.body);
  EXPECT_EQ(s.at("total_project_count"), 2);
  EXPECT_EQ(s.at("private_repo_count"), 1);
  EXPECT_EQ(s.at("public_repo_count"), 1);
  EXPECT_GT(s.at("total_storage_consumption").as_int64(), 200);

  HttpResponse volumes = Do("GET", "/systeminfo/volumes");
  ASSERT_EQ(volumes.status, 200) << volumes.body;
  EXPECT_GT(parse(volumes.body).at("storage").at(0).at("total").as_int64(), 0);
  ExpectError(Do("GET", "/systeminfo/volumes", {}, kAnonymous), 401, "UNAUTHORIZED");
}

class GarbageCollectionTest : public ContentTest {
 protected:
  // A short lease: a killed node's collection is taken up within seconds on PostgreSQL too.
  GarbageCollectionTest() : ContentTest({"BERTH_GC_GRACE_PERIOD=0s", "BERTH_JOBS_LEASE=3s"}) {}

  // `berth gc ARGS` beside the server: what it printed.
  std::string Gc(const std::string& args) {
    std::string output;
    EXPECT_EQ(server_.RunBerth("gc " + args, &output), 0) << output;
    return output;
  }

  uint64_t StoredBytes() {
    uint64_t total = 0;
    for (const StoredBlob& b : server_.StoredBlobs()) total += b.size;
    return total;
  }

  int64_t QuotaUsed(const std::string& project_id) {
    return parse(Do("GET", "/quotas/" + project_id).body).at("used").at("storage").as_int64();
  }
};

// The number before `word` on the line that begins with `prefix`, in a collection's log.
uint64_t Figure(const std::string& log, const std::string& prefix, const std::string& word) {
  const size_t line = log.find("\n" + prefix);
  if (line == std::string::npos) return UINT64_MAX;
  const size_t end = log.find('\n', line + 1);
  const std::string text = log.substr(line + 1, end - line - 1);
  const size_t at = text.find(" " + word);
  if (at == std::string::npos) return UINT64_MAX;
  const size_t start = text.find_last_not_of("0123456789", at - 1);
  return std::stoull(text.substr(start + 1, at - start - 1));
}

TEST_F(GarbageCollectionTest, ADryRunReportsExactlyWhatTheRunFreesAndQuotasMatchAfter) {
  const std::string project = CreateProject("gc");
  const std::string kept_layer = RandomBytes(3000, 21), moved_layer = RandomBytes(4000, 22),
                    new_layer = RandomBytes(5000, 23), deleted_layer = RandomBytes(6000, 24),
                    untagged_layer = RandomBytes(7000, 25), stray = RandomBytes(8000, 26),
                    behind = RandomBytes(9000, 27);
  const std::string kept = PushImage("gc/keep", "v1", kept_layer);
  PushImage("gc/moved", "v1", moved_layer);
  const std::string moved = PushImage("gc/moved", "v1", new_layer);  // the old one loses its tag
  const std::string deleted = PushImage("gc/deleted", "v1", deleted_layer);
  ASSERT_EQ(Http("DELETE", server_.Url("/v2/gc/deleted/manifests/" + deleted)).status, 202);
  PushImage("gc/untagged", "v1", untagged_layer);
  ASSERT_EQ(Do("DELETE", "/projects/gc/repositories/untagged/artifacts/v1/tags/v1").status, 200);
  ASSERT_EQ(PushBlob("gc/stray", stray), 201);  // uploaded, never in a manifest
  server_.StoreBlobBehindTheMetadata(behind);
  // Younger than the grace period (0 s) no longer: a second later.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));

  const uint64_t garbage = moved_layer.size() + deleted_layer.size() + untagged_layer.size() +
                           stray.size() + behind.size();
  const std::string dry = Gc("--dry-run --delete-untagged");
  EXPECT_EQ(Figure(dry, "would free", "blobs"), 5u) << dry;
  EXPECT_EQ(Figure(dry, "would free", "orphans),"), 1u) << dry;
  EXPECT_EQ(Figure(dry, "would free", "bytes"), garbage) << dry;
  // Two untagged manifests: the one the push moved the tag from, the one whose tag went.
  EXPECT_EQ(Figure(dry, "would free", "manifests,"), 2u) << dry;
  for (const std::string& layer : {moved_layer, deleted_layer, untagged_layer, stray, behind})
    EXPECT_TRUE(server_.StoresBlob(Sha256(layer))) << "a dry run removes nothing";

  const uint64_t stored_before = StoredBytes();
  const std::string run = Gc("--delete-untagged");
  EXPECT_EQ(Figure(run, "freed", "blobs"), Figure(dry, "would free", "blobs")) << run;
  EXPECT_EQ(Figure(run, "freed", "bytes"), garbage) << run;
  EXPECT_EQ(Figure(run, "freed", "manifests,"), 2u) << run;
  EXPECT_EQ(stored_before - StoredBytes(), garbage);
  for (const std::string& layer : {moved_layer, deleted_layer, untagged_layer, stray, behind})
    EXPECT_FALSE(server_.StoresBlob(Sha256(layer)));
  EXPECT_NE(run.find("deleted orphan blob " + Sha256(behind)), std::string::npos) << run;

  // What is tagged pulls back whole, and the quota counts exactly what is left: each blob once
  // (the config is shared), with the manifests' own bytes.
  for (const auto& [repository, digest, layer] :
       {std::tuple{"gc/keep", kept, kept_layer}, std::tuple{"gc/moved", moved, new_layer}}) {
    HttpResponse manifest =
        Http("GET", server_.Url(std::string("/v2/") + repository + "/manifests/v1"),
             {}, {"Accept: " + std::string(kOciManifest)});
    ASSERT_EQ(manifest.status, 200) << repository;
    EXPECT_EQ(manifest.body, ManifestOf(digest));
    HttpResponse blob =
        Http("GET", server_.Url(std::string("/v2/") + repository + "/blobs/" + Sha256(layer)));
    ASSERT_EQ(blob.status, 200) << repository;
    EXPECT_TRUE(blob.body == layer);
  }
  const std::string config = parse(ManifestOf(kept)).at("config").at("digest").as_string().c_str();
  const int64_t config_size = parse(ManifestOf(kept)).at("config").at("size").as_int64();
  EXPECT_EQ(QuotaUsed(project),
            static_cast<int64_t>(config_size + kept_layer.size() + new_layer.size() +
                                 ManifestOf(kept).size() + ManifestOf(moved).size()));
  EXPECT_TRUE(server_.StoresBlob(config));
  // Nothing is left to collect.
  const std::string again = Gc("--dry-run --delete-untagged");
  EXPECT_EQ(Figure(again, "would free", "blobs"), 0u) << again;
}

// The same collection as a job of the API's /system/gc: its dry run's figures, then the real
// run's, its log and history; administrators only, bad input refused.
TEST_F(GarbageCollectionTest, TheApiRunsCollectionsAsJobsWithTheirLogAndHistory) {
  CreateProject("gcapi");
  PushImage("gcapi/app", "v1", RandomBytes(1000, 31));
  ASSERT_EQ(PushBlob("gcapi/app", RandomBytes(2500, 32)), 201);
  ASSERT_EQ(PushBlob("gcapi/app", RandomBytes(3500, 33)), 201);
  // An untagged manifest, read by digest with a token: from then on from the manifest cache.
  const std::string untagged = PushImage("gcapi/old", "v1", RandomBytes(1500, 34));
  ASSERT_EQ(Do("DELETE", "/projects/gcapi/repositories/old/artifacts/v1/tags/v1").status, 200);
  const std::string token =
      parse(Http("GET", server_.Url("/service/token?service=harbor-registry&scope=repository:"
                                    "gcapi/old:pull"))
                .body)
          .at("token")
          .as_string()
          .c_str();
  const std::string by_digest = server_.Url("/v2/gcapi/old/manifests/" + untagged);
  const std::vector<std::string> bearer = {"Authorization: Bearer " + token,
                                           "Accept: " + std::string(kOciManifest)};
  for (int i = 0; i < 2; ++i) ASSERT_EQ(Http("GET", by_digest, {}, bearer).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  // The swagger types each parameter as an object; Harbor's portal sends booleans and a number,
  // as here, and Harbor takes them.
  auto run = [&](const std::string& parameters) {
    const std::string id = Created(api_.DoInvalid("POST", "/system/gc/schedule",
                                                  R"({"schedule":{"type":"Manual"},"parameters":)" +
                                                      parameters + "}"));
    boost::json::value job;
    for (int i = 0; i < 200; ++i) {
      job = parse(Do("GET", "/system/gc/" + id).body);
      const std::string status(job.at("job_status").as_string());
      if (status != "Pending" && status != "Running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(job.at("job_status"), "Success") << job;
    EXPECT_EQ(job.at("job_name"), "GARBAGE_COLLECTION");
    return std::pair{id, parse(std::string(job.at("job_parameters").as_string()))};
  };
  const auto [dry_id, dry] = run(R"({"dry_run":true,"delete_untagged":true})");
  EXPECT_EQ(dry.at("freed_blobs"), 3);
  EXPECT_EQ(dry.at("freed_space"), 7500);
  EXPECT_EQ(dry.at("deleted_manifests"), 1);
  EXPECT_EQ(dry.at("dry_run"), true);
  const auto [real_id, real] = run(R"({"delete_untagged":true,"workers":3})");
  EXPECT_EQ(real.at("freed_blobs"), dry.at("freed_blobs"));
  EXPECT_EQ(real.at("freed_space"), dry.at("freed_space"));
  EXPECT_EQ(real.at("deleted_manifests"), 1);
  EXPECT_EQ(Http("GET", by_digest, {}, bearer).status, 404)
      << "the manifest cache let go of what the collection deleted";
  HttpResponse log = Do("GET", "/system/gc/" + real_id + "/log");
  ASSERT_EQ(log.status, 200);
  EXPECT_EQ(log.Header("content-type"), "text/plain");
  EXPECT_NE(log.body.find("freed 3 blobs (0 orphans), 7500 bytes"), std::string::npos) << log.body;
  EXPECT_NE(log.body.find("3 worker(s)"), std::string::npos) << log.body;
  HttpResponse history = Do("GET", "/system/gc?page_size=1");
  ASSERT_EQ(history.status, 200);
  EXPECT_EQ(history.Header("x-total-count"), "2");
  EXPECT_EQ(parse(history.body).at(0).at("id").as_int64(), std::stoll(real_id));
  EXPECT_EQ(Do("PUT", "/system/gc/" + real_id).status, 200);  // ended already: nothing to stop
  EXPECT_EQ(parse(Do("GET", "/system/gc/schedule").body).at("schedule").at("type"), "None");

  ExpectError(api_.DoInvalid("POST", "/system/gc/schedule",
                             R"({"schedule":{"type":"Manual"},"parameters":{"workers":9}})"),
              400, "BAD_REQUEST");
  ExpectError(Do("POST", "/system/gc/schedule", R"({"schedule":{"type":"Custom"}})"), 400,
              "BAD_REQUEST");
  ExpectError(api_.DoInvalid("GET", "/system/gc/x"), 400, "BAD_REQUEST");
  ExpectError(Do("GET", "/system/gc/999999"), 404, "NOT_FOUND");
  // The swagger gives the log's answers one type, text/plain, its errors too; they come in
  // Harbor's error JSON, as Harbor's do.
  ExpectError(api_.DoInvalid("GET", "/system/gc/999999/log"), 404, "NOT_FOUND");
  // Nobody but a system administrator reads, starts or stops them.
  ASSERT_EQ(Do("POST", "/users",
               R"({"username":"carol","password":"Passw0rd1","email":"c@b.c","realname":"C"})")
                .status,
            201);
  const std::vector<std::string> carol = {BasicAuth("carol", "Passw0rd1")};
  const std::vector<std::string> anonymous = {"Authorization:"};
  for (const auto& [who, status, code] :
       {std::tuple{carol, 403L, "FORBIDDEN"}, std::tuple{anonymous, 401L, "UNAUTHORIZED"}}) {
    ExpectError(Do("GET", "/system/gc", {}, who), status, code);
    ExpectError(Do("GET", "/system/gc/" + real_id, {}, who), status, code);
    ExpectError(api_.DoInvalid("GET", "/system/gc/" + real_id + "/log", {}, who), status, code);
    ExpectError(Do("PUT", "/system/gc/" + real_id, {}, who), status, code);
    ExpectError(Do("GET", "/system/gc/schedule", {}, who), status, code);
    ExpectError(Do("POST", "/system/gc/schedule", R"({"schedule":{"type":"Manual"}})", who), status,
                code);
  }
  EXPECT_EQ(parse(Do("GET", "/system/gc").body).as_array().size(), 2u);
}

TEST_F(GarbageCollectionTest, FsckFindsWhatIsWrongAndRepairsWhatItCan) {
  CreateProject("checked");
  const std::string layer = RandomBytes(4096, 41);
  const std::string digest = PushImage("checked/app", "v1", layer);
  std::string output;
  EXPECT_EQ(server_.RunBerth("fsck", &output), 0) << output;
  EXPECT_NE(output.find("0 problem(s)"), std::string::npos) << output;
  // A failing disk: the layer's bytes are no longer the layer.
  server_.StoreBlobBehindTheMetadata(RandomBytes(4096, 42), Sha256(layer));
  EXPECT_EQ(server_.RunBerth("fsck", &output), 1) << output;
  EXPECT_NE(output.find("blob " + Sha256(layer) + " holds bytes that hash to"), std::string::npos)
      << output;
  EXPECT_NE(output.find("manifest checked/app@" + digest + " lists blob " + Sha256(layer) +
                        ", which is corrupt"),
            std::string::npos)
      << output;
  // Repaired, the corrupt bytes are gone: the blob is missing, and a push uploads it again.
  EXPECT_EQ(server_.RunBerth("fsck --repair", &output), 1) << output;
  EXPECT_NE(output.find("repaired: removed " + Sha256(layer)), std::string::npos) << output;
  EXPECT_FALSE(server_.StoresBlob(Sha256(layer)));
  EXPECT_EQ(Http("HEAD", server_.Url("/v2/checked/app/blobs/" + Sha256(layer))).status, 404);
  PushImage("checked/app", "v1", layer);
  EXPECT_EQ(server_.RunBerth("fsck", &output), 0) << output;
  HttpResponse blob = Http("GET", server_.Url("/v2/checked/app/blobs/" + Sha256(layer)));
  EXPECT_EQ(blob.status, 200);
  EXPECT_TRUE(blob.body == layer);
}

// Four clients push without pause, each moving its tags to new images (the old ones become
// garbage), while collections with delete_untagged and no grace period run one after another.
// A push may be refused (a blob it uploaded before a collection began, unreferenced still, is
// garbage by then: MANIFEST_BLOB_UNKNOWN, and the client pushes again), but every tag pulls
// back byte for byte what its last accepted push put there, and fsck finds nothing wrong.
TEST_F(GarbageCollectionTest, PushesGoOnWhileCollectionsRunAndLoseNothing) {
  CreateProject("stress");
  const std::string config =
      R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
  struct Pushed {
    std::string manifest;
    std::string layer;
  };
  std::mutex mu;
  std::map<std::string, Pushed> last;  // by repository:tag, the last accepted push
  std::atomic<bool> pushing = true;
  std::atomic<int> accepted = 0, refused = 0;
  std::vector<std::string> unexpected;
  auto push = [&](int client, int round) {
    const std::string repository = "stress/c" + std::to_string(client) + "-" + std::to_string(round % 3);
    const std::string tag = "t" + std::to_string(round % 2);
    const std::string layer = RandomBytes(2048 + static_cast<size_t>(round % 7) * 512,
                                          client * 100000 + round);
    if (PushBlob(repository, config) != 201 || PushBlob(repository, layer) != 201) {
      std::lock_guard lock(mu);
      unexpected.push_back("a blob upload failed in " + repository);
      return;
    }
    const std::string manifest =
        R"({"schemaVersion":2,"mediaType":")" + std::string(kOciManifest) + R"(","config":)" +
        Descriptor("application/vnd.oci.image.config.v1+json", config) + R"(,"layers":[)" +
        Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layer) + "]}";
    HttpResponse put = Http("PUT", server_.Url("/v2/" + repository + "/manifests/" + tag), manifest,
                            {std::string("Content-Type: ") + kOciManifest});
    std::lock_guard lock(mu);
    if (put.status == 201) {
      ++accepted;
      last[repository + ":" + tag] = {manifest, layer};
    } else if (put.status == 400 && put.body.find("MANIFEST_BLOB_UNKNOWN") != std::string::npos) {
      ++refused;
    } else {
      unexpected.push_back("PUT " + repository + ":" + tag + ": " + std::to_string(put.status) +
                           " " + put.body);
    }
  };
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      for (int round = 0; pushing; ++round) push(c, round);
    });
  }
  int collections = 0;
  std::string output;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(8);
  while (std::chrono::steady_clock::now() < until) {
    EXPECT_EQ(server_.RunBerth("gc --delete-untagged --workers 2", &output), 0) << output;
    ++collections;
  }
  pushing = false;
  for (std::thread& t : clients) t.join();
  for (const std::string& u : unexpected) ADD_FAILURE() << u;
  EXPECT_GT(collections, 2);
  EXPECT_GT(accepted.load(), 20);
  // One more with nothing pushing, then everything tagged reads back whole.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(server_.RunBerth("gc --delete-untagged", &output), 0) << output;
  for (const auto& [reference, pushed] : last) {
    const std::string repository = reference.substr(0, reference.find(':'));
    const std::string tag = reference.substr(reference.find(':') + 1);
    HttpResponse manifest = Http("GET", server_.Url("/v2/" + repository + "/manifests/" + tag),
                                 {}, {"Accept: " + std::string(kOciManifest)});
    ASSERT_EQ(manifest.status, 200) << reference;
    EXPECT_EQ(manifest.body, pushed.manifest) << reference;
    for (const std::string& blob : {config, pushed.layer}) {
      HttpResponse got = Http("GET", server_.Url("/v2/" + repository + "/blobs/" + Sha256(blob)));
      ASSERT_EQ(got.status, 200) << reference << " " << Sha256(blob);
      EXPECT_TRUE(got.body == blob) << reference;
    }
  }
  EXPECT_EQ(server_.RunBerth("fsck", &output), 0) << output;
  std::cout << "pushes accepted " << accepted << ", refused " << refused << ", collections "
            << collections << ", tags " << last.size() << "\n";
}

// SIGKILL while a collection runs: after the restart the run is taken up again (on PostgreSQL
// once its lease has run out) and ends, and nothing tagged is lost.
TEST_F(GarbageCollectionTest, AKilledCollectionIsTakenUpAgainAndLosesNothing) {
  CreateProject("crash");
  std::map<std::string, std::string> kept;  // tag -> manifest digest
  for (int i = 0; i < 3; ++i) {
    const std::string tag = "keep-" + std::to_string(i);
    kept[tag] = PushImage("crash/app", tag, RandomBytes(1000, 500 + i));
  }
  std::vector<std::string> garbage;
  for (int i = 0; i < 120; ++i) {
    garbage.push_back(PushImage("crash/app", "g", RandomBytes(300, 1000 + i)));
  }
  ASSERT_EQ(Http("DELETE", server_.Url("/v2/crash/app/manifests/g")).status, 202);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));

  const std::string id = Created(api_.DoInvalid(
      "POST", "/system/gc/schedule",
      R"({"schedule":{"type":"Manual"},"parameters":{"delete_untagged":true,"workers":1}})"));
  auto status = [&] {
    HttpResponse got = Do("GET", "/system/gc/" + id);
    return got.status == 200 ? Str(parse(got.body).at("job_status")) : std::string();
  };
  const auto [seen, final_status] = KillMidRunAndWait(status);
  EXPECT_EQ(final_status, "Success");
  const std::string log = Do("GET", "/system/gc/" + id + "/log").body;
  if (seen == "Running") {
    EXPECT_NE(log.find("it runs again"), std::string::npos) << log;
  }

  for (const auto& [tag, digest] : kept) {
    HttpResponse manifest = Http("GET", server_.Url("/v2/crash/app/manifests/" + tag), {},
                                 {"Accept: " + std::string(kOciManifest)});
    ASSERT_EQ(manifest.status, 200) << tag;
    EXPECT_EQ(manifest.body, ManifestOf(digest));
  }
  for (const std::string& digest : garbage)
    EXPECT_EQ(Http("HEAD", server_.Url("/v2/crash/app/manifests/" + digest)).status, 404);
  std::string output;
  EXPECT_EQ(server_.RunBerth("fsck", &output), 0) << output;
}

}  // namespace
}  // namespace berth::testing
