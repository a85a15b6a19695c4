// First start, as Harbor's: the `admin` system administrator (user id 1) and the public
// project `library` it owns. Later starts change nothing; a lost password is reset from the
// command line (`berth user reset-password`).
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

// Sets a local user's password (kPasswordPolicy if too weak, kNotFound, kBadRequest for a user
// whose password lives in LDAP) and lifts any freeze on the name. Refresh tokens issued before
// retire, as with any password change.
Status ResetPassword(IdentityStore& store, const Clock& clock, const std::string& username,
                     const std::string& password, int password_iterations);

}  // namespace berth
