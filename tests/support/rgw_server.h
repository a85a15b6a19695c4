// A real Ceph RADOS Gateway (S3) for the tests: tests/fixtures/ceph-rgw builds a one-node
// cluster in a temporary folder, with a bucket, on a free loopback port; it is stopped and
// removed when this is destroyed. Not thread-safe.
#pragma once

#include <filesystem>
#include <string>

namespace berth::testing {

class RgwServer {
 public:
  RgwServer();
  ~RgwServer();
  RgwServer(const RgwServer&) = delete;

  const std::string& endpoint() const { return endpoint_; }
  const std::string& bucket() const { return bucket_; }
  const std::string& access_key() const { return access_key_; }
  const std::string& secret_key() const { return secret_key_; }
  // A key prefix no other test of the run has used.
  std::string NewPrefix();

  // An outage of the gateway alone (the cluster keeps its data), and its end.
  void StopGateway();
  void StartGateway();

 private:
  std::filesystem::path dir_;
  std::string endpoint_, bucket_, access_key_, secret_key_;
  int prefixes_ = 0;
};

}  // namespace berth::testing
