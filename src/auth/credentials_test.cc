#include "auth/credentials.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

TEST(CredentialsTest, BasicBearerAndTheRest) {
  EXPECT_EQ(ParseAuthorization(std::nullopt).kind, Credentials::Kind::kNone);
  Credentials basic = ParseAuthorization("Basic YWRtaW46cGE6c3M=");  // admin:pa:ss
  EXPECT_EQ(basic.kind, Credentials::Kind::kBasic);
  EXPECT_EQ(basic.user, "admin");
  EXPECT_EQ(basic.password, "pa:ss");
  EXPECT_EQ(ParseAuthorization("basic YWRtaW46eA==").kind, Credentials::Kind::kBasic);
  Credentials bearer = ParseAuthorization("Bearer abc.def.ghi");
  EXPECT_EQ(bearer.kind, Credentials::Kind::kBearer);
  EXPECT_EQ(bearer.token, "abc.def.ghi");
  for (const char* bad : {"Basic !!!", "Basic YWRtaW4=", "Bearer ", "Digest x", "Basic", ""}) {
    EXPECT_EQ(ParseAuthorization(bad).kind, Credentials::Kind::kMalformed) << bad;
  }
}

}  // namespace
}  // namespace berth
