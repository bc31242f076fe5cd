// File: src/cli/common.cpp
#include "cli/common.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/read_file.hpp"

namespace writ::cli {

bool StdoutIsTerminal() { return isatty(STDOUT_FILENO) == 1; }
bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

bool UseColor(bool terminal) {
  const char* no = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return terminal && !(no && *no) && !(term && std::string_view(term) == "dumb");
}

absl::StatusOr<std::string> ReadText(const std::string& path, size_t max_bytes) {
  if (path == "-") {
    std::string out;
    char buf[1 << 16];
    while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
      out.append(buf, static_cast<size_t>(std::cin.gcount()));
      if (out.size() > max_bytes)
        return absl::FailedPreconditionError(
            absl::StrCat("standard input is over ", max_bytes, " bytes, the limit"));
    }
    if (std::cin.bad()) return absl::DataLossError("cannot read standard input");
    return out;
  }
  detail::ReadLimits limits;
  limits.max_bytes = max_bytes;
  limits.allow_pipes = true;  // `writ eval <(generate)`
  absl::StatusOr<std::string> text = detail::ReadFile(path, limits);
  if (!text.ok()) {
    // The library's messages say "cannot read 'PATH': ..."; the CLI's
    // callers prefix "writ: ".
    return text.status();
  }
  return text;
}

absl::Status ReplaceFile(const std::string& path, std::string_view text) {
  namespace fs = std::filesystem;
  // Written beside the file, then renamed over it: a reader (a policy store
  // reloading it) sees the old text or the new, never a part, and a full
  // disk leaves the old file as it was.
  const std::string tmp = path + ".writ-tmp";
  {
    std::ofstream w(tmp, std::ios::binary | std::ios::trunc);
    w.write(text.data(), static_cast<std::streamsize>(text.size()));
    w.flush();
    if (!w) {
      std::error_code ec;
      fs::remove(tmp, ec);
      return absl::DataLossError(
          absl::StrCat(path, ": cannot write (", std::strerror(errno), "); the file is unchanged"));
    }
  }
  std::error_code ec;
  fs::permissions(tmp, fs::status(path, ec).permissions(), ec);
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return absl::DataLossError(absl::StrCat(path, ": cannot replace: ", ec.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> DefaultPolicyPath() {
  namespace fs = std::filesystem;
  std::error_code ec;
  // WRIT_POLICY names the policy outright: if it cannot be read, that is an
  // error, never a quiet fall back to the bundled policy.
  if (const char* env = std::getenv("WRIT_POLICY"); env && *env) {
    if (fs::is_regular_file(env, ec)) return std::string(env);
    return absl::NotFoundError(
        absl::StrCat("WRIT_POLICY names '", env, "', which ",
                     fs::exists(env, ec) ? "is not a regular file" : "does not exist"));
  }
  std::vector<fs::path> candidates;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec)
    candidates.push_back(exe.parent_path().parent_path() /
                         "share/writ/policies/telegram-2024.writ");
  candidates.push_back(fs::path(WRIT_INSTALLED_POLICY_DIR) / "telegram-2024.writ");
  candidates.push_back(fs::path(WRIT_SOURCE_POLICY_DIR) / "telegram-2024.writ");
  for (const auto& c : candidates)
    if (fs::exists(c, ec)) return c.string();
  return absl::NotFoundError(
      "no --policy given, WRIT_POLICY is not set, and the bundled default policy is not "
      "installed");
}

// Folders a search for policies passes over: hidden ones (.git), `testdata`
// (deliberately broken fixtures, as `go test ./...` passes over them) and
// CMake build trees (generated benchmark policies).
bool SkippedDirectory(const std::filesystem::path& dir) {
  const std::string name = dir.filename().string();
  std::error_code ec;
  return (name.size() > 1 && name[0] == '.') || name == "testdata" ||
         std::filesystem::exists(dir / "CMakeCache.txt", ec);
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
      if (it->is_directory() && SkippedDirectory(it->path())) {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file() && it->path().extension() == ".writ")
        out.push_back(it->path().string());
    }
    if (ec) return absl::PermissionDeniedError(absl::StrCat(p, ": ", ec.message()));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::shared_ptr<const Policy> LoadForAnalysis(const std::string& path, const char* command) {
  if (Decider::IsHistoryFile(path)) {
    std::cerr << "writ " << command << ": '" << path << "' is a history; give one of its versions"
              << (std::string_view(command) == "diff"
                      ? ", or the history alone to compare each version with the next\n"
                      : "\n");
    return nullptr;
  }
  auto loaded = Policy::Load(path);
  if (loaded.ok()) return *loaded;
  // InvalidArgument carries rendered diagnostics; anything else is a read error.
  if (loaded.status().code() == absl::StatusCode::kInvalidArgument) {
    const absl::string_view message = loaded.status().message();
    std::cerr << message << (message.empty() || message.back() == '\n' ? "" : "\n") << "writ "
              << command << ": '" << path << "' does not check; fix it first\n";
  } else {
    std::cerr << "writ: " << loaded.status().message() << "\n";
  }
  return nullptr;
}

int OpenRequestInput(const std::string& path, detail::FileDescriptor& holder) {
  if (path == "-") return 0;
  detail::ReadLimits limits;
  limits.max_bytes = std::numeric_limits<size_t>::max();
  limits.allow_pipes = true;  // `writ eval <(generate)`
  absl::StatusOr<detail::FileDescriptor> opened = detail::OpenFile(path, limits);
  if (!opened.ok()) {
    std::cerr << "writ: " << opened.status().message() << "\n";
    return -1;
  }
  holder = std::move(*opened);
  return holder.get();
}

}  // namespace writ::cli
