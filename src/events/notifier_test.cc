#include "events/notifier.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace berth {
namespace {

Event Push() {
  return Event{EventKind::kPushArtifact, "alice", 1700000000, "lib", "lib/web/app",
               "sha256:abc", "v1", ""};
}

TEST(NotifierTest, DefaultPayloadIsHarborsJson) {
  WebhookPayload p = RenderPayload(Push(), "Default", "reg.example:5000", false, 7, 3);
  EXPECT_EQ(p.content_type, "application/json");
  boost::json::value v = boost::json::parse(p.body);
  EXPECT_EQ(v.at("type"), "PUSH_ARTIFACT");
  EXPECT_EQ(v.at("occur_at"), 1700000000);
  EXPECT_EQ(v.at("operator"), "alice");
  const auto& data = v.at("event_data");
  EXPECT_EQ(data.at("resources").at(0).at("resource_url"), "reg.example:5000/lib/web/app:v1");
  EXPECT_EQ(data.at("repository").at("name"), "web/app");
  EXPECT_EQ(data.at("repository").at("namespace"), "lib");
  EXPECT_EQ(data.at("repository").at("repo_type"), "private");
}

TEST(NotifierTest, CloudEventsPayloadCarriesTheSameData) {
  Event e = Push();
  e.tag.clear();
  WebhookPayload p = RenderPayload(e, "CloudEvents", "reg", true, 7, 3);
  EXPECT_EQ(p.content_type, "application/cloudevents+json");
  boost::json::value v = boost::json::parse(p.body);
  EXPECT_EQ(v.at("specversion"), "1.0");
  EXPECT_EQ(v.at("type"), "harbor.artifact.pushed");
  EXPECT_EQ(v.at("source"), "/projects/3/webhook/policies/7");
  EXPECT_EQ(v.at("time"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(v.at("data").at("resources").at(0).at("resource_url"), "reg/lib/web/app@sha256:abc");
  EXPECT_EQ(v.at("data").at("repository").at("repo_type"), "public");
  EXPECT_NE(v.at("id"), v.at("requestid"));
}

TEST(NotifierTest, TargetsAreChecked) {
  auto ok = ParseWebhookTargets(
      R"([{"type":"http","address":"https://h/x","skip_cert_verify":true,"auth_header":"A"}])");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->at(0).payload_format, "Default");
  EXPECT_TRUE(ok->at(0).skip_cert_verify);
  for (const char* bad : {"{}", "[1]", R"([{"type":"slack","address":"http://h"}])",
                          R"([{"address":"ftp://h"}])",
                          R"([{"address":"http://h","payload_format":"Xml"}])",
                          R"([{"address":"http://h","skip_cert_verify":"yes"}])"}) {
    EXPECT_FALSE(ParseWebhookTargets(bad)) << bad;
  }
}

}  // namespace
}  // namespace berth
