// File: detail/compiler.hpp (not API)
//
// Checked model -> Program: folds lets and constant sub-expressions, picks
// the fastest node kind for each comparison, interns string constants into
// the schema, and builds the rule index and the bit-parallel form of the
// unindexed rules.
#ifndef WRIT_DETAIL_COMPILER_HPP_
#define WRIT_DETAIL_COMPILER_HPP_

#include "writ/detail/checker.hpp"
#include "writ/detail/program.hpp"

namespace writ::detail {

// Compiles `model` (whose schema gains the interned strings).
Program Compile(Model& model);

}  // namespace writ::detail

#endif  // WRIT_DETAIL_COMPILER_HPP_
