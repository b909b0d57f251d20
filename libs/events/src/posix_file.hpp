#pragma once
// The few POSIX file operations the file log needs, with errors as values that name the file.
#include <sys/types.h>
#include <sys/uio.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "concord/core/error.hpp"

namespace concord::events::detail {

// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }
  int release();
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// An Error (LogFailure::unavailable) saying what failed on which file, with strerror(err).
Error io_error(std::string_view what, const std::filesystem::path& path, int err);

Result<Fd> open_file(const std::filesystem::path& path, int flags, mode_t mode = 0644);
Result<off_t> file_size(int fd, const std::filesystem::path& path);
// Writes every byte at `offset` (retrying short writes and EINTR).
Status write_at(int fd, const std::filesystem::path& path, std::vector<iovec> parts, off_t offset);
// Reads up to `size` bytes at `offset`; fewer only at the end of the file.
Result<size_t> read_at(int fd, const std::filesystem::path& path, void* buffer, size_t size, off_t offset);
Status truncate_to(int fd, const std::filesystem::path& path, off_t size);
Status sync_data(int fd, const std::filesystem::path& path);  // fdatasync
Status sync_directory(const std::filesystem::path& dir);
// Replaces `path` with `content` so that a crash leaves the old or the new file, never a mix:
// write a temporary beside it, fsync it, rename it over, fsync the directory. `renamed` tells a
// failure before the rename (nothing changed) from one after it (the new file may or may not
// survive a crash).
Status replace_file_atomically(const std::filesystem::path& path, std::string_view content, bool* renamed = nullptr);

}  // namespace concord::events::detail
