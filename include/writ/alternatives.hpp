// File: alternatives.hpp
//
// What would change a decision (docs/analysis.md, "What would change a decision"): for each effect
// other than the one decided, the smallest changes to the request that would give it, with the rule
// that would then decide — "review by judicial_order_criminal_suspect if instrument.issuer were
// judge (it is prosecutor)". Smallest means fewest attributes changed, then fewest made present; at
// most three alternatives per effect. For an open decision, also what each value of the missing
// attributes would give.
//
// Exact: the candidate changes come from the classes of values the policy's
// conditions tell apart (and, for two attributes compared with each other,
// values around the other's), every candidate is decided by the policy's
// evaluator, and every alternative reported was decided again from its
// changed request. An effect no change of at most `max_changes` attributes
// gives is not listed; `searched_up_to` says how far the search went.
//
// Example:
//   absl::StatusOr<writ::Alternatives> alt = policy->Alternatives(request);
//   if (alt.ok()) std::cout << alt->ToText();
#ifndef WRIT_ALTERNATIVES_HPP_
#define WRIT_ALTERNATIVES_HPP_

#include <optional>
#include <string>
#include <vector>

#include "writ/effect.hpp"
#include "writ/export.hpp"

namespace writ {

// One attribute set to a new value, or made missing.
struct AttributeChange {
  std::string attribute;  // dotted path
  // The new value as JSON text ("judge", 3, "2024-01-01", ["a","b"]), or
  // nullopt: the attribute left missing.
  std::optional<std::string> value_json;
  std::string value;  // the new value as writ writes it (judge, 2024-01-01), or "missing"
  std::string was;    // the request's value as writ writes it, or "missing"
};

// A smallest change that gives another effect.
struct Alternative {
  Effect effect = Effect::kDeny;
  std::vector<std::string> rules;  // the deciding rules then (empty: by default)
  std::vector<AttributeChange> changes;
  std::string request_json;  // the whole changed request, ready to decide
};

// For an open decision: one assignment of the missing attributes and what
// it gives. Values that give the same outcome are listed together.
struct MissingOutcome {
  // Per missing attribute: the values (as writ writes them), any of which
  // gives `outcome` with the others' values on the same line.
  std::vector<std::pair<std::string, std::vector<std::string>>> values;
  Effect effect = Effect::kDeny;
  std::vector<std::string> rules;
  bool open = false;    // still open: other attributes are missing too
  std::string outcome;  // "review by x", "deny by default"
};

struct WRIT_API Alternatives {
  Effect effect = Effect::kDeny;  // the request's decision
  bool open = false;
  std::vector<std::string> rules;
  std::vector<Alternative> alternatives;   // by effect (allow, review, deny), smallest first
  std::vector<MissingOutcome> if_missing;  // for an open decision
  // Effects neither a rule nor the default gives: no change can reach them.
  std::vector<Effect> unreachable;
  int searched_up_to = 0;  // changes of up to this many attributes were tried
  bool exhausted = false;  // the search stopped at its budget before trying them all

  // "review by r if a were x (it is y)" lines; "what the missing values
  // would give" for an open decision.
  std::string ToText() const;
  // {"effect", "open", "rules", "alternatives": [{"effect", "rule", "rules",
  // "changes": {path: value or null}, "request"}], "if_missing": [...],
  // "searched_up_to", "exhausted"}.
  std::string ToJson() const;
};

// How far Policy::Alternatives searches.
struct AlternativesOptions {
  int max_changes = 6;             // attributes changed at once, at most
  size_t max_evaluations = 50000;  // decisions tried, at most
  int per_effect = 3;
};

}  // namespace writ

#endif  // WRIT_ALTERNATIVES_HPP_
