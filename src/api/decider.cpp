// File: src/api/decider.cpp
#include "writ/decider.hpp"

#include "absl/strings/str_cat.h"

namespace writ {

bool Decider::IsHistoryFile(const std::string& path, const LoadOptions& options) {
  absl::StatusOr<bool> is = PolicyHistory::IsHistory(path, options);
  return is.ok() && *is;
}

absl::StatusOr<Decider> Decider::Load(const std::string& path, const LoadOptions& options) {
  CheckResult ignored;
  return Load(path, options, ignored);
}

absl::StatusOr<Decider> Decider::Load(const std::string& path, const LoadOptions& options,
                                      CheckResult& check) {
  Decider d;
  if (IsHistoryFile(path, options)) {
    auto loaded = PolicyHistory::Load(path, options, check);
    if (!loaded.ok()) return loaded.status();
    d.history = *std::move(loaded);
    return d;
  }
  auto loaded = Policy::Load(path, options, check);
  if (!loaded.ok()) return loaded.status();
  d.policy = *std::move(loaded);
  return d;
}

const std::string& Decider::version() const {
  static const std::string kNone;
  return history ? kNone : policy->version();
}

std::string Decider::label() const {
  if (history) return absl::StrCat("history ", history->name());
  return policy->version().empty() ? policy->name()
                                   : absl::StrCat(policy->name(), " ", policy->version());
}

absl::StatusOr<writ::Alternatives> Decider::Alternatives(const Request& r,
                                                         const Decision& d) const {
  if (!history) return policy->Alternatives(r);
  if (d.version_index() < 0)
    return absl::FailedPreconditionError(absl::StrCat(
        "no version of history '", history->name(), "' applied (",
        d.has_as_of() ? "the date is before the first version" : "the request has no date",
        "): alternatives are a version's; give the request a date"));
  return history->versions()[d.version_index()].policy->Alternatives(r);
}

}  // namespace writ
