#include "tests/integration/slapd.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <stdexcept>

#include "tests/integration/harness.h"

namespace berth::testing {
namespace {

namespace fs = std::filesystem;

}  // namespace

Slapd::Slapd(const std::vector<User>& users, const std::vector<Group>& groups, bool tls)
    : tls_(tls) {
  char tmpl[] = "/tmp/berth-slapd-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  fs::create_directories(dir_ / "db");
  std::string tls_config;
  if (tls) {
    std::string out;
    if (RunCommand("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                   "-addext subjectAltName=IP:127.0.0.1 -keyout " +
                       (dir_ / "key.pem").string() + " -out " + (dir_ / "cert.pem").string(),
                   &out) != 0) {
      throw std::runtime_error("openssl req failed: " + out);
    }
    tls_config = "TLSCertificateFile " + (dir_ / "cert.pem").string() + "\nTLSCertificateKeyFile " +
                 (dir_ / "key.pem").string() + "\n";
  }
  std::ofstream(dir_ / "slapd.conf")
      << tls_config
      << "include /etc/ldap/schema/core.schema\n"
         "include /etc/ldap/schema/cosine.schema\n"
         "include /etc/ldap/schema/inetorgperson.schema\n"
         "modulepath /usr/lib/ldap\nmoduleload back_mdb\n"
         "pidfile "
      << (dir_ / "slapd.pid").string() << "\n"
      << "database mdb\nmaxsize 10485760\nsuffix \"" << kBaseDn << "\"\n"
      << "rootdn \"" << kAdminDn << "\"\nrootpw " << kAdminPassword << "\n"
      << "directory " << (dir_ / "db").string() << "\n";
  std::ofstream seed(dir_ / "seed.ldif");
  seed << "dn: " << kBaseDn
       << "\nobjectClass: dcObject\nobjectClass: organization\no: berth\ndc: berth\n\n"
       << "dn: " << kPeopleDn << "\nobjectClass: organizationalUnit\nou: people\n\n"
       << "dn: " << kGroupsDn << "\nobjectClass: organizationalUnit\nou: groups\n\n";
  for (const User& u : users) {
    seed << "dn: " << UserDn(u.uid) << "\nobjectClass: inetOrgPerson\nuid: " << u.uid
         << "\ncn: " << u.uid << " person\nsn: " << u.uid << "\nmail: " << u.uid
         << "@berth.test\nuserPassword: " << u.password << "\n\n";
  }
  for (const Group& g : groups) {
    seed << "dn: " << GroupDn(g.cn) << "\nobjectClass: groupOfNames\ncn: " << g.cn << "\n";
    for (const std::string& uid : g.member_uids) seed << "member: " << UserDn(uid) << "\n";
    seed << "\n";
  }
  seed.close();
  std::string out;
  if (RunCommand(
          "slapadd -f " + (dir_ / "slapd.conf").string() + " -l " + (dir_ / "seed.ldif").string(),
          &out) != 0) {
    throw std::runtime_error("slapadd failed: " + out);
  }
  port_ = FreePort();
  pid_ = ::fork();
  if (pid_ == 0) {
    FILE* log = std::fopen((dir_ / "slapd.log").c_str(), "a");
    ::dup2(fileno(log), 1);
    ::dup2(fileno(log), 2);
    const std::string url = Url() + "/";
    // -d keeps slapd in the foreground, where the harness can stop it.
    ::execl("/usr/sbin/slapd", "slapd", "-f", (dir_ / "slapd.conf").c_str(), "-h", url.c_str(),
            "-d", "0", nullptr);
    std::_Exit(127);
  }
  // Ready once it listens: slapd opens its listener after loading the database.
  if (WaitUntilListening(port_, std::chrono::seconds(10))) return;
  // A constructor that throws runs no destructor: slapd and its folder must not outlive the test.
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  std::ifstream log(dir_ / "slapd.log");
  std::string tail((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  std::error_code ec;
  fs::remove_all(dir_, ec);
  throw std::runtime_error("slapd did not start within 10 s:\n" +
                           tail.substr(tail.size() > 2000 ? tail.size() - 2000 : 0));
}

Slapd::~Slapd() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::vector<std::string> Slapd::BerthEnv() const {
  return {"BERTH_AUTH_MODE=ldap_auth",
          "BERTH_LDAP_URL=" + Url(),
          std::string("BERTH_LDAP_BASE_DN=") + kPeopleDn,
          std::string("BERTH_LDAP_SEARCH_DN=") + kAdminDn,
          std::string("BERTH_LDAP_SEARCH_PASSWORD=") + kAdminPassword,
          "BERTH_LDAP_UID=uid",
          "BERTH_LDAP_FILTER=(objectClass=inetOrgPerson)",
          std::string("BERTH_LDAP_GROUP_BASE_DN=") + kGroupsDn};
}

}  // namespace berth::testing
