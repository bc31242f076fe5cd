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

// The whole file. NotFound, PermissionDenied, FailedPrecondition (a
// directory, a device, a symlink loop, too large) or DataLoss (a read error),
// each with a message that names `path`.
absl::StatusOr<std::string> ReadFile(const std::string& path, const ReadLimits& limits = {});

}  // namespace writ::detail

#endif  // WRIT_SRC_COMMON_READ_FILE_HPP_
