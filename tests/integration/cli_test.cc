// The berth command line and `make run` as a new user meets them: where settings come from, one
// server per data folder, engines that cannot be used, and a lost password reset.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/scoped_temp_dir.h"
#include "tests/integration/harness.h"

namespace berth::testing {
namespace {

namespace fs = std::filesystem;

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// Polls until `url` answers at all; false once `pid` has exited (or after 15 minutes: `make run`
// may first build berth, as it does under the sanitizer preset, whose build is another folder).
bool Answers(const std::string& url, pid_t pid) {
  for (int i = 0; i < 9000; ++i) {
    if (Http("GET", url, "", kAnonymous).status != 0) return true;
    if (::waitpid(pid, nullptr, WNOHANG) == pid) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

TEST(CliTest, MakeRunPassesOnlyWhatTheUserSet) {
  ScopedTempDir dir;
  const int from_env = FreePort();
  const int from_file = FreePort();
  const fs::path config = dir.path() / "berth.yml";
  std::ofstream(config) << "listen: 127.0.0.1:" << from_file << "\n"
                        << "data_dir: " << (dir.path() / "from-file").string() << "\n";
  // The environment beats the file; what is in neither keeps its default.
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setsid();
    ::setenv("BERTH_LISTEN", ("127.0.0.1:" + std::to_string(from_env)).c_str(), 1);
    ::setenv("BERTH_ADMIN_PASSWORD", kAdminPassword, 1);
    const std::string log = (dir.path() / "make.log").string();
    ::execl("/bin/sh", "sh", "-c",
            ("exec make -s -C " + Quote(SourceDir()) + " run CONFIG=" + Quote(config.string()) +
             " > " + Quote(log) + " 2>&1")
                .c_str(),
            nullptr);
    std::_Exit(127);
  }
  const bool up = Answers("http://127.0.0.1:" + std::to_string(from_env) + "/v2/", pid);
  ::kill(-pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
  std::string log;
  std::ifstream in(dir.path() / "make.log");
  log.assign(std::istreambuf_iterator<char>(in), {});
  EXPECT_TRUE(up) << log;
  EXPECT_TRUE(fs::exists(dir.path() / "from-file" / "berth.db")) << log;
  EXPECT_EQ(Http("GET", "http://127.0.0.1:" + std::to_string(from_file) + "/v2/").status, 0);
}

TEST(CliTest, ASecondServerOnOneDataFolderExitsNamingTheHolder) {
  BerthServer first;
  std::string out;
  const int rc = RunCommand(std::string(BERTH_BINARY) + " serve --listen 127.0.0.1:0 --data " +
                                first.data_dir().string() + " 2>&1",
                            &out);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find(first.data_dir().string()), std::string::npos) << out;
  EXPECT_NE(out.find("PID " + std::to_string(first.pid())), std::string::npos) << out;
  EXPECT_EQ(Http("GET", first.Url("/v2/")).status, 200) << "the first server is unharmed";
  // Once the first has stopped, the folder is free.
  first.Stop();
  BerthServer second;
  EXPECT_EQ(Http("GET", second.Url("/v2/")).status, 200);
}

// An engine named wrongly or out of reach ends the start with one line that says which, and
// does not print the database's password.
TEST(CliTest, AnEngineThatCannotBeUsedEndsStartUpWithOneLineSayingWhich) {
  const std::string closed = "127.0.0.1:" + std::to_string(FreePort());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"BERTH_DATABASE_DRIVER=postgres BERTH_DATABASE_URL=mysql://u:secret@h/db",
       "is not a PostgreSQL connection URL"},
      {"BERTH_DATABASE_DRIVER=postgres BERTH_DATABASE_URL=postgresql://u:secret@" + closed + "/db",
       "cannot connect to PostgreSQL at postgresql://u:***@" + closed + "/db"},
      {"BERTH_STORAGE_DRIVER=s3 BERTH_STORAGE_S3_ENDPOINT=http://" + closed +
           " BERTH_STORAGE_S3_BUCKET=b",
       "cannot reach the object store"},
      {"BERTH_STORAGE_DRIVER=s3 BERTH_STORAGE_S3_ENDPOINT=http://" + closed,
       "storage.s3.bucket is empty"},
      {"BERTH_STORAGE_DRIVER=s3 BERTH_STORAGE_S3_ENDPOINT=ftp://x BERTH_STORAGE_S3_BUCKET=b",
       "storage.s3.endpoint ftp://x is not an http:// or https:// URL"},
  };
  for (const auto& [env, says] : cases) {
    ScopedTempDir dir;
    std::string out;
    const int rc = RunCommand("env " + env + " " + BERTH_BINARY + " serve --listen 127.0.0.1:0 --data " +
                                  (dir.path() / "data").string(),
                              &out);
    EXPECT_EQ(rc, 1) << env << "\n" << out;
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << env << "\n" << out;
    EXPECT_NE(out.find(says), std::string::npos) << env << "\n" << out;
    EXPECT_EQ(out.find("secret"), std::string::npos) << out;
  }
}

TEST(CliTest, AResetPasswordLetsTheUserInAgainAndLiftsTheFreeze) {
  BerthServer server({"BERTH_LOCKOUT_THRESHOLD=2", "BERTH_LOCKOUT_BASE=1h"});
  const std::string token_url = server.Url("/service/token?service=harbor-registry");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Http("GET", token_url, "", {BasicAuth("admin", "Forgotten1")}).status, 401);
  }
  EXPECT_EQ(Http("GET", token_url, "", {BasicAuth("admin", kAdminPassword)}).status, 401)
      << "frozen";
  const std::string reset = std::string(BERTH_BINARY) + " user reset-password --data " +
                            server.data_dir().string() + " ";
  std::string out;
  EXPECT_EQ(RunCommand("echo weak | " + reset + "admin 2>&1", &out), 1) << out;
  EXPECT_NE(out.find("password"), std::string::npos) << out;
  EXPECT_EQ(RunCommand("echo Passw0rd1 | " + reset + "nobody 2>&1", &out), 1) << out;
  // While the server runs: it takes the new password at once.
  ASSERT_EQ(RunCommand("echo Remembered2 | " + reset + "admin 2>&1", &out), 0) << out;
  EXPECT_EQ(Http("GET", token_url, "", {BasicAuth("admin", "Remembered2")}).status, 200);
  EXPECT_EQ(Http("GET", token_url, "", {BasicAuth("admin", kAdminPassword)}).status, 401);
  // BERTH_ADMIN_PASSWORD on a later start changes nothing, and the log says so.
  server.Restart();
  EXPECT_EQ(Http("GET", token_url, "", {BasicAuth("admin", "Remembered2")}).status, 200);
  EXPECT_NE(server.Log().find("applies to the first start only"), std::string::npos);
}

}  // namespace
}  // namespace berth::testing
