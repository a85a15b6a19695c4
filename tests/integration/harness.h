// Test harness: runs the real berth binary on a free loopback port with a temporary data
// folder, and speaks HTTP to it with libcurl. Not thread-safe except Http(), which is.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <string>
#include <vector>

#include "storage/blob_store.h"
#include "tests/support/process.h"

namespace berth::testing {

// The admin password every test server starts with (BERTH_ADMIN_PASSWORD).
inline constexpr const char* kAdminPassword = "Harbor12345";

class BerthServer {
 public:
  // `env` adds BERTH_* settings, e.g. {"BERTH_UPLOADS_TTL=1s"}.
  explicit BerthServer(std::vector<std::string> env = {});
  ~BerthServer();

  void Start();
  // SIGTERM, then waits for the process; returns its exit status.
  int Stop();
  // SIGKILL: the node dies mid-work, as in a crash.
  void Kill();
  void Restart() {
    Stop();
    Start();
  }
  pid_t pid() const { return pid_; }

  std::string HostPort() const { return "127.0.0.1:" + std::to_string(port_); }
  // A plain TCP connection to the server, for tests that need to misbehave at the socket level.
  int Connect() const;
  std::string Url(const std::string& path) const { return "http://" + HostPort() + path; }
  const std::filesystem::path& data_dir() const { return data_; }
  std::string Log() const;
  // What the server's blob store holds (its data folder, or its prefix in the bucket): the
  // uploads that have bytes there, and whether a blob is there.
  std::vector<std::string> StoredUploads();
  bool StoresBlob(const std::string& digest);
  // Every blob the store holds.
  std::vector<StoredBlob> StoredBlobs();
  // Puts `bytes` in the store under `digest` (theirs when empty), behind the metadata's back: as
  // a crash between the bytes and their row leaves a blob, or a failing disk corrupts one.
  void StoreBlobBehindTheMetadata(const std::string& bytes, const std::string& digest = {});
  // `berth ARGS` on the server's data and engines, beside the running server; returns its exit
  // status, with what it printed (both streams) in `output`.
  int RunBerth(const std::string& args, std::string* output);
  // The key the server signs its tokens with (PEM), as its database keeps it.
  std::string TokenKeyPem() const;

 private:
  std::filesystem::path dir_;
  std::filesystem::path data_;
  std::vector<std::string> env_;
  BlobStore& Store();

  std::string db_url_;     // on PostgreSQL: the server's database
  std::string s3_prefix_;  // on S3: the server's prefix in the run's bucket
  std::unique_ptr<BlobStore> store_;
  pid_t pid_ = -1;
  int port_ = 0;
};

struct HttpResponse {
  long status = 0;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string Header(const std::string& lower_name) const;
};

// Acts as admin (Basic credentials) unless `headers` holds an Authorization field of its own;
// an empty one ("Authorization:") sends none, for anonymous requests.
HttpResponse Http(const std::string& method, const std::string& url, const std::string& body = {},
                  const std::vector<std::string>& headers = {});

// "Authorization: Basic ..." for the user and password.
std::string BasicAuth(const std::string& user, const std::string& password);
inline const std::vector<std::string> kAnonymous = {"Authorization:"};

// The image corpus of tests/fixtures/make-corpus (built once into a cache folder by `make test`).
std::string CorpusDir();
// The project's own folder, for the fixture scripts and third_party specs the tests read.
std::string SourceDir();

// The "code" of the first error in an OCI error body, or "" when there is none.
std::string ErrorCode(const HttpResponse& response);

std::string Sha256(const std::string& bytes);

// A token from berth's token service for the scopes (none: anonymous when `user` is empty);
// "" when the service refuses.
std::string FetchToken(const BerthServer& server, const std::string& user,
                       const std::string& password, const std::vector<std::string>& scopes);
// "Authorization: Bearer <token>".
std::string Bearer(const std::string& token);
// The decoded JSON text of a JWT's claims.
std::string JwtClaims(const std::string& token);
// The actions a token grants on "repository:<name>", comma-joined in the token's order.
std::string GrantedActions(const std::string& token, const std::string& type,
                           const std::string& name);

}  // namespace berth::testing

namespace berth::testing {

// A webhook receiver on a free loopback port: records every request it gets and answers each
// path with the statuses it was told, in order (200 once they run out). Thread-safe.
class WebhookReceiver {
 public:
  struct Request {
    std::string method;
    std::string path;
    std::multimap<std::string, std::string> headers;  // names lower-cased
    std::string body;
  };

  WebhookReceiver();
  ~WebhookReceiver();

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  void AnswerFirst(const std::string& path, std::vector<int> statuses);
  // The requests to `path` so far, waiting up to `timeout_s` for at least `count`.
  std::vector<Request> WaitFor(const std::string& path, size_t count, int timeout_s = 30);

 private:
  void Serve();

  int listener_ = -1;
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable arrived_;
  std::vector<Request> requests_;                      // guarded by mu_
  std::map<std::string, std::vector<int>> statuses_;  // guarded by mu_
  bool stopping_ = false;                              // guarded by mu_
  std::thread thread_;
};

}  // namespace berth::testing
