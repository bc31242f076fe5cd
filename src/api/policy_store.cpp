// File: src/api/policy_store.cpp — atomic swap of the serving policy.
#include "writ/policy_store.hpp"

namespace writ {

PolicyStore::PolicyStore(std::string root_path, LoadOptions options)
    : root_path_(std::move(root_path)), options_(std::move(options)) {}

absl::Status PolicyStore::Reload() {
  std::lock_guard<std::mutex> lock(reload_mu_);
  auto loaded = Policy::Load(root_path_, options_);
  if (!loaded.ok()) return loaded.status();
  Swap(*std::move(loaded));
  return absl::OkStatus();
}

void PolicyStore::Set(std::shared_ptr<const Policy> policy) {
  std::lock_guard<std::mutex> lock(reload_mu_);
  Swap(std::move(policy));
}

void PolicyStore::Swap(std::shared_ptr<const Policy> policy) {
  {
    std::unique_lock<std::shared_mutex> lock(current_mu_);
    current_.swap(policy);
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  // `policy` now holds the old one: it is freed here, outside the lock (or
  // later, by the last reader still holding it).
}

}  // namespace writ
