// File: src/api/policy_store.cpp — reloading a consistent snapshot of the
// policy files, and the atomic swap of the serving policy.
#include "writ/policy_store.hpp"

#include <sys/stat.h>

#include <map>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/read_file.hpp"
#include "parser/parser.hpp"

namespace writ {

namespace {

// What identifies one version of a file: a rename puts a new inode in
// place, a rewrite changes the size or the modification time.
struct FileVersion {
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileVersion& o) const {
    return exists == o.exists && dev == o.dev && ino == o.ino && size == o.size &&
           mtime_ns == o.mtime_ns;
  }
};

FileVersion VersionOf(const std::string& path) {
  struct stat st;
  FileVersion v;
  if (stat(path.c_str(), &st) != 0) return v;
  v.exists = true;
  v.dev = st.st_dev;
  v.ino = st.st_ino;
  v.size = st.st_size;
  v.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
  return v;
}

}  // namespace

PolicyStore::PolicyStore(std::string root_path, LoadOptions options)
    : root_path_(std::move(root_path)), options_(std::move(options)) {}

absl::Status PolicyStore::Reload() {
  std::lock_guard<std::mutex> lock(reload_mu_);
  if (options_.reader) {
    // Files served by the embedder: their consistency is theirs.
    auto loaded = LoadRoot(options_);
    if (!loaded.ok()) return loaded.status();
    Swap(std::move(loaded->policy), std::move(loaded->history));
    return absl::OkStatus();
  }
  // From the file system: every file's version is noted before it is read
  // and checked again once the whole policy is loaded. A file rewritten in
  // between (a writer in the middle of saving it) fails the attempt, so a
  // torn mixture of old and new files is never served.
  constexpr int kAttempts = 3;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::map<std::string, FileVersion> seen;
    LoadOptions options = options_;
    detail::ReadLimits limits;
    limits.max_bytes = options_.max_file_bytes;
    options.reader = [&seen, limits](const std::string& path) {
      seen[path] = VersionOf(path);
      return detail::ReadFile(path, limits);
    };
    auto loaded = LoadRoot(options);
    bool stable = true;
    for (const auto& [path, before] : seen) stable &= VersionOf(path) == before;
    if (!stable) continue;
    if (!loaded.ok()) return loaded.status();
    Swap(std::move(loaded->policy), std::move(loaded->history));
    return absl::OkStatus();
  }
  return absl::UnavailableError(absl::StrCat(
      "the files of '", root_path_, "' changed while being read, ", kAttempts,
      " times; the current policy keeps serving. Publish a policy by writing it to a new file "
      "and renaming that over the old one (docs/robustness.md)"));
}

absl::StatusOr<PolicyStore::Loaded> PolicyStore::LoadRoot(const LoadOptions& given) const {
  // The root is read once: telling a history from a policy and loading it
  // see the same text.
  LoadOptions options = given;
  detail::ReadLimits limits;
  limits.max_bytes = given.max_file_bytes;
  detail::FileReader read = given.reader ? given.reader : [limits](const std::string& p) {
    return detail::ReadFile(p, limits);
  };
  auto root = std::make_shared<std::optional<absl::StatusOr<std::string>>>();
  options.reader = [read, root, path = root_path_](const std::string& p) {
    if (p != path) return read(p);
    if (!*root) *root = read(p);
    return **root;
  };
  absl::StatusOr<bool> history = PolicyHistory::IsHistory(root_path_, options);
  if (!history.ok()) return history.status();
  Loaded out;
  if (*history) {
    auto loaded = PolicyHistory::Load(root_path_, options);
    if (!loaded.ok()) return loaded.status();
    out.history = *std::move(loaded);
  } else {
    auto loaded = Policy::Load(root_path_, options);
    if (!loaded.ok()) return loaded.status();
    out.policy = *std::move(loaded);
  }
  return out;
}

void PolicyStore::Set(std::shared_ptr<const Policy> policy) {
  std::lock_guard<std::mutex> lock(reload_mu_);
  Swap(std::move(policy), nullptr);
}

void PolicyStore::Set(std::shared_ptr<const PolicyHistory> history) {
  std::lock_guard<std::mutex> lock(reload_mu_);
  Swap(nullptr, std::move(history));
}

void PolicyStore::Swap(std::shared_ptr<const Policy> policy,
                       std::shared_ptr<const PolicyHistory> history) {
  {
    std::unique_lock<std::shared_mutex> lock(current_mu_);
    current_.swap(policy);
    current_history_.swap(history);
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  // `policy` and `history` now hold the old ones: they are freed here,
  // outside the lock (or later, by the last reader still holding them).
}

}  // namespace writ
