// Tag rules against the real binary: immutable tag rules (kept through the API, enforced on
// /v2/ and on the API's deletes, copies and retags).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "tests/integration/content_fixture.h"

namespace berth::testing {
namespace {

std::string ImmutableRule(const std::string& tags, const std::string& repositories,
                          const std::string& tag_decoration = "matches") {
  return R"({"action":"immutable","template":"immutable_template","priority":0,)"
         R"("tag_selectors":[{"kind":"doublestar","decoration":")" +
         tag_decoration + R"(","pattern":")" + tags +
         R"("}],"scope_selectors":{"repository":[{"kind":"doublestar",)"
         R"("decoration":"repoMatches","pattern":")" +
         repositories + R"("}]}})";
}

std::string RetentionRule(const std::string& tmpl, const std::string& params,
                          const std::string& tags, const std::string& repositories,
                          bool untagged = false) {
  return R"({"action":"retain","template":")" + tmpl + R"(","params":)" + params +
         R"(,"tag_selectors":[{"kind":"doublestar","decoration":"matches","pattern":")" + tags +
         R"(","extras":"{\"untagged\":)" + (untagged ? "true" : "false") +
         R"(}"}],"scope_selectors":{"repository":[{"kind":"doublestar",)"
         R"("decoration":"repoMatches","pattern":")" +
         repositories + R"("}]}})";
}

std::string RetentionPolicy(const std::string& project_id, const std::string& rules) {
  return R"({"algorithm":"or","rules":[)" + rules +
         R"(],"trigger":{"kind":"Schedule","settings":{"cron":""}},)"
         R"("scope":{"level":"project","ref":)" +
         project_id + "}}";
}

class TagRulesTest : public ContentTest {
 protected:
  // A short lease: a killed node's run is taken up within seconds on PostgreSQL too.
  TagRulesTest()
      : ContentTest({"BERTH_WEBHOOK_RETRY_BASE=1s", "BERTH_WEBHOOK_MAX_ATTEMPTS=3",
                     "BERTH_JOBS_LEASE=3s"}) {}

  void CreateMember(const std::string& project, const std::string& name, int role_id) {
    ASSERT_EQ(Do("POST", "/users",
                 R"({"username":")" + name + R"(","password":"Passw0rd1","email":")" + name +
                     R"(@berth.test","realname":")" + name + "\"}")
                  .status,
              201);
    if (role_id == 0) return;
    ASSERT_EQ(Do("POST", "/projects/" + project + "/members",
                 R"({"role_id":)" + std::to_string(role_id) + R"(,"member_user":{"username":")" +
                     name + "\"}}")
                  .status,
              201);
  }
  std::vector<std::string> As(const std::string& name) { return {BasicAuth(name, "Passw0rd1")}; }

  // The execution once it has ended (up to 30 s).
  boost::json::value Finished(const std::string& policy, const std::string& execution) {
    boost::json::value found;
    for (int i = 0; i < 300; ++i) {
      HttpResponse listed = Do("GET", "/retentions/" + policy + "/executions?page_size=100");
      EXPECT_EQ(listed.status, 200) << listed.body;
      const boost::json::value executions = parse(listed.body);
      for (const auto& e : executions.as_array()) {
        if (Str(e.at("id")) == execution) found = e;
      }
      const std::string status = found.is_object() ? Str(found.at("status")) : "";
      if (status == "Success" || status == "Error" || status == "Stopped") return found;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "execution " << execution << " did not end: " << found;
    return found;
  }
  bool Pulls(const std::string& repository, const std::string& reference) {
    return Http("GET", server_.Url("/v2/" + repository + "/manifests/" + reference)).status == 200;
  }
};

TEST_F(TagRulesTest, ImmutableRulesAreKeptForThoseWhoMayAndNoOneElse) {
  CreateProject("team", R"(,"metadata":{"public":"false"})");
  CreateProject("other");
  CreateMember("team", "mia", 4);  // maintainer
  CreateMember("team", "dev", 2);  // developer
  CreateMember("team", "nobody", 0);

  const std::string rules = "/projects/team/immutabletagrules";
  const std::string first = Created(Do("POST", rules, ImmutableRule("release-*", "**"), As("mia")));
  HttpResponse listed = Do("GET", rules);
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto items = parse(listed.body).as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(Str(items[0].at("id")), first);
  EXPECT_EQ(items[0].at("action"), "immutable");
  EXPECT_EQ(items[0].at("disabled"), false);
  EXPECT_EQ(items[0].at("tag_selectors").at(0).at("pattern"), "release-*");
  EXPECT_EQ(items[0].at("scope_selectors").at("repository").at(0).at("decoration"), "repoMatches");

  ExpectError(Do("POST", rules, ImmutableRule("release-*", "**")), 409, "CONFLICT");
  ExpectError(api_.DoInvalid("POST", rules, R"({"tag_selectors":[]})"), 400, "BAD_REQUEST");
  ExpectError(Do("POST", rules, ImmutableRule("v[", "**")), 400, "BAD_REQUEST");
  ExpectError(Do("POST", rules, ImmutableRule("v*", "**", "repoMatches")), 400, "BAD_REQUEST");
  std::string retention_template = ImmutableRule("v*", "**");
  retention_template.replace(retention_template.find("immutable_template"), 18, "always");
  ExpectError(Do("POST", rules, retention_template), 400, "BAD_REQUEST");

  // Who may not: anonymous, a user of no role, a developer; and no rule leaks into another
  // project's path.
  ExpectError(Do("GET", rules, {}, kAnonymous), 401, "UNAUTHORIZED");
  ExpectError(Do("GET", rules, {}, As("nobody")), 403, "FORBIDDEN");
  ExpectError(Do("GET", rules, {}, As("dev")), 403, "FORBIDDEN");
  ExpectError(Do("POST", rules, ImmutableRule("x", "**"), As("dev")), 403, "FORBIDDEN");
  ExpectError(Do("PUT", rules + "/" + first, ImmutableRule("x", "**"), As("nobody")), 403,
              "FORBIDDEN");
  ExpectError(Do("DELETE", rules + "/" + first, {}, As("dev")), 403, "FORBIDDEN");
  ExpectError(Do("PUT", "/projects/other/immutabletagrules/" + first, R"({"disabled":true})"), 404,
              "NOT_FOUND");
  ExpectError(Do("DELETE", "/projects/other/immutabletagrules/" + first), 404, "NOT_FOUND");
  ExpectError(api_.DoInvalid("DELETE", rules + "/-1"), 400, "BAD_REQUEST");

  // Disabled, then moved to other tags, then gone; a new rule never takes a used id.
  ASSERT_EQ(Do("PUT", rules + "/" + first, R"({"disabled":true})", As("mia")).status, 200);
  EXPECT_EQ(parse(Do("GET", rules).body).at(0).at("disabled"), true);
  ASSERT_EQ(Do("PUT", rules + "/" + first, ImmutableRule("v*", "app/**")).status, 200);
  const auto moved = parse(Do("GET", rules).body).at(0);
  EXPECT_EQ(moved.at("tag_selectors").at(0).at("pattern"), "v*");
  EXPECT_EQ(moved.at("disabled"), true);
  ASSERT_EQ(Do("DELETE", rules + "/" + first, {}, As("mia")).status, 200);
  EXPECT_EQ(parse(Do("GET", rules).body).as_array().size(), 0u);
  ExpectError(Do("DELETE", rules + "/" + first), 404, "NOT_FOUND");
  const std::string second = Created(Do("POST", rules, ImmutableRule("release-*", "**")));
  EXPECT_GT(std::stoll(second), std::stoll(first));

  // Harbor's bound: fifteen rules a project.
  for (int i = 1; i < 15; ++i)
    Created(Do("POST", rules, ImmutableRule("t" + std::to_string(i), "**")));
  ExpectError(Do("POST", rules, ImmutableRule("t15", "**")), 400, "BAD_REQUEST");
  // A deleted project takes its rules along: a new project of its name starts with none.
  ASSERT_EQ(Do("DELETE", "/projects/team").status, 200);
  CreateProject("team");
  HttpResponse fresh = Do("GET", rules);
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_EQ(parse(fresh.body).as_array().size(), 0u) << fresh.body;
}

TEST_F(TagRulesTest, AnImmutableTagCannotBeMovedDeletedOrCopiedOver) {
  const std::string rules = "/projects/library/immutabletagrules";
  const std::string rule = Created(Do("POST", rules, ImmutableRule("v*", "app/**")));
  const std::string one = PushImage("library/app/web", "v1", RandomBytes(300, 1));
  const std::string two = PushImage("library/app/web", "latest", RandomBytes(300, 2));

  // The same bytes once more change nothing and are taken; other bytes are refused.
  PushImage("library/app/web", "v1", RandomBytes(300, 1));
  HttpResponse over = Http("PUT", server_.Url("/v2/library/app/web/manifests/v1"), ManifestOf(two),
                           {std::string("Content-Type: ") + kOciManifest});
  EXPECT_EQ(over.status, 412) << over.body;
  EXPECT_EQ(ErrorCode(over), "PRECONDITION");
  EXPECT_NE(over.body.find("rule " + rule), std::string::npos) << over.body;
  EXPECT_NE(over.body.find("cannot be overwritten"), std::string::npos) << over.body;
  EXPECT_EQ(Http("GET", server_.Url("/v2/library/app/web/manifests/v1")).body, ManifestOf(one));

  // Deleting it, its artifact or its repository, on /v2/ or through the API, is refused.
  HttpResponse by_tag = Http("DELETE", server_.Url("/v2/library/app/web/manifests/v1"));
  EXPECT_EQ(by_tag.status, 412) << by_tag.body;
  EXPECT_EQ(ErrorCode(by_tag), "PRECONDITION");
  EXPECT_EQ(Http("DELETE", server_.Url("/v2/library/app/web/manifests/" + one)).status, 412);
  const std::string artifacts = "/projects/library/repositories/app%252Fweb/artifacts/";
  ExpectError(Do("DELETE", artifacts + "v1/tags/v1"), 412, "PRECONDITION");
  ExpectError(Do("DELETE", artifacts + one), 412, "PRECONDITION");
  ExpectError(Do("DELETE", "/projects/library/repositories/app%252Fweb"), 412, "PRECONDITION");
  // Nor may a copy land on it.
  PushImage("library/base", "v1", RandomBytes(300, 3));
  ExpectError(
      Do("POST", "/projects/library/repositories/app%252Fweb/artifacts?from=library/base:v1"), 412,
      "PRECONDITION");
  EXPECT_EQ(Http("GET", server_.Url("/v2/library/app/web/manifests/v1")).body, ManifestOf(one));

  // What the rule does not reach moves freely: another tag, another repository.
  EXPECT_EQ(Do("DELETE", artifacts + "latest/tags/latest").status, 200);
  PushImage("library/app/web", "latest", RandomBytes(300, 1));
  PushImage("library/base", "v1", RandomBytes(300, 4));
  EXPECT_EQ(Http("DELETE", server_.Url("/v2/library/base/manifests/v1")).status, 202);

  // The API marks the tags a rule holds.
  HttpResponse tags = Do("GET", artifacts + one + "/tags");
  ASSERT_EQ(tags.status, 200) << tags.body;
  // v1 and, pushed again above, latest: the rule holds the one it reaches.
  const boost::json::value listed = parse(tags.body);
  ASSERT_EQ(listed.as_array().size(), 2u) << tags.body;
  for (const auto& tag : listed.as_array())
    EXPECT_EQ(tag.at("immutable"), tag.at("name") == "v1") << tags.body;

  // Disabled, the rule holds nothing.
  ASSERT_EQ(Do("PUT", rules + "/" + rule, R"({"disabled":true})").status, 200);
  HttpResponse moved = Http("PUT", server_.Url("/v2/library/app/web/manifests/v1"), ManifestOf(two),
                            {std::string("Content-Type: ") + kOciManifest});
  EXPECT_EQ(moved.status, 201) << moved.body;
  EXPECT_EQ(Http("DELETE", server_.Url("/v2/library/app/web/manifests/v1")).status, 202);
}

TEST_F(TagRulesTest, RetentionPoliciesAreKeptForThoseWhoMayAndNoOneElse) {
  const std::string team = CreateProject("team", R"(,"metadata":{"public":"false"})");
  const std::string other = CreateProject("other");
  CreateMember("team", "dev", 2);  // developers may manage retention, as in Harbor
  CreateMember("team", "guest", 3);
  CreateMember("team", "nobody", 0);
  const std::string rule = RetentionRule("latestPushedK", R"({"latestPushedK":3})", "**", "**");

  HttpResponse metadata = Do("GET", "/retentions/metadatas", {}, As("nobody"));
  ASSERT_EQ(metadata.status, 200) << metadata.body;
  EXPECT_EQ(parse(metadata.body).at("templates").as_array().size(), 5u);
  ExpectError(Do("GET", "/retentions/metadatas", {}, kAnonymous), 401, "UNAUTHORIZED");

  ExpectError(Do("POST", "/retentions", RetentionPolicy(team, rule), kAnonymous), 401,
              "UNAUTHORIZED");
  ExpectError(Do("POST", "/retentions", RetentionPolicy(team, rule), As("guest")), 403,
              "FORBIDDEN");
  ExpectError(Do("POST", "/retentions", RetentionPolicy(team, rule), As("nobody")), 403,
              "FORBIDDEN");
  // A project that does not exist looks like one the caller may not see.
  ExpectError(Do("POST", "/retentions", RetentionPolicy("999999", rule), As("dev")), 403,
              "FORBIDDEN");
  ExpectError(Do("POST", "/retentions",
                 RetentionPolicy(
                     team, RetentionRule("latestPushedK", R"({"latestPushedK":-1})", "**", "**"))),
              400, "BAD_REQUEST");
  ExpectError(
      Do("POST", "/retentions", RetentionPolicy(team, RetentionRule("newest", "{}", "**", "**"))),
      400, "BAD_REQUEST");

  const std::string id = Created(Do("POST", "/retentions", RetentionPolicy(team, rule), As("dev")));
  ExpectError(Do("POST", "/retentions", RetentionPolicy(team, rule)), 400, "BAD_REQUEST");
  HttpResponse project = Do("GET", "/projects/team");
  EXPECT_EQ(Str(parse(project.body).at("metadata").at("retention_id")), id) << project.body;
  HttpResponse got = Do("GET", "/retentions/" + id, {}, As("dev"));
  ASSERT_EQ(got.status, 200) << got.body;
  const boost::json::value policy = parse(got.body);
  EXPECT_EQ(policy.at("algorithm"), "or");
  EXPECT_EQ(Str(policy.at("scope").at("ref")), team);
  EXPECT_EQ(policy.at("rules").at(0).at("params").at("latestPushedK"), 3);

  for (const auto& who : {As("guest"), As("nobody")}) {
    ExpectError(Do("GET", "/retentions/" + id, {}, who), 403, "FORBIDDEN");
    ExpectError(Do("PUT", "/retentions/" + id, RetentionPolicy(team, rule), who), 403, "FORBIDDEN");
    ExpectError(Do("POST", "/retentions/" + id + "/executions", R"({"dry_run":true})", who), 403,
                "FORBIDDEN");
    ExpectError(Do("GET", "/retentions/" + id + "/executions", {}, who), 403, "FORBIDDEN");
    ExpectError(Do("DELETE", "/retentions/" + id, {}, who), 403, "FORBIDDEN");
  }
  ExpectError(Do("GET", "/retentions/" + id, {}, kAnonymous), 401, "UNAUTHORIZED");
  ExpectError(Do("PUT", "/retentions/" + id, RetentionPolicy(other, rule)), 400, "BAD_REQUEST");
  ExpectError(Do("GET", "/retentions/999999"), 404, "NOT_FOUND");

  const std::string updated_rule = RetentionRule("always", "{}", "release-*", "**");
  ASSERT_EQ(Do("PUT", "/retentions/" + id, RetentionPolicy(team, updated_rule), As("dev")).status,
            200);
  EXPECT_EQ(parse(Do("GET", "/retentions/" + id).body).at("rules").at(0).at("template"), "always");

  // A run of another policy is not this one's.
  const std::string run =
      Created(Do("POST", "/retentions/" + id + "/executions", R"({"dry_run":true})"));
  Finished(id, run);
  const std::string other_id = Created(Do("POST", "/retentions", RetentionPolicy(other, rule)));
  ExpectError(Do("GET", "/retentions/" + other_id + "/executions/" + run + "/tasks"), 404,
              "NOT_FOUND");
  ExpectError(Do("PATCH", "/retentions/" + other_id + "/executions/" + run, R"({"action":"stop"})"),
              404, "NOT_FOUND");

  // Deleted, the policy takes its runs along, and the project forgets it.
  ASSERT_EQ(Do("DELETE", "/retentions/" + id, {}, As("dev")).status, 200);
  ExpectError(Do("GET", "/retentions/" + id), 404, "NOT_FOUND");
  EXPECT_FALSE(
      parse(Do("GET", "/projects/team").body).at("metadata").as_object().contains("retention_id"));
  const std::string again = Created(Do("POST", "/retentions", RetentionPolicy(team, rule)));
  EXPECT_GT(std::stoll(again), std::stoll(other_id));
}

TEST_F(TagRulesTest, ARetentionRunDeletesWhatNoRuleRetainsAsItsDryRunSaid) {
  WebhookReceiver receiver;
  const std::string project = CreateProject("keep");
  ASSERT_EQ(Do("POST", "/projects/keep/webhook/policies",
               R"({"name":"retention","event_types":["TAG_RETENTION"],)"
               R"("targets":[{"type":"http","address":")" +
                   receiver.Url("/retention") + R"("}]})")
                .status,
            201);
  std::map<std::string, std::string> digests;
  for (const char* tag : {"release-1", "release-2", "dev-1", "dev-2"})
    digests[tag] = PushImage("keep/app", tag, RandomBytes(200, digests.size() + 1));
  const std::string untagged = PushImage("keep/app", "scratch", RandomBytes(200, 9));
  ASSERT_EQ(Do("DELETE", "/projects/keep/repositories/app/artifacts/scratch/tags/scratch").status,
            200);
  PushImage("keep/other", "dev-1", RandomBytes(200, 10));
  // An immutable tag is retained whatever the rules say.
  Created(Do("POST", "/projects/keep/immutabletagrules", ImmutableRule("dev-2", "**")));

  const std::string id =
      Created(Do("POST", "/retentions",
                 RetentionPolicy(project, RetentionRule("always", "{}", "release-*", "app"))));
  const std::string dry =
      Created(Do("POST", "/retentions/" + id + "/executions", R"({"dry_run":true})"));
  const boost::json::value dry_run = Finished(id, dry);
  EXPECT_EQ(dry_run.at("status"), "Success") << dry_run;
  EXPECT_EQ(dry_run.at("dry_run"), true);
  for (const auto& [tag, digest] : digests) EXPECT_TRUE(Pulls("keep/app", tag)) << tag;
  EXPECT_TRUE(Pulls("keep/app", untagged));

  auto tasks_of = [&](const std::string& execution) {
    HttpResponse tasks = Do("GET", "/retentions/" + id + "/executions/" + execution + "/tasks");
    EXPECT_EQ(tasks.status, 200) << tasks.body;
    return parse(tasks.body);
  };
  auto log_of = [&](const std::string& execution, const boost::json::value& task) {
    HttpResponse log = Do(
        "GET", "/retentions/" + id + "/executions/" + execution + "/tasks/" + Str(task.at("id")));
    EXPECT_EQ(log.status, 200) << log.body;
    return log.body;
  };
  const boost::json::value dry_tasks = tasks_of(dry);
  // One task: keep/other is not reached by the rule's repositories.
  ASSERT_EQ(dry_tasks.as_array().size(), 1u) << dry_tasks;
  EXPECT_EQ(dry_tasks.at(0).at("repository"), "app");
  EXPECT_EQ(dry_tasks.at(0).at("total"), 5);
  EXPECT_EQ(dry_tasks.at(0).at("retained"), 3);
  const std::string dry_log = log_of(dry, dry_tasks.at(0));
  EXPECT_NE(dry_log.find("would delete keep/app@" + digests["dev-1"]), std::string::npos)
      << dry_log;
  EXPECT_NE(dry_log.find("would delete keep/app@" + untagged), std::string::npos) << dry_log;
  EXPECT_EQ(dry_log.find("release-"), std::string::npos) << dry_log;

  const std::string real = Created(Do("POST", "/retentions/" + id + "/executions", "{}"));
  const boost::json::value run = Finished(id, real);
  EXPECT_EQ(run.at("status"), "Success") << run;
  EXPECT_EQ(run.at("dry_run"), false);
  const boost::json::value real_tasks = tasks_of(real);
  ASSERT_EQ(real_tasks.as_array().size(), 1u);
  EXPECT_EQ(real_tasks.at(0).at("retained"), 3);
  const std::string real_log = log_of(real, real_tasks.at(0));
  EXPECT_NE(real_log.find("deleted keep/app@" + digests["dev-1"]), std::string::npos) << real_log;
  EXPECT_FALSE(Pulls("keep/app", "dev-1"));
  EXPECT_FALSE(Pulls("keep/app", untagged));
  for (const char* tag : {"release-1", "release-2", "dev-2"}) EXPECT_TRUE(Pulls("keep/app", tag));
  EXPECT_TRUE(Pulls("keep/other", "dev-1"));

  const auto notified = receiver.WaitFor("/retention", 1);
  ASSERT_EQ(notified.size(), 1u);
  const boost::json::value event = parse(notified[0].body);
  EXPECT_EQ(event.at("type"), "TAG_RETENTION");
  EXPECT_EQ(event.at("operator"), "admin");
  const auto& retention = event.at("event_data").at("retention");
  EXPECT_EQ(retention.at("total"), 5);
  EXPECT_EQ(retention.at("retained"), 3);
  EXPECT_EQ(Str(retention.at("retention_policy_id")), id);
  EXPECT_EQ(retention.at("deleted_artifacts").as_array().size(), 2u) << retention;
  // The dry run raised none.
  EXPECT_EQ(receiver.WaitFor("/retention", 2, 1).size(), 1u);

  const boost::json::value executions = parse(Do("GET", "/retentions/" + id + "/executions").body);
  ASSERT_EQ(executions.as_array().size(), 2u);
  EXPECT_EQ(Str(executions.at(0).at("id")), real);  // newest first
  EXPECT_EQ(executions.at(1).at("dry_run"), true);
}

// SIGKILL while a retention run deletes: after the restart the run is taken up again (on
// PostgreSQL once its lease has run out), starts its tasks over and ends; what it retains is
// whole.
TEST_F(TagRulesTest, AKilledRetentionRunIsTakenUpAgainAndKeepsWhatItRetains) {
  const std::string project = CreateProject("crash");
  std::map<std::string, std::string> kept;
  for (int i = 0; i < 3; ++i) {
    const std::string tag = "release-" + std::to_string(i);
    kept[tag] = PushImage("crash/app", tag, RandomBytes(500, 100 + i));
  }
  for (int i = 0; i < 120; ++i)
    PushImage("crash/app", "dev-" + std::to_string(i), RandomBytes(300, 1000 + i));
  const std::string id =
      Created(Do("POST", "/retentions",
                 RetentionPolicy(project, RetentionRule("always", "{}", "release-*", "**"))));
  const std::string run = Created(Do("POST", "/retentions/" + id + "/executions", "{}"));
  auto status = [&] {
    HttpResponse listed = Do("GET", "/retentions/" + id + "/executions");
    return listed.status == 200 ? Str(parse(listed.body).at(0).at("status")) : std::string();
  };
  EXPECT_EQ(KillMidRunAndWait(status).second, "Success");
  const boost::json::value tasks =
      parse(Do("GET", "/retentions/" + id + "/executions/" + run + "/tasks").body);
  ASSERT_EQ(tasks.as_array().size(), 1u) << tasks;
  EXPECT_EQ(tasks.at(0).at("status"), "Success");
  EXPECT_EQ(tasks.at(0).at("retained"), 3);
  for (const auto& [tag, digest] : kept) {
    HttpResponse manifest = Http("GET", server_.Url("/v2/crash/app/manifests/" + tag), {},
                                 {"Accept: " + std::string(kOciManifest)});
    ASSERT_EQ(manifest.status, 200) << tag;
    EXPECT_EQ(manifest.body, ManifestOf(digest));
  }
  HttpResponse tags = Http("GET", server_.Url("/v2/crash/app/tags/list"));
  ASSERT_EQ(tags.status, 200);
  EXPECT_EQ(parse(tags.body).at("tags").as_array().size(), 3u) << tags.body;
  std::string output;
  EXPECT_EQ(server_.RunBerth("fsck", &output), 0) << output;
}

}  // namespace
}  // namespace berth::testing
