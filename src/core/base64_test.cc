#include "core/base64.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

TEST(Base64Test, RoundTripsAndRejects) {
  struct Case {
    std::string bytes, standard, url;
  };
  const Case cases[] = {
      {"", "", ""},
      {"f", "Zg==", "Zg"},
      {"fo", "Zm8=", "Zm8"},
      {"foo", "Zm9v", "Zm9v"},
      {"\xfb\xff\xbf", "+/+/", "-_-_"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Base64Encode(c.bytes), c.standard);
    EXPECT_EQ(Base64UrlEncode(c.bytes), c.url);
    EXPECT_EQ(Base64Decode(c.standard), c.bytes);
    EXPECT_EQ(Base64UrlDecode(c.url), c.bytes);
  }
  for (const char* bad : {"Z", "Zg=", "+/+/", "Zm9v*", "Zg=="}) {
    EXPECT_FALSE(Base64UrlDecode(bad)) << bad;
  }
  EXPECT_FALSE(Base64Decode("abc"));
}

}  // namespace
}  // namespace berth
