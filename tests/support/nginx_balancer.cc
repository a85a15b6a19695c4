#include "tests/support/nginx_balancer.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/process.h"

namespace berth::testing {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

NginxBalancer::NginxBalancer() : port_(FreePort()) {
  char tmpl[] = "/tmp/berth-nginx-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
}

NginxBalancer::~NginxBalancer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void NginxBalancer::Start(const std::vector<std::string>& upstreams) {
  const std::string script = std::string(BERTH_SOURCE_DIR) + "/tests/fixtures/nginx-balancer";
  const std::string listen = HostPort();
  std::vector<const char*> argv = {script.c_str(), dir_.c_str(), listen.c_str()};
  for (const std::string& upstream : upstreams) argv.push_back(upstream.c_str());
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ == 0) {
    FILE* log = std::fopen((dir_ / "nginx.log").c_str(), "a");
    ::dup2(fileno(log), 1);
    ::dup2(fileno(log), 2);
    ::execv(script.c_str(), const_cast<char* const*>(argv.data()));
    std::_Exit(127);
  }
  if (WaitUntilListening(port_, std::chrono::seconds(10))) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  throw std::runtime_error("nginx did not start within 10 s:\n" + Slurp(dir_ / "nginx.log") +
                           Slurp(dir_ / "error.log"));
}

std::string NginxBalancer::AccessLog() const { return Slurp(dir_ / "access.log"); }

}  // namespace berth::testing
