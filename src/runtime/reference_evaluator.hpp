// File: src/runtime/reference_evaluator.hpp (internal)
//
// The reference evaluator: a plain tree-walking interpreter over the checked
// AST that states docs/language.md §7 as directly as possible. It decides the
// fail-safe rule by trying every reading of the unknown rules (up to a
// bound), where the compiled evaluator uses a closed form. The differential
// test requires both to agree; the explainer uses it to find reasons.
#ifndef WRIT_SRC_RUNTIME_REFERENCE_EVALUATOR_HPP_
#define WRIT_SRC_RUNTIME_REFERENCE_EVALUATOR_HPP_

#include "checker/checker.hpp"
#include "compiler/program.hpp"
#include "writ/decision.hpp"
#include "writ/request.hpp"

namespace writ::detail {

// The combined outcome of rule statuses (docs/language.md §7.2, §7.3),
// before the request's items are met: what the reference evaluator and the
// analysis (which knows statuses, not requests) both decide with.
struct CombinedOutcome {
  Effect effect = Effect::kDeny;
  bool open = false;
  std::vector<uint32_t> deciding;  // rules, in order (empty: by default or open)
  std::vector<uint32_t> changing;  // open: the unknown rules whose applying alone changes it
  // Open: the unknown rules whose applying changes it under some reading of
  // the others (what the missing list covers), and the rules that decide
  // under some reading (whose obligations' conditions it covers too).
  std::vector<uint32_t> relevant, may_decide;
  uint64_t may = 0;  // items the deciding rules may disclose (model members)
};
// `readings`: for an open outcome, also find `relevant` and `may_decide`
// (what a decision's missing list needs; the analysis does not).
CombinedOutcome CombineStatuses(const Model& model, const std::vector<Tri>& status,
                                bool readings = false);
// The same from the rules that apply or may apply alone, in policy order
// (every other rule certainly does not apply).
CombinedOutcome CombineLive(const Model& model, const std::vector<std::pair<uint32_t, Tri>>& live,
                            bool readings = false);

// The complete missing list of an open decision (docs/language.md §7.3,
// v1.1), grown from `start`: a presence test (`is present`, `is missing`)
// reads an attribute that is missing as known, so supplying a listed
// attribute can make a rule apply, or stop applying, that was settled
// before, and bring more attributes into play. Decides again with the
// listed attributes taken as present with unknown values, and adds what
// that decision lists, until nothing is added. Sorted.
std::vector<uint32_t> CompleteMissing(const Model& model, const Request& r,
                                      const std::vector<uint32_t>& start);

class ReferenceEvaluator {
 public:
  // `supplied` (optional, by attribute index): attributes taken as present
  // with unknown values (CompleteMissing).
  explicit ReferenceEvaluator(const Model& model, const std::vector<bool>* supplied = nullptr)
      : m_(model), supplied_(supplied) {}

  // Kleene truth value of a checked boolean expression.
  Tri Eval(const Expr& e, const Request& r) const;
  // Whether rule `i` applies: `when`, not `unless`, and something requested
  // that it may disclose.
  Tri Applies(size_t i, const Request& r) const;
  // Whether rule i's `disclose` list meets the request (kTrue without disclose).
  Tri Discloses(size_t i, const Request& r) const;
  Decision Decide(const Policy& policy, const Request& r) const;

 private:
  bool Present(uint32_t a, const Request& r) const {
    return r.present(a) || (supplied_ && (*supplied_)[a]);
  }
  const Model& m_;
  const std::vector<bool>* supplied_ = nullptr;
};

}  // namespace writ::detail

#endif  // WRIT_SRC_RUNTIME_REFERENCE_EVALUATOR_HPP_
