// HTTPS: the fixture corpus pushed and pulled by skopeo and podman trusting a CA the test makes,
// a plain-HTTP client told what to do, and a certificate renewed on SIGHUP while a connection
// stays open.
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "core/scoped_temp_dir.h"
#include "tests/integration/harness.h"

namespace berth::testing {
namespace {

namespace fs = std::filesystem;

// A TLS connection to berth that trusts only the test's CA. Not thread-safe.
class TlsClient {
 public:
  TlsClient(const BerthServer& server, const fs::path& ca) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx_, ca.c_str(), nullptr);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    fd_ = server.Connect();
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    SSL_set1_host(ssl_, "127.0.0.1");
    connected_ = SSL_connect(ssl_) == 1;
  }
  ~TlsClient() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return connected_; }
  // The SHA-256 of the certificate the server presented.
  std::string Fingerprint() const {
    X509* cert = SSL_get1_peer_certificate(ssl_);
    if (!cert) return "";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    X509_digest(cert, EVP_sha256(), md, &n);
    X509_free(cert);
    return std::string(reinterpret_cast<char*>(md), n);
  }
  // One request on the kept-alive connection; the status line of its answer.
  std::string StatusLine(const std::string& path) {
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    if (SSL_write(ssl_, request.data(), static_cast<int>(request.size())) <= 0) return "";
    std::string answer;
    char buf[4096];
    // The head, then as many bytes as it announces.
    size_t head_end = std::string::npos;
    size_t length = 0;
    while (true) {
      if (head_end != std::string::npos && answer.size() >= head_end + 4 + length) break;
      int n = SSL_read(ssl_, buf, sizeof buf);
      if (n <= 0) return "";
      answer.append(buf, static_cast<size_t>(n));
      if (head_end == std::string::npos && (head_end = answer.find("\r\n\r\n")) != std::string::npos) {
        const size_t at = answer.find("Content-Length: ");
        if (at != std::string::npos && at < head_end) length = std::stoul(answer.substr(at + 16));
      }
    }
    return answer.substr(0, answer.find("\r\n"));
  }

 private:
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  bool connected_ = false;
};

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_EQ(RunCommand("test -s " + CorpusDir() + "/corpus.tsv"), 0)
        << "no image corpus in " << CorpusDir() << ": run `make corpus` (make test does)";
  }

  // A CA of the test's own and a certificate for 127.0.0.1 signed by it, written as
  // NAME.crt and NAME.key.
  static void Issue(const fs::path& dir, const std::string& name) {
    const std::string d = dir.string() + "/";
    if (!fs::exists(dir / "ca.crt")) {
      ASSERT_EQ(RunCommand("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                           "-keyout " + d + "ca.key -out " + d + "ca.crt -days 2 "
                           "-subj '/CN=Berth test CA' 2>&1"),
                0);
    }
    ASSERT_EQ(RunCommand("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
                         d + name + ".key -out " + d + name + ".csr -subj /CN=127.0.0.1 2>&1 && "
                         "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > " + d + "ext && "
                         "openssl x509 -req -in " + d + name + ".csr -CA " + d + "ca.crt -CAkey " +
                         d + "ca.key -CAcreateserial -out " + d + name + ".crt -days 2 -extfile " +
                         d + "ext 2>&1"),
              0);
  }

  ScopedTempDir dir_;
};

TEST_F(TlsTest, SkopeoAndPodmanRoundTripTheCorpusOverHttps) {
  Issue(dir_.path(), "server");
  BerthServer server({"BERTH_TLS_CERT=" + (dir_.path() / "server.crt").string(),
                      "BERTH_TLS_KEY=" + (dir_.path() / "server.key").string()});
  // The clients trust the CA through a certificate folder, as containers/image reads it.
  const fs::path certs = dir_.path() / "certs";
  fs::create_directories(certs);
  fs::copy_file(dir_.path() / "ca.crt", certs / "ca.crt");
  std::string out;
  EXPECT_EQ(RunCommand("cd /tmp && CORPUS=" + CorpusDir() + " REPO_PREFIX=library/ CERT_DIR=" +
                           certs.string() + " " + SourceDir() + "/tests/fixtures/verify-roundtrip " +
                           server.HostPort() + " admin " + kAdminPassword + " 2>&1",
                       &out),
            0)
      << out;
  EXPECT_NE(out.find(" 0 failed"), std::string::npos) << out;
  // The token realm is https too.
  EXPECT_EQ(RunCommand("curl -s -D - -o /dev/null --cacert " + (dir_.path() / "ca.crt").string() +
                           " https://" + server.HostPort() + "/v2/ | grep -i '^www-authenticate:'",
                       &out),
            0);
  EXPECT_NE(out.find("realm=\"https://"), std::string::npos) << out;
  // A client that does not trust the CA gets no answer.
  EXPECT_NE(RunCommand("curl -sf https://" + server.HostPort() + "/v2/ 2>&1"), 0);
  // Plain HTTP on the TLS port is told, in HTTP, to use https.
  EXPECT_EQ(RunCommand("curl -s -w ' %{http_code}' http://" + server.HostPort() + "/v2/", &out), 0);
  EXPECT_NE(out.find("This port speaks HTTPS"), std::string::npos) << out;
  EXPECT_NE(out.find(" 400"), std::string::npos) << out;
}

TEST_F(TlsTest, SighupTakesUpARenewedCertificateWithoutDroppingConnections) {
  Issue(dir_.path(), "first");
  Issue(dir_.path(), "second");
  const fs::path cert = dir_.path() / "served.crt", key = dir_.path() / "served.key";
  fs::copy_file(dir_.path() / "first.crt", cert);
  fs::copy_file(dir_.path() / "first.key", key);
  BerthServer server({"BERTH_TLS_CERT=" + cert.string(), "BERTH_TLS_KEY=" + key.string(),
                      "BERTH_TLS_MIN_VERSION=1.3"});
  TlsClient open(server, dir_.path() / "ca.crt");
  ASSERT_TRUE(open.connected());
  const std::string before = open.Fingerprint();
  ASSERT_EQ(open.StatusLine("/api/v2.0/ping"), "HTTP/1.1 200 OK");

  fs::copy_file(dir_.path() / "second.crt", cert, fs::copy_options::overwrite_existing);
  fs::copy_file(dir_.path() / "second.key", key, fs::copy_options::overwrite_existing);
  ::kill(server.pid(), SIGHUP);
  std::string after;
  for (int i = 0; i < 100 && (after.empty() || after == before); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    TlsClient fresh(server, dir_.path() / "ca.crt");
    if (fresh.connected()) after = fresh.Fingerprint();
  }
  EXPECT_FALSE(after.empty());
  EXPECT_NE(after, before) << "new connections still get the old certificate";
  // The connection opened before goes on.
  EXPECT_EQ(open.StatusLine("/api/v2.0/ping"), "HTTP/1.1 200 OK");
  // A renewal that does not load leaves the served certificate as it was.
  fs::resize_file(key, 10);
  ::kill(server.pid(), SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  TlsClient later(server, dir_.path() / "ca.crt");
  ASSERT_TRUE(later.connected());
  EXPECT_EQ(later.Fingerprint(), after);
  EXPECT_NE(server.Log().find("reload failed"), std::string::npos);
}

}  // namespace
}  // namespace berth::testing
