// File: src/common/read_file.cpp
#include "common/read_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace writ::detail {
namespace {

absl::Status OpenError(const std::string& path, int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(absl::StrCat("cannot read '", path, "': no such file"));
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(
          absl::StrCat("cannot read '", path, "': permission denied"));
    case ELOOP:
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot read '", path, "': too many levels of symbolic links (a symlink loop?)"));
    default:
      return absl::FailedPreconditionError(
          absl::StrCat("cannot read '", path, "': ", std::strerror(err)));
  }
}

const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

absl::Status TooLarge(const std::string& path, uint64_t size, size_t max_bytes) {
  return absl::FailedPreconditionError(absl::StrCat("cannot read '", path, "': it is ",
                                                    size > max_bytes ? "over " : "", max_bytes,
                                                    " bytes, the limit"));
}

}  // namespace

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) close(fd_);
}

absl::StatusOr<FileDescriptor> OpenFile(const std::string& path, const ReadLimits& limits) {
  // Non-blocking, so that opening a FIFO without a writer cannot hang.
  FileDescriptor f(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (f.get() < 0) return OpenError(path, errno);
  struct stat st;
  if (fstat(f.get(), &st) != 0) return OpenError(path, errno);
  const bool pipe = S_ISFIFO(st.st_mode);
  if (S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat("'", path, "' is a directory"));
  }
  if (!S_ISREG(st.st_mode) && !(pipe && limits.allow_pipes)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read '", path, "': it is ", KindOf(st.st_mode), ", not a file"));
  }
  if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > limits.max_bytes)
    return TooLarge(path, static_cast<uint64_t>(st.st_size), limits.max_bytes);
  if (pipe) {
    // A pipe is read to its end: block on it from now on.
    fcntl(f.get(), F_SETFL, fcntl(f.get(), F_GETFL) & ~O_NONBLOCK);
  }
  return f;
}

absl::StatusOr<std::string> ReadFile(const std::string& path, const ReadLimits& limits) {
  absl::StatusOr<FileDescriptor> f = OpenFile(path, limits);
  if (!f.ok()) return f.status();
  struct stat st;
  if (fstat(f->get(), &st) != 0) return OpenError(path, errno);
  auto too_large = [&](uint64_t size) { return TooLarge(path, size, limits.max_bytes); };
  std::string out;
  // The size that stat gives (0 for /proc files), then more as needed, up
  // to the limit plus one byte: one byte past it proves the file too large.
  out.resize(std::min<uint64_t>(static_cast<uint64_t>(st.st_size) + 1, limits.max_bytes + 1));
  size_t have = 0;
  for (;;) {
    if (have == out.size()) {
      if (out.size() > limits.max_bytes) return too_large(out.size());
      out.resize(std::min<size_t>(std::max<size_t>(out.size() * 2, 4096), limits.max_bytes + 1));
    }
    const ssize_t n = read(f->get(), out.data() + have, out.size() - have);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::DataLossError(
          absl::StrCat("cannot read '", path, "': read error: ", std::strerror(errno)));
    }
    if (n == 0) break;
    have += static_cast<size_t>(n);
  }
  if (have > limits.max_bytes) return too_large(have);
  out.resize(have);
  return out;
}

}  // namespace writ::detail
