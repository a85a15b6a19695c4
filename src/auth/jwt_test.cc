#include "auth/jwt.h"

#include <gtest/gtest.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <fstream>
#include <sstream>

#include "core/base64.h"
#include "core/scoped_temp_dir.h"

namespace berth {
namespace {

constexpr int64_t kNow = 1'700'000'000;

class JwtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pem = TokenSigner::NewKeyPem();
    ASSERT_TRUE(pem);
    pem_ = *pem;
    auto signer = TokenSigner::FromPem(pem_);
    ASSERT_TRUE(signer) << signer.error().message;
    signer_ = std::move(*signer);
  }

  TokenClaims Claims() {
    return TokenClaims{"berth-token-service",
                       "alice",
                       "berth",
                       kNow,
                       kNow,
                       kNow + 1800,
                       "jti-1",
                       {{"repository", "library/app", {"pull", "push"}}}};
  }
  TokenCheck Check(int64_t now = kNow) {
    return TokenCheck{"berth-token-service", "berth", now, 60};
  }

  ErrorCode Refusal(const std::string& token, TokenCheck check) {
    auto claims = signer_->Verify(token, check);
    return claims ? ErrorCode::kInternal : claims.error().code;
  }

  ScopedTempDir dir_;
  std::string pem_;
  std::unique_ptr<TokenSigner> signer_;
};

TEST_F(JwtTest, SignedClaimsVerify) {
  std::string token = signer_->Sign(Claims());
  auto claims = signer_->Verify(token, Check());
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->subject, "alice");
  EXPECT_EQ(claims->id, "jti-1");
  EXPECT_EQ(claims->expires_at, kNow + 1800);
  ASSERT_EQ(claims->access.size(), 1u);
  EXPECT_EQ(claims->access[0], (AccessEntry{"repository", "library/app", {"pull", "push"}}));
  auto header = Base64UrlDecode(token.substr(0, token.find('.')));
  EXPECT_NE(header->find("\"alg\":\"ES256\""), std::string::npos);
  EXPECT_NE(header->find(signer_->key_id()), std::string::npos);
  EXPECT_EQ(signer_->key_id().size(), 12 * 4 + 11u);
}

TEST_F(JwtTest, TheSameKeyLoadsAgainAndOthersAreRefused) {
  auto again = TokenSigner::FromPem(pem_);
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->key_id(), signer_->key_id());
  EXPECT_TRUE((*again)->Verify(signer_->Sign(Claims()), Check()));
  EXPECT_FALSE(TokenSigner::FromPem("not a key"));
}

TEST_F(JwtTest, RefusesForgedAndStaleTokens) {
  const std::string good = signer_->Sign(Claims());
  const std::string payload = good.substr(good.find('.') + 1, good.rfind('.') - good.find('.') - 1);

  // alg "none" with no signature.
  std::string none = Base64UrlEncode(R"({"typ":"JWT","alg":"none"})") + "." + payload + ".";
  // HS256 keyed with the public key, the classic algorithm-confusion forgery.
  std::string pem;
  {
    std::ifstream in(dir_.path() / "token.key");
    std::stringstream ss;
    ss << in.rdbuf();
    pem = ss.str();
  }
  std::string hs_input = Base64UrlEncode(R"({"typ":"JWT","alg":"HS256"})") + "." + payload;
  unsigned char mac[32];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), pem.data(), static_cast<int>(pem.size()),
       reinterpret_cast<const unsigned char*>(hs_input.data()), hs_input.size(), mac, &mac_len);
  std::string hs256 =
      hs_input + "." + Base64UrlEncode(std::string(reinterpret_cast<char*>(mac), mac_len));
  // A valid signature over other claims: the access claim widened after signing.
  std::string widened =
      R"({"iss":"berth-token-service","sub":"alice","aud":"berth","exp":1700001800,"nbf":1700000000,"iat":1700000000,"jti":"jti-1","access":[{"type":"repository","name":"library/app","actions":["pull","push","delete"]}]})";
  std::string tampered = good.substr(0, good.find('.')) + "." + Base64UrlEncode(widened) +
                         good.substr(good.rfind('.'));
  // A flipped bit in the signature.
  std::string bad_sig = good;
  bad_sig[bad_sig.size() - 5] = bad_sig[bad_sig.size() - 5] == 'A' ? 'B' : 'A';
  // Signed by another key.
  auto other = TokenSigner::FromPem(*TokenSigner::NewKeyPem());
  ASSERT_TRUE(other);
  std::string foreign = (*other)->Sign(Claims());

  struct Case {
    std::string name, token;
    TokenCheck check;
  };
  const Case cases[] = {
      {"alg none", none, Check()},
      {"HS256 with the public key", hs256, Check()},
      {"tampered access", tampered, Check()},
      {"bad signature", bad_sig, Check()},
      {"another key", foreign, Check()},
      {"expired", good, Check(kNow + 1800 + 61)},
      {"not yet valid", good, Check(kNow - 61)},
      {"wrong audience", good, TokenCheck{"berth-token-service", "other-registry", kNow, 60}},
      {"wrong issuer", good, TokenCheck{"someone-else", "berth", kNow, 60}},
      {"garbage", "a.b", Check()},
      {"four parts", good + ".x", Check()},
      {"empty", "", Check()},
  };
  for (const Case& c : cases)
    EXPECT_EQ(Refusal(c.token, c.check), ErrorCode::kTokenInvalid) << c.name;
  // Within the leeway both ends are still accepted.
  EXPECT_TRUE(signer_->Verify(good, Check(kNow + 1800 + 59)));
  EXPECT_TRUE(signer_->Verify(good, Check(kNow - 59)));
}

}  // namespace
}  // namespace berth
