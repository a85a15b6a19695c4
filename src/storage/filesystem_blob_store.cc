#include "storage/filesystem_blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "storage/paths.h"

namespace berth {
namespace {

namespace fs = std::filesystem;

// A full disk is the operator's to fix, not a fault of Berth's: it gets its own code (507).
ErrorCode IoErrorCode(int error) {
  return error == ENOSPC || error == EDQUOT ? ErrorCode::kStorageFull : ErrorCode::kInternal;
}

tl::unexpected<Error> IoError(const std::string& what, const fs::path& path) {
  return Fail(IoErrorCode(errno), what + " " + path.string() + ": " + std::strerror(errno));
}

class FileReader : public BlobReader {
 public:
  FileReader(int fd, uint64_t size) : fd_(fd), size_(size) {}
  ~FileReader() override { ::close(fd_); }
  uint64_t size() const override { return size_; }
  int fd() const override { return fd_; }
  Result<size_t> ReadAt(uint64_t offset, std::span<char> out) override {
    ssize_t n;
    do {
      n = ::pread(fd_, out.data(), out.size(), static_cast<off_t>(offset));
    } while (n < 0 && errno == EINTR);
    if (n < 0) return Fail(ErrorCode::kInternal, std::string("read: ") + std::strerror(errno));
    return static_cast<size_t>(n);
  }

 private:
  int fd_;
  uint64_t size_;
};

Status SyncPath(const fs::path& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return IoError("open", path);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return IoError("fsync", path);
  return {};
}

class FileWriter : public UploadWriter {
 public:
  FileWriter(fs::path root, std::string uuid, int fd, uint64_t size)
      : root_(std::move(root)), uuid_(std::move(uuid)), fd_(fd), size_(size), flushed_(size) {}
  ~FileWriter() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Append(std::span<const char> bytes) override {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Fail(IoErrorCode(errno), std::string("write: ") + std::strerror(errno));
      bytes = bytes.subspan(static_cast<size_t>(n));
      size_ += static_cast<uint64_t>(n);
    }
    // Start writing back what has accumulated, without waiting, so that the fsync at commit
    // finds little left to do instead of a whole blob's worth of dirty pages.
    if (size_ - flushed_ >= kWritebackBytes) {
      ::sync_file_range(fd_, static_cast<off_t>(flushed_), static_cast<off_t>(size_ - flushed_),
                        SYNC_FILE_RANGE_WRITE);
      flushed_ = size_;
    }
    return {};
  }

  // One node owns the folder: what is written is where the next writer finds it.
  Result<std::string> Flush() override { return std::string(); }

  Status Commit(const Digest& digest) override {
    const fs::path from = UploadPath(root_, uuid_);
    const fs::path to = BlobPath(root_, digest);
    const int rc = ::fsync(fd_);
    ::close(fd_);
    fd_ = -1;
    if (rc != 0) return IoError("fsync", from);
    std::error_code ec;
    fs::create_directories(to.parent_path(), ec);
    if (ec) {
      return Fail(IoErrorCode(ec.value()),
                  "mkdir " + to.parent_path().string() + ": " + ec.message());
    }
    // Same digest, same bytes: replacing a blob that a concurrent push committed first is
    // harmless.
    if (::rename(from.c_str(), to.c_str()) != 0) return IoError("rename", from);
    if (auto s = SyncPath(to.parent_path(), O_RDONLY | O_DIRECTORY); !s) return s;
    fs::remove_all(UploadDir(root_, uuid_), ec);
    return {};
  }

 private:
  static constexpr uint64_t kWritebackBytes = 8 << 20;
  const fs::path root_;
  const std::string uuid_;
  int fd_;
  uint64_t size_;
  uint64_t flushed_;
};

Result<std::unique_ptr<BlobReader>> OpenReader(const fs::path& path, ErrorCode missing) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Fail(missing);
    return IoError("open", path);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return IoError("stat", path);
  }
  return std::make_unique<FileReader>(fd, static_cast<uint64_t>(st.st_size));
}

}  // namespace

FilesystemBlobStore::FilesystemBlobStore(fs::path root) : root_(std::move(root)) {
  fs::create_directories(root_ / "blobs");
  fs::create_directories(UploadsRoot(root_));
}

Result<uint64_t> FilesystemBlobStore::Stat(const Digest& digest) {
  struct stat st {};
  fs::path path = BlobPath(root_, digest);
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Fail(ErrorCode::kBlobUnknown);
    return IoError("stat", path);
  }
  return static_cast<uint64_t>(st.st_size);
}

Result<std::unique_ptr<BlobReader>> FilesystemBlobStore::Open(const Digest& digest) {
  return OpenReader(BlobPath(root_, digest), ErrorCode::kBlobUnknown);
}

Status FilesystemBlobStore::Delete(const Digest& digest) {
  fs::path path = BlobPath(root_, digest);
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return Fail(ErrorCode::kBlobUnknown);
    return IoError("unlink", path);
  }
  return {};
}

Result<std::vector<StoredBlob>> FilesystemBlobStore::ListBlobs() {
  std::vector<StoredBlob> out;
  const fs::path top = root_ / "blobs";
  std::error_code ec;
  if (!fs::exists(top, ec)) return out;
  // blobs/<algorithm>/<first two hex>/<hex>
  for (auto it = fs::recursive_directory_iterator(top, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it.depth() != 2 || !it->is_regular_file(ec)) continue;
    const fs::path& path = it->path();
    auto digest = Digest::Parse(path.parent_path().parent_path().filename().string() + ":" +
                                path.filename().string());
    if (!digest) continue;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) continue;  // deleted since it was listed
    out.push_back({*digest, static_cast<uint64_t>(st.st_size), static_cast<int64_t>(st.st_mtime)});
  }
  if (ec) return Fail(ErrorCode::kInternal, "cannot list " + top.string() + ": " + ec.message());
  return out;
}

Result<std::string> FilesystemBlobStore::CreateUpload(const std::string& uuid) {
  fs::path dir = UploadDir(root_, uuid);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Fail(ErrorCode::kInternal, "mkdir " + dir.string() + ": " + ec.message());
  fs::path path = UploadPath(root_, uuid);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("create", path);
  ::close(fd);
  return std::string();
}

Result<uint64_t> FilesystemBlobStore::UploadSize(const std::string& uuid, const std::string&) {
  struct stat st {};
  fs::path path = UploadPath(root_, uuid);
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Fail(ErrorCode::kBlobUploadUnknown);
    return IoError("stat", path);
  }
  return static_cast<uint64_t>(st.st_size);
}

Result<std::unique_ptr<UploadWriter>> FilesystemBlobStore::OpenUploadWriter(const std::string& uuid,
                                                                            const std::string&) {
  fs::path path = UploadPath(root_, uuid);
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Fail(ErrorCode::kBlobUploadUnknown);
    return IoError("open", path);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return IoError("stat", path);
  }
  return std::make_unique<FileWriter>(root_, uuid, fd, static_cast<uint64_t>(st.st_size));
}

Result<std::unique_ptr<BlobReader>> FilesystemBlobStore::OpenUploadReader(const std::string& uuid,
                                                                          const std::string&) {
  return OpenReader(UploadPath(root_, uuid), ErrorCode::kBlobUploadUnknown);
}

Status FilesystemBlobStore::DeleteUpload(const std::string& uuid) {
  std::error_code ec;
  fs::remove_all(UploadDir(root_, uuid), ec);
  if (ec) return Fail(ErrorCode::kInternal, "remove upload " + uuid + ": " + ec.message());
  return {};
}

Result<std::vector<std::string>> FilesystemBlobStore::ListUploads() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(UploadsRoot(root_), ec)) {
    names.push_back(entry.path().filename().string());
  }
  if (ec) return Fail(ErrorCode::kInternal, "list uploads: " + ec.message());
  return names;
}

}  // namespace berth
