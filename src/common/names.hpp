// File: src/common/names.hpp (internal)
//
// Spelling suggestions for unknown names.
#ifndef WRIT_SRC_COMMON_NAMES_HPP_
#define WRIT_SRC_COMMON_NAMES_HPP_

#include <string>
#include <string_view>
#include <vector>

namespace writ::detail {

// The name within `candidates` nearest to `name` (small edit distance), or "".
std::string NearestName(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace writ::detail

#endif  // WRIT_SRC_COMMON_NAMES_HPP_
