// File: src/common/operators.hpp (internal)
//
// The meaning of every comparison of docs/language.md §6 on present values,
// in one place: constant folding, the reference evaluator and the compiled
// evaluator's generic nodes call CompareViews; the compiled leaves
// (compiler/leaf_meaning.hpp) call the same OrderHolds and MaskHolds that
// CompareViews is written with, so they cannot drift apart.
#ifndef WRIT_SRC_COMMON_OPERATORS_HPP_
#define WRIT_SRC_COMMON_OPERATORS_HPP_

#include <string>
#include <string_view>
#include <vector>

#include "common/ast.hpp"
#include "common/value.hpp"

namespace writ::detail {

// The order comparisons (==, !=, <, <=, >, >=) on two values of one ordered
// type; false for any other operator.
template <typename T>
constexpr bool OrderHolds(Op op, const T& a, const T& b) {
  switch (op) {
    case Op::kEq:
      return a == b;
    case Op::kNe:
      return !(a == b);
    case Op::kLt:
      return a < b;
    case Op::kLe:
      return !(b < a);
    case Op::kGt:
      return b < a;
    case Op::kGe:
      return !(a < b);
    default:
      return false;
  }
}

// Set operators on enum sets as masks (bit i: member i): `set op k`, where
// k is a one-member mask for `contains`.
constexpr bool MaskHolds(Op op, uint64_t set, uint64_t k) {
  switch (op) {
    case Op::kContains:
    case Op::kContainsAny:
      return (set & k) != 0;
    case Op::kContainsAll:
      return (set & k) == k;
    case Op::kContainsNone:
      return (set & k) == 0;
    case Op::kEq:
      return set == k;
    case Op::kNe:
      return set != k;
    default:
      return false;
  }
}

// `member in set` for an enum member and a mask.
constexpr bool MemberOf(uint64_t member, uint64_t set) {
  return member < 64 && ((set >> member) & 1);
}

// A borrowed view of a present value.
struct ValueView {
  TypeKind kind = TypeKind::kBool;
  uint64_t w = 0;      // bool, int, date (as int64 bits), enum member, enum-set mask
  std::string_view s;  // string
  const std::vector<std::string>* strs = nullptr;  // string set (any order, may repeat)
};

ValueView ViewOf(const Value& v);

// `l op r`, both present and of the types the checker allowed.
bool CompareViews(Op op, const ValueView& l, const ValueView& r);

// Glob match: `*` matches any run of characters, `\*` a literal star.
bool GlobMatch(std::string_view text, std::string_view pattern);

// `text in_domain domain`: the host of `text` (what follows its last `@`,
// or all of it without one), compared without regard to ASCII case, is
// `domain` or a subdomain of it ("x@Mail.FBI.gov" is in fbi.gov;
// "x@fbi.gov.example" and "x@notfbi.gov" are not). `domain` is a checked
// domain name in lower case (DomainNameProblem).
bool InDomain(std::string_view text, std::string_view domain);

// Why `name` cannot be the domain of `in_domain` ("" when it can): labels
// of letters, digits and hyphens, in lower case, joined by single dots.
std::string DomainNameProblem(std::string_view name);

}  // namespace writ::detail

#endif  // WRIT_SRC_COMMON_OPERATORS_HPP_
