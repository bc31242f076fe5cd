// File: src/checker/lets.cpp
//
// Lets: folding to constants, cycles, unused lets.
#include <algorithm>
#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "checker/checker_impl.hpp"
#include "common/names.hpp"

namespace writ::detail {

void Checker::WarnUnusedLets() {
  // A declaration that did not parse may be the one that uses the let, and
  // after any error a let may be unused only because of it: warn about
  // unused lets in policies that are otherwise clean.
  if (any_broken_ || ErrorCount() > 0) return;
  std::vector<bool> used(m_.let_decls.size());
  std::function<void(const Expr&)> walk = [&](const Expr& e) {
    if (e.kind == ExprKind::kName && e.ref == NameRef::kLet) used[e.let] = true;
    for (const auto& c : e.children) walk(c);
  };
  for (auto* l : m_.let_decls) walk(l->value);
  for (auto& cr : m_.rules) ForEachCondition(cr, walk);
  for (auto& t : m_.tests)
    for (auto& g : t.decl->given) walk(g.value);
  for (size_t i = 0; i < used.size(); ++i) {
    if (used[i]) continue;
    uint32_t file = m_.let_decls[i]->name.span.file;
    bool file_has_rules = false;
    for (auto& cr : m_.rules) file_has_rules |= cr.decl->name.span.file == file;
    if (file_has_rules)
      Warn(m_.let_decls[i]->name.span, "unused-let",
           absl::StrCat("let '", m_.let_decls[i]->name.name, "' is never used"));
  }
}

void Checker::FoldLets() {
  const size_t n = m_.let_decls.size();
  // The lets that each let's value names (names that are not attributes).
  std::vector<std::vector<int32_t>> deps(n);
  for (size_t i = 0; i < n; ++i) {
    std::vector<const Expr*> todo = {&m_.let_decls[i]->value};
    while (!todo.empty()) {
      const Expr* e = todo.back();
      todo.pop_back();
      if (e->kind == ExprKind::kName && !m_.schema.attr_by_path.count(e->text)) {
        if (auto it = let_index_.find(e->text); it != let_index_.end())
          deps[i].push_back(it->second);
      }
      for (const Expr& c : e->children) todo.push_back(&c);
    }
  }
  // Fold in dependency order, the post-order of a depth-first walk kept on
  // a vector, so that folding a let finds the lets it names folded already:
  // a chain of 10,000 lets costs no stack. Lets on a cycle are left to the
  // loop below, whose FoldLet names the cycle.
  std::vector<uint8_t> mark(n, 0);  // 0 not seen, 1 on the walk's path, 2 left
  std::vector<bool> cyclic(n, false);
  for (size_t root = 0; root < n; ++root) {
    if (mark[root]) continue;
    std::vector<std::pair<int32_t, size_t>> path = {{static_cast<int32_t>(root), 0}};
    mark[root] = 1;
    while (!path.empty()) {
      auto& [i, next] = path.back();
      if (next < deps[i].size()) {
        const int32_t j = deps[i][next++];
        if (mark[j] == 0) {
          mark[j] = 1;
          path.push_back({j, 0});
        } else if (mark[j] == 1) {
          for (const auto& [k, unused] : path) cyclic[k] = true;
        }
        continue;
      }
      const int32_t done = i;
      mark[done] = 2;
      path.pop_back();
      if (!cyclic[done]) FoldLet(done, {});
    }
  }
  for (size_t i = 0; i < n; ++i) FoldLet(static_cast<int32_t>(i), {});
}

// 0 = not started, 1 = in progress, 2 = done, 3 = failed.
bool Checker::FoldLet(int32_t i, SourceSpan use) {
  if (let_state_[i] == 2) return true;
  if (let_state_[i] == 3) return false;
  if (let_state_[i] == 1) {
    std::vector<std::string> cycle;
    bool in = false;
    for (int32_t j : let_stack_) {
      if (j == i) in = true;
      if (in) cycle.push_back(m_.let_decls[j]->name.name);
    }
    cycle.push_back(m_.let_decls[i]->name.name);
    Error(use, "let-cycle", absl::StrCat("let cycle: ", absl::StrJoin(cycle, " -> ")));
    return false;
  }
  if (let_stack_.size() >= static_cast<size_t>(kMaxLetDepth)) {
    // Folding recurses through lets that name lets: bound it, and say so
    // once (every let above this one fails with it).
    if (!let_depth_reported_) {
      Error(
          use, "let-too-deep",
          absl::StrCat("lets refer to each other in a cycle of more than ", kMaxLetDepth, " lets"));
    }
    let_depth_reported_ = true;
    let_state_[i] = 3;
    return false;
  }
  let_state_[i] = 1;
  let_stack_.push_back(i);
  LetDecl& decl = const_cast<LetDecl&>(*m_.let_decls[i]);
  size_t errors_before = ErrorCount();
  in_let_ = true;
  Type t = Infer(decl.value, std::nullopt);
  in_let_ = false;
  let_stack_.pop_back();
  if (ErrorCount() > errors_before || t.kind == TypeKind::kError) {
    let_state_[i] = 3;
    return false;
  }
  m_.lets[i] = FoldConstant(decl.value, m_);
  let_state_[i] = 2;
  return true;
}

}  // namespace writ::detail
