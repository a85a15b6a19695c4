// nginx as the round-robin balancer in front of a cluster's nodes (tests/fixtures/nginx-balancer
// says how it is set up), its files in a temporary folder; stopped and removed when destroyed.
// Not thread-safe.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace berth::testing {

class NginxBalancer {
 public:
  // The balancer's port is chosen before the nodes start, as they are told the URL they are
  // served under; Start() then puts it in front of them.
  NginxBalancer();
  ~NginxBalancer();
  NginxBalancer(const NginxBalancer&) = delete;

  // Serves in front of `upstreams` (host:port each), in turn.
  void Start(const std::vector<std::string>& upstreams);

  std::string HostPort() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string Url(const std::string& path) const { return "http://" + HostPort() + path; }
  // Its access log: one line per request, "<status> <upstream> <method> <uri>".
  std::string AccessLog() const;

 private:
  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace berth::testing
