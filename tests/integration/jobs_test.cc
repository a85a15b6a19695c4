// The scheduler, the audit log purge and the job service's own API against the real binary:
// schedules that fire on their cron and go with what they belong to, purges that remove what
// they are asked to, queues (webhook deliveries' too) that pause, resume and stop; system
// administrators only.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <thread>

#include "tests/integration/content_fixture.h"

namespace berth::testing {
namespace {

class JobsTest : public ContentTest {
 protected:
  JobsTest() : ContentTest({"BERTH_JOBS_LEASE=3s"}) {}

  boost::json::value Json(const std::string& path) {
    HttpResponse r = Do("GET", path);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    boost::system::error_code ec;
    boost::json::value v = parse(r.body, ec);
    return ec ? boost::json::value() : v;
  }

  std::string Status(const std::string& run) { return Str(Json(run).at("job_status")); }

  // The run's status once it has ended (or what it was after 30 s).
  std::string Ended(const std::string& run) {
    std::string status = Status(run);
    for (int i = 0; i < 300 && (status == "Pending" || status == "Running"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      status = Status(run);
    }
    return status;
  }

  // The swagger types each parameter as an object; Harbor's portal sends booleans, numbers and
  // strings, as here, and Harbor takes them.
  std::string ManualRun(const std::string& path, const std::string& parameters) {
    return Created(
        api_.DoInvalid("POST", path + "/schedule",
                       R"({"schedule":{"type":"Manual"},"parameters":)" + parameters + "}"));
  }

  // The vendor types /schedules lists.
  std::vector<std::string> Scheduled() {
    std::vector<std::string> vendors;
    boost::json::value listed = Json("/schedules?page_size=100");
    if (!listed.is_array()) return vendors;
    for (const auto& s : listed.as_array())
      vendors.push_back(Str(s.at("vendor_type")) + ":" + Str(s.at("vendor_id")));
    return vendors;
  }

  void CreateUser(const std::string& name) {
    ASSERT_EQ(Do("POST", "/users",
                 R"({"username":")" + name + R"(","password":"Passw0rd1","email":")" + name +
                     R"(@berth.test","realname":")" + name + "\"}")
                  .status,
              201);
  }
};

TEST_F(JobsTest, AScheduleFiresOnItsCronAndNoneCancelsIt) {
  ASSERT_EQ(
      api_.DoInvalid(
              "POST", "/system/gc/schedule",
              R"({"schedule":{"type":"Custom","cron":"* * * * * *"},"parameters":{"dry_run":true}})")
          .status,
      201);
  boost::json::value schedule = Json("/system/gc/schedule");
  EXPECT_EQ(schedule.at("schedule").at("type"), "Custom");
  EXPECT_EQ(schedule.at("schedule").at("cron"), "* * * * * *");
  EXPECT_TRUE(schedule.at("schedule").at("next_scheduled_time").is_string());
  EXPECT_EQ(parse(Str(schedule.at("job_parameters"))).at("dry_run"), true);
  EXPECT_EQ(Scheduled(), std::vector<std::string>{"GARBAGE_COLLECTION:0"});
  // Its runs come, each queued by the scheduler.
  int64_t runs = 0;
  for (int i = 0; i < 100 && runs < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    runs = std::stoll(Do("GET", "/system/gc?page_size=1").Header("x-total-count"));
  }
  ASSERT_GE(runs, 2);
  boost::json::value newest = Json("/system/gc?page_size=1").at(0);
  EXPECT_EQ(newest.at("job_kind"), "SCHEDULE");
  EXPECT_EQ(parse(Str(newest.at("job_parameters"))).at("dry_run"), true);
  EXPECT_EQ(Ended("/system/gc/" + Str(newest.at("id"))), "Success");

  // Replaced by a daily one: the standard cron when none is given.
  ASSERT_EQ(Do("PUT", "/system/gc/schedule", R"({"schedule":{"type":"Daily"}})").status, 200);
  EXPECT_EQ(Json("/system/gc/schedule").at("schedule").at("cron"), "0 0 0 * * *");
  ASSERT_EQ(Do("PUT", "/system/gc/schedule", R"({"schedule":{"type":"None"}})").status, 200);
  EXPECT_EQ(Json("/system/gc/schedule").at("schedule").at("type"), "None");
  EXPECT_TRUE(Scheduled().empty());
  const std::string total = Do("GET", "/system/gc?page_size=1").Header("x-total-count");
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(Do("GET", "/system/gc?page_size=1").Header("x-total-count"), total)
      << "no run after the schedule was cancelled";

  for (const char* bad : {R"({"schedule":{"type":"Custom"}})",
                          R"({"schedule":{"type":"Custom","cron":"0 0 25 * * *"}})",
                          R"({"schedule":{"type":"Custom","cron":"0 0 * * *"}})",
                          R"({"schedule":{"type":"Custom","cron":"0 0 0 30 2 *"}})",
                          R"({"schedule":{"type":"Sometimes","cron":"* * * * * *"}})",
                          R"({"schedule":{"type":"Hourly"},"parameters":{"workers":0}})"}) {
    ExpectError(api_.DoInvalid("POST", "/system/gc/schedule", bad), 400, "BAD_REQUEST");
  }
  EXPECT_TRUE(Scheduled().empty()) << "nothing refused was kept";
}

TEST_F(JobsTest, TheAuditLogPurgeRemovesWhatItIsAskedToAndADryRunOnlyCounts) {
  CreateProject("purged");
  PushImage("purged/app", "v1", RandomBytes(500, 71));
  auto count = [&](const std::string& query) {
    return std::stoll(Do("GET", "/audit-logs?page_size=1&q=" + query).Header("x-total-count"));
  };
  ASSERT_EQ(Eventually([&] { return count("resource_type%3Dartifact") > 0; }, true), true);
  const int64_t artifacts = count("resource_type%3Dartifact");
  const int64_t projects = count("resource_type%3Dproject");
  ASSERT_GT(projects, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // older than the purge
  const std::string parameters =
      R"({"audit_retention_hour":0,"include_event_types":"create_artifact,pull_artifact")";
  const std::string dry = ManualRun("/system/purgeaudit", parameters + R"(,"dry_run":true})");
  ASSERT_EQ(Ended("/system/purgeaudit/" + dry), "Success")
      << Do("GET", "/system/purgeaudit/" + dry + "/log").body
      << Do("GET", "/system/purgeaudit/" + dry).body;
  boost::json::value dry_run = Json("/system/purgeaudit/" + dry);
  EXPECT_EQ(dry_run.at("job_name"), "PURGE_AUDIT_LOG");
  EXPECT_EQ(parse(Str(dry_run.at("job_parameters"))).at("purged"), artifacts);
  EXPECT_EQ(count("resource_type%3Dartifact"), artifacts) << "a dry run removes nothing";

  const std::string real = ManualRun("/system/purgeaudit", parameters + "}");
  ASSERT_EQ(Ended("/system/purgeaudit/" + real), "Success")
      << Do("GET", "/system/purgeaudit/" + real + "/log").body;
  EXPECT_EQ(parse(Str(Json("/system/purgeaudit/" + real).at("job_parameters"))).at("purged"),
            artifacts);
  EXPECT_EQ(count("resource_type%3Dartifact"), 0);
  EXPECT_EQ(count("resource_type%3Dproject"), projects) << "what it was not asked to stays";
  HttpResponse log = Do("GET", "/system/purgeaudit/" + real + "/log");
  ASSERT_EQ(log.status, 200);
  EXPECT_NE(log.body.find(std::to_string(artifacts) + " entries purged"), std::string::npos)
      << log.body;
  EXPECT_EQ(Do("GET", "/system/purgeaudit?page_size=10").Header("x-total-count"), "2");

  // A weekly purge, as Harbor's portal sets it.
  ASSERT_EQ(api_.DoInvalid("POST", "/system/purgeaudit/schedule",
                           R"({"schedule":{"type":"Weekly","cron":"0 0 0 * * 0"},"parameters":)"
                           R"({"audit_retention_hour":168,"include_event_types":"pull_artifact"}})")
                .status,
            201);
  EXPECT_EQ(Json("/system/purgeaudit/schedule").at("schedule").at("type"), "Weekly");
  EXPECT_EQ(Scheduled(), std::vector<std::string>{"PURGE_AUDIT_LOG:0"});

  for (const char* bad : {R"({"audit_retention_hour":1})",
                          R"({"audit_retention_hour":-1,"include_event_types":"pull_artifact"})",
                          R"({"audit_retention_hour":876001,"include_event_types":"x"})",
                          R"({"audit_retention_hour":"1","include_event_types":"x"})"}) {
    ExpectError(
        api_.DoInvalid("POST", "/system/purgeaudit/schedule",
                       std::string(R"({"schedule":{"type":"Manual"},"parameters":)") + bad + "}"),
        400, "BAD_REQUEST");
  }
  ExpectError(Do("GET", "/system/purgeaudit/999999"), 404, "NOT_FOUND");
  // A GC run's id is no purge's.
  const std::string gc = ManualRun("/system/gc", R"({"dry_run":true})");
  ExpectError(Do("GET", "/system/purgeaudit/" + gc), 404, "NOT_FOUND");

  CreateUser("carol");
  const std::vector<std::string> carol = {BasicAuth("carol", "Passw0rd1")};
  const std::vector<std::string> anonymous = {"Authorization:"};
  for (const auto& [who, status, code] :
       {std::tuple{carol, 403L, "FORBIDDEN"}, std::tuple{anonymous, 401L, "UNAUTHORIZED"}}) {
    ExpectError(Do("GET", "/system/purgeaudit", {}, who), status, code);
    ExpectError(Do("GET", "/system/purgeaudit/" + real, {}, who), status, code);
    ExpectError(api_.DoInvalid("GET", "/system/purgeaudit/" + real + "/log", {}, who), status,
                code);
    ExpectError(Do("PUT", "/system/purgeaudit/" + real, {}, who), status, code);
    ExpectError(Do("GET", "/system/purgeaudit/schedule", {}, who), status, code);
    ExpectError(Do("PUT", "/system/purgeaudit/schedule", R"({"schedule":{"type":"None"}})", who),
                status, code);
  }
  EXPECT_EQ(Scheduled(), std::vector<std::string>{"PURGE_AUDIT_LOG:0"});
}

TEST_F(JobsTest, TheJobServiceShowsItsPoolsAndQueuesAndPausesResumesAndStopsThem) {
  boost::json::value pools = Json("/jobservice/pools");
  ASSERT_EQ(pools.as_array().size(), 1u) << pools;
  const boost::json::value& pool = pools.at(0);
  EXPECT_GT(pool.at("pid").as_int64(), 0);
  const int64_t concurrency = pool.at("concurrency").as_int64();
  EXPECT_GT(concurrency, 0);
  const std::string pool_id = Str(pool.at("worker_pool_id"));
  EXPECT_EQ(
      static_cast<int64_t>(Json("/jobservice/pools/" + pool_id + "/workers").as_array().size()),
      concurrency);
  EXPECT_EQ(static_cast<int64_t>(Json("/jobservice/pools/all/workers").as_array().size()),
            concurrency);
  ExpectError(Do("GET", "/jobservice/pools/nowhere/workers"), 404, "NOT_FOUND");

  // Paused: a run waits.
  ASSERT_EQ(Do("PUT", "/jobservice/queues/GARBAGE_COLLECTION", R"({"action":"pause"})").status,
            200);
  const std::string waiting = ManualRun("/system/gc", R"({"dry_run":true})");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(Status("/system/gc/" + waiting), "Pending");
  bool listed = false;
  const boost::json::value queues = Json("/jobservice/queues");
  for (const auto& q : queues.as_array()) {
    if (q.at("job_type") != "GARBAGE_COLLECTION") continue;
    listed = true;
    EXPECT_EQ(q.at("count"), 1);
    EXPECT_EQ(q.at("paused"), true);
    EXPECT_GE(q.at("latency").as_int64(), 1);
  }
  EXPECT_TRUE(listed);
  EXPECT_EQ(Json("/schedules/all/paused").at("paused"), false) << "only one queue is paused";
  // Resumed: it runs, and its log is the job service's to show too.
  ASSERT_EQ(Do("PUT", "/jobservice/queues/GARBAGE_COLLECTION", R"({"action":"resume"})").status,
            200);
  EXPECT_EQ(Ended("/system/gc/" + waiting), "Success");
  HttpResponse log = Do("GET", "/jobservice/jobs/" + waiting + "/log");
  ASSERT_EQ(log.status, 200);
  EXPECT_EQ(log.body, Do("GET", "/system/gc/" + waiting + "/log").body);
  EXPECT_EQ(Do("PUT", "/jobservice/jobs/" + waiting).status, 200);  // ended: nothing to stop

  // Every queue paused, then the waiting runs stopped.
  ASSERT_EQ(Do("PUT", "/jobservice/queues/all", R"({"action":"pause"})").status, 200);
  EXPECT_EQ(Json("/schedules/all/paused").at("paused"), true);
  const std::string stopped = ManualRun("/system/gc", R"({"dry_run":true})");
  ASSERT_EQ(Do("PUT", "/jobservice/queues/all", R"({"action":"stop"})").status, 200);
  EXPECT_EQ(Status("/system/gc/" + stopped), "Stopped");
  ASSERT_EQ(Do("PUT", "/jobservice/queues/all", R"({"action":"resume"})").status, 200);
  EXPECT_EQ(Status("/system/gc/" + stopped), "Stopped") << "a stopped run stays stopped";
  // One waiting job stopped by its id.
  ASSERT_EQ(Do("PUT", "/jobservice/queues/GARBAGE_COLLECTION", R"({"action":"pause"})").status,
            200);
  const std::string stopped_alone = ManualRun("/system/gc", R"({"dry_run":true})");
  ASSERT_EQ(Do("PUT", "/jobservice/jobs/" + stopped_alone).status, 200);
  ASSERT_EQ(Do("PUT", "/jobservice/queues/GARBAGE_COLLECTION", R"({"action":"resume"})").status,
            200);
  EXPECT_EQ(Ended("/system/gc/" + stopped_alone), "Stopped");

  ExpectError(
      api_.DoInvalid("PUT", "/jobservice/queues/GARBAGE_COLLECTION", R"({"action":"shred"})"), 422,
      "UNPROCESSABLE_ENTITY");
  ExpectError(Do("PUT", "/jobservice/queues/NO_SUCH_JOB", R"({"action":"pause"})"), 404,
              "NOT_FOUND");
  ExpectError(Do("GET", "/schedules/GARBAGE_COLLECTION/paused"), 400, "BAD_REQUEST");
  ExpectError(Do("GET", "/jobservice/jobs/999999/log"), 404, "NOT_FOUND");
  ExpectError(Do("PUT", "/jobservice/jobs/x"), 404, "NOT_FOUND");

  CreateUser("dave");
  const std::vector<std::string> dave = {BasicAuth("dave", "Passw0rd1")};
  const std::vector<std::string> anonymous = {"Authorization:"};
  for (const auto& [who, status, code] :
       {std::tuple{dave, 403L, "FORBIDDEN"}, std::tuple{anonymous, 401L, "UNAUTHORIZED"}}) {
    ExpectError(Do("GET", "/jobservice/pools", {}, who), status, code);
    ExpectError(Do("GET", "/jobservice/pools/all/workers", {}, who), status, code);
    ExpectError(Do("PUT", "/jobservice/jobs/" + waiting, {}, who), status, code);
    ExpectError(api_.DoInvalid("GET", "/jobservice/jobs/" + waiting + "/log", {}, who), status,
                code);
    ExpectError(Do("GET", "/jobservice/queues", {}, who), status, code);
    ExpectError(Do("PUT", "/jobservice/queues/all", R"({"action":"pause"})", who), status, code);
    ExpectError(Do("GET", "/schedules", {}, who), status, code);
    ExpectError(Do("GET", "/schedules/all/paused", {}, who), status, code);
  }
  EXPECT_EQ(Json("/schedules/all/paused").at("paused"), false) << "no attacker paused it";
}

TEST_F(JobsTest, WebhookDeliveriesAreTheWebhookQueueThatPausesResumesAndStops) {
  WebhookReceiver receiver;
  CreateProject("hooked");
  const std::string policy = Created(
      Do("POST", "/projects/hooked/webhook/policies",
         R"({"name":"p","enabled":true,"event_types":["PUSH_ARTIFACT"],"targets":[{"type":"http",)"
         R"("address":")" +
             receiver.Url("/hook") + "\"}]}"));
  auto webhook_queue = [&] {
    boost::json::value queue;
    const boost::json::value queues = Json("/jobservice/queues");
    for (const auto& q : queues.as_array())
      if (q.at("job_type") == "WEBHOOK") queue = q;
    return queue;
  };
  auto waiting = [&] {
    const boost::json::value q = webhook_queue();
    return q.is_object() ? q.at("count").as_int64() : int64_t{-1};
  };
  auto pause = [&](const char* action) {
    ASSERT_EQ(
        Do("PUT", "/jobservice/queues/WEBHOOK", std::string(R"({"action":")") + action + "\"}")
            .status,
        200);
  };
  // The senders look at the pause at most once a second.
  const auto noticed = std::chrono::milliseconds(1500);

  pause("pause");
  std::this_thread::sleep_for(noticed);
  PushImage("hooked/app", "v1", RandomBytes(300, 81));
  ASSERT_EQ(Eventually(waiting, int64_t{1}), 1) << webhook_queue();
  EXPECT_EQ(webhook_queue().at("paused"), true);
  EXPECT_TRUE(receiver.WaitFor("/hook", 1, 2).empty()) << "a paused queue sends nothing";
  pause("resume");
  EXPECT_EQ(receiver.WaitFor("/hook", 1).size(), 1u);
  EXPECT_EQ(Eventually(waiting, int64_t{0}), 0);

  // Stopped while paused: the delivery waiting ends Stopped and is never sent.
  pause("pause");
  std::this_thread::sleep_for(noticed);
  PushImage("hooked/app", "v2", RandomBytes(300, 82));
  ASSERT_EQ(Eventually(waiting, int64_t{1}), 1) << webhook_queue();
  pause("stop");
  EXPECT_EQ(waiting(), 0);
  pause("resume");
  EXPECT_EQ(receiver.WaitFor("/hook", 2, 3).size(), 1u) << "the stopped delivery went out";
  const boost::json::value executions =
      Json("/projects/hooked/webhook/policies/" + policy + "/executions");
  ASSERT_EQ(executions.as_array().size(), 2u) << executions;
  EXPECT_EQ(executions.at(0).at("status"), "Stopped") << executions;
  EXPECT_EQ(executions.at(1).at("status"), "Success") << executions;
}

TEST_F(JobsTest, ARetentionPolicyRunsOnItsScheduleWhichGoesWithThePolicyAndItsProject) {
  const std::string project = CreateProject("kept");
  PushImage("kept/app", "v1", RandomBytes(300, 72));
  auto policy = [&](const std::string& cron) {
    return R"({"algorithm":"or","rules":[{"action":"retain","template":"always","params":{},)"
           R"("tag_selectors":[{"kind":"doublestar","decoration":"matches","pattern":"**"}],)"
           R"("scope_selectors":{"repository":[{"kind":"doublestar","decoration":"repoMatches",)"
           R"("pattern":"**"}]}}],"trigger":{"kind":"Schedule","settings":{"cron":")" +
           cron + R"("}},"scope":{"level":"project","ref":)" + project + "}}";
  };
  const std::string id = Created(Do("POST", "/retentions", policy("* * * * * *")));
  EXPECT_EQ(Scheduled(), std::vector<std::string>{"RETENTION:" + id});
  boost::json::value runs;
  for (int i = 0; i < 100; ++i) {
    runs = Json("/retentions/" + id + "/executions");
    if (runs.is_array() && !runs.as_array().empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(runs.is_array() && !runs.as_array().empty()) << runs;
  EXPECT_EQ(runs.at(0).at("trigger"), "SCHEDULE") << runs;
  EXPECT_EQ(runs.at(0).at("dry_run"), false);
  // No cron: run by hand only.
  ASSERT_EQ(Do("PUT", "/retentions/" + id, policy("")).status, 200);
  EXPECT_TRUE(Scheduled().empty());
  ExpectError(Do("PUT", "/retentions/" + id, policy("0 0 0 * *")), 400, "BAD_REQUEST");
  EXPECT_TRUE(Scheduled().empty());
  ASSERT_EQ(Do("PUT", "/retentions/" + id, policy("0 0 3 * * *")).status, 200);
  EXPECT_EQ(Scheduled(), std::vector<std::string>{"RETENTION:" + id});
  // The project's deletion takes its policy and the policy's schedule with it.
  ASSERT_EQ(Do("DELETE", "/projects/kept/repositories/app").status, 200);
  ASSERT_EQ(Do("DELETE", "/projects/kept").status, 200);
  EXPECT_TRUE(Scheduled().empty());
}

}  // namespace
}  // namespace berth::testing
