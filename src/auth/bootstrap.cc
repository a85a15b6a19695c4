#include "auth/bootstrap.h"

#include "auth/password.h"
#include "core/random.h"

namespace berth {

Result<BootstrapResult> Bootstrap(IdentityStore& store, const Clock& clock,
                                  const std::string& admin_password, int password_iterations) {
  BootstrapResult result;
  auto existing = store.GetUser(1);
  if (existing) return result;
  if (existing.error().code != ErrorCode::kNotFound) return tl::unexpected(existing.error());

  std::string password = admin_password;
  if (password.empty()) {
    // Hex has no upper case; the prefix satisfies the policy's classes.
    password = "Bx1" + RandomHex(12);
    result.generated_password = password;
  } else if (auto s = CheckPasswordPolicy(password); !s) {
    return Fail(ErrorCode::kPasswordPolicy,
                "admin_password: at least 8 characters with upper case, lower case and a digit");
  }
  const int64_t now = clock.Now();
  auto id =
      store.CreateUser(UserRecord{0, "admin", "", "system admin", "admin user",
                                  HashPassword(password, password_iterations), true, "", now, now});
  if (!id) return tl::unexpected(id.error());
  auto library = store.CreateProject(ProjectRecord{0, "library", *id, true, now, now, {}});
  if (!library && library.error().code != ErrorCode::kConflict)
    return tl::unexpected(library.error());
  result.first_start = true;
  return result;
}

Status ResetPassword(IdentityStore& store, const Clock& clock, const std::string& username,
                     const std::string& password, int password_iterations) {
  auto user = store.FindUser(username);
  if (!user && user.error().code == ErrorCode::kNotFound)
    return Fail(ErrorCode::kNotFound, "no user " + username);
  if (!user) return tl::unexpected(user.error());
  if (!user->ldap_dn.empty())
    return Fail(ErrorCode::kBadRequest, username + "'s password is kept in LDAP");
  if (auto s = CheckPasswordPolicy(password); !s) return s;
  user->password_hash = HashPassword(password, password_iterations);
  user->updated_at = clock.Now();
  if (auto s = store.UpdateUser(*user); !s) return s;
  return store.ClearLoginFailures(username);
}

}  // namespace berth
