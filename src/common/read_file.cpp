// File: src/common/read_file.cpp
#include "common/read_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace writ::detail {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return absl::FailedPreconditionError(absl::StrCat("'", path, "' is a directory"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path, ec)) {
      return absl::NotFoundError(absl::StrCat("cannot read '", path, "': no such file"));
    }
    return absl::PermissionDeniedError(absl::StrCat("cannot read '", path, "': permission denied"));
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace writ::detail
