// File: src/compiler/rule_bitmap.cpp
//
// The bit-parallel form of a small rule set. A conjunct that compares a
// 1-byte attribute (an enum member or a bool) with constants becomes a row
// entry: for each of the 64 possible byte values, whether the rule survives.
// The test reads exactly what the evaluator's leaf would (bit `value` of the
// mask, `value != 0`, or the range), so both forms agree on every value.
// Other conjuncts become predicates, shared by the rules that have the same
// condition.
#include "compiler/rule_bitmap.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "common/combining.hpp"
#include "compiler/fast_form.hpp"

namespace writ::detail {
namespace {

// Two leaves with equal keys evaluate alike on every request.
auto LeafKey(const Node& n) {
  return std::make_tuple(n.kind, n.op, n.negate, n.type, n.width, n.width2, n.sign, n.sign2, n.slot,
                         n.off, n.slot2, n.off2, n.a, n.n, n.k, n.k2);
}
// The keys' order, as a type of this file alone: the map it orders is then
// local to this file too (a std::map of internal types alone would be an
// exported symbol of libwrit.so).
struct LeafKeyLess {
  template <typename Key>
  bool operator()(const Key& a, const Key& b) const {
    return a < b;
  }
};

// The conjuncts of a rule set (position j: rule rules[j]), sorted by how
// the bit-parallel forms take them.
struct Conjuncts {
  struct Row {
    uint32_t position;
    const Node* leaf;  // a 1-byte attribute against constants (IsRowLeaf)
  };
  struct Shared {
    const Node* leaf;                 // any other condition,
    std::vector<uint32_t> positions;  // with every rule that has it
  };
  std::vector<Row> rows;
  std::vector<Row> strings;  // a string attribute in constants (string_rows only)
  std::vector<Shared> predicates;
  std::vector<uint32_t> flat, trees, never;  // positions
};

// Whether a leaf tests a string attribute for membership in constants.
bool IsStringRowLeaf(const Node& n) {
  return (n.kind == NodeKind::kStringEqConst || n.kind == NodeKind::kStringInConst) && !n.negate;
}

// With `string_rows`, string memberships are kept apart (the wide form takes
// them as rows); otherwise they are predicates like any other condition.
Conjuncts Classify(const Program& p, const std::vector<uint32_t>& rules, bool string_rows) {
  Conjuncts out;
  std::map<decltype(LeafKey(Node{})), size_t, LeafKeyLess> predicate_of;
  for (uint32_t j = 0; j < rules.size(); ++j) {
    const HotRule& h = p.hot[rules[j]];
    if (h.count == 0) {
      out.trees.push_back(j);
      continue;
    }
    out.flat.push_back(j);
    for (uint32_t c = h.first; c < h.first + h.count; ++c) {
      const Node& n = p.conjuncts[c];
      if (n.kind == NodeKind::kConst) {
        if (n.k == kFalse) out.never.push_back(j);  // constants are true or false
      } else if (IsRowLeaf(n)) {
        out.rows.push_back({j, &n});
      } else if (string_rows && IsStringRowLeaf(n)) {
        out.strings.push_back({j, &n});
      } else {
        auto [it, added] = predicate_of.try_emplace(LeafKey(n), out.predicates.size());
        if (added) out.predicates.push_back({&n, {}});
        std::vector<uint32_t>& at = out.predicates[it->second].positions;
        if (at.empty() || at.back() != j) at.push_back(j);
      }
    }
  }
  return out;
}

}  // namespace

RuleBitmap BuildRuleBitmap(const Program& p, const std::vector<uint32_t>& rules) {
  RuleBitmap b;
  if (rules.size() > kMaxBitmapRules) return b;
  b.enabled = true;
  b.fast = true;
  b.rule_ids = rules;
  auto need = [&b](uint32_t slot) {
    const uint64_t bit = uint64_t{1} << (slot & 63);
    if (slot < 64) {
      b.need |= bit;
      return;
    }
    const size_t word = slot / 64 - 1;
    if (b.need_more.size() <= word) b.need_more.resize(word + 1, 0);
    b.need_more[word] |= bit;
    b.need_past_first_word = true;
  };
  auto bit = [](uint32_t position) { return uint64_t{1} << position; };
  for (uint32_t j = 0; j < rules.size(); ++j) {
    b.by_effect[static_cast<int>(p.hot[rules[j]].effect)] |= bit(j);
  }
  const Conjuncts c = Classify(p, rules, /*string_rows=*/false);
  for (uint32_t j : c.flat) b.flat |= bit(j);
  for (uint32_t j : c.trees) b.trees |= bit(j);
  for (uint32_t j : c.never) b.never |= bit(j);
  std::map<uint32_t, size_t> attr_of_slot;
  for (const Conjuncts::Row& row : c.rows) {
    const Node& n = *row.leaf;
    auto [it, added] = attr_of_slot.try_emplace(n.slot, b.attrs.size());
    if (added) {
      RowAttribute a;
      a.slot = n.slot;
      a.off = n.off;
      a.rows = static_cast<uint32_t>(b.row_masks.size());
      b.attrs.push_back(a);
      b.row_masks.resize(b.row_masks.size() + 64, ~uint64_t{0});
      need(n.slot);
    }
    RowAttribute& a = b.attrs[it->second];
    a.tests |= bit(row.position);
    for (uint32_t x = 0; x < 64; ++x) {
      if (!RowAccepts(n, x)) b.row_masks[a.rows + x] &= ~bit(row.position);
    }
  }
  for (const Conjuncts::Shared& shared : c.predicates) {
    const Node& n = *shared.leaf;
    Predicate q{n, 0};
    for (uint32_t j : shared.positions) q.rules |= bit(j);
    b.predicates.push_back(q);
    if (!Info(n.kind).present_form) b.fast = false;
    need(n.slot);
    if (Info(n.kind).reads_slot2) need(n.slot2);
  }
  // The fast case's forms of the predicates.
  for (uint32_t i = 0; i < b.predicates.size(); ++i) {
    RangePredicate q;
    q.rules = b.predicates[i].rules;
    switch (AsRange(b.predicates[i].leaf, q)) {
      case FastForm::kRange:
        b.ranges.push_back(q);
        break;
      case FastForm::kComparison:
        b.comparisons.push_back(q);
        break;
      case FastForm::kSetTest:
        b.set_tests.push_back(q);
        break;
      case FastForm::kNone:
      case FastForm::kByteMask:  // rows, never a predicate
        b.present_leaves.push_back(i);
        break;
    }
  }
  return b;
}

WideBitmap BuildWideBitmap(const Program& p, const std::vector<uint32_t>& rules) {
  WideBitmap b;
  const uint32_t words = static_cast<uint32_t>((rules.size() + 63) / 64);
  if (rules.size() <= kMaxBitmapRules || words > WideBitmap::kMaxWords) return b;
  const Conjuncts c = Classify(p, rules, /*string_rows=*/true);
  b.words = words;
  b.rule_ids = rules;
  auto set = [&b](uint32_t at, uint32_t position) {
    b.masks[at + position / 64] |= uint64_t{1} << (position % 64);
  };
  auto block = [&b, words](uint64_t fill) {
    const uint32_t at = static_cast<uint32_t>(b.masks.size());
    b.masks.resize(b.masks.size() + words, fill);
    return at;
  };
  b.flat = block(0);
  b.never = block(0);
  for (uint32_t j : c.flat) set(b.flat, j);
  for (uint32_t j : c.never) set(b.never, j);
  b.trees = c.trees;
  std::map<uint32_t, size_t> attr_of_slot;
  for (const Conjuncts::Row& row : c.rows) {
    const Node& n = *row.leaf;
    auto [it, added] = attr_of_slot.try_emplace(n.slot, b.attrs.size());
    if (added) {
      if (b.masks.size() + 65 * size_t{words} > WideBitmap::kMaxMaskWords) return WideBitmap{};
      WideBitmap::Attribute a;
      a.slot = n.slot;
      a.off = n.off;
      a.tests = block(0);
      a.rows = static_cast<uint32_t>(b.masks.size());
      b.masks.resize(b.masks.size() + 64 * size_t{words}, ~uint64_t{0});
      b.attrs.push_back(a);
    }
    const WideBitmap::Attribute& a = b.attrs[it->second];
    set(a.tests, row.position);
    for (uint32_t x = 0; x < 64; ++x) {
      if (!RowAccepts(n, x)) {
        b.masks[a.rows + x * words + row.position / 64] &= ~(uint64_t{1} << (row.position % 64));
      }
    }
  }
  // String rows: for each id some rule names, the testing rules that every
  // one of their memberships on the attribute accepts.
  std::map<uint32_t, size_t> string_of_slot;
  std::map<uint32_t, std::map<uint32_t, uint32_t>> leaves_of;  // slot -> position -> leaves
  std::map<uint32_t, std::map<uint64_t, std::map<uint32_t, uint32_t>>> hits;  // slot -> id -> ...
  for (const Conjuncts::Row& row : c.strings) {
    const Node& n = *row.leaf;
    auto [it, added] = string_of_slot.try_emplace(n.slot, b.strings.size());
    if (added) {
      WideBitmap::StringAttribute a;
      a.slot = n.slot;
      a.off = n.off;
      a.tests = block(0);
      b.strings.push_back(std::move(a));
    }
    set(b.strings[it->second].tests, row.position);
    ++leaves_of[n.slot][row.position];
    std::set<uint64_t> ids;
    if (n.kind == NodeKind::kStringEqConst) {
      ids.insert(n.k);
    } else {
      ids.insert(p.ids.begin() + n.a, p.ids.begin() + n.a + n.n);
    }
    for (uint64_t id : ids) ++hits[n.slot][id][row.position];
  }
  for (auto& [slot, by_id] : hits) {
    WideBitmap::StringAttribute& a = b.strings[string_of_slot[slot]];
    for (auto& [id, counts] : by_id) {
      if (b.masks.size() + words > WideBitmap::kMaxMaskWords) return WideBitmap{};
      const uint32_t at = block(0);
      for (auto [position, n] : counts) {
        if (n == leaves_of[slot][position]) set(at, position);
      }
      a.accept.emplace(static_cast<uint32_t>(id), at);
    }
  }
  for (const Conjuncts::Shared& shared : c.predicates) {
    WideBitmap::Predicate q;
    q.leaf = *shared.leaf;
    q.first = static_cast<uint32_t>(b.positions.size());
    q.count = static_cast<uint32_t>(shared.positions.size());
    b.positions.insert(b.positions.end(), shared.positions.begin(), shared.positions.end());
    b.predicates.push_back(q);
  }
  b.enabled = true;
  return b;
}

std::vector<Settled> SettleOutcomes(const Program& p, const std::vector<uint32_t>& rules) {
  const size_t n = rules.size();
  std::vector<Settled> table;
  if (n > kMaxSettledRules) return table;
  table.resize(size_t{1} << n);
  for (uint64_t applies = 0; applies < table.size(); ++applies) {
    Settled& s = table[applies];
    auto effect = [&](uint32_t j) { return p.hot[rules[j]].effect; };
    auto decide_by = [&](uint32_t j) {
      s.deciding[s.n_deciding++] = rules[j];
      s.may |= p.hot[rules[j]].disclose_mask;
    };
    // The combining rule (common/combining.hpp) for this set of applying rules.
    EffectSet effects = 0;
    for (uint32_t j = 0; j < n; ++j)
      if ((applies >> j) & 1) effects |= EffectBit(effect(j));
    const uint32_t first = applies ? __builtin_ctzll(applies) : 0;
    s.effect = CombinedEffect(p.first_match, p.default_effect, effects,
                              applies ? effect(first) : Effect::kAllow);
    s.by_default = applies == 0;
    if (s.by_default) s.may = p.items_all;
    for (uint32_t j = 0; j < n; ++j) {
      if (((applies >> j) & 1) && Decides(p.first_match, j == first, effect(j), s.effect))
        decide_by(j);
    }
    // What may be disclosed, as GrantedItems reads it for a request that
    // asks for everything.
    s.may = GrantedItems(s.effect, ~uint64_t{0}, s.may);
  }
  return table;
}

}  // namespace writ::detail
