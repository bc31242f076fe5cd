// File: src/checker/checker.hpp (internal)
//
// Names, types, lets, placeholders and tests: turns a parsed `Ast` into a
// checked `Model`, annotating each expression with its type and what its
// names refer to, and reporting every problem as a diagnostic.
#ifndef WRIT_SRC_CHECKER_CHECKER_HPP_
#define WRIT_SRC_CHECKER_CHECKER_HPP_

#include <string>
#include <vector>

#include "common/ast.hpp"
#include "common/schema.hpp"
#include "common/value.hpp"
#include "writ/diagnostic.hpp"

namespace writ::detail {

// An obligation of a rule; `condition` (in the Ast) is null when it always
// follows the rule.
struct CheckedObligation {
  const Obligation* decl = nullptr;
  const Expr* condition = nullptr;
  bool unless = false;
  // The attributes the condition reads, sorted: the missing list of a
  // decision it leaves open.
  std::vector<uint32_t> reads;
};

struct CheckedRule {
  const RuleDecl* decl = nullptr;
  uint32_t file = 0;
  EffectKind effect = EffectKind::kDeny;
  bool has_disclose = false;
  uint64_t disclose_mask = 0;  // members of the items enum
  // Every attribute the rule reads (`items` too when it has `disclose`),
  // sorted: the candidates for a decision's missing list.
  std::vector<uint32_t> reads;
  std::vector<CheckedObligation> obligations;  // as written
  bool conditional_obligations = false;        // some obligation has a condition
};

// Calls `f(const Expr&)` on every condition of a rule: `when`, `unless` and
// its obligations' conditions; what reads a policy's names and values reads
// all of them.
template <typename F>
void ForEachCondition(const CheckedRule& cr, F&& f) {
  if (cr.decl->when) f(*cr.decl->when);
  if (cr.decl->unless) f(*cr.decl->unless);
  for (const CheckedObligation& o : cr.obligations)
    if (o.condition) f(*o.condition);
}

struct CheckedTest {
  const TestDecl* decl = nullptr;
  uint32_t file = 0;
};

// A checked policy: what the compiler, the evaluators and the tests read.
// Points into the Ast it was checked from, which must outlive it.
struct Model {
  Schema schema;
  std::string name, title, version, source;
  bool first_match = false;
  int32_t items_attr = -1;  // attribute index of `items`, or -1
  int32_t items_enum = -1;  // its enum
  EffectKind default_effect = EffectKind::kDeny;
  std::string default_message = "no rule applies";
  std::vector<CheckedRule> rules;  // evaluation order
  std::vector<CheckedTest> tests;
  std::vector<Value> lets;  // folded, by let index
  std::vector<const LetDecl*> let_decls;
};

// Checks `ast` (whose expressions it annotates). Problems go to `diagnostics`;
// the model is meaningful only if none of them is an error.
Model Check(Ast& ast, const SourceSet& sources, std::vector<Diagnostic>& diagnostics);

// Evaluates a checked constant expression (literals and lets only).
Value FoldConstant(const Expr& e, const Model& model);

// A value rendered as the language writes it: court_order, "x", 2024-01-01, {a, b}.
std::string ValueText(const Value& v, const Schema& schema);

}  // namespace writ::detail

#endif  // WRIT_SRC_CHECKER_CHECKER_HPP_
