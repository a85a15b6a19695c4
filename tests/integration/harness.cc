#include "tests/integration/harness.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "core/base64.h"
#include "core/digest.h"
#include "meta/postgres_sql.h"
#include "meta/sqlite_sql.h"
#include "storage/filesystem_blob_store.h"
#include "storage/paths.h"
#include "storage/s3_blob_store.h"
#include "tests/support/engines.h"
#include "tests/support/process.h"

namespace berth::testing {
namespace {

namespace fs = std::filesystem;

std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

size_t CollectBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t CollectHeader(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(c));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    static_cast<std::multimap<std::string, std::string>*>(out)->emplace(name, value);
  } else if (line.starts_with("HTTP/")) {
    static_cast<std::multimap<std::string, std::string>*>(out)->clear();  // after 100 Continue
  }
  return size * n;
}

}  // namespace

namespace {

// The store a server on S3 writes, as another client of the bucket sees it.
std::unique_ptr<BlobStore> ViewOfS3(const std::string& prefix) {
  RgwServer& rgw = SharedRgw();
  auto store = S3BlobStore::Open(
      {{rgw.endpoint(), "us-east-1", rgw.bucket(), rgw.access_key(), rgw.secret_key(), prefix}});
  if (!store) throw std::runtime_error(store.error().message);
  return std::move(*store);
}

}  // namespace

BerthServer::BerthServer(std::vector<std::string> env) : env_(std::move(env)) {
  // On the engines the run names (tests/support/engines.h), unless the test names its own.
  auto names = [&](const char* prefix) {
    return std::any_of(env_.begin(), env_.end(),
                       [&](const std::string& kv) { return kv.starts_with(prefix); });
  };
  if (OnPostgres() && !names("BERTH_DATABASE_")) {
    env_.push_back("BERTH_DATABASE_DRIVER=postgres");
    db_url_ = SharedPostgres().NewDatabase();
    env_.push_back("BERTH_DATABASE_URL=" + db_url_);
  }
  if (OnS3() && !names("BERTH_STORAGE_")) {
    RgwServer& rgw = SharedRgw();
    env_.push_back("BERTH_STORAGE_DRIVER=s3");
    env_.push_back("BERTH_STORAGE_S3_ENDPOINT=" + rgw.endpoint());
    env_.push_back("BERTH_STORAGE_S3_BUCKET=" + rgw.bucket());
    env_.push_back("BERTH_STORAGE_S3_ACCESS_KEY=" + rgw.access_key());
    env_.push_back("BERTH_STORAGE_S3_SECRET_KEY=" + rgw.secret_key());
    s3_prefix_ = rgw.NewPrefix();
    env_.push_back("BERTH_STORAGE_S3_PREFIX=" + s3_prefix_);
  }
  char tmpl[] = "/tmp/berth-it-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  data_ = dir_ / "data";
  Start();
}

BerthServer::~BerthServer() {
  Stop();
  // Under the sanitizer preset, berth reports to its log: a finding there fails the test.
  std::string log = Log();
  for (const char* finding :
       {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"}) {
    if (auto at = log.find(finding); at != std::string::npos) {
      ADD_FAILURE() << "berth reported: " << log.substr(at, 4000);
    }
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void BerthServer::Start() {
  fs::path port_file = dir_ / "port";
  fs::remove(port_file);
  pid_ = ::fork();
  if (pid_ == 0) {
    FILE* log = std::fopen((dir_ / "berth.log").c_str(), "a");
    ::dup2(fileno(log), 1);
    ::dup2(fileno(log), 2);
    ::setenv("BERTH_PORT_FILE", port_file.c_str(), 1);
    ::setenv("BERTH_LOG_LEVEL", "debug", 1);
    ::setenv("BERTH_ADMIN_PASSWORD", kAdminPassword, 1);
    for (const std::string& kv : env_) ::putenv(const_cast<char*>(kv.c_str()));
    // A restart keeps the port, as clients (and a proxy in front) still know it.
    const std::string listen = "127.0.0.1:" + std::to_string(port_);
    ::execl(BERTH_BINARY, BERTH_BINARY, "serve", "--listen", listen.c_str(), "--data",
            data_.c_str(), nullptr);
    std::_Exit(127);
  }
  for (int i = 0; i < 1000; ++i) {
    std::ifstream in(port_file);
    if (in >> port_ && port_ > 0) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("berth exited at start:\n" + Log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // A constructor that throws runs no destructor: the process must not outlive the test.
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  throw std::runtime_error("berth did not start within 10 s:\n" + Log());
}

std::vector<std::string> BerthServer::StoredUploads() {
  return Store().ListUploads().value_or(std::vector<std::string>{"(cannot list the store)"});
}

bool BerthServer::StoresBlob(const std::string& digest) {
  auto parsed = Digest::Parse(digest);
  if (!parsed) throw std::runtime_error("not a digest: " + digest);
  return Store().Stat(*parsed).has_value();
}

BlobStore& BerthServer::Store() {
  if (!store_) {
    if (s3_prefix_.empty()) {
      store_ = std::make_unique<FilesystemBlobStore>(data_);
    } else {
      store_ = ViewOfS3(s3_prefix_);
    }
  }
  return *store_;
}

std::vector<StoredBlob> BerthServer::StoredBlobs() {
  auto blobs = Store().ListBlobs();
  if (!blobs) throw std::runtime_error("cannot list the blobs: " + blobs.error().message);
  return std::move(*blobs);
}

void BerthServer::StoreBlobBehindTheMetadata(const std::string& bytes, const std::string& digest) {
  const Digest name = digest.empty() ? DigestOf(bytes) : *Digest::Parse(digest);
  const std::string uuid = "behind-" + name.str().substr(7, 16);
  auto record = Store().CreateUpload(uuid);
  if (!record) throw std::runtime_error(record.error().message);
  auto writer = Store().OpenUploadWriter(uuid, *record);
  if (!writer) throw std::runtime_error(writer.error().message);
  if (auto s = (*writer)->Append(bytes); !s) throw std::runtime_error(s.error().message);
  if (auto s = (*writer)->Commit(name); !s) throw std::runtime_error(s.error().message);
}

int BerthServer::RunBerth(const std::string& args, std::string* output) {
  std::string command = "env";
  for (const std::string& kv : env_) command += " " + ShellQuote(kv);
  command += " " + ShellQuote(BERTH_BINARY) + " " + args + " --data " + ShellQuote(data_) + " 2>&1";
  return RunCommand(command, output);
}

std::string BerthServer::TokenKeyPem() const {
  std::unique_ptr<SqlDatabase> db;
  if (db_url_.empty()) {
    auto opened = SqliteDatabase::Open(MetadataPath(data_), {});
    if (opened) db = std::move(*opened);
  } else {
    auto opened = PostgresDatabase::Open(db_url_, 1);
    if (opened) db = std::move(*opened);
  }
  if (!db) throw std::runtime_error("cannot open the server's database");
  auto pem = db->Read([](SqlConnection& c) {
    return One<std::string>(c, "SELECT value FROM secrets WHERE name = 'token_signing_key'",
                            [](SqlStatement& q) { return q.Text(0); });
  });
  if (!pem) throw std::runtime_error("no token signing key: " + pem.error().message);
  return *pem;
}

int BerthServer::Stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  // berth finishes in-flight requests within its shutdown timeout (15 s); past 30 s it hangs.
  for (int i = 0; i < 3000 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (i == 2999) {
      ADD_FAILURE() << "berth did not stop within 30 s of SIGTERM";
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
  }
  pid_ = -1;
  return status;
}

void BerthServer::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

int BerthServer::Connect() const {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string BerthServer::Log() const {
  std::ifstream in(dir_ / "berth.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string HttpResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

HttpResponse Http(const std::string& method, const std::string& url, const std::string& body,
                  const std::vector<std::string>& headers) {
  HttpResponse res;
  CURL* curl = curl_easy_init();
  curl_slist* list = nullptr;
  bool own_authorization = false;
  for (const std::string& h : headers) {
    list = curl_slist_append(list, h.c_str());
    own_authorization = own_authorization || h.starts_with("Authorization:");
  }
  if (!own_authorization)
    list = curl_slist_append(list, BasicAuth("admin", kAdminPassword).c_str());
  // curl would otherwise add "Expect: 100-continue" to large bodies: tested separately.
  list = curl_slist_append(list, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!body.empty() || method == "PUT" || method == "POST" || method == "PATCH") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &res.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &res.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 120L);
  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &res.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) res.body = std::string("curl: ") + curl_easy_strerror(rc);
  return res;
}

std::string FetchToken(const BerthServer& server, const std::string& user,
                       const std::string& password, const std::vector<std::string>& scopes) {
  std::string url = server.Url("/service/token?service=harbor-registry");
  for (const std::string& scope : scopes) url += "&scope=" + scope;
  HttpResponse r = Http("GET", url, "",
                        {user.empty() ? std::string("Authorization:") : BasicAuth(user, password)});
  if (r.status != 200) return "";
  return std::string(boost::json::parse(r.body).at("token").as_string());
}

std::string Bearer(const std::string& token) { return "Authorization: Bearer " + token; }

std::string JwtClaims(const std::string& token) {
  const size_t first = token.find('.');
  const size_t second = token.find('.', first + 1);
  return Base64UrlDecode(token.substr(first + 1, second - first - 1)).value_or("");
}

std::string GrantedActions(const std::string& token, const std::string& type,
                           const std::string& name) {
  boost::json::value claims = boost::json::parse(JwtClaims(token));
  std::string out;
  for (const auto& entry : claims.at("access").as_array()) {
    if (entry.at("type").as_string() != type || entry.at("name").as_string() != name) continue;
    for (const auto& action : entry.at("actions").as_array()) {
      if (!out.empty()) out += ",";
      out += std::string(action.as_string());
    }
  }
  return out;
}

std::string BasicAuth(const std::string& user, const std::string& password) {
  return "Authorization: Basic " + Base64Encode(user + ":" + password);
}

std::string SourceDir() { return BERTH_SOURCE_DIR; }
std::string CorpusDir() { return Env("BERTH_CORPUS", "/tmp/berth-corpus"); }

std::string ErrorCode(const HttpResponse& response) {
  boost::json::error_code ec;
  auto v = boost::json::parse(response.body, ec);
  if (ec || !v.is_object()) return "";
  const auto* errors = v.get_object().if_contains("errors");
  if (!errors || !errors->is_array() || errors->get_array().empty()) return "";
  const auto* code = errors->get_array()[0].as_object().if_contains("code");
  return code && code->is_string() ? std::string(code->get_string()) : "";
}

std::string Sha256(const std::string& bytes) { return DigestOf(bytes).str(); }

}  // namespace berth::testing

namespace berth::testing {

WebhookReceiver::WebhookReceiver() {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener_, 64) != 0) {
    throw std::runtime_error("webhook receiver: cannot listen");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

WebhookReceiver::~WebhookReceiver() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  ::shutdown(listener_, SHUT_RDWR);
  ::close(listener_);
  thread_.join();
}

void WebhookReceiver::AnswerFirst(const std::string& path, std::vector<int> statuses) {
  std::lock_guard lock(mu_);
  statuses_[path] = std::move(statuses);
}

std::vector<WebhookReceiver::Request> WebhookReceiver::WaitFor(const std::string& path,
                                                               size_t count, int timeout_s) {
  std::unique_lock lock(mu_);
  auto matching = [&] {
    std::vector<Request> out;
    for (const Request& r : requests_) {
      if (r.path == path) out.push_back(r);
    }
    return out;
  };
  arrived_.wait_for(lock, std::chrono::seconds(timeout_s),
                    [&] { return matching().size() >= count; });
  return matching();
}

// One request per connection (the sender may keep it open; it is closed after the answer).
void WebhookReceiver::Serve() {
  while (true) {
    int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      continue;
    }
    std::string data;
    char buf[4096];
    size_t head_end = std::string::npos;
    while (head_end == std::string::npos) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      data.append(buf, static_cast<size_t>(n));
      head_end = data.find("\r\n\r\n");
    }
    if (head_end == std::string::npos) {
      ::close(fd);
      continue;
    }
    Request req;
    std::istringstream head(data.substr(0, head_end));
    std::string line, version;
    std::getline(head, line);
    std::istringstream(line) >> req.method >> req.path >> version;
    size_t length = 0;
    while (std::getline(head, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      if (name == "content-length") length = std::stoul(value);
      req.headers.emplace(name, value);
    }
    req.body = data.substr(head_end + 4);
    while (req.body.size() < length) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      req.body.append(buf, static_cast<size_t>(n));
    }
    int status = 200;
    {
      std::lock_guard lock(mu_);
      auto& planned = statuses_[req.path];
      if (!planned.empty()) {
        status = planned.front();
        planned.erase(planned.begin());
      }
      requests_.push_back(std::move(req));
    }
    arrived_.notify_all();
    const std::string answer = "HTTP/1.1 " + std::to_string(status) +
                               " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
    ::close(fd);
  }
}

}  // namespace berth::testing
