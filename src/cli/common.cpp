// File: src/cli/common.cpp
#include "cli/common.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace writ::cli {

bool StdoutIsTerminal() { return isatty(STDOUT_FILENO) == 1; }
bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

bool UseColor(bool terminal) {
  const char* no = std::getenv("NO_COLOR");
  return terminal && !(no && *no);
}

absl::StatusOr<std::string> ReadText(const std::string& path) {
  if (path == "-") {
    std::ostringstream s;
    s << std::cin.rdbuf();
    return s.str();
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return absl::FailedPreconditionError(absl::StrCat(path, ": is a directory"));
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path, ec))
      return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    return absl::PermissionDeniedError(absl::StrCat(path, ": cannot read (permission denied)"));
  }
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return s.str();
}

std::optional<std::string> DefaultPolicyPath() {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("WRIT_POLICY"); env && *env) candidates.emplace_back(env);
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec)
    candidates.push_back(exe.parent_path().parent_path() /
                         "share/writ/policies/telegram-2024.writ");
  candidates.push_back(fs::path(WRIT_INSTALLED_POLICY_DIR) / "telegram-2024.writ");
  candidates.push_back(fs::path(WRIT_SOURCE_POLICY_DIR) / "telegram-2024.writ");
  for (const auto& c : candidates)
    if (fs::exists(c, ec)) return c.string();
  return std::nullopt;
}

absl::StatusOr<std::vector<std::string>> FindPolicyFiles(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) {
      out.push_back(p);
      continue;
    }
    if (!fs::is_directory(p, ec))
      return absl::NotFoundError(absl::StrCat(p, ": no such file or directory"));
    for (auto it = fs::recursive_directory_iterator(p, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file() && it->path().extension() == ".writ")
        out.push_back(it->path().string());
    }
    if (ec) return absl::PermissionDeniedError(absl::StrCat(p, ": ", ec.message()));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace writ::cli
