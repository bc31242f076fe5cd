// File: src/runtime/evaluator.hpp (internal)
//
// Program x Request -> Decision, following LANGUAGE.md §6: Kleene logic over
// missing attributes, deny_overrides or first_match, and the fail-safe rule.
// Allocates nothing on the hot path: scratch space is on the stack and the
// decision's vectors are inline.
#ifndef WRIT_SRC_RUNTIME_EVALUATOR_HPP_
#define WRIT_SRC_RUNTIME_EVALUATOR_HPP_

#include "compiler/program.hpp"
#include "writ/decision.hpp"
#include "writ/request.hpp"

namespace writ::detail {

class Evaluator {
 public:
  // Decides `request`; `policy` is recorded in the decision.
  static void Decide(const Policy& policy, const Program& program, const Request& request,
                     Decision& out) {
    if (!program.bitmap.enabled) {
      DecideGeneral(policy, program, request, out);
    } else if (program.index.attr < 0) {
      DecideSmall(policy, program, request, out);
    } else {
      DecideIndexed(policy, program, request, out);
    }
  }

  // A policy of up to 64 rules without an index: bit-parallel throughout.
  static void DecideSmall(const Policy& policy, const Program& program, const Request& request,
                          Decision& out);
  // Up to 64 unindexed rules bit-parallel, and the request's bucket of the
  // index (up to 64 rules) rule by rule; else DecideGeneral.
  static void DecideIndexed(const Policy& policy, const Program& program, const Request& request,
                            Decision& out);
  // With lists, in rule order: more than 64 unindexed rules (from the wide
  // bitmap, or rule by rule past its limit), a request without the index's
  // key, a bucket of more than 64 rules.
  static void DecideGeneral(const Policy& policy, const Program& program, const Request& request,
                            Decision& out);

 private:
  struct Steps;  // the parts of a decision (evaluator.cpp)
};

}  // namespace writ::detail

#endif  // WRIT_SRC_RUNTIME_EVALUATOR_HPP_
