// File: src/parser/printer.cpp
//
// The printer: canonical text from the AST, keeping comments. Comments are
// not in the AST; they are found in the source text and emitted before the
// first declaration or field that starts after them (a comment that ended a
// line stays at the end of the line it followed). The layout depends only on
// the AST and on where the author left blank lines between declarations, so
// printing is idempotent.
#include "parser/printer.hpp"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/dates.hpp"
#include "parser/parser.hpp"

namespace writ::detail {
namespace {

constexpr size_t kWidth = 100;

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          absl::StrAppend(&out, "\\u{", absl::Hex(c), "}");
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

int Prec(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kOr:
      return 1;
    case ExprKind::kAnd:
      return 2;
    case ExprKind::kNot:
      return 3;
    case ExprKind::kCompare:
    case ExprKind::kIsPresent:
    case ExprKind::kIsMissing:
      return 4;
    default:
      return 5;
  }
}

void Print(const Expr& e, int min_prec, std::string& out) {
  bool paren = Prec(e) < min_prec;
  if (paren) out += '(';
  switch (e.kind) {
    case ExprKind::kBool:
      out += e.bool_value ? "true" : "false";
      break;
    case ExprKind::kInt:
      absl::StrAppend(&out, e.int_value);
      break;
    case ExprKind::kDate:
      out += CivilFromDays(e.int_value);
      break;
    case ExprKind::kString:
      out += Quote(e.text);
      break;
    case ExprKind::kName:
      out += e.text;
      break;
    case ExprKind::kSet:
      out += '{';
      for (size_t i = 0; i < e.children.size(); ++i) {
        if (i) out += ", ";
        Print(e.children[i], 5, out);
      }
      out += '}';
      break;
    case ExprKind::kCompare:
      Print(e.children[0], 5, out);
      absl::StrAppend(&out, " ", OpText(e.op), " ");
      Print(e.children[1], 5, out);
      break;
    case ExprKind::kIsPresent:
    case ExprKind::kIsMissing:
      Print(e.children[0], 5, out);
      out += e.kind == ExprKind::kIsPresent ? " is present" : " is missing";
      break;
    case ExprKind::kNot:
      out += "not ";
      Print(e.children[0], 3, out);
      break;
    case ExprKind::kAnd:
    case ExprKind::kOr:
      for (size_t i = 0; i < e.children.size(); ++i) {
        if (i) out += e.kind == ExprKind::kAnd ? " and " : " or ";
        Print(e.children[i], e.kind == ExprKind::kAnd ? 3 : 2, out);
      }
      break;
  }
  if (paren) out += ')';
}

struct Comment {
  uint32_t offset;
  std::string text;
  bool own_line;
};

std::vector<Comment> FindComments(const std::string& t) {
  std::vector<Comment> out;
  size_t line_start = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '\n') {
      line_start = i + 1;
    } else if (c == '"') {
      for (++i; i < t.size() && t[i] != '"' && t[i] != '\n'; ++i)
        if (t[i] == '\\') ++i;
    } else if (c == '/' && i + 1 < t.size() && t[i + 1] == '/') {
      size_t end = t.find('\n', i);
      if (end == std::string::npos) end = t.size();
      std::string text = t.substr(i, end - i);
      while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
        text.pop_back();
      bool own = t.find_first_not_of(" \t", line_start) == i;
      out.push_back({static_cast<uint32_t>(i), text, own});
      i = end - 1;
    }
  }
  return out;
}

class Printer {
 public:
  Printer(const File& f, const Source* src) : f_(f), src_(src) {
    if (src) comments_ = FindComments(src->text());
  }

  std::string Run() {
    bool first = true;
    bool prev_block = false;
    uint32_t prev_end = 0;
    for (size_t k = 0; k < f_.order.size(); ++k) {
      auto [kind, idx] = f_.order[k];
      SourceSpan span = SpanOf(kind, idx);
      bool block = IsBlock(kind, idx);
      if (!first && (block || prev_block || BlankBetween(prev_end, span.offset))) out_ += '\n';
      Comments(span.offset, 0);
      switch (kind) {
        case File::DeclKind::kImport:
          Line(0, absl::StrCat("import ", Quote(f_.imports[idx].path.value)));
          break;
        case File::DeclKind::kPolicy:
          PrintPolicy(f_.policies[idx]);
          break;
        case File::DeclKind::kEnum:
          PrintEnum(f_.enums[idx]);
          break;
        case File::DeclKind::kAttr:
          PrintAttr(k);
          break;
        case File::DeclKind::kLet: {
          const LetDecl& l = f_.lets[idx];
          Line(0, absl::StrCat("let ", l.name.name, " = ", PrintExpr(l.value)));
          break;
        }
        case File::DeclKind::kRule:
          PrintRule(f_.rules[idx]);
          break;
        case File::DeclKind::kTest:
          PrintTest(f_.tests[idx]);
          break;
        case File::DeclKind::kHistory:
          PrintHistory(f_.histories[idx]);
          break;
      }
      first = false;
      prev_block = block;
      prev_end = span.offset + span.length;
    }
    Comments(~0u, 0);
    return out_;
  }

 private:
  SourceSpan SpanOf(File::DeclKind kind, uint32_t i) const {
    switch (kind) {
      case File::DeclKind::kImport:
        return f_.imports[i].span;
      case File::DeclKind::kPolicy:
        return f_.policies[i].span;
      case File::DeclKind::kEnum:
        return f_.enums[i].span;
      case File::DeclKind::kAttr:
        return f_.attrs[i].span;
      case File::DeclKind::kLet:
        return f_.lets[i].span;
      case File::DeclKind::kRule:
        return f_.rules[i].span;
      case File::DeclKind::kTest:
        return f_.tests[i].span;
      case File::DeclKind::kHistory:
        return f_.histories[i].span;
    }
    return {};
  }

  std::string EnumOneLine(const EnumDecl& e) const {
    std::vector<std::string> names;
    for (const auto& m : e.members) names.push_back(m.name);
    return absl::StrCat("enum ", e.name.name, " { ", absl::StrJoin(names, ", "), " }");
  }

  bool IsBlock(File::DeclKind kind, uint32_t i) const {
    if (kind == File::DeclKind::kPolicy || kind == File::DeclKind::kRule ||
        kind == File::DeclKind::kTest || kind == File::DeclKind::kHistory)
      return true;
    if (kind == File::DeclKind::kEnum) return EnumOneLine(f_.enums[i]).size() > kWidth;
    return false;
  }

  bool BlankBetween(uint32_t from, uint32_t to) const {
    if (!src_ || to <= from) return false;
    // Stop at the first comment: a blank line before a comment separates too.
    std::string_view t(src_->text());
    t = t.substr(from, to - from);
    int newlines = 0;
    for (char c : t) {
      if (c == '\n') {
        if (++newlines >= 2) return true;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        newlines = 0;
        if (c == '/') {
          // Skip the comment's text.
        }
      }
    }
    return false;
  }

  // True if the author left a blank line right before `offset`.
  bool BlankBefore(uint32_t offset) const {
    if (!src_) return false;
    const std::string& t = src_->text();
    int newlines = 0;
    for (size_t i = offset; i-- > 0;) {
      char c = t[i];
      if (c == '\n') {
        if (++newlines >= 2) return true;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        return false;
      }
    }
    return false;
  }

  bool HasCommentWithin(const SourceSpan& span) const {
    for (size_t i = next_; i < comments_.size(); ++i) {
      if (comments_[i].offset >= span.offset + span.length) break;
      if (comments_[i].offset >= span.offset) return true;
    }
    return false;
  }

  // Emits the comments that start before `offset`.
  void Comments(uint32_t offset, int indent) {
    while (next_ < comments_.size() && comments_[next_].offset < offset) {
      const Comment& c = comments_[next_++];
      bool line_has_comment = false;
      if (!out_.empty()) {
        size_t end = out_.size();
        while (end > 0 && out_[end - 1] == '\n') --end;
        size_t ls = end == 0 ? std::string::npos : out_.rfind('\n', end - 1);
        std::string_view last(out_.data(), end);
        last = last.substr(ls == std::string::npos ? 0 : ls + 1);
        line_has_comment = last.find("//") != std::string_view::npos;
      }
      if (!c.own_line && !out_.empty() && out_.back() == '\n' && !line_has_comment) {
        // A comment that ended a line stays at the end of the last printed
        // line, before any blank line that separates what comes next.
        size_t at = out_.size() - 1;
        while (at > 0 && out_[at - 1] == '\n') --at;
        out_.insert(at, "  " + c.text);
      } else {
        if (BlankBefore(c.offset) && out_.size() >= 2 && out_.back() == '\n' &&
            out_[out_.size() - 2] != '\n' && out_.back() != '{')
          out_ += '\n';
        Line(indent, c.text);
      }
      // Keep a blank line that separated this comment from what follows.
      uint32_t next = next_ < comments_.size() && comments_[next_].offset < offset
                          ? comments_[next_].offset
                          : offset;
      if (c.own_line && next != ~0u && BlankBetween(c.offset + c.text.size(), next)) out_ += '\n';
    }
  }

  void Line(int indent, const std::string& text) {
    out_.append(indent, ' ');
    out_ += text;
    out_ += '\n';
  }

  // `key` padded to `width`, and always followed by at least one space.
  static std::string Pad(const std::string& key, size_t width) {
    std::string s = key;
    s.append(s.size() < width ? width - s.size() : 1, ' ');
    return s;
  }

  void PrintPolicy(const PolicyDecl& p) {
    bool empty = !p.title && !p.version && !p.source && !p.combine && !p.items &&
                 !p.default_effect && !HasCommentWithin(p.span);
    if (empty) {
      Line(0, absl::StrCat("policy ", p.name.name, " {}"));
      return;
    }
    Line(0, absl::StrCat("policy ", p.name.name, " {"));
    auto field = [&](const std::string& key, SourceSpan span, const std::string& value) {
      Comments(span.offset, 2);
      Line(2, absl::StrCat(Pad(key, 8), value));
    };
    if (p.title) field("title", p.title->span, Quote(p.title->value));
    if (p.version) field("version", p.version->span, Quote(p.version->value));
    if (p.source) field("source", p.source->span, Quote(p.source->value));
    if (p.combine) field("combine", p.combine->span, p.combine->name);
    if (p.items) field("items", p.items->span, p.items->name);
    if (p.default_effect)
      field("default", p.default_effect->span,
            absl::StrCat(EffectText(p.default_effect->effect), " ",
                         Quote(p.default_effect->message.value)));
    Comments(p.span.offset + p.span.length, 2);
    Line(0, "}");
  }

  // Fields in a fixed order (title, date, then the versions as written),
  // keys padded to one column like a policy's.
  void PrintHistory(const HistoryDecl& h) {
    Line(0, absl::StrCat("history ", h.name.name, " {"));
    auto field = [&](const std::string& key, SourceSpan span, const std::string& value) {
      Comments(span.offset, 2);
      Line(2, absl::StrCat(Pad(key, 8), value));
    };
    if (h.title) field("title", h.title->span, Quote(h.title->value));
    if (h.date) field("date", h.date->span, h.date->name);
    for (const VersionDecl& v : h.versions)
      field("version", v.span, absl::StrCat(Quote(v.path.value), " from ", CivilFromDays(v.from)));
    Comments(h.span.offset + h.span.length, 2);
    Line(0, "}");
  }

  static const char* EffectText(EffectKind k) {
    return k == EffectKind::kAllow ? "allow" : k == EffectKind::kReview ? "review" : "deny";
  }

  void PrintEnum(const EnumDecl& e) {
    std::string one = EnumOneLine(e);
    if (one.size() <= kWidth) {
      Line(0, one);
      return;
    }
    Line(0, absl::StrCat("enum ", e.name.name, " {"));
    std::string line;
    for (size_t i = 0; i < e.members.size(); ++i) {
      std::string item = e.members[i].name + (i + 1 < e.members.size() ? "," : "");
      if (!line.empty() && line.size() + 1 + item.size() + 2 > kWidth) {
        Line(2, line);
        line.clear();
      }
      line += line.empty() ? item : " " + item;
    }
    if (!line.empty()) Line(2, line);
    Line(0, "}");
  }

  // Attributes in a run (no blank line between them) align their colons.
  void PrintAttr(size_t k) {
    size_t start = k;
    while (
        start > 0 && f_.order[start - 1].first == File::DeclKind::kAttr &&
        !BlankBetween(End(start - 1), SpanOf(File::DeclKind::kAttr, f_.order[start].second).offset))
      --start;
    size_t end = k;
    while (end + 1 < f_.order.size() && f_.order[end + 1].first == File::DeclKind::kAttr &&
           !BlankBetween(End(end), SpanOf(File::DeclKind::kAttr, f_.order[end + 1].second).offset))
      ++end;
    size_t width = 0;
    for (size_t i = start; i <= end; ++i)
      width = std::max(width, f_.attrs[f_.order[i].second].path.name.size());
    const AttrDecl& a = f_.attrs[f_.order[k].second];
    std::string type = a.type.is_set ? absl::StrCat("set<", a.type.name, ">") : a.type.name;
    Line(0, absl::StrCat("attr ", a.path.name, std::string(width - a.path.name.size(), ' '), " : ",
                         type));
  }

  uint32_t End(size_t k) const {
    SourceSpan s = SpanOf(f_.order[k].first, f_.order[k].second);
    return s.offset + s.length;
  }

  void Condition(const char* key, const Expr& e) {
    Comments(e.span.offset, 2);
    std::string one = PrintExpr(e);
    std::string head = Pad(key, 6);
    // A comment between two operands keeps them on lines of their own. One
    // inside the last operand does not: it is printed after the condition,
    // and must not change the layout when the output is formatted again.
    const bool chain = e.kind == ExprKind::kAnd || e.kind == ExprKind::kOr;
    const bool comment_between =
        chain && HasCommentWithin(
                     {e.span.file, e.span.offset, e.children.back().span.offset - e.span.offset});
    if (chain && (2 + head.size() + one.size() > 72 || comment_between)) {
      const char* joiner = e.kind == ExprKind::kAnd ? "and " : "or  ";
      for (size_t i = 0; i < e.children.size(); ++i) {
        std::string part;
        Print(e.children[i], e.kind == ExprKind::kAnd ? 3 : 2, part);
        if (i == 0) {
          Line(2, head + part);
        } else {
          Comments(e.children[i].span.offset, 4);
          Line(4, absl::StrCat(joiner, part));
        }
      }
      return;
    }
    Line(2, head + one);
  }

  void PrintRule(const RuleDecl& r) {
    Line(0, absl::StrCat("rule ", r.name.name, " {"));
    if (r.title) {
      Comments(r.title->span.offset, 2);
      Line(2, absl::StrCat(Pad("title", 6), Quote(r.title->value)));
    }
    for (const auto& c : r.cites) {
      Comments(c.span.offset, 2);
      Line(2, absl::StrCat(Pad("cite", 6), Quote(c.value)));
    }
    if (r.when) Condition("when", *r.when);
    if (r.unless) Condition("unless", *r.unless);
    if (r.then) {
      Comments(r.then->span.offset, 2);
      Line(2, absl::StrCat(Pad("then", 6), EffectText(r.then->effect), " ",
                           Quote(r.then->message.value)));
    }
    if (r.disclose) {
      Comments(r.disclose_span.offset, 2);
      std::vector<std::string> items;
      for (const auto& i : *r.disclose) items.push_back(i.name);
      Line(2, absl::StrCat("disclose {", absl::StrJoin(items, ", "), "}"));
    }
    for (const auto& o : r.obligations) {
      Comments(o.span.offset, 2);
      Line(2, absl::StrCat("obligation ", o.name.name,
                           o.argument ? absl::StrCat("(", Quote(o.argument->value), ")") : "",
                           o.condition ? absl::StrCat(o.unless ? " unless " : " when ",
                                                      PrintExpr(*o.condition))
                                       : ""));
    }
    Comments(r.span.offset + r.span.length, 2);
    Line(0, "}");
  }

  void PrintTest(const TestDecl& t) {
    Line(0, absl::StrCat("test ", Quote(t.description.value), " {"));
    if (t.given_file) {
      Comments(t.given_file->span.offset, 2);
      Line(2, absl::StrCat("given file ", Quote(t.given_file->value)));
    } else {
      Line(2, "given {");
      size_t width = 0;
      for (const auto& g : t.given) width = std::max(width, g.path.name.size());
      for (const auto& g : t.given) {
        Comments(g.span.offset, 4);
        Line(4, absl::StrCat(g.path.name, std::string(width - g.path.name.size(), ' '), " = ",
                             PrintExpr(g.value)));
      }
      Line(2, "}");
    }
    for (const auto& x : t.expects) {
      Comments(x.span.offset, 2);
      std::vector<std::string> names;
      for (const auto& n : x.names) names.push_back(n.name);
      std::string body;
      switch (x.kind) {
        case ExpectKind::kEffect:
          body = EffectText(x.effect);
          if (!names.empty()) absl::StrAppend(&body, " by ", absl::StrJoin(names, ", "));
          break;
        case ExpectKind::kGranted:
          body = absl::StrCat("granted {", absl::StrJoin(names, ", "), "}");
          break;
        case ExpectKind::kWithheld:
          body = absl::StrCat("withheld {", absl::StrJoin(names, ", "), "}");
          break;
        case ExpectKind::kMissing:
          body = absl::StrCat("missing {", absl::StrJoin(names, ", "), "}");
          break;
        case ExpectKind::kObligation:
          body = absl::StrCat("obligation ", names[0],
                              x.argument ? absl::StrCat("(", Quote(x.argument->value), ")") : "");
          break;
        case ExpectKind::kNoObligation:
          body = absl::StrCat("no obligation ", names[0]);
          break;
      }
      Line(2, "expect " + body);
    }
    Comments(t.span.offset + t.span.length, 2);
    Line(0, "}");
  }

  const File& f_;
  const Source* src_;
  std::vector<Comment> comments_;
  size_t next_ = 0;
  std::string out_;
};

// ---- structural equality ----------------------------------------------------

bool Same(const Expr& a, const Expr& b);
bool Same(const Ident& a, const Ident& b);
bool Same(const StringField& a, const StringField& b);
bool Same(const EffectField& a, const EffectField& b);
bool Same(const Import& a, const Import& b);
bool Same(const PolicyDecl& a, const PolicyDecl& b);
bool Same(const EnumDecl& a, const EnumDecl& b);
bool Same(const AttrDecl& a, const AttrDecl& b);
bool Same(const LetDecl& a, const LetDecl& b);
bool Same(const Obligation& a, const Obligation& b);
bool Same(const RuleDecl& a, const RuleDecl& b);
bool Same(const Given& a, const Given& b);
bool Same(const Expect& a, const Expect& b);
bool Same(const TestDecl& a, const TestDecl& b);
template <typename T>
bool Same(const std::optional<T>& a, const std::optional<T>& b);
template <typename T>
bool Same(const std::vector<T>& a, const std::vector<T>& b);

bool Same(const Expr& a, const Expr& b) {
  if (a.kind != b.kind || a.op != b.op || a.bool_value != b.bool_value ||
      a.int_value != b.int_value || a.text != b.text || a.children.size() != b.children.size())
    return false;
  for (size_t i = 0; i < a.children.size(); ++i)
    if (!Same(a.children[i], b.children[i])) return false;
  return true;
}
bool Same(const Ident& a, const Ident& b) { return a.name == b.name; }
bool Same(const StringField& a, const StringField& b) { return a.value == b.value; }
template <typename T>
bool Same(const std::optional<T>& a, const std::optional<T>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || Same(*a, *b);
}
template <typename T>
bool Same(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!Same(a[i], b[i])) return false;
  return true;
}
bool Same(const EffectField& a, const EffectField& b) {
  return a.effect == b.effect && Same(a.message, b.message);
}
bool Same(const Import& a, const Import& b) { return Same(a.path, b.path); }
bool Same(const PolicyDecl& a, const PolicyDecl& b) {
  return Same(a.name, b.name) && Same(a.title, b.title) && Same(a.version, b.version) &&
         Same(a.source, b.source) && Same(a.combine, b.combine) && Same(a.items, b.items) &&
         Same(a.default_effect, b.default_effect);
}
bool Same(const EnumDecl& a, const EnumDecl& b) {
  return Same(a.name, b.name) && Same(a.members, b.members);
}
bool Same(const AttrDecl& a, const AttrDecl& b) {
  return Same(a.path, b.path) && a.type.name == b.type.name && a.type.is_set == b.type.is_set;
}
bool Same(const LetDecl& a, const LetDecl& b) {
  return Same(a.name, b.name) && Same(a.value, b.value);
}
bool Same(const Obligation& a, const Obligation& b) {
  return Same(a.name, b.name) && Same(a.argument, b.argument) && Same(a.condition, b.condition) &&
         a.unless == b.unless;
}
bool Same(const RuleDecl& a, const RuleDecl& b) {
  return Same(a.name, b.name) && Same(a.title, b.title) && Same(a.cites, b.cites) &&
         Same(a.when, b.when) && Same(a.unless, b.unless) && Same(a.then, b.then) &&
         Same(a.disclose, b.disclose) && Same(a.obligations, b.obligations);
}
bool Same(const Given& a, const Given& b) { return Same(a.path, b.path) && Same(a.value, b.value); }
bool Same(const Expect& a, const Expect& b) {
  return a.kind == b.kind && a.effect == b.effect && Same(a.names, b.names) &&
         Same(a.argument, b.argument);
}
bool Same(const TestDecl& a, const TestDecl& b) {
  return Same(a.description, b.description) && Same(a.given, b.given) &&
         Same(a.given_file, b.given_file) && Same(a.expects, b.expects);
}

}  // namespace

std::string PrintExpr(const Expr& e) {
  std::string out;
  Print(e, 0, out);
  return out;
}

std::string PrintFile(const File& file, const Source* source) {
  return Printer(file, source).Run();
}

bool SameFile(const File& a, const File& b) {
  return a.order == b.order && Same(a.imports, b.imports) && Same(a.policies, b.policies) &&
         Same(a.enums, b.enums) && Same(a.attrs, b.attrs) && Same(a.lets, b.lets) &&
         Same(a.rules, b.rules) && Same(a.tests, b.tests);
}

}  // namespace writ::detail
