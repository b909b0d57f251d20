#include "secret_file.hpp"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string_view>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "concord/auth/jwt.hpp"
#include "concord/crypto/crypto.hpp"

namespace concord::auth::detail {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kMaxFileBytes = 4096;

struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Error problem(const fs::path& path, const std::string& what) {
  return Error::internal("CONCORD_JWT_SECRET is unset and the embedded secret '" + path.string() + "' " + what);
}

Error system_problem(const fs::path& path, const std::string& what, int err) {
  return problem(path, what + ": " + std::strerror(err));
}

// nullopt: the file does not exist yet.
Result<std::optional<std::string>> read_secret(const fs::path& path) {
  Fd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (file.fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>{};
    return fail(system_problem(path, "cannot be opened", errno));
  }
  struct stat st {};
  if (::fstat(file.fd, &st) != 0) return fail(system_problem(path, "cannot be examined", errno));
  if (!S_ISREG(st.st_mode)) return fail(problem(path, "is not a regular file"));
  if ((st.st_mode & 077) != 0) return fail(problem(path, "is accessible to other users; make it mode 0600"));
  std::string text(kMaxFileBytes, '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    auto n = ::read(file.fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(system_problem(path, "cannot be read", errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  if (text.size() < kMinHs256SecretBytes)
    return fail(problem(path, "is shorter than 32 bytes; delete it to have a new one generated"));
  return std::optional<std::string>{std::move(text)};
}

Status write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    auto n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Error::internal(std::strerror(errno)));
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

// Publishes `from` as `to` unless `to` exists. false: somebody else published first.
Result<bool> publish_without_replacing(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
  int err = errno;
  if (err == EINVAL || err == ENOSYS) {  // a file system without RENAME_NOREPLACE: link() never replaces either
    if (::link(from.c_str(), to.c_str()) == 0) {
      ::unlink(from.c_str());
      return true;
    }
    err = errno;
  }
  ::unlink(from.c_str());
  if (err == EEXIST) return false;
  return fail(system_problem(to, "cannot be created", err));
}

Result<std::string> create_secret(const fs::path& path) {
  std::string random;
  std::string suffix;
  try {
    random = crypto::random_bytes(kSecretBytes);
    suffix = crypto::random_bytes(8);
  } catch (const std::runtime_error&) {
    return fail(problem(path, "cannot be generated: no random bytes"));
  }
  std::string secret = crypto::to_hex(random);
  fs::path temporary = path;
  temporary += ".tmp-" + crypto::to_hex(suffix);
  {
    Fd file(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (file.fd < 0) return fail(system_problem(temporary, "cannot be created", errno));
    Status ok = write_all(file.fd, secret + "\n");
    if (ok && (::fchmod(file.fd, 0600) != 0 || ::fsync(file.fd) != 0)) ok = fail(Error::internal(std::strerror(errno)));
    if (!ok) {
      ::unlink(temporary.c_str());
      return fail(problem(temporary, "cannot be written: " + ok.error().detail));
    }
  }
  auto published = publish_without_replacing(temporary, path);
  if (!published) return fail(published.error());
  if (!*published) return std::string{};  // another process was first; the caller reads theirs
  Fd dir(::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.fd >= 0) ::fsync(dir.fd);  // make the new name durable
  return secret;
}

}  // namespace

Result<std::string> embedded_secret(const std::string& data_dir) {
  if (data_dir.empty())
    return fail(
        Error::internal("CONCORD_JWT_SECRET is unset and there is no data directory to keep an embedded secret in"));
  fs::path dir(data_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return fail(Error::internal("CONCORD_JWT_SECRET is unset and the data directory '" + data_dir +
                                "' cannot be created: " + ec.message()));
  auto path = dir / "jwt-secret";
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto existing = read_secret(path);
    if (!existing) return fail(existing.error());
    if (*existing) return std::move(**existing);
    auto created = create_secret(path);
    if (!created) return fail(created.error());
    if (!created->empty()) return created;
  }
  return fail(problem(path, "cannot be read back after it was created"));
}

}  // namespace concord::auth::detail
