// File: include/writ/coverage.hpp
//
// What a policy's tests exercise (docs/analysis.md, `writ test --coverage`):
// each rule seen applying and not applying, and each condition (a leaf
// comparison of a `when` or `unless`) seen true, false and — where it reads
// an attribute, so that it can be — unknown; and whether each condition was
// at least once *the* reason a rule did not apply (the first false
// condition that the explanation names).
//
//   writ::CoverageReport coverage;
//   auto results = policy->RunTests(/*root_only=*/true, &coverage);
//   std::cout << coverage.ToText();
#ifndef WRIT_COVERAGE_HPP_
#define WRIT_COVERAGE_HPP_

#include <string>
#include <vector>

#include "writ/export.hpp"
#include "writ/source.hpp"

namespace writ {

struct RuleCoverage {
  std::string rule;
  SourceLocation where;
  int applied = 0, not_applied = 0, unknown = 0;  // tests that saw it so
  bool covered() const { return applied > 0 && not_applied > 0; }
};

struct ConditionCoverage {
  std::string rule;
  std::string text;  // the condition as written
  SourceLocation where;
  int seen_true = 0, seen_false = 0, seen_unknown = 0;
  bool can_be_unknown = false;  // it reads an attribute (`is present` never is unknown)
  int reason = 0;               // tests where it was the reason the rule did not apply
  // Part of an obligation's condition (whether a duty follows), not of the
  // rule's applicability: it is never the reason a rule did not apply.
  bool obligation = false;
  int outcomes() const { return can_be_unknown ? 3 : 2; }
  int outcomes_seen() const {
    return (seen_true > 0) + (seen_false > 0) + (can_be_unknown && seen_unknown > 0);
  }
};

struct CoverageReport {
  std::vector<RuleCoverage> rules;            // in policy order
  std::vector<ConditionCoverage> conditions;  // in source order
  int tests = 0;

  int rules_covered() const;
  int condition_outcomes() const;
  int condition_outcomes_seen() const;
  int reasons_seen() const;     // conditions seen as a reason at least once
  int rule_conditions() const;  // conditions of rules' applicability (not obligations')
  double rule_percent() const;
  double condition_percent() const;

  // A summary line, then each rule and condition outcome not covered.
  WRIT_API std::string ToText() const;
  // lcov's tracefile format: rules as lines (hits: tests where the rule
  // applied) and branches (applied / did not); conditions as branches
  // (true / false / unknown), so that genhtml and editors render them.
  WRIT_API std::string ToLcov() const;
  // {"tests", "rules": [...], "conditions": [...], "summary": {...}}.
  WRIT_API std::string ToJson() const;
};

}  // namespace writ

#endif  // WRIT_COVERAGE_HPP_
