#include "auth/password.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

constexpr int kFast = 1000;  // the format and the check, not the cost

TEST(PasswordTest, VerifiesOnlyTheRightPassword) {
  std::string stored = HashPassword("Harbor12345", kFast);
  EXPECT_TRUE(stored.starts_with("pbkdf2-sha256$1000$"));
  EXPECT_TRUE(VerifyPassword("Harbor12345", stored));
  EXPECT_FALSE(VerifyPassword("Harbor12346", stored));
  EXPECT_FALSE(VerifyPassword("", stored));
  EXPECT_NE(HashPassword("Harbor12345", kFast), stored);  // a fresh salt each time
}

TEST(PasswordTest, RejectsMalformedStoredHashes) {
  for (const char* stored :
       {"", "plain", "pbkdf2-sha256$x$AAAA$AAAA", "pbkdf2-sha256$0$AAAA$AAAA", "md5$1000$AAAA$AAAA",
        "pbkdf2-sha256$1000$!!$AAAA", "pbkdf2-sha256$1000$AAAA$AAAA"}) {
    EXPECT_FALSE(VerifyPassword("anything", stored)) << stored;
  }
}

TEST(PasswordTest, Policy) {
  struct Case {
    std::string password;
    bool ok;
  };
  const Case cases[] = {
      {"Harbor12345", true},
      {"aB3aaaaa", true},
      {"aB3aaaa", false},
      {"harbor12345", false},
      {"HARBOR12345", false},
      {"HarborHarbor", false},
      {std::string(126, 'a') + "B1", true},
      {std::string(127, 'a') + "B1", false},
  };
  for (const Case& c : cases) {
    auto s = CheckPasswordPolicy(c.password);
    EXPECT_EQ(s.has_value(), c.ok) << c.password;
    if (!s) {
      EXPECT_EQ(s.error().code, ErrorCode::kPasswordPolicy);
    }
  }
}

}  // namespace
}  // namespace berth
