#include "tests/support/rgw_server.h"

#include <unistd.h>

#include <sstream>
#include <stdexcept>

#include "tests/support/process.h"

namespace berth::testing {
namespace {

std::string Script() { return std::string(BERTH_SOURCE_DIR) + "/tests/fixtures/ceph-rgw"; }

std::string Run(const std::string& command, const std::filesystem::path& dir) {
  std::string out;
  if (RunCommand(ShellQuote(Script()) + " " + command + " " + ShellQuote(dir.string()), &out) != 0)
    throw std::runtime_error("ceph-rgw " + command + ": " + out);
  return out;
}

}  // namespace

RgwServer::RgwServer() {
  char tmpl[] = "/tmp/berth-rgw-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  std::istringstream env(Run("up", dir_));
  for (std::string line; std::getline(env, line);) {
    const size_t eq = line.find("='");
    if (eq == std::string::npos || line.back() != '\'') continue;
    const std::string name = line.substr(0, eq);
    const std::string value = line.substr(eq + 2, line.size() - eq - 3);
    if (name == "S3_ENDPOINT") endpoint_ = value;
    if (name == "S3_BUCKET") bucket_ = value;
    if (name == "S3_ACCESS_KEY") access_key_ = value;
    if (name == "S3_SECRET_KEY") secret_key_ = value;
  }
  if (endpoint_.empty()) throw std::runtime_error("ceph-rgw up printed no S3_ENDPOINT");
}

RgwServer::~RgwServer() { RunCommand(ShellQuote(Script()) + " down " + ShellQuote(dir_.string())); }

std::string RgwServer::NewPrefix() {
  return "t" + std::to_string(::getpid()) + "-" + std::to_string(++prefixes_);
}

void RgwServer::StopGateway() { Run("stop-gateway", dir_); }
void RgwServer::StartGateway() { Run("start-gateway", dir_); }

}  // namespace berth::testing
