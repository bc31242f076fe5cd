// libFuzzer target: two policy texts (split at the first line "---") ->
// writ::Diff of the two and writ::Lint of the first. Nothing may crash, hang
// or leak; and the analysis may never claim what its own witness check
// refutes (an Internal status from Diff is a finding).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "writ/writ.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1 << 16) return 0;  // the analysis is exponential in the worst case
  const std::string text(reinterpret_cast<const char*>(data), size);
  const size_t cut = text.find("\n---\n");
  const std::string a = text.substr(0, cut);
  const std::string b = cut == std::string::npos ? a : text.substr(cut + 5);
  writ::LoadOptions options;
  options.reader = [](const std::string&) -> absl::StatusOr<std::string> {
    return absl::NotFoundError("no imports while fuzzing");
  };
  auto old_policy = writ::Policy::FromText("old.writ", a, options);
  auto new_policy = writ::Policy::FromText("new.writ", b, options);
  if (!old_policy.ok() || !new_policy.ok()) return 0;
  // Keep the analysis small: a handful of rules.
  if ((*old_policy)->rule_count() > 8 || (*new_policy)->rule_count() > 8) return 0;
  auto diff = writ::Diff(**old_policy, **new_policy);
  if (!diff.ok() && diff.status().code() == absl::StatusCode::kInternal) {
    std::fprintf(stderr, "%s\n", std::string(diff.status().message()).c_str());
    std::abort();
  }
  if (diff.ok()) {
    (void)diff->ToText(true);
    (void)diff->ToJson();
  }
  auto lint = writ::Lint(**old_policy);
  if (lint.ok()) {
    (void)lint->ToText();
    (void)lint->ToSarif();
  }
  return 0;
}
