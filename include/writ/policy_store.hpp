// File: policy_store.hpp
//
// `PolicyStore` serves the current policy to many threads while another
// thread reloads it. `Reload()` loads and checks the files and swaps the new
// policy in atomically; a reload that fails keeps the current policy serving
// and returns the diagnostics. Readers never block on a reload and never see
// half a policy: `Current()` hands out a shared_ptr to one complete policy,
// which stays alive for as long as the reader holds it.
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
#include <string>

#include "absl/status/status.h"
#include "writ/policy.hpp"

namespace writ {

class PolicyStore {
 public:
  explicit PolicyStore(std::string root_path, LoadOptions options = {});

  // Loads the policy files again. On success the new policy serves from now
  // on; on failure (InvalidArgument with the rendered diagnostics, or the
  // read error) the current one keeps serving. Reloads are serialized.
  absl::Status Reload();
  // Replaces the policy with an already loaded one.
  void Set(std::shared_ptr<const Policy> policy);

  // The policy serving now; null before the first successful load.
  std::shared_ptr<const Policy> Current() const { return current_.load(std::memory_order_acquire); }
  // How many times a policy was swapped in.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  std::string root_path_;
  LoadOptions options_;
  std::mutex reload_mu_;
  std::atomic<std::shared_ptr<const Policy>> current_;
  std::atomic<uint64_t> generation_{0};
};

}  // namespace writ

#endif  // WRIT_POLICY_STORE_HPP_
