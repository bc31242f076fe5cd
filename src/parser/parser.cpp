// File: src/parser/parser.cpp
//
// The parser driver: runs the X3 grammar declaration by declaration, converts
// the CST into the Boost-free AST (cst_to_ast), follows imports, and turns
// syntax errors into diagnostics. It is the only place that sees the CST.
#include "parser/parser.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/dates.hpp"
#include "common/names.hpp"
#include "common/utf8.hpp"
#include "parser/grammar/grammar.hpp"
#include "parser/syntax_errors.hpp"

namespace writ::detail {

namespace {

// ---- CST -> AST ------------------------------------------------------------

class Converter {
 public:
  Converter(uint32_t source, const char* base, std::vector<Diagnostic>& diags)
      : source_(source), base_(base), diags_(diags) {}

  SourceSpan Span(const cst::Tagged& t) const {
    if (!t.b) return {source_, 0, 0};
    return {source_, static_cast<uint32_t>(t.b - base_), static_cast<uint32_t>(t.e - t.b)};
  }
  Ident Id(const cst::Name& n) const { return {n.text, Span(n)}; }
  StringField Str(const cst::Str& s) const { return {s.value, Span(s)}; }

  void Error(SourceSpan span, std::string code, std::string message) {
    diags_.push_back({Severity::kError, std::move(code), span, std::move(message), ""});
  }

  Expr Atom(const cst::Atom& a) {
    return boost::apply_visitor([&](const auto& x) { return Leaf(x); }, a);
  }
  Expr Leaf(const cst::Date& d) {
    Expr e;
    e.kind = ExprKind::kDate;
    e.span = Span(d);
    auto days = DaysFromCivil(d.y, d.m, d.d);
    if (!days) {
      Error(e.span, "invalid-date",
            absl::StrCat("'", absl::string_view(d.b, static_cast<size_t>(d.e - d.b)),
                         "' is not a calendar date"));
    }
    e.int_value = days.value_or(0);
    return e;
  }
  Expr Leaf(const cst::Int& i) {
    Expr e;
    e.kind = ExprKind::kInt;
    e.span = Span(i);
    e.int_value = i.value;
    return e;
  }
  Expr Leaf(const cst::Str& s) {
    Expr e;
    e.kind = ExprKind::kString;
    e.span = Span(s);
    e.text = s.value;
    return e;
  }
  Expr Leaf(const cst::Bool& b) {
    Expr e;
    e.kind = ExprKind::kBool;
    e.span = Span(b);
    e.bool_value = b.value;
    return e;
  }
  Expr Leaf(const cst::Name& n) {
    Expr e;
    e.kind = ExprKind::kName;
    e.span = Span(n);
    e.text = n.text;
    return e;
  }
  Expr Leaf(const cst::SetLit& s) {
    Expr e;
    e.kind = ExprKind::kSet;
    e.span = Span(s);
    for (const auto& a : s.elements) e.children.push_back(Atom(a));
    return e;
  }
  Expr Leaf(const cst::x3::forward_ast<cst::OrExpr>& p) { return Or(p.get()); }

  Expr Operand(const cst::Operand& o) {
    return boost::apply_visitor([&](const auto& x) { return Leaf(x); }, o);
  }

  Expr Comparison(const cst::Comparison& c) {
    Expr lhs = Operand(c.lhs);
    if (!c.tail) return lhs;
    Expr e;
    e.span = Span(c);
    if (const auto* bin = boost::get<cst::BinTail>(&c.tail->get())) {
      e.kind = ExprKind::kCompare;
      e.op = bin->op;
      e.children.push_back(std::move(lhs));
      e.children.push_back(Operand(bin->rhs));
    } else {
      const auto& is = boost::get<cst::IsTail>(c.tail->get());
      e.kind = is.present ? ExprKind::kIsPresent : ExprKind::kIsMissing;
      e.children.push_back(std::move(lhs));
    }
    return e;
  }
  // A whole condition or let value. Its syntax tree may be at most
  // kMaxExprDepth deep (brackets and `not`s both nest), so that every
  // recursive walk of it (checker, compiler, evaluators, explainer,
  // printer, destructors) has a bounded stack; a deeper one is an error and
  // stands as `false`.
  Expr Top(const cst::OrExpr& o) {
    Expr e = Or(o);
    // Every level of nesting takes at least one character of text, so a
    // short expression cannot be too deep: most are not walked at all.
    if (e.span.length <= static_cast<uint32_t>(kMaxExprDepth)) return e;
    if (const Expr* deep = TooDeepNode(e)) {
      diags_.push_back({Severity::kError, "expression-too-deep", deep->span,
                        absl::StrCat("expression nested more than ", kMaxExprDepth,
                                     " levels deep (brackets and 'not's); split it with lets"),
                        ""});
      Expr f;
      f.kind = ExprKind::kBool;
      f.bool_value = false;
      f.span = e.span;
      return f;
    }
    return e;
  }
  // The first node found deeper than kMaxExprDepth, without recursion.
  static const Expr* TooDeepNode(const Expr& root) {
    std::vector<std::pair<const Expr*, int>> stack = {{&root, 1}};
    while (!stack.empty()) {
      auto [e, depth] = stack.back();
      stack.pop_back();
      if (depth > kMaxExprDepth) return e;
      for (const Expr& c : e->children) stack.push_back({&c, depth + 1});
    }
    return nullptr;
  }

  Expr Unary(const cst::Unary& u) {
    Expr e = Comparison(u.operand);
    // Past the limit one more level is enough for Top to report it.
    const size_t nots = std::min<size_t>(u.nots.size(), kMaxExprDepth + 1);
    for (size_t i = 0; i < nots; ++i) {
      Expr n;
      n.kind = ExprKind::kNot;
      n.span = Span(u);
      n.children.push_back(std::move(e));
      e = std::move(n);
    }
    return e;
  }
  // `and` and `or` are n-ary, so long chains do not make deep trees.
  Expr And(const cst::AndExpr& a) {
    if (a.rest.empty()) return Unary(a.first);
    Expr e;
    e.kind = ExprKind::kAnd;
    e.span = Span(a);
    e.children.push_back(Unary(a.first));
    for (const auto& u : a.rest) e.children.push_back(Unary(u));
    return e;
  }
  Expr Or(const cst::OrExpr& o) {
    if (o.rest.empty()) return And(o.first);
    Expr e;
    e.kind = ExprKind::kOr;
    e.span = Span(o);
    e.children.push_back(And(o.first));
    for (const auto& a : o.rest) e.children.push_back(And(a));
    return e;
  }

  EffectField Effect(const cst::EffectV& v) {
    EffectField f;
    f.effect = v.effect == "allow"    ? EffectKind::kAllow
               : v.effect == "review" ? EffectKind::kReview
                                      : EffectKind::kDeny;
    f.message = Str(v.message);
    f.span = Span(v);
    return f;
  }

  void Duplicate(const cst::Field& f) {
    Error(Span(f), "duplicate-field", absl::StrCat("'", f.key, "' is given more than once"));
  }

  template <typename T>
  void Once(std::optional<T>& slot, const cst::Field& f, T value) {
    if (slot) return Duplicate(f);
    slot = std::move(value);
  }

  void Decl(const cst::Decl& d, File& file) {
    boost::apply_visitor([&](const auto& x) { Add(x, file); }, d);
  }

  void Add(const cst::ImportD& d, File& file) {
    file.order.push_back({File::DeclKind::kImport, static_cast<uint32_t>(file.imports.size())});
    file.imports.push_back({Str(d.path), Span(d)});
  }
  void Add(const cst::PolicyD& d, File& file) {
    PolicyDecl p;
    p.name = Id(d.name);
    p.span = Span(d);
    for (const auto& f : d.fields) {
      if (f.key == "title") Once(p.title, f, Str(boost::get<cst::Str>(f.value)));
      if (f.key == "version") Once(p.version, f, Str(boost::get<cst::Str>(f.value)));
      if (f.key == "source") Once(p.source, f, Str(boost::get<cst::Str>(f.value)));
      if (f.key == "combine") {
        Ident c = Id(boost::get<cst::Name>(f.value));
        if (c.name != "deny_overrides" && c.name != "first_match") {
          std::string near = NearestName(c.name, {"deny_overrides", "first_match"});
          diags_.push_back({Severity::kError, "unknown-combine", c.span,
                            absl::StrCat("unknown combining algorithm '", c.name,
                                         "'; use deny_overrides or first_match"),
                            near});
        }
        Once(p.combine, f, c);
      }
      if (f.key == "items") Once(p.items, f, Id(boost::get<cst::Name>(f.value)));
      if (f.key == "default") Once(p.default_effect, f, Effect(boost::get<cst::EffectV>(f.value)));
    }
    file.order.push_back({File::DeclKind::kPolicy, static_cast<uint32_t>(file.policies.size())});
    file.policies.push_back(std::move(p));
  }
  void Add(const cst::EnumD& d, File& file) {
    EnumDecl e;
    e.name = Id(d.name);
    e.span = Span(d);
    for (const auto& m : d.members) e.members.push_back(Id(m));
    file.order.push_back({File::DeclKind::kEnum, static_cast<uint32_t>(file.enums.size())});
    file.enums.push_back(std::move(e));
  }
  void Add(const cst::AttrD& d, File& file) {
    AttrDecl a;
    a.path = Id(d.path);
    a.type = {d.type.name.text, !d.type.set_kw.empty(), Span(d.type)};
    a.span = Span(d);
    file.order.push_back({File::DeclKind::kAttr, static_cast<uint32_t>(file.attrs.size())});
    file.attrs.push_back(std::move(a));
  }
  void Add(const cst::LetD& d, File& file) {
    LetDecl l{Id(d.name), Top(d.value), Span(d)};
    file.order.push_back({File::DeclKind::kLet, static_cast<uint32_t>(file.lets.size())});
    file.lets.push_back(std::move(l));
  }
  void Add(const cst::RuleD& d, File& file) {
    RuleDecl r;
    r.name = Id(d.name);
    r.span = Span(d);
    for (const auto& f : d.fields) {
      if (f.key == "title") Once(r.title, f, Str(boost::get<cst::Str>(f.value)));
      if (f.key == "cite") r.cites.push_back(Str(boost::get<cst::Str>(f.value)));
      if (f.key == "when") Once(r.when, f, Top(boost::get<cst::OrExpr>(f.value)));
      if (f.key == "unless") Once(r.unless, f, Top(boost::get<cst::OrExpr>(f.value)));
      if (f.key == "then") Once(r.then, f, Effect(boost::get<cst::EffectV>(f.value)));
      if (f.key == "disclose") {
        std::vector<Ident> items;
        for (const auto& n : boost::get<cst::NameList>(f.value).names) items.push_back(Id(n));
        if (r.disclose) Duplicate(f);
        r.disclose = std::move(items);
        r.disclose_span = Span(f);
      }
      if (f.key == "obligation") {
        const auto& o = boost::get<cst::ObligationV>(f.value);
        Obligation ob;
        ob.name = Id(o.name);
        ob.span = Span(f);
        if (o.argument) ob.argument = Str(*o.argument);
        if (o.condition) {
          ob.condition = Top(o.condition->expr);
          ob.unless = o.condition->kind == "unless";
        }
        r.obligations.push_back(std::move(ob));
      }
    }
    if (!r.then) {
      Error({source_, r.name.span.offset, r.name.span.length}, "missing-then",
            absl::StrCat("rule '", r.name.name, "' has no 'then' effect"));
    }
    file.order.push_back({File::DeclKind::kRule, static_cast<uint32_t>(file.rules.size())});
    file.rules.push_back(std::move(r));
  }
  void Add(const cst::HistoryD& d, File& file) {
    HistoryDecl h;
    h.name = Id(d.name);
    h.span = Span(d);
    for (const auto& f : d.fields) {
      if (f.key == "title") Once(h.title, f, Str(boost::get<cst::Str>(f.value)));
      if (f.key == "date") Once(h.date, f, Id(boost::get<cst::Name>(f.value)));
      if (f.key == "version") {
        const auto& v = boost::get<cst::VersionV>(f.value);
        VersionDecl vd;
        vd.path = Str(v.path);
        vd.from_span = Span(v.from);
        vd.from = Leaf(v.from).int_value;  // reports a date that is not in the calendar
        vd.span = Span(f);
        h.versions.push_back(std::move(vd));
      }
    }
    file.order.push_back({File::DeclKind::kHistory, static_cast<uint32_t>(file.histories.size())});
    file.histories.push_back(std::move(h));
  }
  void Add(const cst::TestD& d, File& file) {
    TestDecl t;
    t.description = Str(d.description);
    t.span = Span(d);
    for (const auto& f : d.fields) {
      if (f.key == "given") {
        if (const auto* s = boost::get<cst::Str>(&f.value)) {
          if (t.given_file || !t.given.empty()) Duplicate(f);
          t.given_file = Str(*s);
        } else {
          if (t.given_file || !t.given.empty()) Duplicate(f);
          for (const auto& a : boost::get<cst::GivenBlock>(f.value).assigns) {
            t.given.push_back({Id(a.path), Operand(a.value), Span(a)});
          }
        }
      } else if (f.key == "expect") {
        const auto& x = boost::get<cst::ExpectV>(f.value);
        Expect e;
        e.span = Span(f);
        if (x.what == "allow" || x.what == "review" || x.what == "deny") {
          e.kind = ExpectKind::kEffect;
          e.effect = x.what == "allow"    ? EffectKind::kAllow
                     : x.what == "review" ? EffectKind::kReview
                                          : EffectKind::kDeny;
        } else if (x.what == "granted") {
          e.kind = ExpectKind::kGranted;
        } else if (x.what == "withheld") {
          e.kind = ExpectKind::kWithheld;
        } else if (x.what == "missing") {
          e.kind = ExpectKind::kMissing;
        } else if (x.what == "obligation") {
          e.kind = ExpectKind::kObligation;
          if (x.argument) e.argument = Str(*x.argument);
        } else {
          e.kind = ExpectKind::kNoObligation;
        }
        for (const auto& n : x.names) e.names.push_back(Id(n));
        t.expects.push_back(std::move(e));
      }
    }
    if (t.given.empty() && !t.given_file) {
      Error(t.description.span, "test-without-given",
            absl::StrCat("test '", t.description.value, "' has no 'given' request"));
    }
    bool has_effect = false;
    for (const auto& e : t.expects) has_effect |= e.kind == ExpectKind::kEffect;
    if (!has_effect) {
      Error(
          t.description.span, "test-without-expect",
          absl::StrCat("test '", t.description.value, "' has no 'expect allow|review|deny' line"));
    }
    file.order.push_back({File::DeclKind::kTest, static_cast<uint32_t>(file.tests.size())});
    file.tests.push_back(std::move(t));
  }

 private:
  uint32_t source_;
  const char* base_;
  std::vector<Diagnostic>& diags_;
};

}  // namespace

File ParseFile(uint32_t source_id, const SourceSet& sources, const ParseLimits& limits,
               std::vector<Diagnostic>& diagnostics) {
  File file;
  file.source = source_id;
  const std::string& text = sources.at(source_id).text();
  const char* base = text.data();
  const char* end = base + text.size();
  auto error = [&](const char* at, uint32_t len, std::string code, std::string msg) {
    diagnostics.push_back({Severity::kError,
                           std::move(code),
                           {source_id, static_cast<uint32_t>(at - base), len},
                           std::move(msg),
                           ""});
  };
  if (text.size() > limits.max_file_bytes) {
    error(base, 0, "file-too-large",
          absl::StrCat("file is ", text.size(), " bytes; the limit is ", limits.max_file_bytes));
    return file;
  }
  if (memchr(base, '\0', text.size()) != nullptr) {
    error(static_cast<const char*>(memchr(base, '\0', text.size())), 1, "binary-file",
          "file contains a NUL byte; is this a binary file?");
    return file;
  }
  if (size_t bad = FirstInvalidUtf8(text); bad != std::string::npos) {
    char hex[8];
    snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[bad]));
    error(base + bad, 1, "invalid-utf8",
          absl::StrCat("invalid UTF-8 (byte ", hex, "); policy files are UTF-8 text"));
    return file;
  }
  if (const char* deep = TooDeep(base, end, limits.max_nesting)) {
    error(deep, 1, "nesting-too-deep",
          absl::StrCat("nesting deeper than ", limits.max_nesting, " levels"));
    return file;
  }
  Converter conv(source_id, base, diagnostics);
  int errors = 0;
  const char* it = base;
  // A UTF-8 byte-order mark is not text.
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) it += 3;
  const std::vector<const char*> unterminated = UnterminatedStrings(it, end);
  size_t next_unterminated = 0;
  for (;;) {
    grammar::SkipSpace(it, end);
    if (it == end) break;
    cst::Decl decl;
    grammar::SyntaxError err;
    const char* start = it;
    if (grammar::ParseDeclaration(it, end, decl, err)) {
      conv.Decl(decl, file);
      continue;
    }
    const char* where = err.where ? err.where : start;
    grammar::SkipSpace(where, end);
    const char* resume = Resync(std::max(where, start + 1) - 1, end);
    if (auto head = BrokenHead(start, end)) file.broken.push_back(*head);
    // A string that runs to the end of its line is the cause of whatever
    // went wrong in its declaration: report it alone, at its quote.
    while (next_unterminated < unterminated.size() && unterminated[next_unterminated] < start)
      ++next_unterminated;
    const char* quote =
        next_unterminated < unterminated.size() && unterminated[next_unterminated] < resume
            ? unterminated[next_unterminated]
            : nullptr;
    while (next_unterminated < unterminated.size() && unterminated[next_unterminated] < resume)
      ++next_unterminated;
    if (quote) {
      error(quote, 1, "unterminated-string", "missing terminating '\"' character");
    }
    if (quote && where >= quote) {
      // The syntax error is the string's doing.
    } else {
      uint32_t len = static_cast<uint32_t>(std::max<size_t>(1, TokenAt(where, end).size()));
      if (where >= end) len = 0;
      std::string msg = absl::StrCat("expected ", err.expected, ", found ", Describe(where, end));
      if (where == start && !StartsDeclaration(start, end)) {
        msg = absl::StrCat(
            "expected a declaration (import, policy, enum, attr, let, rule, test or "
            "history), found ",
            Describe(where, end));
      }
      std::optional<Hint> hint = SyntaxHint(where, end, start, err.expected);
      const char* at = where >= end && where > base ? end - 1 : where;
      std::string code = "syntax", suggestion;
      if (hint) {
        if (!hint->message.empty()) {
          at = hint->at;
          len = hint->length;
          code = hint->code;
          msg = hint->message;
        }
        suggestion = hint->suggestion;
      }
      diagnostics.push_back({Severity::kError,
                             code,
                             {source_id, static_cast<uint32_t>(at - base), len},
                             msg,
                             suggestion});
    }
    if (++errors >= limits.max_errors) {
      error(where, 0, "too-many-errors", "too many errors; stopping");
      break;
    }
    it = resume;
  }
  return file;
}

absl::Status ParseProgram(const std::string& root_path, const FileReader& reader,
                          const ParseLimits& limits, SourceSet& sources, Ast& ast,
                          std::vector<Diagnostic>& diagnostics) {
  namespace fs = std::filesystem;
  auto root_text = reader(root_path);
  if (!root_text.ok()) return root_text.status();

  std::map<std::string, uint32_t> loaded;  // normalized path -> file index in ast
  std::vector<std::string> stack;          // normalized paths being loaded, for cycles
  std::set<std::string> done;

  // Loads `path` (already read as `text`), recursing into its imports in
  // order; appends its rules to the rule order where its imports leave them.
  std::function<void(const std::string&, const std::string&, std::string)> load =
      [&](const std::string& shown, const std::string& norm, std::string text) {
        uint32_t sid = sources.Add(shown, std::move(text));
        uint32_t findex = static_cast<uint32_t>(ast.files.size());
        ast.files.push_back(ParseFile(sid, sources, limits, diagnostics));
        loaded[norm] = findex;
        stack.push_back(norm);
        // Walk declarations in order: imported rules come at the point of the import.
        std::vector<std::pair<File::DeclKind, uint32_t>> order = ast.files[findex].order;
        for (auto [kind, idx] : order) {
          if (kind == File::DeclKind::kRule) {
            ast.rule_order.push_back({findex, idx});
            continue;
          }
          if (kind != File::DeclKind::kImport) continue;
          Import imp = ast.files[findex].imports[idx];
          fs::path target = fs::path(shown).parent_path() / imp.path.value;
          std::string tshown = target.lexically_normal().string();
          std::error_code ec;
          fs::path canon = fs::weakly_canonical(target, ec);
          std::string tnorm = ec ? tshown : canon.string();
          auto cyc = std::find(stack.begin(), stack.end(), tnorm);
          if (cyc != stack.end()) {
            std::vector<std::string> names;
            for (auto it = cyc; it != stack.end(); ++it) {
              names.push_back(sources.at(ast.files[loaded[*it]].source).path());
            }
            names.push_back(sources.at(ast.files[loaded[*cyc]].source).path());
            diagnostics.push_back({Severity::kError, "import-cycle", imp.path.span,
                                   absl::StrCat("import cycle: ", absl::StrJoin(names, " -> ")),
                                   ""});
            continue;
          }
          if (loaded.count(tnorm)) continue;  // each file once
          if (sources.size() >= static_cast<size_t>(limits.max_files)) {
            diagnostics.push_back(
                {Severity::kError, "too-many-files", imp.path.span, "too many imported files", ""});
            continue;
          }
          auto t = reader(tshown);
          if (!t.ok()) {
            diagnostics.push_back(
                {Severity::kError, "import-unreadable", imp.path.span,
                 absl::StrCat("cannot read imported file '", tshown, "': ", t.status().message()),
                 ""});
            continue;
          }
          load(tshown, tnorm, *std::move(t));
        }
        stack.pop_back();
      };
  std::error_code ec;
  fs::path canon = fs::weakly_canonical(root_path, ec);
  load(root_path, ec ? root_path : canon.string(), *std::move(root_text));
  return absl::OkStatus();
}

}  // namespace writ::detail
