// File: include/writ/lint.hpp
//
// Findings about one policy that its checker cannot see, proven over every
// request by the same analysis as writ::Diff (docs/analysis.md):
//
//   never-applies       no request makes the rule apply
//   shadowed            first_match: earlier rules decide every request it applies to
//   overridden          deny_overrides: a stronger rule applies wherever it does
//   redundant           taking the rule out changes no outcome
//   vacuous-condition   a conjunct of `when` that can go without changing where the rule applies
//   default-unreachable every request is decided by some rule
//   unused              a let, enum or attribute of the root file that nothing reads
//   fails-open          leaving an attribute out gives a more permissive outcome than some
//                       value of it would
//
// A finding is accepted on purpose by a comment on the line before the
// declaration (or at its end), which `writ fmt` keeps like any comment:
//
//   // writ-lint: accept fails-open "a missing gag status is the requester's to state"
//   rule warrant_with_notice { ... }
//
// An accepted finding is still reported, marked accepted with its reason.
#ifndef WRIT_LINT_HPP_
#define WRIT_LINT_HPP_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "writ/export.hpp"
#include "writ/source.hpp"

namespace writ {

class Policy;

struct LintFinding {
  std::string code;     // never-applies, shadowed, ...
  std::string subject;  // the rule, let, enum, member or attribute
  SourceLocation where;
  std::string message;                // one sentence
  std::vector<std::string> evidence;  // the rules or conditions behind it
  // A request that shows it (JSON object), checked by the evaluator; for
  // fails-open the request without the attribute, and `witness_with` the
  // same request with a value that decides less permissively.
  std::string witness, witness_with;
  bool accepted = false;
  std::string reason;  // why it was accepted
};

struct LintReport {
  std::vector<LintFinding> findings;  // in source order
  size_t open_findings() const;       // those not accepted

  // path:line:col: warning[code]: message, evidence and witness indented.
  WRIT_API std::string ToText() const;
  // One JSON object: {"findings": [...]}.
  WRIT_API std::string ToJson() const;
  // SARIF 2.1.0, for code-scanning tools and editors; accepted findings
  // carry an in-source suppression with their reason.
  WRIT_API std::string ToSarif() const;
};

// The findings of `policy`. Unimplemented for a comparison the analysis does
// not cover yet (docs/analysis.md).
WRIT_API absl::StatusOr<LintReport> Lint(const Policy& policy);

}  // namespace writ

#endif  // WRIT_LINT_HPP_
