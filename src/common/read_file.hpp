// File: src/common/read_file.hpp (internal)
//
// Reading a policy, an imported file, a test's request file or a request
// input from disk, bounded and with errors that name the file and say what
// is wrong with it: it is stat-ed before it is read, only regular files are
// read (a FIFO would block a reload, /dev/zero would never end) unless pipes
// are allowed, at most the limit plus one byte is read, and read errors
// (EIO from /proc/self/mem) are errors, not an empty file.
#ifndef WRIT_SRC_COMMON_READ_FILE_HPP_
#define WRIT_SRC_COMMON_READ_FILE_HPP_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace writ::detail {

struct ReadLimits {
  size_t max_bytes = size_t{16} << 20;
  bool allow_pipes = false;  // FIFOs and pipes, read to their end (request inputs)
};

// A file descriptor, closed when it goes.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd = -1) : fd_(fd) {}
  FileDescriptor(FileDescriptor&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  FileDescriptor& operator=(FileDescriptor&& o) noexcept;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor();
  int get() const { return fd_; }

 private:
  int fd_;
};

// The file opened for reading after the checks ReadFile makes (a regular
// file within the limit, or a pipe if allowed; a pipe is left blocking), for
// a reader that streams it.
absl::StatusOr<FileDescriptor> OpenFile(const std::string& path, const ReadLimits& limits = {});

// The whole file. NotFound, PermissionDenied, FailedPrecondition (a
// directory, a device, a symlink loop, too large) or DataLoss (a read error),
// each with a message that names `path`.
absl::StatusOr<std::string> ReadFile(const std::string& path, const ReadLimits& limits = {});

}  // namespace writ::detail

#endif  // WRIT_SRC_COMMON_READ_FILE_HPP_
