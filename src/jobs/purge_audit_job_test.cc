#include "jobs/purge_audit_job.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace berth {
namespace {

boost::json::object Object(const char* json) { return boost::json::parse(json).as_object(); }

TEST(PurgeAuditOptionsTest, ReadsHarborsParametersAndWritesThemBackTheSame) {
  auto options = PurgeAuditOptionsFromJson(Object(
      R"({"audit_retention_hour":168,"include_event_types":" create_artifact, pull_artifact,,",)"
      R"("include_operations":"delete","dry_run":true})"));
  ASSERT_TRUE(options) << options.error().message;
  EXPECT_EQ(options->retention_hours, 168);
  EXPECT_EQ(options->event_types, (std::vector<std::string>{"create_artifact", "pull_artifact"}));
  EXPECT_EQ(options->operations, std::vector<std::string>{"delete"});
  EXPECT_TRUE(options->dry_run);
  auto again = PurgeAuditOptionsFromJson(PurgeAuditParametersJson(*options));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->event_types, options->event_types);
  EXPECT_EQ(again->operations, options->operations);
  EXPECT_EQ(again->retention_hours, 168);
}

TEST(PurgeAuditOptionsTest, RefusesWhatCannotBePurged) {
  for (const char* bad :
       {R"({"audit_retention_hour":1})", R"({"include_event_types":""})",
        R"({"audit_retention_hour":-1,"include_event_types":"x"})",
        R"({"audit_retention_hour":876001,"include_event_types":"x"})",
        R"({"audit_retention_hour":1.5,"include_event_types":"x"})", R"({"include_event_types":7})",
        R"({"include_event_types":"x","dry_run":"yes"})"}) {
    auto options = PurgeAuditOptionsFromJson(Object(bad));
    ASSERT_FALSE(options) << bad;
    EXPECT_EQ(options.error().code, ErrorCode::kBadRequest) << bad;
  }
}

}  // namespace
}  // namespace berth
