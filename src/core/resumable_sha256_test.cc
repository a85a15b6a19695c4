#include "core/resumable_sha256.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

TEST(ResumableSha256Test, AStateTakenUpElsewhereEndsWithTheSameDigest) {
  const std::string text(100003, 'x');
  ResumableSha256 first;
  first.Update(std::span(text.data(), 777));
  auto resumed = ResumableSha256::FromState(first.State());
  ASSERT_TRUE(resumed);
  resumed->Update(std::span(text.data() + 777, text.size() - 777));
  EXPECT_EQ(resumed->Peek(), DigestOf(text));
  EXPECT_EQ(ResumableSha256().Peek(), DigestOf(""));
}

TEST(ResumableSha256Test, ForeignStatesAreRefused) {
  EXPECT_FALSE(ResumableSha256::FromState(""));
  EXPECT_FALSE(ResumableSha256::FromState("sha256-ctx-v1:short"));
  std::string state = ResumableSha256().State();
  state[state.size() - 1] ^= 0x7f;  // md_len
  EXPECT_FALSE(ResumableSha256::FromState(state));
}

}  // namespace
}  // namespace berth
