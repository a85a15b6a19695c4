// The data folder's lock: one server at a time on a folder (its databases and journals are
// not made for two). An flock(2) on <data>/berth.lock, held for the life of the value and
// released by the kernel if the process dies. Not thread-safe.
#pragma once

#include <filesystem>
#include <utility>

#include "core/result.h"

namespace berth {

class DataDirLock {
 public:
  // Takes the lock, writing this process's PID into the file. kConflict, naming the folder and
  // the PID that holds it, when another holds it already.
  static Result<DataDirLock> Take(const std::filesystem::path& data_dir);

  DataDirLock(DataDirLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  DataDirLock& operator=(DataDirLock&&) = delete;
  ~DataDirLock();

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace berth
