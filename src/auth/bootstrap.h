// First start, as Harbor's: the `admin` system administrator (user id 1) and the public
// project `library` it owns. Later starts change nothing.
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "meta/identity_store.h"

namespace berth {

struct BootstrapResult {
  bool first_start = false;
  // The admin password when it was generated (no password configured): shown once.
  std::optional<std::string> generated_password;
};

// `admin_password` empty: a random one. kPasswordPolicy if the configured one is too weak.
Result<BootstrapResult> Bootstrap(IdentityStore& store, const Clock& clock,
                                  const std::string& admin_password, int password_iterations);

}  // namespace berth
