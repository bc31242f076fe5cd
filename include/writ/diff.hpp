// File: include/writ/diff.hpp
//
// What a policy change does, exactly: every request that two policies
// decide differently, grouped into kinds of change. Each change has
//   - a transition: the outcome under the old policy and under the new one
//     (effect, open, the items that may be disclosed, obligations),
//   - a region: the requests that take it, as a condition in writ's own
//     syntax that can be pasted as the `when` of a rule, exact under the
//     language's Kleene logic (a rule with that `when` applies to exactly
//     those requests),
//   - a witness: one concrete request inside the region, decided by both
//     policies as the transition claims (checked before it is returned),
//   - the rules behind each side.
// The analysis covers every request, not a sample: attributes missing,
// every enum member, every int and date (docs/analysis.md).
//
//   absl::StatusOr<writ::PolicyDiff> d = writ::Diff(*old_policy, *new_policy);
//   if (d.ok()) std::cout << d->ToText();
#ifndef WRIT_DIFF_HPP_
#define WRIT_DIFF_HPP_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "writ/decision.hpp"
#include "writ/effect.hpp"
#include "writ/export.hpp"

namespace writ {

class Policy;
class Request;
namespace detail {
struct DiffState;
struct DiffAccess;
}  // namespace detail

// What a user of a decision acts on, for a kind of request. Rule names and
// messages are not part of it (they are the reasons, in `old_rules` and
// `new_rules`).
struct DiffOutcome {
  Effect effect = Effect::kDeny;
  bool open = false;  // review because information is missing
  // Granted: these items met with those requested (nothing on deny or open);
  // `all_items`: every item requested.
  std::vector<std::string> may_disclose;
  bool all_items = false;
  std::vector<Obligation> obligations;
  friend bool operator==(const DiffOutcome&, const DiffOutcome&) = default;
};

struct PolicyChange {
  DiffOutcome from, to;
  std::vector<std::string> old_rules, new_rules;  // deciding (open: leaving it open)
  // The requests that take this transition, as a writ condition.
  std::string when;
  // The same as alternatives (joined by `or`), each a list of conditions
  // (joined by `and`).
  std::vector<std::vector<std::string>> conjunctions;
  // One request inside the region (a JSON object), decided by both policies
  // as claimed; empty if the region's requests could not be constructed
  // (then `note` says why, and the region is still listed).
  std::string witness;
  std::string note;
};

struct PolicyDiff {
  std::string old_name, old_version, new_name, new_version;
  std::vector<PolicyChange> changes;  // empty: the policies decide every request alike

  // For people: the changes numbered, each with its transition, region,
  // rules and witness; changes between settled decisions first, then those
  // where information is missing, which (unless `full`) are told in brief:
  // the attributes whose absence matters, the rules and an example. A region
  // of more than six alternatives shows six and how many more unless `full`.
  WRIT_API std::string ToText(bool full = false) const;
  // {"old": {...}, "new": {...}, "changes": [...]}.
  WRIT_API std::string ToJson() const;

  // The change a concrete request takes: its index in `changes`, or -1 if
  // the two policies decide it alike. `under_old` and `under_new` are the
  // same request made for the old and the new policy (ParseRequest of each);
  // both policies must outlive this PolicyDiff. Allocates nothing for most
  // requests; a walk of the analysis' diagram, not two decisions.
  WRIT_API int ChangeOf(const Request& under_old, const Request& under_new) const;

 private:
  friend struct detail::DiffAccess;
  std::shared_ptr<const detail::DiffState> state_;  // the analysis, for ChangeOf
};

// Every change from `old_policy` to `new_policy`. InvalidArgument if the two
// give an attribute different types; Unimplemented for a comparison the
// analysis does not cover yet (two string attributes compared with each
// other, set<string> attributes); Internal if a witness fails its check
// (a bug, never printed as if it held).
WRIT_API absl::StatusOr<PolicyDiff> Diff(const Policy& old_policy, const Policy& new_policy);

// A transition as text: "deny → review, granted {ip_address} ∩ requested".
WRIT_API std::string OutcomeText(const DiffOutcome& outcome);

}  // namespace writ

#endif  // WRIT_DIFF_HPP_
