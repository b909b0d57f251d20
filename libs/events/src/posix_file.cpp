#include "posix_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "concord/events/event_log.hpp"

namespace concord::events::detail {

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

int Fd::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

Error io_error(std::string_view what, const std::filesystem::path& path, int err) {
  return log_error(LogFailure::unavailable, std::string(what) + " " + path.string() + " failed: " + std::strerror(err));
}

Result<Fd> open_file(const std::filesystem::path& path, int flags, mode_t mode) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return fail(io_error("opening", path, errno));
  return Fd(fd);
}

Result<off_t> file_size(int fd, const std::filesystem::path& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(io_error("reading the size of", path, errno));
  return st.st_size;
}

Status write_at(int fd, const std::filesystem::path& path, std::vector<iovec> parts, off_t offset) {
  size_t first = 0;
  while (first < parts.size()) {
    int count = static_cast<int>(std::min<size_t>(parts.size() - first, IOV_MAX));
    ssize_t n = ::pwritev(fd, parts.data() + first, count, offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(io_error("writing", path, errno));
    }
    offset += n;
    auto left = static_cast<size_t>(n);
    while (first < parts.size() && left >= parts[first].iov_len) left -= parts[first++].iov_len;
    if (left > 0) {
      parts[first].iov_base = static_cast<char*>(parts[first].iov_base) + left;
      parts[first].iov_len -= left;
    }
    while (first < parts.size() && parts[first].iov_len == 0) ++first;
  }
  return {};
}

Result<size_t> read_at(int fd, const std::filesystem::path& path, void* buffer, size_t size, off_t offset) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, static_cast<char*>(buffer) + done, size - done, offset + static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(io_error("reading", path, errno));
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

Status truncate_to(int fd, const std::filesystem::path& path, off_t size) {
  while (::ftruncate(fd, size) != 0) {
    if (errno != EINTR) return fail(io_error("truncating", path, errno));
  }
  return {};
}

Status sync_data(int fd, const std::filesystem::path& path) {
  if (::fdatasync(fd) != 0) return fail(io_error("syncing", path, errno));
  return {};
}

Status sync_directory(const std::filesystem::path& dir) {
  auto fd = open_file(dir, O_RDONLY | O_DIRECTORY);
  if (!fd) return fail(fd.error());
  if (::fsync(fd->get()) != 0) return fail(io_error("syncing the directory", dir, errno));
  return {};
}

Status replace_file_atomically(const std::filesystem::path& path, std::string_view content, bool* renamed) {
  if (renamed) *renamed = false;
  auto temp = path;
  temp += ".tmp";
  {
    auto fd = open_file(temp, O_WRONLY | O_CREAT | O_TRUNC);
    if (!fd) return fail(fd.error());
    iovec part{const_cast<char*>(content.data()), content.size()};
    if (auto st = write_at(fd->get(), temp, {part}, 0); !st) return st;
    if (::fsync(fd->get()) != 0) return fail(io_error("syncing", temp, errno));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) return fail(io_error("renaming onto", path, errno));
  if (renamed) *renamed = true;
  return sync_directory(path.parent_path());
}

}  // namespace concord::events::detail
