#include "tests/integration/harbor_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <strings.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <regex>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

namespace berth::testing {
namespace {

namespace fs = std::filesystem;

std::string SwaggerPath() { return SourceDir() + "/third_party/harbor/swagger.yaml"; }

std::map<std::string, int>& Divergences();

// Every API call the contract run made, as "METHOD /path" (below /api/v2.0, no query).
std::vector<std::string>& Exercised() {
  static std::vector<std::string> calls;
  return calls;
}


// At the end of a contract run: how many of the swagger's operations the suite called.
class CoverageReport : public ::testing::Environment {
 public:
  void TearDown() override {
    if (!HarborClient::ContractMode()) return;
    YAML::Node swagger = YAML::LoadFile(SwaggerPath());
    struct Operation {
      std::string method;
      std::string path;
      std::regex pattern;
    };
    std::vector<Operation> operations;
    for (const auto& path : swagger["paths"]) {
      const std::string templ = path.first.as<std::string>();
      const std::string pattern =
          "^" + std::regex_replace(templ, std::regex(R"(\{[^}]+\})"), "[^/]+") + "$";
      for (const auto& op : path.second) {
        std::string method = op.first.as<std::string>();
        if (method == "parameters") continue;
        for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        operations.push_back({method, templ, std::regex(pattern)});
      }
    }
    std::set<std::string> covered;
    for (const std::string& call : Exercised()) {
      const std::string method = call.substr(0, call.find(' '));
      const std::string path = call.substr(call.find(' ') + 1);
      // The most literal template wins: /projects/{p}/summary over /projects/{p}/{x}.
      const Operation* best = nullptr;
      for (const Operation& op : operations) {
        if (op.method != method || !std::regex_match(path, op.pattern)) continue;
        if (!best || op.path.size() - std::count(op.path.begin(), op.path.end(), '{') * 8 >
                         best->path.size() - std::count(best->path.begin(), best->path.end(), '{') * 8)
          best = &op;
      }
      if (best) covered.insert(method + " " + best->path);
    }
    std::ostringstream report;
    report << "contract: " << covered.size() << " of " << operations.size()
           << " swagger operations exercised through the validating proxy\n";
    for (const std::string& op : covered) report << "  " << op << "\n";
    for (const auto& [divergence, count] : Divergences())
      report << "tolerated " << count << "x: " << divergence << "\n";
    std::cout << report.str();
    if (const char* out = std::getenv("BERTH_CONTRACT_REPORT")) std::ofstream(out) << report.str();
  }
};

[[maybe_unused]] const auto* const kCoverage = ::testing::AddGlobalTestEnvironment(new CoverageReport);

}  // namespace

bool HarborClient::ContractMode() {
  const char* v = std::getenv("BERTH_CONTRACT");
  return v && std::string(v) == "1";
}

HarborClient::HarborClient(const BerthServer& server) : server_(server) {
  if (ContractMode()) StartProxy();
}

HarborClient::~HarborClient() {
  if (prism_ > 0) {
    ::kill(prism_, SIGTERM);
    ::waitpid(prism_, nullptr, 0);
  }
  if (!log_.empty()) fs::remove(log_);
}

void HarborClient::StartProxy() {
  const char* prism = std::getenv("BERTH_PRISM");
  if (!prism || !fs::exists(prism))
    throw std::runtime_error("contract mode needs BERTH_PRISM, the prism binary (make prism)");
  port_ = FreePort();
  log_ = fs::temp_directory_path() / ("prism-" + std::to_string(::getpid()) + "-" +
                                      std::to_string(port_) + ".log");
  const std::string upstream = server_.Url("/api/v2.0");
  const std::string port = std::to_string(port_);
  prism_ = ::fork();
  if (prism_ == 0) {
    FILE* log = std::fopen(log_.c_str(), "w");
    ::dup2(fileno(log), 1);
    ::dup2(fileno(log), 2);
    // Without --errors prism passes every answer on and logs each violation, warnings (an
    // undocumented status code) included; Violations() fails the test on any of them.
    ::execl(prism, prism, "proxy", SwaggerPath().c_str(), upstream.c_str(), "-h", "127.0.0.1",
            "-p", port.c_str(), "-v", "info", nullptr);
    std::_Exit(127);
  }
  // Prism reads the 200 KB swagger for a few seconds before it listens.
  for (int i = 0; i < 600; ++i) {
    if (Http("GET", "http://127.0.0.1:" + port + "/ping", {}, kAnonymous).status == 200) return;
    int status = 0;
    if (::waitpid(prism_, &status, WNOHANG) == prism_) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::ifstream in(log_);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  throw std::runtime_error("prism did not start:\n" + text);
}

HttpResponse HarborClient::Do(const std::string& method, const std::string& path,
                              const std::string& body, const std::vector<std::string>& headers) {
  if (prism_ <= 0) return DoInvalid(method, path, body, headers);
  Exercised().push_back(method + " " + path.substr(0, path.find('?')));
  std::vector<std::string> sent = headers;
  const bool typed = std::any_of(headers.begin(), headers.end(), [](const std::string& h) {
    return h.size() > 13 && strncasecmp(h.c_str(), "content-type:", 13) == 0;
  });
  if (!body.empty() && !typed) sent.push_back("Content-Type: application/json");
  return Http(method, "http://127.0.0.1:" + std::to_string(port_) + path, body, sent);
}

HttpResponse HarborClient::DoInvalid(const std::string& method, const std::string& path,
                                     const std::string& body,
                                     const std::vector<std::string>& headers) {
  return Http(method, server_.Url("/api/v2.0" + path), body, headers);
}

namespace {

// Where Harbor itself answers otherwise than its swagger says, Berth answers as Harbor does
// (tools are written against Harbor's answers); these, and only these, are let through and
// counted in the report.
std::optional<std::string> HarborDivergence(const std::string& violation, long status) {
  if (violation.find("extra_attrs.") != std::string::npos &&
      violation.find("must be object") != std::string::npos)
    return "extra_attrs values are strings and arrays, as Harbor's (the swagger types them as objects)";
  if (violation.find("additions/build_history") != std::string::npos &&
      violation.find("Response body must be string") != std::string::npos)
    return "build_history is a JSON array, as Harbor's (the swagger says string)";
  if ((status == 401 || status == 403 || status == 409) &&
      violation.find("Unable to match the returned status code") != std::string::npos)
    return "401, 403 or 409 where the swagger leaves them out, as Harbor answers them";
  if (status == 412 &&
      violation.find("Unable to match the returned status code") != std::string::npos)
    return "412 PRECONDITION for what an immutable tag rule holds, as Harbor answers it";
  if ((status == 400 || status == 404) && violation.find(" /retentions/") != std::string::npos &&
      violation.find("Unable to match the returned status code") != std::string::npos)
    return "400 and 404 on /retentions/{id}..., as Harbor answers them (its swagger lists neither)";
  if (violation.find(".params.") != std::string::npos &&
      violation.find("must be object") != std::string::npos)
    return "retention rule params are numbers ({\"latestPushedK\":3}), as Harbor's portal sends "
           "them (the swagger types them as objects)";
  if (status >= 400 && violation.find("\"application/json\" does not match") != std::string::npos &&
      violation.find("text/plain") != std::string::npos)
    return "errors are Harbor's JSON even where the swagger says text/plain, as Harbor's are";
  // HTTP gives a HEAD answer no body; prism checks it as it would a GET's.
  if (violation.starts_with("head ") &&
      (violation.find("Response body must be") != std::string::npos ||
       violation.find("The received media type \"\"") != std::string::npos))
    return "HEAD answers have no body (prism validates them as GETs)";
  return std::nullopt;
}

std::map<std::string, int>& Divergences() {
  static std::map<std::string, int> seen;
  return seen;
}

}  // namespace

std::vector<std::string> HarborClient::Violations() const {
  std::vector<std::string> out;
  if (log_.empty()) return out;
  std::ifstream in(log_);
  std::string request;  // the request prism is on, and the status berth gave it
  long status = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find("Request received") != std::string::npos) {
      request = line.substr(line.find("[HTTP SERVER]") + 14);
      request = request.substr(0, request.find(" ℹ"));
      status = 0;
      continue;
    }
    if (const size_t at = line.find("has returned "); at != std::string::npos) {
      status = std::atol(line.c_str() + at + 13);
      continue;
    }
    if (line.find("Violation") == std::string::npos && line.find("✖") == std::string::npos)
      continue;
    const std::string violation = request + ": " + line.substr(line.find("] ") + 2);
    if (auto divergence = HarborDivergence(violation, status)) {
      ++Divergences()[*divergence];
    } else {
      out.push_back(violation + " (answered " + std::to_string(status) + ")");
    }
  }
  return out;
}

}  // namespace berth::testing
