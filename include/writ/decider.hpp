// File: decider.hpp
//
// `Decider` is what decides requests when the caller does not care whether
// the file holds one policy or a history of policies (history.hpp): it loads
// either, and parses, decides and explains through whichever it holds. The
// command line, the C API (writ.h) and the Python module all load through it,
// so a history is accepted wherever a policy is.
//
// A Decider is a pair of shared pointers: cheap to copy, immutable, and
// shared across threads like the policy it holds.
//
// Example:
//   absl::StatusOr<writ::Decider> d = writ::Decider::Load("policies/telegram.history");
//   if (!d.ok()) return d.status();
//   writ::Request r = d->NewRequest();
//   if (absl::Status s = d->ParseRequest(json_text, r); !s.ok()) return s;
//   writ::Decision decision = d->Decide(r);
#ifndef WRIT_DECIDER_HPP_
#define WRIT_DECIDER_HPP_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "writ/alternatives.hpp"
#include "writ/decision.hpp"
#include "writ/export.hpp"
#include "writ/history.hpp"
#include "writ/policy.hpp"
#include "writ/request.hpp"

namespace writ {

struct WRIT_API Decider {
  std::shared_ptr<const Policy> policy;          // a policy file,
  std::shared_ptr<const PolicyHistory> history;  // or a history file (exactly one is set)

  // Loads `path` as a history when it holds one, else as a policy. The
  // status is Policy::Load's: InvalidArgument carries rendered diagnostics,
  // NotFound an unreadable file.
  static absl::StatusOr<Decider> Load(const std::string& path, const LoadOptions& options = {});
  // The same, keeping the diagnostics (warnings too) in `check`.
  static absl::StatusOr<Decider> Load(const std::string& path, const LoadOptions& options,
                                      CheckResult& check);
  // Whether `path` holds a history (false for a file that cannot be read).
  static bool IsHistoryFile(const std::string& path, const LoadOptions& options = {});

  // The policy's name, or the history's.
  const std::string& name() const { return history ? history->name() : policy->name(); }
  // The policy's version ("" for a history: each of its versions has one).
  const std::string& version() const;
  const std::string& sha256() const { return history ? history->sha256() : policy->sha256(); }
  // How text output names it: "name version", or "history name".
  std::string label() const;
  // The policy, or the history's latest version: what names rules and items.
  const Policy& latest() const { return history ? history->latest() : *policy; }

  Request NewRequest() const { return history ? history->NewRequest() : policy->NewRequest(); }
  absl::Status ParseRequest(std::string_view json, Request& r, const ParseOptions& o = {}) const {
    return history ? history->ParseRequest(json, r, o) : policy->ParseRequest(json, r, o);
  }
  void Decide(const Request& r, Decision& d) const {
    history ? history->Decide(r, d) : policy->Decide(r, d);
  }
  Decision Decide(const Request& r) const {
    Decision d;
    Decide(r, d);
    return d;
  }
  Explanation Explain(const Request& r) const {
    return history ? history->Explain(r) : policy->Explain(r);
  }
  // What would change `d` (the decision of `r`): a history's are those of
  // the version applied; a history's request with no version applied has
  // none to offer (FailedPrecondition, saying why).
  absl::StatusOr<writ::Alternatives> Alternatives(const Request& r, const Decision& d) const;
};

}  // namespace writ

#endif  // WRIT_DECIDER_HPP_
