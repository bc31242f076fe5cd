// File: src/analysis/policy_diagram.hpp (internal)
//
// A policy as decision diagrams over a request space: for each rule the
// requests where it certainly applies and where it certainly does not
// (docs/language.md §7.1, Kleene logic: a condition that reads a missing
// attribute is neither), and the policy's outcome diagram, whose terminals
// are the outcomes the combining rule gives (runtime/reference_evaluator.hpp,
// CombineStatuses: the same function the reference evaluator decides with).
//
// An outcome here is what the combining rule gives before the request's
// items are met: effect, open, and the items its deciding rules may disclose.
// What is granted is that set met with what the request asks for
// (analysis/diff.cpp splits on the asked-for items last).
#ifndef WRIT_SRC_ANALYSIS_POLICY_DIAGRAM_HPP_
#define WRIT_SRC_ANALYSIS_POLICY_DIAGRAM_HPP_

#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "analysis/diagram.hpp"
#include "analysis/request_space.hpp"
#include "writ/decision.hpp"
#include "writ/effect.hpp"

namespace writ::detail {

struct Outcome {
  Effect effect = Effect::kDeny;
  bool open = false;
  uint64_t may = 0;             // items (space members) the deciding rules may disclose
  std::vector<uint32_t> rules;  // deciding rules; open: the rules that left it open
  std::vector<writ::Obligation> obligations;  // of the deciding rules, in order, each once
};

class PolicyDiagram {
 public:
  // Model `model` of `space`, in `store`.
  PolicyDiagram(const RequestSpace& space, DiagramStore& store, size_t model);

  NodeId root() const { return root_; }
  const Outcome& outcome(uint32_t terminal) const { return outcomes_[terminal]; }
  // Where rule `i` certainly applies, and where it certainly does not.
  std::pair<NodeId, NodeId> rule(size_t i) const { return rules_[i]; }
  // The requests where model `model` sees attribute `a` (space index) present.
  NodeId Present(uint32_t a);
  // The truth of a checked condition: (where true, where false).
  std::pair<NodeId, NodeId> Condition(const Expr& e);
  size_t model() const { return model_; }
  // Rule i with `when` replaced by `when` (its `unless` and `disclose` as
  // written): (where it certainly applies, where it certainly does not).
  std::pair<NodeId, NodeId> RuleWith(size_t i, std::pair<NodeId, NodeId> when);
  // The outcome diagram for these rule diagrams (one (true, false) pair per
  // rule, in policy order) instead of the policy's own: what the policy
  // would decide with a rule changed or taken out (writ lint). Terminals
  // index outcome() like the root's.
  NodeId OutcomesOf(const std::vector<std::pair<NodeId, NodeId>>& rules);

 private:
  std::pair<NodeId, NodeId> Compare(const Expr& e);
  NodeId ScalarWhere(uint32_t a, const std::function<bool(const Value&)>& holds);
  NodeId MemberBit(uint32_t a, uint32_t space_member);
  // A model's mask (its own member indices) as space members of attribute a.
  uint64_t SpaceMask(uint32_t a, uint64_t model_mask) const;
  std::map<std::tuple<Effect, bool, uint64_t, std::vector<uint32_t>, std::vector<std::string>>,
           uint32_t>
      interned_;

  const RequestSpace& space_;
  DiagramStore& store_;
  size_t model_;
  const Model& m_;
  std::vector<std::pair<NodeId, NodeId>> rules_;
  // Where each conditional obligation holds and where it does not, in the
  // compiler's numbering (rule order).
  std::vector<std::pair<NodeId, NodeId>> duties_;
  std::vector<uint32_t> first_duty_;  // per rule: the number of its first conditional obligation
  std::vector<Outcome> outcomes_;
  NodeId root_ = DiagramStore::kFalse;
};

}  // namespace writ::detail

#endif  // WRIT_SRC_ANALYSIS_POLICY_DIAGRAM_HPP_
