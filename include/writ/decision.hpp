// File: decision.hpp
//
// A `Decision` is what evaluating a request gives: the effect (allow, review,
// deny), the rules that decided it, the items granted and withheld, the
// obligations that follow, the attributes whose absence left it open, the
// request's input problems, and the policy's identity. It is cheap to make:
// deciding into a reused Decision allocates nothing unless the request has
// input problems (copied in) or more than four rules decide or attributes are
// missing (the lists spill to the heap).
//
// Lifetime. A Decision keeps a plain pointer to the `Policy` that made it
// (not a shared one: copying a shared pointer per decision would cost an
// atomic operation on every thread's hot path). The numbers (effect, masks,
// indices) stand alone, but the names, ToJson and ToText read the policy, so
// keep the `std::shared_ptr<const Policy>` for as long as you keep decisions
// you will render (PolicyStore::Current() returns one).
//
// An `Explanation` adds, for every rule, whether it applied and why not. It is
// built only on request: `policy.Explain(request)`; its strings are its own,
// but its `decision` refers to the policy as any Decision does.
//
// Example:
//   writ::Decision d = policy->Decide(request);
//   if (d.effect() == writ::Effect::kReview) RouteToLegal(d.ToJson());
#ifndef WRIT_DECISION_HPP_
#define WRIT_DECISION_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "writ/effect.hpp"
#include "writ/export.hpp"
#include "writ/index_list.hpp"

namespace writ {

class Policy;
class PolicyHistory;
namespace detail {
class Evaluator;
class ReferenceEvaluator;
struct DecisionAccess;
}  // namespace detail

// A problem with one field of a request (docs/language.md §7.5): the attribute was
// treated as missing.
struct InputProblem {
  std::string attribute;  // dotted path
  std::string message;    // e.g. "'instrument.expires' is not a date"
};

// A duty that follows a decision (docs/language.md §4): a name and an
// optional argument, as the deciding rule writes it.
struct WRIT_API Obligation {
  std::string name;
  std::optional<std::string> argument;

  // `name` or `name("argument")`, as the language writes it.
  std::string ToString() const;
  friend bool operator==(const Obligation&, const Obligation&) = default;
};

// Where a rule is written, for explanations.
struct RuleSource {
  std::string path;
  uint32_t line = 0;
  uint32_t column = 0;
};

class WRIT_API Decision {
 public:
  Decision() = default;

  Effect effect() const { return effect_; }
  // True when missing attributes left the outcome open and it was decided
  // `review` by the fail-safe rule.
  bool open() const { return open_; }
  // True when the default effect decided (no rule applied).
  bool by_default() const { return by_default_; }

  // Rule indices (policy order) of the deciding rules.
  absl::Span<const uint32_t> deciding_rule_indices() const {
    return {deciding_.data(), deciding_.size()};
  }
  // Attribute indices whose absence left the decision open.
  absl::Span<const uint32_t> missing_indices() const { return {missing_.data(), missing_.size()}; }
  // Bit i set: item i of the items enum is granted / withheld.
  uint64_t granted_mask() const { return granted_; }
  uint64_t withheld_mask() const { return withheld_; }

  // Names, for people and tools (these allocate).
  std::vector<std::string> deciding_rules() const;
  std::vector<std::string> granted() const;
  std::vector<std::string> withheld() const;
  std::vector<std::string> missing() const;
  // Obligations of the deciding rules, each once, in rule order: every
  // unconditional one, and each conditional one whose condition held.
  std::vector<Obligation> obligations() const;
  // The message of the deciding rule (the first one) or of the default, with
  // placeholders unrendered.
  std::string_view message() const;
  const std::vector<InputProblem>& problems() const { return problems_; }

  const Policy* policy() const { return policy_; }

  // For a decision made by a PolicyHistory (history.hpp), the history; null
  // for a decision made by a Policy.
  const PolicyHistory* history() const { return history_; }
  // Which version of the history decided: an index into
  // PolicyHistory::versions(), or kNoVersion (the request's date is before
  // the first version, or it has no date and the versions disagree) or
  // kEveryVersion (it has no date and every version, and "no version",
  // gives this outcome; rules and message are the latest version's).
  static constexpr int kNoVersion = -1;
  static constexpr int kEveryVersion = -2;
  int version_index() const { return version_; }
  // The request's date the history decided as of, in days since
  // 1970-01-01, when the request had a valid one.
  bool has_as_of() const { return as_of_ != kNoDate; }
  int64_t as_of_days() const { return as_of_; }

  // One JSON object (no newline): effect, rules, granted, withheld,
  // obligations, missing, problems, policy {name, version, sha256}, and for
  // a history's decision history {name, version, from, as_of, every_version}
  // (version and from null when no version applied, and then no policy;
  // as_of null without a date).
  std::string ToJson() const;
  // The same object with "request" (the request's id) and "input" (where it
  // was read from) first, as `writ eval --format json` prints it.
  std::string ToJson(std::string_view request, std::string_view input) const;
  // A short human summary, one line per field.
  std::string ToText() const;

 private:
  friend class Policy;
  friend class PolicyHistory;
  friend class detail::Evaluator;
  friend class detail::ReferenceEvaluator;
  friend struct detail::DecisionAccess;
  const Policy* policy_ = nullptr;
  Effect effect_ = Effect::kDeny;
  bool open_ = false;
  bool by_default_ = false;
  detail::IndexList deciding_;
  detail::IndexList missing_;
  uint64_t granted_ = 0;
  uint64_t withheld_ = 0;
  // The conditional obligations (their numbers in the policy) whose
  // conditions held; unconditional ones follow from deciding_ alone.
  detail::IndexList held_;
  std::vector<InputProblem> problems_;
  static constexpr int32_t kNoDate = INT32_MIN;
  const PolicyHistory* history_ = nullptr;
  int32_t version_ = kNoVersion;
  int32_t as_of_ = kNoDate;
};

// Why one rule did or did not apply to a request.
struct RuleOutcome {
  enum class Status : uint8_t { kApplied, kNotApplied, kUnknown };
  std::string rule;
  std::string title;
  Effect effect = Effect::kDeny;
  Status status = Status::kNotApplied;
  bool deciding = false;
  // For a deciding rule: its message with placeholders rendered. Otherwise:
  // why it did not apply (the first false condition, with the request's value
  // and what the rule needed), or which attributes were missing.
  std::string reason;
  std::vector<std::string> missing;
  std::vector<std::string> cites;
  // For a rule that applies, each conditional obligation and whether it
  // follows: `notify_user("before disclosure") does not follow: unless
  // process.gag_order (true)`.
  std::vector<std::string> obligations;
  RuleSource source;
};

// A decision with the reasons of every rule, for people (ToText) and
// machines (ToJson).
struct WRIT_API Explanation {
  Decision decision;
  std::string summary;  // one sentence: the effect and what decided it
  std::vector<RuleOutcome> rules;

  std::string ToText(bool color = false) const;
  // The decision's JSON object with "summary" and "explanation" (every rule's
  // outcome) added; the second form puts "request" and "input" first.
  std::string ToJson() const;
  std::string ToJson(std::string_view request, std::string_view input) const;
};

}  // namespace writ

#endif  // WRIT_DECISION_HPP_
