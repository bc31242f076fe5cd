// File: src/common/operators.hpp (internal)
//
// The meaning of every comparison of LANGUAGE.md §5 on present values, in
// one place: constant folding, the reference evaluator and the compiled
// evaluator's generic nodes all call it, so they cannot drift apart.
#ifndef WRIT_SRC_COMMON_OPERATORS_HPP_
#define WRIT_SRC_COMMON_OPERATORS_HPP_

#include <string>
#include <string_view>
#include <vector>

#include "common/ast.hpp"
#include "common/value.hpp"

namespace writ::detail {

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

}  // namespace writ::detail

#endif  // WRIT_SRC_COMMON_OPERATORS_HPP_
