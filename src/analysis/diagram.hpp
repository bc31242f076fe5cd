// File: src/analysis/diagram.hpp (internal)
//
// Multi-valued decision diagrams: ordered, reduced, with shared nodes. A
// node tests one variable of the request space (analysis/request_space.hpp)
// and has a child per value; a terminal carries a number. Boolean diagrams
// (a set of requests) have terminals 0 and 1; an outcome diagram has one
// terminal per outcome; a diff's product one per kind of change.
//
// Ordered: along every path variables increase. Reduced: no node has all
// children equal, and no two nodes are equal (the unique table), so two
// diagrams over one store are equal as functions exactly when their ids are.
#ifndef WRIT_SRC_ANALYSIS_DIAGRAM_HPP_
#define WRIT_SRC_ANALYSIS_DIAGRAM_HPP_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace writ::detail {

using NodeId = uint32_t;

// A set of values of one variable. Domains may pass 64 values (a string
// attribute compared with a thousand constants has a thousand classes).
class ValueSet {
 public:
  ValueSet() = default;
  static ValueSet Single(uint32_t v) {
    ValueSet s;
    s.Add(v);
    return s;
  }
  static ValueSet FromBits(uint64_t bits) {
    ValueSet s;
    if (bits) s.w_.push_back(bits);
    return s;
  }
  static ValueSet All(uint32_t domain) {
    ValueSet s;
    for (uint32_t v = 0; v < domain; ++v) s.Add(v);
    return s;
  }
  bool Has(uint32_t v) const { return v / 64 < w_.size() && ((w_[v / 64] >> (v % 64)) & 1); }
  void Add(uint32_t v) {
    if (w_.size() <= v / 64) w_.resize(v / 64 + 1, 0);
    w_[v / 64] |= uint64_t{1} << (v % 64);
  }
  ValueSet& operator|=(const ValueSet& o) {
    if (w_.size() < o.w_.size()) w_.resize(o.w_.size(), 0);
    for (size_t i = 0; i < o.w_.size(); ++i) w_[i] |= o.w_[i];
    return *this;
  }
  bool SubsetOf(const ValueSet& o) const {
    for (size_t i = 0; i < w_.size(); ++i)
      if (w_[i] & ~(i < o.w_.size() ? o.w_[i] : 0)) return false;
    return true;
  }
  bool empty() const { return w_.empty(); }
  // The first 64 values, for variables known to be small (sets, relations).
  uint64_t Bits() const { return w_.empty() ? 0 : w_[0]; }
  friend bool operator==(const ValueSet& a, const ValueSet& b) { return a.w_ == b.w_; }
  friend bool operator!=(const ValueSet& a, const ValueSet& b) { return !(a == b); }

 private:
  std::vector<uint64_t> w_;  // no trailing zero words
};

class DiagramStore {
 public:
  static constexpr NodeId kTerminalBit = 0x80000000u;
  static constexpr NodeId Terminal(uint32_t value) { return kTerminalBit | value; }
  static constexpr bool IsTerminal(NodeId n) { return (n & kTerminalBit) != 0; }
  static constexpr uint32_t TerminalValue(NodeId n) { return n & ~kTerminalBit; }
  static constexpr NodeId kFalse = kTerminalBit | 0, kTrue = kTerminalBit | 1;

  explicit DiagramStore(std::vector<uint32_t> domains) : domains_(std::move(domains)) {
    unique_.reserve(1 << 12);
    for (auto& m : apply_memo_) m.reserve(1 << 12);
  }

  uint32_t domain(uint32_t var) const { return domains_[var]; }
  size_t var_count() const { return domains_.size(); }
  size_t node_count() const { return nodes_.size(); }

  // The variable a node tests (past every variable for a terminal).
  uint32_t Var(NodeId n) const {
    return IsTerminal(n) ? static_cast<uint32_t>(domains_.size()) : nodes_[n].var;
  }
  NodeId Child(NodeId n, uint32_t value) const { return children_[nodes_[n].first + value]; }
  // `n` with variable `var` set to `value` (n itself if it does not test var first).
  NodeId Cofactor(NodeId n, uint32_t var, uint32_t value) const {
    return Var(n) == var ? Child(n, value) : n;
  }

  // The node testing `var` with these children (reduced and shared).
  NodeId Make(uint32_t var, const std::vector<NodeId>& children);
  // The requests whose variable `var` has a value in `values`.
  NodeId Literal(uint32_t var, const ValueSet& values);
  NodeId Literal(uint32_t var, uint64_t values) { return Literal(var, ValueSet::FromBits(values)); }

  NodeId Not(NodeId a);
  NodeId And(NodeId a, NodeId b);
  NodeId Or(NodeId a, NodeId b);
  // `a` with variable `var` fixed to `value`, wherever it is tested.
  NodeId Restrict(NodeId a, uint32_t var, uint32_t value);
  // The terminals of `a` mapped by `f` (memoised per call).
  NodeId MapTerminals(NodeId a, const std::function<uint32_t(uint32_t)>& f);

 private:
  struct Node {
    uint32_t var, first;
  };
  NodeId Apply(int op, NodeId a, NodeId b);

  std::vector<uint32_t> domains_;
  std::vector<Node> nodes_;
  std::vector<NodeId> children_;
  absl::flat_hash_map<std::vector<uint32_t>, NodeId> unique_;
  absl::flat_hash_map<uint64_t, NodeId> apply_memo_[3];
};

}  // namespace writ::detail

#endif  // WRIT_SRC_ANALYSIS_DIAGRAM_HPP_
