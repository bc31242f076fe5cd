// File: diagnostic.hpp
//
// A `Diagnostic` is one problem found in a policy's text: where it is, what it
// is, and a suggestion when one is near. Diagnostics are data; only
// `FormatDiagnostics` renders them, in the style of clang:
//
//   telegram-2024.writ:31:9: error: unknown attribute 'instrument.typ'; did you mean
//   'instrument.type'?
//     when  instrument.typ in judicial_orders
//           ^~~~~~~~~~~~~~
#ifndef WRIT_DIAGNOSTIC_HPP_
#define WRIT_DIAGNOSTIC_HPP_

#include <string>
#include <vector>

#include "writ/export.hpp"
#include "writ/source.hpp"

namespace writ {

enum class Severity { kError, kWarning, kNote };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string code;  // stable identifier, e.g. "unknown-attribute"
  SourceSpan span;
  std::string message;     // lower case, one line, no final period
  std::string suggestion;  // a name to use instead, or empty
};

// Renders diagnostics as text with the source line and a caret under the span.
// `color` adds ANSI colours (for terminals).
WRIT_API std::string FormatDiagnostics(const SourceSet& sources,
                                       const std::vector<Diagnostic>& diagnostics,
                                       bool color = false);

// Renders each diagnostic as one JSON object per line: path, line, column,
// length, severity, code, message, suggestion.
WRIT_API std::string FormatDiagnosticsJson(const SourceSet& sources,
                                           const std::vector<Diagnostic>& diagnostics);

// True if any diagnostic is an error.
WRIT_API bool HasErrors(const std::vector<Diagnostic>& diagnostics);

}  // namespace writ

#endif  // WRIT_DIAGNOSTIC_HPP_
