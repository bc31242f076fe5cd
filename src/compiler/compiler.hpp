// File: src/compiler/compiler.hpp (internal)
//
// Checked model -> Program: folds lets and constant sub-expressions, picks
// the fastest node kind for each comparison, interns string constants into
// the schema, and builds the rule index and the bit-parallel form of the
// unindexed rules.
#ifndef WRIT_SRC_COMPILER_COMPILER_HPP_
#define WRIT_SRC_COMPILER_COMPILER_HPP_

#include "checker/checker.hpp"
#include "compiler/program.hpp"

namespace writ::detail {

// Compiles `model` (whose schema gains the interned strings).
Program Compile(Model& model);

}  // namespace writ::detail

#endif  // WRIT_SRC_COMPILER_COMPILER_HPP_
