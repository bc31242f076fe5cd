// File: src/analysis/diagram.cpp
#include "analysis/diagram.hpp"

#include <algorithm>

namespace writ::detail {

NodeId DiagramStore::Make(uint32_t var, const std::vector<NodeId>& children) {
  if (std::all_of(children.begin(), children.end(), [&](NodeId c) { return c == children[0]; }))
    return children[0];
  std::vector<uint32_t> key;
  key.reserve(children.size() + 1);
  key.push_back(var);
  key.insert(key.end(), children.begin(), children.end());
  auto [it, inserted] = unique_.emplace(std::move(key), static_cast<NodeId>(nodes_.size()));
  if (inserted) {
    nodes_.push_back({var, static_cast<uint32_t>(children_.size())});
    children_.insert(children_.end(), children.begin(), children.end());
  }
  return it->second;
}

NodeId DiagramStore::Literal(uint32_t var, const ValueSet& values) {
  std::vector<NodeId> children(domains_[var]);
  for (uint32_t v = 0; v < children.size(); ++v) children[v] = values.Has(v) ? kTrue : kFalse;
  return Make(var, children);
}

// op 0: and, 1: or, 2: not (b unused).
NodeId DiagramStore::Apply(int op, NodeId a, NodeId b) {
  if (op == 2 && IsTerminal(a)) return a == kTrue ? kFalse : kTrue;
  if (op == 0) {
    if (a == kFalse || b == kFalse) return kFalse;
    if (a == kTrue) return b;
    if (b == kTrue || a == b) return a;
    if (a > b) std::swap(a, b);
  }
  if (op == 1) {
    if (a == kTrue || b == kTrue) return kTrue;
    if (a == kFalse) return b;
    if (b == kFalse || a == b) return a;
    if (a > b) std::swap(a, b);
  }
  const uint64_t key = uint64_t{a} << 32 | b;
  if (auto it = apply_memo_[op].find(key); it != apply_memo_[op].end()) return it->second;
  const uint32_t var = std::min(Var(a), op == 2 ? Var(a) : Var(b));
  std::vector<NodeId> children(domains_[var]);
  for (uint32_t v = 0; v < children.size(); ++v)
    children[v] = Apply(op, Cofactor(a, var, v), op == 2 ? b : Cofactor(b, var, v));
  const NodeId out = Make(var, children);
  apply_memo_[op].emplace(key, out);
  return out;
}

NodeId DiagramStore::Not(NodeId a) { return Apply(2, a, 0); }
NodeId DiagramStore::And(NodeId a, NodeId b) { return Apply(0, a, b); }
NodeId DiagramStore::Or(NodeId a, NodeId b) { return Apply(1, a, b); }

NodeId DiagramStore::Restrict(NodeId a, uint32_t var, uint32_t value) {
  absl::flat_hash_map<NodeId, NodeId> memo;
  auto go = [&](auto&& self, NodeId n) -> NodeId {
    if (IsTerminal(n) || nodes_[n].var > var) return n;
    if (nodes_[n].var == var) return Child(n, value);
    if (auto it = memo.find(n); it != memo.end()) return it->second;
    const uint32_t v = nodes_[n].var;
    std::vector<NodeId> children(domains_[v]);
    for (uint32_t k = 0; k < children.size(); ++k) children[k] = self(self, Child(n, k));
    const NodeId out = Make(v, children);
    memo.emplace(n, out);
    return out;
  };
  return go(go, a);
}

NodeId DiagramStore::MapTerminals(NodeId a, const std::function<uint32_t(uint32_t)>& f) {
  absl::flat_hash_map<NodeId, NodeId> memo;
  auto go = [&](auto&& self, NodeId n) -> NodeId {
    if (IsTerminal(n)) return Terminal(f(TerminalValue(n)));
    if (auto it = memo.find(n); it != memo.end()) return it->second;
    const uint32_t var = nodes_[n].var;
    std::vector<NodeId> children(domains_[var]);
    for (uint32_t v = 0; v < children.size(); ++v) children[v] = self(self, Child(n, v));
    const NodeId out = Make(var, children);
    memo.emplace(n, out);
    return out;
  };
  return go(go, a);
}

}  // namespace writ::detail
