// File: src/parser/parser.hpp (internal)
//
// Text -> AST. Runs the Spirit grammar one declaration at a time so that after
// a syntax error it resumes at the next declaration, follows `import`s
// relative to the importing file (each file once; cycles reported whole), and
// guards against hostile input (size, nesting depth, binary data).
#ifndef WRIT_SRC_PARSER_PARSER_HPP_
#define WRIT_SRC_PARSER_PARSER_HPP_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/ast.hpp"
#include "writ/diagnostic.hpp"
#include "writ/source.hpp"

namespace writ::detail {

// Reads a file named by an import, relative paths already resolved.
using FileReader = std::function<absl::StatusOr<std::string>(const std::string& path)>;

// How deep a condition's syntax tree may be. Brackets and `not`s both
// nest; `and` and `or` chains do not (they are n-ary).
inline constexpr int kMaxExprDepth = 256;

struct ParseLimits {
  size_t max_file_bytes = 16 << 20;
  int max_nesting = 200;  // parentheses and braces
  int max_errors = 20;
  int max_files = 1000;
};

// Parses `root_path` and everything it imports into `ast`, adding files to
// `sources` and problems to `diagnostics`. Returns a non-OK status only when
// the root itself cannot be read.
absl::Status ParseProgram(const std::string& root_path, const FileReader& reader,
                          const ParseLimits& limits, SourceSet& sources, Ast& ast,
                          std::vector<Diagnostic>& diagnostics);

// Parses one file's text without following imports (the formatter uses it).
File ParseFile(uint32_t source_id, const SourceSet& sources, const ParseLimits& limits,
               std::vector<Diagnostic>& diagnostics);

}  // namespace writ::detail

#endif  // WRIT_SRC_PARSER_PARSER_HPP_
