// Journal: records handed from writers to one reader through a file, so that a backlog costs
// disk rather than memory and survives a restart. A record is framed by its length (a u32,
// native byte order: the file never leaves the machine that wrote it), as EncodeEvent writes
// it. A header keeps how far the reader has come; once it has read everything, the file starts
// over. A reader that dies between handling records and Advance gets them again: at least once.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>

#include "core/result.h"

namespace berth {

class Journal {
 public:
  explicit Journal(std::filesystem::path path);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Opens or creates the file, dropping a torn last record; what a previous process left
  // unread comes first.
  Status Open();
  // Appends whole records.
  Status Append(std::string_view records);
  // Waits until there are unread records (true) or Stop was called (false).
  bool Wait();
  // The whole unread records at the reader's position, at most `max_bytes` of them (which must
  // hold at least one: kMaxRecord and its length); empty when none are unread.
  std::string Read(size_t max_bytes);
  // The reader is done with the first `bytes` of what it read.
  void Advance(size_t bytes);
  void Stop();
  // Bytes written and not yet read past: the backlog.
  uint64_t Unread();

  // Events are short; a longer record is no record.
  static constexpr uint32_t kMaxRecord = uint32_t{64} << 10;

 private:
  const std::filesystem::path path_;
  int fd_ = -1;
  std::mutex mu_;
  std::condition_variable unread_;
  uint64_t read_offset_ = 0;   // guarded by mu_
  uint64_t write_offset_ = 0;  // guarded by mu_
  bool stopping_ = false;      // guarded by mu_
};

// Appends a record whose body `write(out)` appends; false, and nothing appended, when `write`
// fails or the body is longer than a record may be.
template <class Write>
bool AppendRecord(std::string& out, Write write) {
  const size_t start = out.size();
  out.append(sizeof(uint32_t), '\0');
  const bool written = write(out);
  const size_t size = out.size() - start - sizeof(uint32_t);
  if (!written || size > Journal::kMaxRecord) {
    out.resize(start);
    return false;
  }
  const auto size32 = static_cast<uint32_t>(size);
  std::memcpy(out.data() + start, &size32, sizeof size32);
  return true;
}

// The size of the record at the front of `in`, its length included; 0 unless it is whole.
size_t RecordSize(std::string_view in);
// The bytes taken by the whole records at the front of `in`.
size_t WholeRecords(std::string_view in);

}  // namespace berth
