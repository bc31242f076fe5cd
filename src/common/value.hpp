// File: src/common/value.hpp (internal)
//
// A constant value, as lets fold to and as test `given` blocks write them.
#ifndef WRIT_SRC_COMMON_VALUE_HPP_
#define WRIT_SRC_COMMON_VALUE_HPP_

#include <string>
#include <vector>

#include "common/ast.hpp"

namespace writ::detail {

struct Value {
  Type type;
  bool b = false;
  int64_t i = 0;                  // int, date (days), enum member index
  uint64_t mask = 0;              // enum set
  std::string s;                  // string
  std::vector<std::string> strs;  // string set, sorted and unique
};

}  // namespace writ::detail

#endif  // WRIT_SRC_COMMON_VALUE_HPP_
