// File: src/runtime/evaluator.hpp (internal)
//
// Program x Request -> Decision, following docs/language.md §6: Kleene logic over
// missing attributes, deny_overrides or first_match, and the fail-safe rule.
// Allocates nothing on the hot path: scratch space is on the stack and the
// decision's vectors are inline.
#ifndef WRIT_SRC_RUNTIME_EVALUATOR_HPP_
#define WRIT_SRC_RUNTIME_EVALUATOR_HPP_

#include "compiler/program.hpp"
#include "writ/decision.hpp"
#include "writ/request.hpp"

namespace writ::detail {

// The ways a decision can be reached. Decide picks one by the program's
// shape and the request (PathFor); DecideVia forces one, so that tests can
// run every request through every path that can take it.
enum class DecisionPath : uint8_t {
  // Up to 64 rules, no index, up to 8 flat rules with every attribute they
  // read present: the decision looked up by the set of applying rules.
  kSettled,
  // Up to 64 rules, no index: the rules bit-parallel (rows, predicates,
  // Kleene logic for missing attributes, trees), combined from bit sets.
  kBitmap,
  // An index keyed by one attribute the request has, a bucket of up to 64
  // rules: the bucket rule by rule, the unindexed rules bit-parallel.
  kIndexed,
  // More than 64 unindexed rules: their outcomes from the wide bitmap,
  // merged in rule order with the request's bucket.
  kWide,
  // Every rule one by one, in order, with lists: takes anything.
  kRuleByRule,
};
inline constexpr DecisionPath kAllDecisionPaths[] = {DecisionPath::kSettled, DecisionPath::kBitmap,
                                                     DecisionPath::kIndexed, DecisionPath::kWide,
                                                     DecisionPath::kRuleByRule};
const char* DecisionPathName(DecisionPath path);

class Evaluator {
 public:
  // Decides `request` (made for `program`'s schema); `policy` is recorded in
  // the decision.
  static void Decide(const Policy& policy, const Program& program, const Request& request,
                     Decision& out) {
    // Policies with conditional obligations go the long way round; for the
    // others this is one predictable branch, and the paths stay tail calls.
    if (__builtin_expect(program.has_duties, 0))
      return DecideWithDuties(policy, program, request, out);
    DecideByShape(policy, program, request, out);
  }

  // The path Decide takes for `request`.
  static DecisionPath PathFor(const Program& program, const Request& request);
  // Decides by `path`; false (and `out` unspecified) when that path cannot
  // take this program and request.
  static bool DecideVia(DecisionPath path, const Policy& policy, const Program& program,
                        const Request& request, Decision& out);

 private:
  // The path for the program's shape (PathFor, without obligations).
  static void DecideByShape(const Policy& policy, const Program& program, const Request& request,
                            Decision& out) {
    if (!program.bitmap.enabled) {
      DecideGeneral(policy, program, request, out);
    } else if (program.index.attr < 0) {
      DecideSmall(policy, program, request, out);
    } else {
      DecideIndexed(policy, program, request, out);
    }
  }
  // A policy of up to 64 rules without an index: kSettled or kBitmap.
  static void DecideSmall(const Policy& policy, const Program& program, const Request& request,
                          Decision& out);
  // kIndexed, or DecideGeneral for a request without the key or a bucket of
  // more than 64 rules.
  static void DecideIndexed(const Policy& policy, const Program& program, const Request& request,
                            Decision& out);
  // kWide, or kRuleByRule (with the index's bucket and the 64-rule bitmap
  // where there are; without them when `bit_parallel` is false).
  static void DecideGeneral(const Policy& policy, const Program& program, const Request& request,
                            Decision& out, bool bit_parallel = true);

  // The conditional obligations of a closed decision's deciding rules
  // (docs/language.md §4): records those whose conditions hold; one whose
  // condition is unknown makes the decision open (review, nothing granted),
  // missing what that condition reads.
  static void Duties(const Program& program, const Request& request, Decision& out);
  // Decide, then Duties.
  static void DecideWithDuties(const Policy& policy, const Program& program, const Request& request,
                               Decision& out);

  // DecideVia before the obligations.
  static bool DecideByPath(DecisionPath path, const Policy& policy, const Program& program,
                           const Request& request, Decision& out);

  struct Steps;  // the parts of a decision (evaluator.cpp)
};

}  // namespace writ::detail

#endif  // WRIT_SRC_RUNTIME_EVALUATOR_HPP_
