#include "core/digest.h"

#include <gtest/gtest.h>

#include <string>

namespace berth {
namespace {

constexpr char kEmptySha256[] =
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

TEST(DigestTest, Parse) {
  struct Case {
    std::string text;
    bool valid;
  };
  const Case cases[] = {
      {kEmptySha256, true},
      {"sha512:" + std::string(128, 'a'), true},
      {"sha256:" + std::string(63, 'a'), false},
      {"sha256:" + std::string(65, 'a'), false},
      {"sha256:" + std::string(64, 'A'), false},
      {"sha256:" + std::string(64, 'g'), false},
      {"md5:" + std::string(32, 'a'), false},
      {"sha256", false},
      {"", false},
      {":", false},
      {"sha256:../../etc/passwd", false},
  };
  for (const Case& c : cases) {
    auto d = Digest::Parse(c.text);
    EXPECT_EQ(d.has_value(), c.valid) << c.text;
    if (!d) {
      EXPECT_EQ(d.error().code, ErrorCode::kDigestInvalid);
    }
  }
}

TEST(DigestTest, Components) {
  auto d = Digest::Parse(kEmptySha256);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->algorithm(), "sha256");
  EXPECT_EQ(d->hex(), std::string(kEmptySha256).substr(7));
}

TEST(DigestTest, HashesIncrementally) {
  EXPECT_EQ(DigestOf("").str(), kEmptySha256);
  Hasher h;
  h.Update(std::string_view("hello "));
  h.Update(std::string_view("world"));
  EXPECT_EQ(h.Finish().str(),
            "sha256:b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
  EXPECT_EQ(DigestOf("abc", "sha512").str().substr(0, 23), "sha512:ddaf35a193617aba");
}

}  // namespace
}  // namespace berth
