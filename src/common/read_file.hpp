// File: src/common/read_file.hpp (internal)
//
// Reading a policy, an imported file or a test's request file from disk,
// with errors that name the file and say what is wrong with it.
#ifndef WRIT_SRC_COMMON_READ_FILE_HPP_
#define WRIT_SRC_COMMON_READ_FILE_HPP_

#include <string>

#include "absl/status/statusor.h"

namespace writ::detail {

// The whole file. NotFound, PermissionDenied or FailedPrecondition (a
// directory) with a message that names `path`.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace writ::detail

#endif  // WRIT_SRC_COMMON_READ_FILE_HPP_
