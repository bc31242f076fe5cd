// File: format.hpp
//
// `Format` rewrites one policy file into writ's canonical layout, keeping its
// comments. It is idempotent, and it proves itself: the output is parsed
// again and must give the same syntax tree (spans aside) as the input, so a
// formatted policy means exactly what the original meant.
//
// Example:
//   absl::StatusOr<std::string> out = writ::Format("p.writ", text);
#ifndef WRIT_FORMAT_HPP_
#define WRIT_FORMAT_HPP_

#include <string>

#include "absl/status/statusor.h"
#include "writ/export.hpp"

namespace writ {

// The canonical text of `text` (named `path` in diagnostics). A file that does
// not parse gives InvalidArgument with the rendered diagnostics.
WRIT_API absl::StatusOr<std::string> Format(const std::string& path, const std::string& text);

// SHA-256 (hex) of the canonical text of every file of a policy without its
// comments: equal for two policies that differ only in layout and comments.
WRIT_API std::string MeaningSha256(const class Policy& policy);

}  // namespace writ

#endif  // WRIT_FORMAT_HPP_
