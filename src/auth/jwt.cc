#include "auth/jwt.h"

#include <fcntl.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>

#include "core/base64.h"
#include "core/digest.h"

namespace berth {
namespace {

namespace json = boost::json;

tl::unexpected<Error> Invalid(std::string why) {
  return Fail(ErrorCode::kTokenInvalid, "invalid token: " + std::move(why));
}

// libtrust's key id: base32 of the first 240 bits of SHA-256(public key DER), in groups of 4.
std::string LibtrustKeyId(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key, &der);
  std::string digest_hex(DigestOf(std::string_view(reinterpret_cast<char*>(der), len)).hex());
  OPENSSL_free(der);
  std::string bytes;
  for (size_t i = 0; i < 60; i += 2)
    bytes.push_back(static_cast<char>(std::stoi(digest_hex.substr(i, 2), nullptr, 16)));
  static constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string b32;
  for (size_t i = 0; i < bytes.size(); i += 5) {
    uint64_t block = 0;
    for (size_t j = 0; j < 5; ++j) block = (block << 8) | static_cast<unsigned char>(bytes[i + j]);
    for (int k = 7; k >= 0; --k) b32.push_back(kBase32[(block >> (5 * k)) & 31]);
  }
  std::string id;
  for (size_t i = 0; i < b32.size(); i += 4) {
    if (i) id.push_back(':');
    id += b32.substr(i, 4);
  }
  return id;
}

json::array AccessJson(const std::vector<AccessEntry>& access) {
  json::array out;
  for (const AccessEntry& a : access) {
    json::array actions;
    for (const auto& action : a.actions) actions.emplace_back(action);
    out.push_back(
        json::object{{"type", a.type}, {"name", a.name}, {"actions", std::move(actions)}});
  }
  return out;
}

Result<int64_t> NumericClaim(const json::object& o, std::string_view name) {
  auto it = o.find(name);
  if (it == o.end() || !it->value().is_number()) return Invalid("no numeric " + std::string(name));
  return static_cast<int64_t>(it->value().to_number<double>());
}

std::string StringClaim(const json::object& o, std::string_view name) {
  auto it = o.find(name);
  return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : "";
}

}  // namespace

struct TokenSigner::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

TokenSigner::TokenSigner(std::unique_ptr<Key> key)
    : key_(std::move(key)), key_id_(LibtrustKeyId(key_->pkey)) {}
TokenSigner::~TokenSigner() = default;

Result<std::unique_ptr<TokenSigner>> TokenSigner::FromPem(const std::string& pem) {
  auto key = std::make_unique<Key>();
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  key->pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!key->pkey || EVP_PKEY_get_base_id(key->pkey) != EVP_PKEY_EC ||
      EVP_PKEY_get_bits(key->pkey) != 256) {
    return Fail(ErrorCode::kInternal, "the token signing key is not a P-256 private key");
  }
  return std::unique_ptr<TokenSigner>(new TokenSigner(std::move(key)));
}

Result<std::string> TokenSigner::NewKeyPem() {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (!pkey) return Fail(ErrorCode::kInternal, "cannot generate the token signing key");
  BIO* bio = BIO_new(BIO_s_mem());
  const bool written = PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem = written ? std::string(data, static_cast<size_t>(size)) : std::string();
  BIO_free(bio);
  EVP_PKEY_free(pkey);
  if (pem.empty()) return Fail(ErrorCode::kInternal, "cannot write the token signing key");
  return pem;
}

std::string TokenSigner::Sign(const TokenClaims& c) const {
  json::object header{{"typ", "JWT"}, {"alg", "ES256"}, {"kid", key_id_}};
  json::object claims{{"iss", c.issuer},     {"sub", c.subject},
                      {"aud", c.audience},   {"exp", c.expires_at},
                      {"nbf", c.not_before}, {"iat", c.issued_at},
                      {"jti", c.id},         {"access", AccessJson(c.access)}};
  std::string input =
      Base64UrlEncode(json::serialize(header)) + "." + Base64UrlEncode(json::serialize(claims));

  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t der_len = 0;
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_->pkey);
  EVP_DigestSign(ctx, nullptr, &der_len, reinterpret_cast<const unsigned char*>(input.data()),
                 input.size());
  std::string der(der_len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(der.data()), &der_len,
                 reinterpret_cast<const unsigned char*>(input.data()), input.size());
  EVP_MD_CTX_free(ctx);
  // JWS wants r || s, 32 bytes each (RFC 7518 3.4); OpenSSL gives a DER sequence.
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len));
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  ECDSA_SIG_free(sig);
  return input + "." + Base64UrlEncode(raw);
}

Result<TokenClaims> TokenSigner::Verify(std::string_view token, const TokenCheck& check) const {
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == token.npos ? token.npos : token.find('.', dot1 + 1);
  if (dot2 == token.npos || token.find('.', dot2 + 1) != token.npos)
    return Invalid("not three parts");
  auto header_json = Base64UrlDecode(token.substr(0, dot1));
  auto payload_json = Base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = Base64UrlDecode(token.substr(dot2 + 1));
  if (!header_json || !payload_json || !signature) return Invalid("bad base64url");

  json::error_code ec;
  json::value header = json::parse(*header_json, ec);
  if (ec || !header.is_object()) return Invalid("bad header");
  // Only the algorithm of our own key: never "none", never an HMAC keyed with the public key.
  if (StringClaim(header.get_object(), "alg") != "ES256") return Invalid("unexpected algorithm");
  if (signature->size() != 64) return Invalid("bad signature length");

  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(
      sig, BN_bin2bn(reinterpret_cast<const unsigned char*>(signature->data()), 32, nullptr),
      BN_bin2bn(reinterpret_cast<const unsigned char*>(signature->data()) + 32, 32, nullptr));
  unsigned char* der = nullptr;
  int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string_view input = token.substr(0, dot2);
  bool valid =
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key_->pkey) == 1 &&
      EVP_DigestVerify(ctx, der, static_cast<size_t>(der_len),
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  OPENSSL_free(der);
  if (!valid) return Invalid("bad signature");

  json::value payload = json::parse(*payload_json, ec);
  if (ec || !payload.is_object()) return Invalid("bad claims");
  const json::object& o = payload.get_object();
  TokenClaims claims;
  claims.issuer = StringClaim(o, "iss");
  claims.subject = StringClaim(o, "sub");
  claims.id = StringClaim(o, "jti");
  if (claims.issuer != check.issuer) return Invalid("wrong issuer");
  auto aud = o.find("aud");
  bool audience_ok = false;
  if (aud != o.end() && aud->value().is_string()) {
    audience_ok = aud->value().get_string() == check.audience;
  } else if (aud != o.end() && aud->value().is_array()) {
    for (const auto& a : aud->value().get_array())
      audience_ok |= a.is_string() && a.get_string() == check.audience;
  }
  if (!audience_ok) return Invalid("wrong audience");
  claims.audience = check.audience;
  auto exp = NumericClaim(o, "exp");
  auto nbf = NumericClaim(o, "nbf");
  auto iat = NumericClaim(o, "iat");
  if (!exp || !nbf || !iat) return Invalid("missing time claims");
  claims.expires_at = *exp;
  claims.not_before = *nbf;
  claims.issued_at = *iat;
  if (check.now >= claims.expires_at + check.leeway) return Invalid("expired");
  if (check.now < claims.not_before - check.leeway) return Invalid("not yet valid");
  if (auto it = o.find("access"); it != o.end() && it->value().is_array()) {
    for (const auto& entry : it->value().get_array()) {
      if (!entry.is_object()) return Invalid("bad access entry");
      AccessEntry a{
          StringClaim(entry.get_object(), "type"), StringClaim(entry.get_object(), "name"), {}};
      if (auto actions = entry.get_object().find("actions");
          actions != entry.get_object().end() && actions->value().is_array()) {
        for (const auto& action : actions->value().get_array()) {
          if (action.is_string()) a.actions.emplace_back(action.get_string());
        }
      }
      claims.access.push_back(std::move(a));
    }
  }
  return claims;
}

}  // namespace berth
