#include "core/data_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace berth {

Result<DataDirLock> DataDirLock::Take(const std::filesystem::path& data_dir) {
  const std::filesystem::path path = data_dir / "berth.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Fail(ErrorCode::kInternal,
                "cannot open " + path.string() + ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int why = errno;
    char pid[32] = {};
    const ssize_t n = ::pread(fd, pid, sizeof pid - 1, 0);
    ::close(fd);
    if (why != EWOULDBLOCK) {
      return Fail(ErrorCode::kInternal, "cannot lock " + path.string() + ": " + std::strerror(why));
    }
    std::string holder(pid, n > 0 ? static_cast<size_t>(n) : 0);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    return Fail(ErrorCode::kConflict, "the data folder " + data_dir.string() +
                                          " is in use by another berth (PID " +
                                          (holder.empty() ? "unknown" : holder) + ")");
  }
  const std::string mine = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, mine.data(), mine.size(), 0) < 0) {
    const int why = errno;
    ::close(fd);
    return Fail(ErrorCode::kInternal, "cannot write " + path.string() + ": " + std::strerror(why));
  }
  return DataDirLock(fd);
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace berth
