// File: src/compiler/compiler.cpp
//
// The compiler: checked model -> Program. Each comparison becomes the most
// specific node kind that can decide it with a word operation (enum
// membership as a bit test, string equality as an interned-id compare), and
// constant sub-expressions fold away. Rules that test one attribute for
// equality with a constant are indexed by that value; the others (up to 64)
// are also laid out bit-parallel (rule_bitmap.cpp).
#include "compiler/compiler.hpp"

#include <algorithm>
#include <climits>
#include <map>
#include <set>

#include "common/combining.hpp"
#include "common/operators.hpp"
#include "compiler/fast_form.hpp"
#include "compiler/rule_bitmap.hpp"

namespace writ::detail {
namespace {

bool ReadsAttribute(const Expr& e) {
  if (e.kind == ExprKind::kName) return e.ref == NameRef::kAttribute;
  for (const auto& c : e.children)
    if (ReadsAttribute(c)) return true;
  return false;
}

Op Flip(Op op) {
  switch (op) {
    case Op::kLt:
      return Op::kGt;
    case Op::kLe:
      return Op::kGe;
    case Op::kGt:
      return Op::kLt;
    case Op::kGe:
      return Op::kLe;
    default:
      return op;
  }
}

class Compiler {
 public:
  explicit Compiler(Model& m) : m_(m) {}

  Program Run() {
    p_.first_match = m_.first_match;
    p_.default_effect = ToEffect(m_.default_effect);
    p_.default_message = m_.default_message;
    p_.items_attr = m_.items_attr;
    if (m_.items_enum >= 0) p_.items_all = m_.schema.enums[m_.items_enum].all_mask();
    for (const auto& cr : m_.rules) InternStrings(cr);
    p_.model = &m_;
    p_.presence_tested.assign(m_.schema.attrs.size(), false);
    for (const auto& cr : m_.rules) ForEachCondition(cr, [&](const Expr& e) { MarkPresence(e); });
    for (const auto& cr : m_.rules) p_.rules.push_back(CompileRule(cr));
    for (const auto& r : p_.rules) p_.hot.push_back(Hot(r));
    if (p_.items_attr >= 0) p_.items_off = m_.schema.attrs[p_.items_attr].offset;
    BuildIndex();
    p_.bitmap = BuildRuleBitmap(p_, p_.index.unindexed);
    if (p_.bitmap.enabled) p_.bitmap.settled = SettleOutcomes(p_, p_.index.unindexed);
    p_.wide = BuildWideBitmap(p_, p_.index.unindexed);
    return std::move(p_);
  }

 private:
  void InternExpr(const Expr& e) {
    if (e.kind == ExprKind::kString) m_.schema.AddString(e.text);
    if (e.kind == ExprKind::kName && e.ref == NameRef::kLet) {
      const Value& v = m_.lets[e.let];
      if (v.type.kind == TypeKind::kString) m_.schema.AddString(v.s);
      for (const auto& s : v.strs) m_.schema.AddString(s);
    }
    for (const auto& c : e.children) InternExpr(c);
  }
  void MarkPresence(const Expr& e) {
    if (e.kind == ExprKind::kIsPresent || e.kind == ExprKind::kIsMissing) {
      p_.presence_tested[e.children[0].attr] = true;
      p_.presence_tested_any = true;
    }
    for (const auto& c : e.children) MarkPresence(c);
  }
  void InternStrings(const CheckedRule& cr) {
    ForEachCondition(cr, [&](const Expr& e) { InternExpr(e); });
  }

  // Points `n` at attribute `attr`: its presence bit and packed value.
  void Bind(Node& n, uint32_t attr) {
    const AttrInfo& a = m_.schema.attrs[attr];
    n.slot = attr;
    n.off = a.offset;
    n.width = a.width;
    n.sign = a.is_signed;
  }
  void Bind2(Node& n, uint32_t attr) {
    const AttrInfo& a = m_.schema.attrs[attr];
    n.slot2 = attr;
    n.off2 = a.offset;
    n.width2 = a.width;
    n.sign2 = a.is_signed;
  }

  // `member not in S` is `member in (all members - S)`: one test, no negation.
  Node FoldNegation(Node n, int32_t enum_id) {
    if (n.negate) {
      n.k = ~n.k & m_.schema.enums[enum_id].all_mask();
      n.negate = false;
    }
    return n;
  }

  static void SetRange(Node& n, Op op, int64_t c) {
    constexpr int64_t kMin = INT64_MIN, kMax = INT64_MAX;
    int64_t lo = kMin, hi = kMax;
    switch (op) {
      case Op::kEq:
        lo = hi = c;
        break;
      case Op::kNe:
        lo = hi = c;
        n.negate = true;
        break;
      case Op::kLt:
        if (c == kMin) {
          lo = 1;
          hi = 0;
        } else {
          hi = c - 1;
        }
        break;
      case Op::kLe:
        hi = c;
        break;
      case Op::kGt:
        if (c == kMax) {
          lo = 1;
          hi = 0;
        } else {
          lo = c + 1;
        }
        break;
      case Op::kGe:
        lo = c;
        break;
      default:
        break;
    }
    n.k = static_cast<uint64_t>(lo);
    n.k2 = hi;
  }

  uint32_t Add(Node n) {
    p_.nodes.push_back(n);
    return static_cast<uint32_t>(p_.nodes.size() - 1);
  }
  uint32_t Const(bool b) {
    Node n;
    n.kind = NodeKind::kConst;
    n.k = b;
    return Add(n);
  }
  uint32_t List(NodeKind kind, const std::vector<uint32_t>& kids) {
    Node n;
    n.kind = kind;
    n.a = static_cast<uint32_t>(p_.children.size());
    n.n = static_cast<uint32_t>(kids.size());
    p_.children.insert(p_.children.end(), kids.begin(), kids.end());
    return Add(n);
  }

  uint32_t ConstIndex(const Value& v) {
    p_.consts.push_back(v);
    return static_cast<uint32_t>(p_.consts.size() - 1);
  }

  uint32_t Expr_(const Expr& e) {
    if (!ReadsAttribute(e)) return Const(FoldConstant(e, m_).b);
    switch (e.kind) {
      case ExprKind::kName: {
        Node n;
        n.kind = NodeKind::kBoolAttr;
        Bind(n, e.attr);
        return Add(n);
      }
      case ExprKind::kIsPresent:
      case ExprKind::kIsMissing: {
        Node n;
        n.kind = e.kind == ExprKind::kIsPresent ? NodeKind::kPresent : NodeKind::kMissing;
        Bind(n, e.children[0].attr);
        return Add(n);
      }
      case ExprKind::kNot: {
        uint32_t c = Expr_(e.children[0]);
        return List(NodeKind::kNot, {c});
      }
      case ExprKind::kAnd:
      case ExprKind::kOr: {
        std::vector<uint32_t> kids;
        for (const auto& c : e.children) kids.push_back(Expr_(c));
        return List(e.kind == ExprKind::kAnd ? NodeKind::kAnd : NodeKind::kOr, kids);
      }
      case ExprKind::kCompare:
        return Compare(e);
      default:
        return Const(false);  // literals never read attributes
    }
  }

  uint32_t Compare(const Expr& e) {
    const Expr* l = &e.children[0];
    const Expr* r = &e.children[1];
    Op op = e.op;
    // Put the attribute on the left where the operator allows it.
    if (!IsAttribute(*l) && IsAttribute(*r)) {
      if (op == Op::kEq || op == Op::kNe || op == Op::kLt || op == Op::kLe || op == Op::kGt ||
          op == Op::kGe) {
        std::swap(l, r);
        op = Flip(op);
      } else if (op == Op::kIn && r->type.kind == TypeKind::kEnumSet && !ReadsAttribute(*l)) {
        std::swap(l, r);
        op = Op::kContains;
      }
    }
    const bool lattr = IsAttribute(*l);
    const bool rconst = !ReadsAttribute(*r);
    const TypeKind lt = l->type.kind;
    Node n;
    n.op = op;
    if (lattr && rconst) {
      Value v = FoldConstant(*r, m_);
      Bind(n, l->attr);
      switch (lt) {
        case TypeKind::kEnum:
          if (op == Op::kEq || op == Op::kNe) {
            n.kind = NodeKind::kEnumInMask;
            n.k = uint64_t{1} << v.i;
            n.negate = op == Op::kNe;
            return Add(FoldNegation(n, l->type.enum_id));
          }
          if (op == Op::kIn || op == Op::kNotIn) {
            n.kind = NodeKind::kEnumInMask;
            n.k = v.mask;
            n.negate = op == Op::kNotIn;
            return Add(FoldNegation(n, l->type.enum_id));
          }
          break;
        case TypeKind::kInt:
        case TypeKind::kDate:
        case TypeKind::kBool:
          // Every order comparison with a constant is a range test:
          // x < c is x in [min, c-1], x == c is [c, c], x != c is not [c, c].
          n.kind = lt == TypeKind::kDate ? NodeKind::kDateInRange : NodeKind::kIntInRange;
          SetRange(n, op, lt == TypeKind::kBool ? v.b : v.i);
          return Add(n);
        case TypeKind::kEnumSet:
          if (op == Op::kContains) {
            n.kind = NodeKind::kMaskOp;
            n.k = uint64_t{1} << v.i;
            return Add(n);
          }
          if (op == Op::kContainsAny || op == Op::kContainsAll || op == Op::kContainsNone ||
              op == Op::kEq || op == Op::kNe) {
            n.kind = NodeKind::kMaskOp;
            n.k = v.mask;
            return Add(n);
          }
          break;
        case TypeKind::kString:
          if (op == Op::kEq || op == Op::kNe) {
            n.kind = NodeKind::kStringEqConst;
            n.k = m_.schema.Intern(v.s);
            n.negate = op == Op::kNe;
            return Add(n);
          }
          if (op == Op::kIn || op == Op::kNotIn) {
            n.kind = NodeKind::kStringInConst;
            n.a = static_cast<uint32_t>(p_.ids.size());
            for (const auto& s : v.strs) p_.ids.push_back(m_.schema.Intern(s));
            n.n = static_cast<uint32_t>(v.strs.size());
            n.negate = op == Op::kNotIn;
            return Add(n);
          }
          break;
        default:
          break;
      }
    }
    if (lattr && IsAttribute(*r) && l->type == r->type &&
        (lt == TypeKind::kInt || lt == TypeKind::kDate || lt == TypeKind::kEnum ||
         lt == TypeKind::kBool) &&
        op <= Op::kGe) {
      n.kind = NodeKind::kWordCmpAttr;
      Bind(n, l->attr);
      Bind2(n, r->attr);
      return Add(n);
    }
    // Everything else: a generic comparison of two operands.
    n.kind = NodeKind::kGeneric;
    n.type = lt;
    auto operand = [&](const Expr& x) {
      Operand o;
      if (IsAttribute(x)) {
        o.is_attr = true;
        o.index = x.attr;
      } else {
        o.index = ConstIndex(FoldConstant(x, m_));
      }
      return o;
    };
    n.a = static_cast<uint32_t>(p_.generic.size());
    p_.generic.push_back({operand(*l), operand(*r)});
    return Add(n);
  }

  CompiledRule CompileRule(const CheckedRule& cr) {
    const RuleDecl& d = *cr.decl;
    CompiledRule out;
    out.name = d.name.name;
    out.effect = ToEffect(cr.effect);
    out.has_disclose = cr.has_disclose;
    out.disclose_mask = cr.has_disclose ? cr.disclose_mask : p_.items_all;
    if (d.then) out.message = d.then->message.value;
    for (const CheckedObligation& co : cr.obligations) {
      const Obligation& o = *co.decl;
      CompiledObligation c;
      c.name = o.name.name;
      c.argument = o.argument ? o.argument->value : "";
      c.has_argument = o.argument.has_value();
      if (co.condition) {
        const uint32_t cond = Expr_(*co.condition);
        c.condition = static_cast<int32_t>(co.unless ? List(NodeKind::kNot, {cond}) : cond);
        c.id = p_.conditional_obligations++;
        p_.has_duties = true;
        c.reads = co.reads;
        out.conditional_obligations = true;
      }
      out.obligations.push_back(std::move(c));
    }
    std::vector<uint32_t> parts;
    if (d.when) parts.push_back(Expr_(*d.when));
    if (d.unless) {
      uint32_t u = Expr_(*d.unless);
      parts.push_back(List(NodeKind::kNot, {u}));
    }
    if (cr.has_disclose && p_.items_attr >= 0) {
      Node n;
      n.kind = NodeKind::kMaskOp;
      n.op = Op::kContainsAny;
      Bind(n, p_.items_attr);
      n.k = cr.disclose_mask;
      parts.push_back(Add(n));
    }
    out.reads = cr.reads;
    // One flat conjunction: `when`'s own conjuncts join `not unless` and the
    // disclose test (Kleene `and` is associative), so a rule is one loop.
    if (parts.size() > 1 && p_.nodes[parts[0]].kind == NodeKind::kAnd) {
      const Node when = p_.nodes[parts[0]];
      std::vector<uint32_t> flat(p_.children.begin() + when.a,
                                 p_.children.begin() + when.a + when.n);
      flat.insert(flat.end(), parts.begin() + 1, parts.end());
      parts = std::move(flat);
    }
    if (parts.empty()) {
      out.root = Const(true);
    } else if (parts.size() == 1) {
      out.root = parts[0];
    } else {
      out.root = List(NodeKind::kAnd, parts);
    }
    return out;
  }

  // The rule's evaluation record; a conjunction of leaves is laid out flat,
  // cheapest and most selective first (Kleene `and` does not depend on the
  // order; explanations walk the source, not this).
  HotRule Hot(const CompiledRule& r) {
    HotRule h;
    h.root = r.root;
    h.effect = r.effect;
    h.disclose_mask = r.disclose_mask;
    const Node& root = p_.nodes[r.root];
    std::vector<Node> leaves;
    if (IsLeaf(root.kind)) {
      leaves.push_back(root);
    } else if (root.kind == NodeKind::kAnd) {
      for (uint32_t i = 0; i < root.n; ++i) {
        const Node& c = p_.nodes[p_.children[root.a + i]];
        if (!IsLeaf(c.kind)) return h;  // not flat: evaluate the tree
        leaves.push_back(c);
      }
    } else {
      return h;
    }
    auto cost = [](const Node& n) { return Info(n.kind).cost; };
    std::stable_sort(leaves.begin(), leaves.end(),
                     [&](const Node& a, const Node& b) { return cost(a) < cost(b); });
    h.all_in_first_word = true;
    for (const Node& n : leaves) {
      if (!Info(n.kind).present_form) {
        h.all_in_first_word = false;  // these keep the general path
        break;
      }
      if (n.slot >= 64 || (Info(n.kind).reads_slot2 && n.slot2 >= 64)) {
        h.all_in_first_word = false;
        break;
      }
      h.need |= uint64_t{1} << n.slot;
      if (Info(n.kind).reads_slot2) h.need |= uint64_t{1} << n.slot2;
    }
    h.first = static_cast<uint32_t>(p_.conjuncts.size());
    h.count = static_cast<uint32_t>(leaves.size());
    p_.conjuncts.insert(p_.conjuncts.end(), leaves.begin(), leaves.end());
    return h;
  }

  // An equality of an attribute with a constant among the top-level
  // conjuncts of `when`: (attribute, key).
  std::optional<std::pair<uint32_t, uint64_t>> IndexKey(const RuleDecl& d) {
    if (!d.when) return std::nullopt;
    std::vector<const Expr*> conj;
    if (d.when->kind == ExprKind::kAnd) {
      for (const auto& c : d.when->children) conj.push_back(&c);
    } else {
      conj.push_back(&*d.when);
    }
    for (const Expr* c : conj) {
      if (c->kind != ExprKind::kCompare || c->op != Op::kEq) continue;
      const Expr* a = &c->children[0];
      const Expr* k = &c->children[1];
      if (!IsAttribute(*a)) std::swap(a, k);
      if (!IsAttribute(*a) || ReadsAttribute(*k)) continue;
      Value v = FoldConstant(*k, m_);
      if (a->type.kind == TypeKind::kString)
        return std::make_pair(uint32_t(a->attr), m_.schema.Intern(v.s));
      if (a->type.kind == TypeKind::kEnum) return std::make_pair(uint32_t(a->attr), uint64_t(v.i));
    }
    return std::nullopt;
  }

  void BuildIndex() {
    // Index only where it pays: the attribute most rules key on, if enough do.
    constexpr size_t kMinIndexedRules = 4;
    std::vector<std::optional<std::pair<uint32_t, uint64_t>>> keys;
    std::map<uint32_t, size_t> count;
    for (const auto& cr : m_.rules) {
      keys.push_back(IndexKey(*cr.decl));
      if (keys.back()) ++count[keys.back()->first];
    }
    int32_t best = -1;
    size_t best_n = 0;
    for (auto [attr, n] : count) {
      if (n > best_n) {
        best = static_cast<int32_t>(attr);
        best_n = n;
      }
    }
    RuleIndex& idx = p_.index;
    if (best < 0 || best_n < kMinIndexedRules) {
      for (uint32_t i = 0; i < m_.rules.size(); ++i) idx.unindexed.push_back(i);
      return;
    }
    idx.attr = best;
    idx.is_string = m_.schema.attrs[best].type == AttributeType::kString;
    size_t keys_n = idx.is_string ? m_.schema.strings.size()
                                  : m_.schema.enums[m_.schema.attrs[best].enum_id].members.size();
    std::vector<std::vector<uint32_t>> buckets(keys_n);
    for (uint32_t i = 0; i < m_.rules.size(); ++i) {
      if (keys[i] && keys[i]->first == static_cast<uint32_t>(best)) {
        buckets[keys[i]->second].push_back(i);
      } else {
        idx.unindexed.push_back(i);
      }
    }
    idx.bucket_start.push_back(0);
    for (uint64_t key = 0; key < buckets.size(); ++key) {
      for (uint32_t rule : buckets[key]) {
        idx.bucket_rules.push_back(rule);
        idx.bucket_heads.push_back(BucketHead_(rule, key));
      }
      idx.bucket_start.push_back(static_cast<uint32_t>(idx.bucket_rules.size()));
    }
  }

  // A rule of the bucket of `key`: its flat conjunction in compact leaves,
  // laid out in bucket order, without the tests of the index attribute that
  // `key` satisfies.
  BucketHead BucketHead_(uint32_t rule, uint64_t key) {
    RuleIndex& idx = p_.index;
    const HotRule& h = p_.hot[rule];
    BucketHead head;
    head.effect = h.effect;
    head.more = static_cast<uint32_t>(idx.bucket_leaves.size());
    if (h.count == 0 || !h.all_in_first_word) return head;
    std::vector<CompactLeaf> leaves;
    uint64_t need = 0;
    for (uint32_t c = h.first; c < h.first + h.count; ++c) {
      const Node& n = p_.conjuncts[c];
      if (n.slot == static_cast<uint32_t>(idx.attr) && KeySatisfies(n, key)) continue;
      std::optional<CompactLeaf> leaf = Compact(n);
      if (!leaf) return head;
      leaves.push_back(*leaf);
      need |= uint64_t{1} << n.slot;
      if (Info(n.kind).reads_slot2) need |= uint64_t{1} << n.slot2;
    }
    if (leaves.size() > UINT8_MAX) return head;
    head.compact = true;
    head.need = need;
    head.count = static_cast<uint8_t>(leaves.size());
    for (size_t i = 0; i < leaves.size(); ++i) {
      if (i < BucketHead::kInlineLeaves) {
        head.leaves[i] = leaves[i];
      } else {
        idx.bucket_leaves.push_back(leaves[i]);
      }
    }
    return head;
  }

  // Whether a test of the index attribute is true for every request whose
  // value of it is `key`.
  static bool KeySatisfies(const Node& n, uint64_t key) {
    if (n.kind == NodeKind::kStringEqConst) return (n.k == key) != n.negate;
    if (n.kind == NodeKind::kEnumInMask && key < 64)
      return RowAccepts(n, static_cast<uint32_t>(key));
    return false;
  }

  Model& m_;
  Program p_;
};

}  // namespace

Program Compile(Model& model) { return Compiler(model).Run(); }

}  // namespace writ::detail
