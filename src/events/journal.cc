#include "events/journal.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace berth {
namespace {

// The header: magic, then the offset up to which records have been read.
constexpr char kMagic[8] = {'B', 'E', 'R', 'T', 'H', 'J', 'N', '1'};
constexpr uint64_t kHeaderSize = sizeof kMagic + sizeof(uint64_t);
constexpr size_t kScanSize = size_t{1} << 20;

// pread or pwrite until all of `size` is done: either may do less than it is asked.
template <class Io, class Byte>
bool Whole(Io io, int fd, Byte* data, size_t size, uint64_t offset) {
  while (size > 0) {
    const ssize_t n = io(fd, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return true;
}

bool ReadAt(int fd, char* data, size_t size, uint64_t offset) {
  return Whole(::pread, fd, data, size, offset);
}

bool WriteAt(int fd, const char* data, size_t size, uint64_t offset) {
  return Whole(::pwrite, fd, data, size, offset);
}

bool WriteHeader(int fd, uint64_t read_offset) {
  char header[kHeaderSize];
  std::memcpy(header, kMagic, sizeof kMagic);
  std::memcpy(header + sizeof kMagic, &read_offset, sizeof read_offset);
  return WriteAt(fd, header, sizeof header, 0);
}

}  // namespace

size_t RecordSize(std::string_view in) {
  uint32_t size;
  if (in.size() < sizeof size) return 0;
  std::memcpy(&size, in.data(), sizeof size);
  if (size > Journal::kMaxRecord || in.size() - sizeof size < size) return 0;
  return sizeof size + size;
}

size_t WholeRecords(std::string_view in) {
  size_t used = 0;
  while (const size_t size = RecordSize(in.substr(used))) used += size;
  return used;
}

Journal::Journal(std::filesystem::path path) : path_(std::move(path)) {}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

Status Journal::Open() {
  auto failed = [&](std::string_view what) {
    return Fail(ErrorCode::kInternal, "journal " + path_.string() + ": " + std::string(what) +
                                          ": " + std::strerror(errno));
  };
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) return failed("open");
  struct stat st;
  if (::fstat(fd_, &st) != 0) return failed("stat");
  auto size = static_cast<uint64_t>(st.st_size);
  char header[kHeaderSize];
  uint64_t read_offset = kHeaderSize;
  if (size >= kHeaderSize && ReadAt(fd_, header, kHeaderSize, 0) &&
      std::memcmp(header, kMagic, sizeof kMagic) == 0) {
    std::memcpy(&read_offset, header + sizeof kMagic, sizeof read_offset);
    // Past the end only when a process died between starting the file over and saying so.
    if (read_offset < kHeaderSize || read_offset > size) read_offset = kHeaderSize;
  } else {
    if (::ftruncate(fd_, 0) != 0 || !WriteHeader(fd_, kHeaderSize)) return failed("write");
    size = kHeaderSize;
  }
  // A process killed in the middle of an append leaves a torn last record.
  uint64_t end = read_offset;
  std::string chunk;
  while (end < size) {
    chunk.resize(std::min<uint64_t>(kScanSize, size - end));
    if (!ReadAt(fd_, chunk.data(), chunk.size(), end)) return failed("read");
    const size_t used = WholeRecords(chunk);
    if (used == 0) break;
    end += used;
  }
  if (end < size) {
    spdlog::warn("journal {}: {} bytes after the last whole record dropped", path_.string(),
                 size - end);
    if (::ftruncate(fd_, static_cast<off_t>(end)) != 0) return failed("truncate");
  }
  if (end > read_offset)
    spdlog::info("journal {}: {} bytes left by the last run", path_.string(), end - read_offset);
  std::lock_guard lock(mu_);
  read_offset_ = read_offset;
  write_offset_ = end;
  return {};
}

Status Journal::Append(std::string_view records) {
  std::lock_guard lock(mu_);
  // A failed write leaves write_offset_ where it was: the next append overwrites what it left.
  if (!WriteAt(fd_, records.data(), records.size(), write_offset_))
    return Fail(ErrorCode::kInternal,
                "journal " + path_.string() + ": write: " + std::strerror(errno));
  write_offset_ += records.size();
  unread_.notify_all();
  return {};
}

bool Journal::Wait() {
  std::unique_lock lock(mu_);
  unread_.wait(lock, [&] { return stopping_ || read_offset_ < write_offset_; });
  return !stopping_;
}

std::string Journal::Read(size_t max_bytes) {
  uint64_t from, to;
  {
    std::lock_guard lock(mu_);
    from = read_offset_;
    to = std::min<uint64_t>(write_offset_, from + max_bytes);
  }
  // Appends go past `to` and only the reader starts the file over: no lock is needed to read.
  std::string out(to - from, '\0');
  out.resize(ReadAt(fd_, out.data(), out.size(), from) ? WholeRecords(out) : 0);
  if (out.empty() && to > from) {
    // Only whole records are appended: this is a disk failing. Skip what cannot be read.
    spdlog::error("journal {}: {} bytes unreadable, skipped", path_.string(), to - from);
    Advance(to - from);
  }
  return out;
}

void Journal::Advance(size_t bytes) {
  std::lock_guard lock(mu_);
  read_offset_ += bytes;
  if (read_offset_ == write_offset_ && ::ftruncate(fd_, kHeaderSize) == 0)
    read_offset_ = write_offset_ = kHeaderSize;
  if (!WriteHeader(fd_, read_offset_))
    spdlog::error("journal {}: progress not saved: {}", path_.string(), std::strerror(errno));
}

void Journal::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  unread_.notify_all();
}

uint64_t Journal::Unread() {
  std::lock_guard lock(mu_);
  return write_offset_ - read_offset_;
}

}  // namespace berth
