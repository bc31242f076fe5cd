// File: policy_store.hpp
//
// `PolicyStore` serves the current policy to many threads while another
// thread reloads it. `Reload()` loads and checks the files and swaps the new
// policy in atomically; a reload that fails keeps the current policy serving
// and returns the diagnostics. Readers never wait for a reload: reading,
// checking and compiling happen outside any lock, and the swap itself is a
// pointer assignment under a reader-writer lock that readers share with each
// other. Readers never see half a policy: `Current()` hands out a shared_ptr
// to one complete policy, alive for as long as the reader holds it. Take it
// once per batch of requests, not once per request, and make the batch's
// requests from it: a request made under the policy before a reload is
// still decided correctly by the new one, but translated first
// (request.hpp), which allocates.
//
// A store whose file is a history (history.hpp) holds a PolicyHistory the
// same way: `CurrentHistory()` serves it and `Current()` is null.
//
// Example:
//   writ::PolicyStore store("policies/telegram-2024.writ");
//   if (absl::Status s = store.Reload(); !s.ok()) return s;   // first load
//   std::shared_ptr<const writ::Policy> p = store.Current();  // any thread
//   writ::Decision d = p->Decide(request);
#ifndef WRIT_POLICY_STORE_HPP_
#define WRIT_POLICY_STORE_HPP_

#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "absl/status/status.h"
#include "writ/export.hpp"
#include "writ/history.hpp"
#include "writ/policy.hpp"

namespace writ {

class WRIT_API PolicyStore {
 public:
  explicit PolicyStore(std::string root_path, LoadOptions options = {});

  // Loads the policy files again. On success the new policy serves from now
  // on; on failure (InvalidArgument with the rendered diagnostics, the read
  // error, or Unavailable when the files kept changing while being read)
  // the current one keeps serving. Reloads are serialized. Every file's
  // version (inode, size, modification time) is checked after the load, so
  // a reload never serves files caught in the middle of being rewritten;
  // publish a policy by renaming a complete file over the old one (a file
  // truncated and rewritten in place can be read between the two).
  absl::Status Reload();
  // Replaces what is served with an already loaded policy or history.
  void Set(std::shared_ptr<const Policy> policy);
  void Set(std::shared_ptr<const PolicyHistory> history);

  // The policy serving now; null before the first successful load, and
  // while the store serves a history.
  std::shared_ptr<const Policy> Current() const {
    std::shared_lock<std::shared_mutex> lock(current_mu_);
    return current_;
  }
  // The history serving now; null unless the store's file is a history.
  std::shared_ptr<const PolicyHistory> CurrentHistory() const {
    std::shared_lock<std::shared_mutex> lock(current_mu_);
    return current_history_;
  }
  // How many times a policy was swapped in.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  void Swap(std::shared_ptr<const Policy> policy, std::shared_ptr<const PolicyHistory> history);
  // The root loaded with `options`: a policy or a history.
  struct Loaded {
    std::shared_ptr<const Policy> policy;
    std::shared_ptr<const PolicyHistory> history;
  };
  absl::StatusOr<Loaded> LoadRoot(const LoadOptions& options) const;

  std::string root_path_;
  LoadOptions options_;
  std::mutex reload_mu_;                  // serializes reloads
  mutable std::shared_mutex current_mu_;  // guards current_ (held only to copy or swap it)
  std::shared_ptr<const Policy> current_;
  std::shared_ptr<const PolicyHistory> current_history_;
  std::atomic<uint64_t> generation_{0};
};

}  // namespace writ

#endif  // WRIT_POLICY_STORE_HPP_
