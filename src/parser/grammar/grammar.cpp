// File: src/parser/grammar/grammar.cpp
//
// The writ grammar (docs/language.md §1–§6, §8) in Spirit X3. This is the only
// translation unit that includes Spirit's parser headers. It builds the CST
// of cst.hpp; conversion to the AST happens in parser.cpp, never here.
//
// Conventions: `>>` until the input has committed to a construct, `>` after
// its keyword, so an expectation failure lands on the token the author must
// fix. Rules are named for people: the name is what "expected ..." reports.
#include "parser/grammar/grammar.hpp"

#include <boost/spirit/home/x3.hpp>

#include "parser/grammar/cst_adapted.hpp"

namespace writ::detail::grammar {
namespace x3 = boost::spirit::x3;
using x3::lexeme;
using x3::lit;

namespace {

// Records the parsed range on every node that derives from cst::Tagged.
struct annotate_span {
  template <typename It, typename Attr, typename Ctx>
  void on_success(It const& first, It const& last, Attr& attr, Ctx const&) {
    if constexpr (std::is_base_of_v<cst::Tagged, Attr>) {
      attr.b = first;
      attr.e = last;
    }
  }
};

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// ---- Lexical ---------------------------------------------------------------

const auto comment = lexeme["//" >> *(x3::char_ - x3::eol) >> (x3::eol | x3::eoi)];
const auto skipper = x3::space | comment;

const auto word_end = !(x3::alnum | '_');
// A keyword as a whole word, without an attribute.
auto kw(const char* w) { return lexeme[lit(w) >> word_end]; }
// A keyword as a whole word that yields its text.
auto kws(const char* w) { return lexeme[x3::string(w) >> word_end]; }

x3::symbols<> MakeKeywords() {
  x3::symbols<> s;
  for (std::string_view w : kKeywords) s.add(w);
  return s;
}
const x3::symbols<> keywords = MakeKeywords();

const auto word = lexeme[(x3::alpha | x3::char_('_')) >> *(x3::alnum | x3::char_('_'))];
const auto keyword = lexeme[keywords >> word_end];

x3::rule<class name_class, cst::Name> const name = "name";
x3::rule<class name_inner_class, cst::Name> const name_inner = "name";
x3::rule<class ident_class, cst::Name> const ident = "identifier";
x3::rule<class ident_inner_class, cst::Name> const ident_inner = "identifier";
x3::rule<class any_word_class, cst::Name> const any_word = "name";
x3::rule<class any_word_inner_class, cst::Name> const any_word_inner = "name";
x3::rule<class string_body_class, std::string> const string_body = "string";
x3::rule<class str_class, cst::Str> const str = "string";
x3::rule<class str_inner_class, cst::Str> const str_inner = "string";
x3::rule<class int_lit_class, cst::Int> const int_lit = "integer";
x3::rule<class int_lit_inner_class, cst::Int> const int_lit_inner = "integer";
x3::rule<class date_lit_class, cst::Date> const date_lit = "date";
x3::rule<class bool_lit_class, cst::Bool> const bool_lit = "true or false";
x3::rule<class bool_lit_inner_class, cst::Bool> const bool_lit_inner = "true or false";

auto set_text = [](auto& ctx) { x3::_val(ctx).text = std::move(x3::_attr(ctx)); };
auto set_value = [](auto& ctx) { x3::_val(ctx).value = std::move(x3::_attr(ctx)); };

// A dotted path; later segments may be keywords (`request.source`).
const auto name_inner_def = (x3::raw[lexeme[!keyword >> word >> *('.' >> word)]])[([](auto& ctx) {
  auto& r = x3::_attr(ctx);
  x3::_val(ctx).text.assign(r.begin(), r.end());
})];
const auto name_def = name_inner;
const auto ident_inner_def = (x3::raw[lexeme[!keyword >> word]])[([](auto& ctx) {
  auto& r = x3::_attr(ctx);
  x3::_val(ctx).text.assign(r.begin(), r.end());
})];
const auto ident_def = ident_inner;
// Any word, keywords included: type names (`string`) and combining algorithms.
const auto declaration_keyword =
    lexeme[(lit("import") | "policy" | "enum" | "attr" | "let" | "rule" | "test" | "history") >>
           word_end];
const auto any_word_inner_def = (x3::raw[!declaration_keyword >> word])[([](auto& ctx) {
  auto& r = x3::_attr(ctx);
  x3::_val(ctx).text.assign(r.begin(), r.end());
})];
const auto any_word_def = any_word_inner;

x3::symbols<char> const escape_char = {{"\"", '"'}, {"\\", '\\'}, {"n", '\n'}, {"t", '\t'}};
auto append_char = [](auto& ctx) { x3::_val(ctx) += x3::_attr(ctx); };
auto append_code_point = [](auto& ctx) {
  uint32_t cp = x3::_attr(ctx);
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    x3::_pass(ctx) = false;
    return;
  }
  AppendUtf8(x3::_val(ctx), cp);
};
x3::rule<class escape_class> const escape = "escape sequence (\\\" \\\\ \\n \\t \\u{XXXX})";
x3::rule<class string_end_class> const string_end = "closing '\"'";
const auto string_end_def = lit('"');
const x3::uint_parser<uint32_t, 16, 1, 6> hex_cp;
const auto escape_def = lit('\\') >> (lit("u{") >> hex_cp >> '}' | escape_char);
// A string is a run of pieces, each already decoded to UTF-8 bytes: an
// escape, a code point, or a plain character. Each kind is a named rule, so
// a bad escape reports what was expected.
x3::rule<class code_point_class, std::string> const code_point =
    "code point (1 to 6 hex digits, at most 10FFFF)";
x3::rule<class escape_char_class, std::string> const escape_body =
    "escape sequence (\\\" \\\\ \\n \\t \\u{XXXX})";
x3::rule<class plain_char_class, std::string> const plain_char = "character";
x3::rule<class piece_class, std::string> const piece = "string";
const auto code_point_def = hex_cp[append_code_point];
const auto escape_body_def = escape_char[append_char];
const auto plain_char_def = (x3::char_ - '"' - '\\' - x3::eol)[append_char];
const auto piece_def = (lit("\\u{") > code_point > '}') | (lit('\\') > escape_body) | plain_char;
auto append_piece = [](auto& ctx) { x3::_val(ctx) += x3::_attr(ctx); };
const auto string_body_def = lexeme['"' >> *piece[append_piece] > string_end];
const auto str_inner_def = string_body[set_value];
const auto str_def = str_inner;

const x3::uint_parser<int, 10, 4, 4> year4;
const x3::uint_parser<int, 10, 2, 2> digit2;
const auto date_lit_def = lexeme[year4 >> '-' >> digit2 >> '-' >> digit2 >> !x3::digit];
const auto int_lit_inner_def = lexeme[x3::int64 >> !(x3::alnum | '_' | '.')][set_value];
const auto int_lit_def = int_lit_inner;
const auto bool_lit_inner_def = kw("true")[([](auto& ctx) { x3::_val(ctx).value = true; })] |
                                kw("false")[([](auto& ctx) { x3::_val(ctx).value = false; })];
const auto bool_lit_def = bool_lit_inner;

// ---- Expressions ---------------------------------------------------------

x3::rule<class atom_class, cst::Atom> const atom = "set element";
x3::rule<class set_lit_class, cst::SetLit> const set_lit = "set";
x3::rule<class set_lit_inner_class, cst::SetLit> const set_lit_inner = "set";
x3::rule<class operand_class, cst::Operand> const operand = "operand";
x3::rule<class paren_class, x3::forward_ast<cst::OrExpr>> const paren = "parenthesized expression";
x3::rule<class comp_op_class, Op> const comp_op = "operator";
x3::rule<class bin_tail_class, cst::BinTail> const bin_tail = "comparison";
x3::rule<class is_tail_class, cst::IsTail> const is_tail = "'present' or 'missing'";
x3::rule<class is_tail_inner_class, cst::IsTail> const is_tail_inner = "'present' or 'missing'";
x3::rule<class comparison_class, cst::Comparison> const comparison = "expression";
x3::rule<class unary_class, cst::Unary> const unary = "expression";
x3::rule<class and_expr_class, cst::AndExpr> const and_expr = "expression";
x3::rule<class or_expr_class, cst::OrExpr> const or_expr = "expression";
x3::rule<class set_close_class> const set_close = "',' or '}'";
x3::rule<class paren_close_class> const paren_close = "')'";

const auto set_close_def = lit('}');
const auto paren_close_def = lit(')');
const auto atom_def = date_lit | int_lit | str | bool_lit | name;
const auto set_lit_inner_def = ('{' >> -(atom % ',') > set_close)[([](auto& ctx) {
  if (x3::_attr(ctx)) x3::_val(ctx).elements = std::move(*x3::_attr(ctx));
})];
const auto set_lit_def = set_lit_inner;
const auto paren_def = '(' > or_expr > paren_close;
const auto operand_def = date_lit | int_lit | str | bool_lit | name | set_lit | paren;

const auto comp_op_def = lit("==") >> x3::attr(Op::kEq) | lit("!=") >> x3::attr(Op::kNe) |
                         lit("<=") >> x3::attr(Op::kLe) | lit(">=") >> x3::attr(Op::kGe) |
                         lit('<') >> x3::attr(Op::kLt) | lit('>') >> x3::attr(Op::kGt) |
                         kw("in") >> x3::attr(Op::kIn) |
                         kw("not") >> kw("in") >> x3::attr(Op::kNotIn) |
                         kw("contains_any") >> x3::attr(Op::kContainsAny) |
                         kw("contains_all") >> x3::attr(Op::kContainsAll) |
                         kw("contains_none") >> x3::attr(Op::kContainsNone) |
                         kw("contains") >> x3::attr(Op::kContains) |
                         kw("like") >> x3::attr(Op::kLike) |
                         kw("in_domain") >> x3::attr(Op::kInDomain);
const auto bin_tail_def = comp_op > operand;
x3::rule<class presence_word_class, cst::IsTail> const presence_word = "'present' or 'missing'";
const auto presence_word_def = kw("present")[([](auto& ctx) { x3::_val(ctx).present = true; })] |
                               kw("missing")[([](auto& ctx) { x3::_val(ctx).present = false; })];
const auto is_tail_inner_def = kw("is") > presence_word;
const auto is_tail_def = is_tail_inner;
const auto comparison_def = operand >> -(bin_tail | is_tail);
const auto unary_def = *(kw("not") >> !kw("in") >> x3::attr(1)) >> comparison;
const auto and_expr_def = unary >> *(kw("and") > unary);
const auto or_expr_def = and_expr >> *(kw("or") > and_expr);

BOOST_SPIRIT_DEFINE(code_point, escape_body, plain_char, piece, presence_word, name_inner,
                    ident_inner, any_word_inner, str_inner, int_lit_inner, bool_lit_inner,
                    set_lit_inner, is_tail_inner, name, ident, any_word, string_body, str, int_lit,
                    date_lit, bool_lit, escape, string_end, atom, set_lit, operand, paren, comp_op,
                    bin_tail, is_tail, comparison, unary, and_expr, or_expr, set_close, paren_close)

// ---- Declarations ----------------------------------------------------------

x3::rule<class effect_word_class, std::string> const effect_word =
    "effect ('allow', 'review' or 'deny')";
x3::rule<class effect_v_class, cst::EffectV> const effect_v =
    "effect ('allow', 'review' or 'deny')";
x3::rule<class name_set_class, std::vector<cst::Name>> const name_set = "'{'";
x3::rule<class name_list_class, cst::NameList> const name_list = "'{'";
x3::rule<class name_list_inner_class, cst::NameList> const name_list_inner = "'{'";
x3::rule<class obligation_v_class, cst::ObligationV> const obligation_v = "obligation name";
x3::rule<class condition_v_class, cst::ConditionV> const condition_v = "'when' or 'unless'";
x3::rule<class assign_class, cst::Assign> const assign = "assignment 'attr.path = value'";
x3::rule<class given_block_class, cst::GivenBlock> const given_block = "'{' or 'file'";
x3::rule<class given_block_inner_class, cst::GivenBlock> const given_block_inner = "'{' or 'file'";
x3::rule<class expect_v_class, cst::ExpectV> const expect_v =
    "expectation (allow, review, deny, granted, withheld, missing, obligation, no obligation)";
x3::rule<class policy_field_class, cst::Field> const policy_field = "policy field";
x3::rule<class rule_field_class, cst::Field> const rule_field = "rule field";
x3::rule<class test_field_class, cst::Field> const test_field = "test field";
x3::rule<class policy_close_class> const policy_close =
    "policy field (title, version, source, combine, items, default) or '}'";
x3::rule<class rule_close_class> const rule_close =
    "rule field (title, cite, when, unless, then, disclose, obligation) or '}'";
x3::rule<class test_close_class> const test_close = "'given', 'expect' or '}'";
x3::rule<class given_close_class> const given_close = "assignment 'attr.path = value' or '}'";
x3::rule<class enum_close_class> const enum_close = "',' or '}'";
x3::rule<class type_class, cst::TypeE> const type =
    "type (bool, int, string, date, an enum or set<...>)";
x3::rule<class import_class, cst::ImportD> const import_decl = "import";
x3::rule<class import_decl_inner_class, cst::ImportD> const import_decl_inner = "import";
x3::rule<class policy_class, cst::PolicyD> const policy_decl = "policy";
x3::rule<class enum_class, cst::EnumD> const enum_decl = "enum";
x3::rule<class attr_class, cst::AttrD> const attr_decl = "attr";
x3::rule<class let_class, cst::LetD> const let_decl = "let";
x3::rule<class rule_decl_class, cst::RuleD> const rule_decl = "rule";
x3::rule<class test_class, cst::TestD> const test_decl = "test";
x3::rule<class version_v_class, cst::VersionV> const version_v = "version file (a string)";
x3::rule<class from_kw_class> const from_kw = "'from' and the date the version took effect";
x3::rule<class history_field_class, cst::Field> const history_field = "history field";
x3::rule<class history_close_class> const history_close =
    "history field (title, date, version) or '}'";
x3::rule<class history_class, cst::HistoryD> const history_decl = "history";
x3::rule<class declaration_class, cst::Decl> const declaration =
    "declaration (import, policy, enum, attr, let, rule, test or history)";

const auto effect_word_def = kws("allow") | kws("review") | kws("deny");
const auto effect_v_def = effect_word > str;
const auto name_set_def = lit('{') > -(name % ',') > set_close;
const auto name_list_inner_def =
    name_set[([](auto& ctx) { x3::_val(ctx).names = std::move(x3::_attr(ctx)); })];
const auto name_list_def = name_list_inner;
// A `when` or `unless` right after an obligation is the obligation's
// condition (docs/language.md §4, v1.1), not the rule's.
const auto condition_v_def = (kws("when") | kws("unless")) > or_expr;
const auto obligation_v_def = ident > -('(' > str > paren_close) > -condition_v;
const auto assign_def = name > '=' > operand;
const auto given_block_inner_def =
    (lit('{') > *assign >
     given_close)[([](auto& ctx) { x3::_val(ctx).assigns = std::move(x3::_attr(ctx)); })];
const auto given_close_def = lit('}');
const auto given_block_def = given_block_inner;
const auto expect_v_def =
    (effect_word >> ((kw("by") > (name % ',')) | x3::attr(std::vector<cst::Name>())) >>
     x3::attr(boost::optional<cst::Str>())) |
    ((kws("granted") | kws("withheld") | kws("missing")) > name_set >
     x3::attr(boost::optional<cst::Str>())) |
    (kws("obligation") > x3::repeat(1)[ident] > -('(' > str > paren_close)) |
    // `no` is a word only here: it stays free for names elsewhere.
    (kw("no") >> kw("obligation") >> x3::attr(std::string("no obligation")) > x3::repeat(1)[ident] >
     x3::attr(boost::optional<cst::Str>()));

const auto policy_field_def = ((kws("title") | kws("version") | kws("source")) > str) |
                              (kws("combine") > any_word) | (kws("items") > name) |
                              (kws("default") > effect_v);
const auto rule_field_def = ((kws("title") | kws("cite")) > str) |
                            ((kws("when") | kws("unless")) > or_expr) | (kws("then") > effect_v) |
                            (kws("disclose") > name_list) | (kws("obligation") > obligation_v);
// One `given` alternative: X3 does not clear a container attribute (the
// key) when an alternative fails after matching it.
x3::rule<class given_value_class, cst::FieldValue> const given_value = "'{' or 'file'";
const auto given_value_def = (kw("file") > str) | given_block;
const auto test_field_def = (kws("given") > given_value) | (kws("expect") > expect_v);
const auto policy_close_def = lit('}');
const auto rule_close_def = lit('}');
const auto test_close_def = lit('}');
const auto enum_close_def = lit('}');

const auto type_def = (kws("set") > '<' > any_word > '>') | (x3::attr(std::string()) >> any_word);
const auto import_decl_inner_def =
    (kw("import") > str)[([](auto& ctx) { x3::_val(ctx).path = std::move(x3::_attr(ctx)); })];
const auto import_decl_def = import_decl_inner;
const auto policy_decl_def = kw("policy") > ident > '{' > *policy_field > policy_close;
const auto enum_decl_def = kw("enum") > ident > '{' > -(ident % ',') > enum_close;
const auto attr_decl_def = kw("attr") > name > ':' > type;
const auto let_decl_def = kw("let") > ident > '=' > or_expr;
const auto rule_decl_def = kw("rule") > ident > '{' > *rule_field > rule_close;
const auto test_decl_def = kw("test") > str > '{' > *test_field > test_close;
const auto from_kw_def = kw("from");
const auto version_v_def = str > from_kw > date_lit;
const auto history_field_def =
    (kws("title") > str) | (kws("date") > name) | (kws("version") > version_v);
const auto history_close_def = lit('}');
const auto history_decl_def = kw("history") > ident > '{' > *history_field > history_close;
const auto declaration_def = import_decl | policy_decl | enum_decl | attr_decl | let_decl |
                             rule_decl | test_decl | history_decl;

BOOST_SPIRIT_DEFINE(name_list_inner, given_block_inner, import_decl_inner, given_value, effect_word,
                    effect_v, name_set, name_list, obligation_v, condition_v, assign, given_block,
                    given_close, expect_v, policy_field, rule_field, test_field, policy_close,
                    rule_close, test_close, enum_close, type, import_decl, policy_decl, enum_decl,
                    attr_decl, let_decl, rule_decl, test_decl, from_kw, version_v, history_field,
                    history_close, history_decl, declaration)

// Rule ids that annotate spans. X3 finds on_success through the id class, so
// these must live in the same (anonymous) namespace as the rules.
struct name_class : annotate_span {};
struct ident_class : annotate_span {};
struct any_word_class : annotate_span {};
struct str_class : annotate_span {};
struct int_lit_class : annotate_span {};
struct date_lit_class : annotate_span {};
struct bool_lit_class : annotate_span {};
struct set_lit_class : annotate_span {};
struct bin_tail_class : annotate_span {};
struct is_tail_class : annotate_span {};
struct comparison_class : annotate_span {};
struct unary_class : annotate_span {};
struct and_expr_class : annotate_span {};
struct or_expr_class : annotate_span {};
struct effect_v_class : annotate_span {};
struct name_list_class : annotate_span {};
struct obligation_v_class : annotate_span {};
struct condition_v_class : annotate_span {};
struct assign_class : annotate_span {};
struct given_block_class : annotate_span {};
struct expect_v_class : annotate_span {};
struct policy_field_class : annotate_span {};
struct rule_field_class : annotate_span {};
struct test_field_class : annotate_span {};
struct type_class : annotate_span {};
struct import_class : annotate_span {};
struct policy_class : annotate_span {};
struct enum_class : annotate_span {};
struct attr_class : annotate_span {};
struct let_class : annotate_span {};
struct rule_decl_class : annotate_span {};
struct test_class : annotate_span {};
struct version_v_class : annotate_span {};
struct history_field_class : annotate_span {};
struct history_class : annotate_span {};

}  // namespace

bool IsKeyword(std::string_view word) {
  for (std::string_view k : kKeywords)
    if (k == word) return true;
  return false;
}

void SkipSpace(const char*& it, const char* end) {
  x3::skip_over(it, end, x3::make_context<x3::skipper_tag>(skipper));
}

bool ParseDeclaration(const char*& it, const char* end, cst::Decl& out, SyntaxError& error) {
  try {
    if (x3::phrase_parse(it, end, declaration, skipper, out)) return true;
    error.where = it;
    error.expected = declaration.name;
    return false;
  } catch (const x3::expectation_failure<const char*>& x) {
    error.where = x.where();
    error.expected = x.which();
    // Unnamed parsers report a mangled C++ type name; never show that.
    if (error.expected.rfind("N5boost", 0) == 0 ||
        error.expected.find("spirit") != std::string::npos)
      error.expected = "valid syntax";
    return false;
  }
}

}  // namespace writ::detail::grammar
