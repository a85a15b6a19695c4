// The load generator behind bench/run: pushes and pulls blobs and small images over kept-alive
// libcurl connections, so that what is timed is the registry rather than process start-up.
// Prints the elapsed seconds on stdout.
//
//   bench_client push   HOST:PORT REPO FILE [CHUNK_BYTES]   (0 or absent: monolithic)
//   bench_client pull   HOST:PORT REPO DIGEST
//   bench_client images HOST:PORT COUNT WORKERS [REPO_PREFIX]
//   bench_client strays HOST:PORT COUNT WORKERS REPO_PREFIX
//   bench_client freshness HOST:PORT REPO COUNT ADMIN:PASSWORD FIRST
//
// With BENCH_CREDS=user:password, each connection logs in as Docker clients do: the registry's
// challenge names the token service, a token is fetched there once per repository and sent as
// a Bearer token from then on (the token requests are part of the timed work).
#include <curl/curl.h>
#include <strings.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "core/digest.h"

namespace {

struct Reply {
  long status = 0;
  std::string location;
  std::string challenge;  // WWW-Authenticate
  std::string body;
};

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t Headers(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  auto value = [&](size_t from) {
    std::string v = line.substr(from);
    while (!v.empty() && (v.front() == ' ')) v.erase(0, 1);
    while (!v.empty() && (v.back() == '\r' || v.back() == '\n')) v.pop_back();
    return v;
  };
  auto* reply = static_cast<Reply*>(out);
  if (strncasecmp(line.c_str(), "Location:", 9) == 0) reply->location = value(9);
  if (strncasecmp(line.c_str(), "WWW-Authenticate:", 17) == 0) reply->challenge = value(17);
  return size * n;
}

// The quoted value of `key` in a Bearer challenge.
std::string ChallengeParam(const std::string& challenge, const std::string& key) {
  size_t at = challenge.find(key + "=\"");
  if (at == std::string::npos) return "";
  at += key.size() + 2;
  return challenge.substr(at, challenge.find('"', at) - at);
}

struct FileSource {
  FILE* file;
  uint64_t remaining;
};

size_t ReadFile(char* buf, size_t size, size_t n, void* p) {
  auto* src = static_cast<FileSource*>(p);
  size_t want = std::min<uint64_t>(size * n, src->remaining);
  size_t got = std::fread(buf, 1, want, src->file);
  src->remaining -= got;
  return got;
}

class Client {
 public:
  explicit Client(std::string base) : base_(std::move(base)), curl_(curl_easy_init()) {
    if (const char* creds = std::getenv("BENCH_CREDS")) creds_ = creds;
  }
  ~Client() { curl_easy_cleanup(curl_); }

  // Logs in for `repo` when credentials are set: from then on requests carry its token.
  bool Authorize(const std::string& repo) {
    if (creds_.empty()) return true;
    if (auto known = tokens_.find(repo); known != tokens_.end()) {
      authorization_ = known->second;
      return true;
    }
    if (realm_.empty()) {
      Reply probe = Do("GET", "/v2/");
      realm_ = ChallengeParam(probe.challenge, "realm");
      service_ = ChallengeParam(probe.challenge, "service");
      if (realm_.empty()) return std::cerr << "no Bearer challenge from /v2/\n", false;
    }
    CURLU* url = curl_url();
    curl_url_set(url, CURLUPART_URL, realm_.c_str(), 0);
    curl_url_set(url, CURLUPART_QUERY, ("service=" + service_).c_str(),
                 CURLU_APPENDQUERY | CURLU_URLENCODE);
    curl_url_set(url, CURLUPART_QUERY, ("scope=repository:" + repo + ":pull,push").c_str(),
                 CURLU_APPENDQUERY | CURLU_URLENCODE);
    char* text = nullptr;
    curl_url_get(url, CURLUPART_URL, &text, 0);
    std::string token_url = text;
    curl_free(text);
    curl_url_cleanup(url);
    authorization_.clear();
    std::string reply;
    curl_easy_reset(curl_);
    curl_easy_setopt(curl_, CURLOPT_URL, token_url.c_str());
    curl_easy_setopt(curl_, CURLOPT_USERPWD, creds_.c_str());
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, Collect);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &reply);
    long status = 0;
    if (curl_easy_perform(curl_) == CURLE_OK)
      curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) return std::cerr << "token: " << status << "\n", false;
    const std::string token(boost::json::parse(reply).at("token").as_string());
    authorization_ = tokens_[repo] = "Authorization: Bearer " + token;
    return true;
  }

  // A request whose body is `body`, or `length` bytes of `file` from its current position.
  Reply Do(const char* method, const std::string& url, const std::string* body = nullptr,
           FILE* file = nullptr, uint64_t length = 0,
           const std::vector<std::string>& headers = {}) {
    curl_easy_reset(curl_);
    Reply reply;
    curl_slist* list = curl_slist_append(nullptr, "Expect:");
    if (!authorization_.empty()) list = curl_slist_append(list, authorization_.c_str());
    for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
    std::string full = url.starts_with("http") ? url : base_ + url;
    curl_easy_setopt(curl_, CURLOPT_URL, full.c_str());
    curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, Discard);
    // libcurl's default 16 KiB receive buffer made the client the bottleneck of 512 MiB pulls
    // (for both servers, and more so for sendfile's page-sized segments).
    curl_easy_setopt(curl_, CURLOPT_BUFFERSIZE, 512L << 10);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, Headers);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &reply);
    FileSource src{file, length};
    if (body) {
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body->data());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    } else if (file) {
      curl_easy_setopt(curl_, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(curl_, CURLOPT_READFUNCTION, ReadFile);
      curl_easy_setopt(curl_, CURLOPT_READDATA, &src);
      curl_easy_setopt(curl_, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(length));
      curl_easy_setopt(curl_, CURLOPT_UPLOAD_BUFFERSIZE, 2L << 20);
    }
    CURLcode rc = curl_easy_perform(curl_);
    if (rc == CURLE_OK) curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &reply.status);
    curl_slist_free_all(list);
    return reply;
  }

  // POST then PUT ?digest= with the body (the form Distribution 2.8 also takes).
  bool PushSmall(const std::string& repo, const std::string& bytes, const std::string& digest) {
    Reply start = Do("POST", "/v2/" + repo + "/blobs/uploads/", &empty_);
    if (start.status != 202) return false;
    std::string sep = start.location.find('?') == std::string::npos ? "?" : "&";
    return Do("PUT", start.location + sep + "digest=" + digest, &bytes, nullptr, 0,
              {"Content-Type: application/octet-stream"})
               .status == 201;
  }

 private:
  std::string base_;
  CURL* curl_;
  const std::string empty_;
  std::string creds_, realm_, service_, authorization_;
  std::map<std::string, std::string> tokens_;  // by repository, as clients cache them by scope
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

std::string DigestOfFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  berth::Hasher h;
  std::vector<char> buf(1 << 20);
  while (in.read(buf.data(), buf.size()) || in.gcount() > 0)
    h.Update(std::span<const char>(buf.data(), in.gcount()));
  return h.Finish().str();
}

int Push(const std::string& host, const std::string& repo, const std::string& path,
         uint64_t chunk) {
  std::string digest = DigestOfFile(path);
  FILE* file = std::fopen(path.c_str(), "rb");
  std::fseek(file, 0, SEEK_END);
  uint64_t size = std::ftell(file);
  std::fseek(file, 0, SEEK_SET);
  Client c("http://" + host);
  auto t0 = std::chrono::steady_clock::now();
  if (!c.Authorize(repo)) return 1;
  std::string empty;
  Reply start = c.Do("POST", "/v2/" + repo + "/blobs/uploads/", &empty);
  if (start.status != 202) return std::cerr << "POST " << start.status << "\n", 1;
  std::string location = start.location;
  if (chunk == 0) chunk = size;
  for (uint64_t off = 0; off < size; off += chunk) {
    uint64_t n = std::min(chunk, size - off);
    Reply r = c.Do("PATCH", location, nullptr, file, n,
                   {"Content-Type: application/octet-stream",
                    "Content-Range: " + std::to_string(off) + "-" + std::to_string(off + n - 1)});
    if (r.status != 202) return std::cerr << "PATCH " << r.status << "\n", 1;
    location = r.location;
  }
  std::string sep = location.find('?') == std::string::npos ? "?" : "&";
  Reply done = c.Do("PUT", location + sep + "digest=" + digest, &empty);
  if (done.status != 201) return std::cerr << "PUT " << done.status << "\n", 1;
  std::printf("%.4f %s\n", Seconds(t0), digest.c_str());
  std::fclose(file);
  return 0;
}

int Pull(const std::string& host, const std::string& repo, const std::string& digest) {
  Client c("http://" + host);
  auto t0 = std::chrono::steady_clock::now();
  if (!c.Authorize(repo)) return 1;
  Reply r = c.Do("GET", "/v2/" + repo + "/blobs/" + digest);
  if (r.status != 200) return std::cerr << "GET " << r.status << "\n", 1;
  std::printf("%.4f\n", Seconds(t0));
  return 0;
}

struct SmallImage {
  std::string config, config_digest, layer, layer_digest, manifest;
};

// Image `i`: a config and a 16 KiB layer of its own, and the manifest that lists them.
SmallImage MakeSmallImage(int i) {
  SmallImage image;
  image.config = R"({"architecture":"amd64","os":"linux","image":)" + std::to_string(i) + "}";
  image.layer = std::string(16384, static_cast<char>('a' + i % 26)) + std::to_string(i);
  image.config_digest = berth::DigestOf(image.config).str();
  image.layer_digest = berth::DigestOf(image.layer).str();
  image.manifest =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
      image.config_digest + R"(","size":)" + std::to_string(image.config.size()) +
      R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" +
      image.layer_digest + R"(","size":)" + std::to_string(image.layer.size()) + "}]}";
  return image;
}

bool PushImage(Client& c, const std::string& repo, const SmallImage& image,
               const std::string& tag) {
  return c.Authorize(repo) && c.PushSmall(repo, image.config, image.config_digest) &&
         c.PushSmall(repo, image.layer, image.layer_digest) &&
         c.Do("PUT", "/v2/" + repo + "/manifests/" + tag, &image.manifest, nullptr, 0,
              {"Content-Type: application/vnd.oci.image.manifest.v1+json"})
                 .status == 201;
}

// Each image in its own repository per worker.
int Images(const std::string& host, int count, int workers, const std::string& prefix) {
  std::atomic<int> next = 0, failed = 0;
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      Client c("http://" + host);
      for (int i; (i = next++) < count;) {
        // By image number, not worker: image 0 (the manifest GET target) is always in prefix0.
        std::string repo = prefix + std::to_string(i % workers);
        if (!PushImage(c, repo, MakeSmallImage(i), "v" + std::to_string(i))) ++failed;
      }
    });
  }
  for (auto& t : threads) t.join();
  if (failed) return std::cerr << failed << " images failed\n", 1;
  std::printf("%.4f\n", Seconds(t0));
  return 0;
}

double EpochSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// COUNT pushes of tag f<i> into REPO, one after another, each followed by polling the audit log
// (every 5 ms, Basic credentials ADMIN; the pushes log in with BENCH_CREDS) until the push's entry
// shows. Prints per push: i, the epoch second its manifest PUT was answered, and how many seconds
// later its entry was visible.
int Freshness(const std::string& host, const std::string& repo, int count, const std::string& admin,
              int first) {
  Client pusher("http://" + host);
  CURL* api = curl_easy_init();
  const std::string url =
      "http://" + host + "/api/v2.0/audit-logs?page_size=1&q=operation%3Dcreate";
  for (int i = first; i < first + count; ++i) {
    const std::string tag = "f" + std::to_string(i);
    if (!PushImage(pusher, repo, MakeSmallImage(1000000 + i), tag))
      return std::cerr << "push " << tag << " failed\n", 1;
    const double pushed = EpochSeconds();
    for (;;) {
      std::string body;
      curl_easy_setopt(api, CURLOPT_URL, url.c_str());
      curl_easy_setopt(api, CURLOPT_USERPWD, admin.c_str());
      curl_easy_setopt(api, CURLOPT_WRITEFUNCTION, Collect);
      curl_easy_setopt(api, CURLOPT_WRITEDATA, &body);
      if (curl_easy_perform(api) == CURLE_OK &&
          body.find(repo + ":" + tag + "\"") != std::string::npos)
        break;
      if (EpochSeconds() - pushed > 60) return std::cerr << "no audit entry for " << tag << "\n", 1;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::printf("%d %.6f %.4f\n", i, pushed, EpochSeconds() - pushed);
    std::fflush(stdout);
  }
  curl_easy_cleanup(api);
  return 0;
}

// Blobs no manifest will ever list (1 KiB each, all different), as clients leave behind: what
// garbage collection is for.
int Strays(const std::string& host, int count, int workers, const std::string& prefix) {
  std::atomic<int> next = 0, failed = 0;
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      Client c("http://" + host);
      const std::string repo = prefix + std::to_string(w);
      if (!c.Authorize(repo)) {
        ++failed;
        return;
      }
      for (int i; (i = next++) < count;) {
        std::string blob(1024, static_cast<char>('A' + i % 26));
        blob += "stray " + std::to_string(i);
        if (!c.PushSmall(repo, blob, berth::DigestOf(blob).str())) ++failed;
      }
    });
  }
  for (auto& t : threads) t.join();
  if (failed) return std::cerr << failed << " blobs failed\n", 1;
  std::printf("%.4f\n", Seconds(t0));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() >= 4 && a[0] == "push")
    return Push(a[1], a[2], a[3], a.size() > 4 ? std::stoull(a[4]) : 0);
  if (a.size() == 4 && a[0] == "pull") return Pull(a[1], a[2], a[3]);
  if (a.size() == 5 && a[0] == "strays") return Strays(a[1], std::stoi(a[2]), std::stoi(a[3]), a[4]);
  if (a.size() == 6 && a[0] == "freshness")
    return Freshness(a[1], a[2], std::stoi(a[3]), a[4], std::stoi(a[5]));
  if (a.size() >= 4 && a[0] == "images") {
    return Images(a[1], std::stoi(a[2]), std::stoi(a[3]), a.size() > 4 ? a[4] : "bench/small");
  }
  std::cerr
      << "usage: bench_client push HOST:PORT REPO FILE [CHUNK] | pull HOST:PORT REPO DIGEST | "
         "images HOST:PORT COUNT WORKERS [REPO_PREFIX] | strays HOST:PORT COUNT WORKERS "
         "REPO_PREFIX | freshness HOST:PORT REPO COUNT ADMIN:PASSWORD FIRST\n";
  return 2;
}
