// Harbor API calls of the integration tests: straight to berth, or, in contract mode
// (BERTH_CONTRACT=1), through Stoplight Prism's validating proxy built from
// third_party/harbor/swagger.yaml, so that every request and response is checked
// against the swagger. BERTH_PRISM names the prism binary (`make test` installs it from npm).
// Not thread-safe.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/integration/harness.h"

namespace berth::testing {

class HarborClient {
 public:
  explicit HarborClient(const BerthServer& server);
  ~HarborClient();
  HarborClient(const HarborClient&) = delete;

  static bool ContractMode();

  // `path` below /api/v2.0, with its query. Acts as admin unless `headers` say otherwise.
  HttpResponse Do(const std::string& method, const std::string& path,
                  const std::string& body = {}, const std::vector<std::string>& headers = {});
  // A request that breaks the swagger on purpose, to see berth refuse it: never proxied.
  HttpResponse DoInvalid(const std::string& method, const std::string& path,
                         const std::string& body = {},
                         const std::vector<std::string>& headers = {});
  // What the proxy reported as breaking the swagger; always empty outside contract mode.
  std::vector<std::string> Violations() const;

 private:
  void StartProxy();

  const BerthServer& server_;
  std::filesystem::path log_;
  pid_t prism_ = -1;
  int port_ = 0;
};

}  // namespace berth::testing
