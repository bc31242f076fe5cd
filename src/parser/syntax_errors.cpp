// File: src/parser/syntax_errors.cpp
#include "parser/syntax_errors.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/names.hpp"
#include "common/utf8.hpp"
#include "parser/grammar/grammar.hpp"

namespace writ::detail {

bool StartsDeclaration(const char* p, const char* end) {
  static const char* kWords[] = {"import", "policy", "enum", "attr",
                                 "let",    "rule",   "test", "history"};
  for (const char* w : kWords) {
    size_t n = strlen(w);
    if (static_cast<size_t>(end - p) >= n && std::equal(w, w + n, p) &&
        (p + n == end || !(isalnum(static_cast<unsigned char>(p[n])) || p[n] == '_'))) {
      return true;
    }
  }
  return false;
}

// After a syntax error: the start of the next line that begins with a
// declaration keyword.
const char* Resync(const char* from, const char* end) {
  const char* p = from;
  while (p < end) {
    const char* nl = static_cast<const char*>(memchr(p, '\n', end - p));
    if (!nl) return end;
    p = nl + 1;
    const char* q = p;
    while (q < end && (*q == ' ' || *q == '\t' || *q == '\r')) ++q;
    if (StartsDeclaration(q, end)) return q;
  }
  return end;
}

// Finds the first place where parentheses, braces or brackets nest deeper
// than `limit`, skipping strings and comments. Recursion in the grammar is
// bounded by this depth, so hostile input cannot exhaust the stack.
const char* TooDeep(const char* p, const char* end, int limit) {
  int depth = 0;
  while (p < end) {
    char c = *p;
    if (c == '"') {
      ++p;
      while (p < end && *p != '"' && *p != '\n') p += (*p == '\\' && p + 1 < end) ? 2 : 1;
    } else if (c == '/' && p + 1 < end && p[1] == '/') {
      while (p < end && *p != '\n') ++p;
    } else if (c == '(' || c == '{' || c == '[') {
      if (++depth > limit) return p;
    } else if (c == ')' || c == '}' || c == ']') {
      if (depth > 0) --depth;
    }
    ++p;
  }
  return nullptr;
}

bool IsWordChar(char c) { return isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The token at `p`: a word (dotted), a run of digits, or one or two
// punctuation characters.
std::string_view TokenAt(const char* p, const char* end) {
  if (p >= end) return {};
  const char* q = p;
  if (IsWordChar(*q)) {
    while (q < end && (IsWordChar(*q) || *q == '.')) ++q;
  } else if (q + 1 < end && ((q[0] == '&' && q[1] == '&') || (q[0] == '|' && q[1] == '|') ||
                             (q[1] == '=' && strchr("=!<>", q[0])))) {
    q += 2;
  } else {
    // One character: a whole UTF-8 sequence, never a piece of one.
    q += std::max<size_t>(1, Utf8SequenceLength(std::string_view(q, end - q)));
  }
  return std::string_view(p, q - p);
}

std::string Describe(const char* where, const char* end) {
  if (where >= end) return "end of file";
  std::string tok(TokenAt(where, end));
  for (char& c : tok)
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  return absl::StrCat("'", tok, "'");
}

// Opening quotes of strings that end at a line's end instead of a '"'.
std::vector<const char*> UnterminatedStrings(const char* p, const char* end) {
  std::vector<const char*> out;
  while (p < end) {
    if (*p == '"') {
      const char* open = p++;
      while (p < end && *p != '"' && *p != '\n') p += (*p == '\\' && p + 1 < end) ? 2 : 1;
      if (p >= end || *p == '\n') out.push_back(open);
    } else if (*p == '/' && p + 1 < end && p[1] == '/') {
      while (p < end && *p != '\n') ++p;
    }
    ++p;
  }
  return out;
}

// The kind and name of a declaration that failed to parse, if its head
// (`attr NAME`, `enum NAME`, ...) is there.
std::optional<std::pair<File::DeclKind, std::string>> BrokenHead(const char* p, const char* end) {
  static const std::pair<const char*, File::DeclKind> kHeads[] = {
      {"attr", File::DeclKind::kAttr},
      {"enum", File::DeclKind::kEnum},
      {"let", File::DeclKind::kLet},
      {"rule", File::DeclKind::kRule},
      {"policy", File::DeclKind::kPolicy}};
  std::string_view head = TokenAt(p, end);
  for (const auto& [word, kind] : kHeads) {
    if (head != word) continue;
    const char* q = p + head.size();
    while (q < end && (*q == ' ' || *q == '\t')) ++q;
    std::string_view name = TokenAt(q, end);
    if (name.empty() || !IsWordChar(name[0])) return std::nullopt;
    return std::make_pair(kind, std::string(name));
  }
  return std::nullopt;
}

std::optional<Hint> SyntaxHint(const char* where, const char* end, const char* start,
                               const std::string& expected) {
  const std::string_view tok = TokenAt(where, end);
  if (tok.empty()) return std::nullopt;
  const uint32_t len = static_cast<uint32_t>(tok.size());
  if (isdigit(static_cast<unsigned char>(tok[0])) &&
      std::all_of(tok.begin(), tok.end(), [](char c) { return isdigit(c); })) {
    errno = 0;
    std::string digits(tok);
    strtoll(digits.c_str(), nullptr, 10);
    if (errno == ERANGE) {
      return Hint{where, len, "int-range",
                  absl::StrCat("integer ", std::string(tok),
                               " is out of range (integers are 64-bit: at most "
                               "9223372036854775807)"),
                  ""};
    }
  }
  static const std::pair<std::string_view, std::string_view> kForeign[] = {
      {"=", "=="}, {"&&", "and"}, {"||", "or"}, {"!", "not"}};
  for (const auto& [from, to] : kForeign) {
    if (tok == from) {
      return Hint{where, len, "", "", std::string(to)};
    }
  }
  // A keyword where a name belongs, at the token or just after a separator
  // (`enum E { a, deny }` stops at the ',' before the keyword).
  const char* kw = where;
  std::string_view kw_tok = tok;
  if ((tok == "," || tok == "{" || tok == "(") && expected.find("','") != std::string::npos) {
    kw = where + 1;
    while (kw < end && isspace(static_cast<unsigned char>(*kw))) ++kw;
    kw_tok = TokenAt(kw, end);
  }
  if (!kw_tok.empty() && grammar::IsKeyword(kw_tok) &&
      (kw != where || expected.find("name") != std::string::npos ||
       expected.find("identifier") != std::string::npos)) {
    return Hint{
        kw, static_cast<uint32_t>(kw_tok.size()), "keyword-as-name",
        absl::StrCat("'", std::string(kw_tok), "' is a keyword and cannot be used as a name"), ""};
  }
  // A misspelt keyword where keywords are expected.
  if (IsWordChar(tok[0]) && !grammar::IsKeyword(tok) &&
      (where == start || expected.find("field") != std::string::npos)) {
    std::vector<std::string> words(std::begin(grammar::kKeywords), std::end(grammar::kKeywords));
    std::string near = NearestName(tok, words);
    if (!near.empty()) return Hint{where, len, "", "", near};
  }
  return std::nullopt;
}

}  // namespace writ::detail
