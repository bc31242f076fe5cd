// File: src/common/diagnostic.cpp — rendering diagnostics as clang-style text or JSON.
#include "writ/diagnostic.hpp"

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/utf8.hpp"

namespace writ {
namespace {

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "error";
}

}  // namespace

bool HasErrors(const std::vector<Diagnostic>& diagnostics) {
  for (const auto& d : diagnostics)
    if (d.severity == Severity::kError) return true;
  return false;
}

std::string FormatDiagnostics(const SourceSet& sources, const std::vector<Diagnostic>& diagnostics,
                              bool color) {
  const char* bold = color ? "\033[1m" : "";
  const char* reset = color ? "\033[0m" : "";
  std::string out;
  for (const auto& d : diagnostics) {
    const char* sev_color = !color                             ? ""
                            : d.severity == Severity::kError   ? "\033[1;31m"
                            : d.severity == Severity::kWarning ? "\033[1;35m"
                                                               : "\033[1;36m";
    std::string message = d.message;
    if (!d.suggestion.empty()) absl::StrAppend(&message, "; did you mean '", d.suggestion, "'?");
    if (d.span.file >= sources.size()) {
      absl::StrAppend(&out, bold, "writ: ", reset, sev_color, SeverityName(d.severity), ": ", reset,
                      bold, message, reset, "\n");
      continue;
    }
    SourceLocation loc = sources.Locate(d.span);
    absl::StrAppend(&out, bold, loc.path, ":", loc.line, ":", loc.column, ": ", reset, sev_color,
                    SeverityName(d.severity), ": ", reset, bold, message, reset, "\n");
    // A diagnostic about the whole file (a point at its very start) shows no excerpt.
    if (d.span.offset == 0 && d.span.length == 0) continue;
    std::string_view line = sources.at(d.span.file).Line(loc.line);
    // Show the line with tabs kept, so the caret lines up.
    std::string shown;
    bool printable = true;
    for (char c : line) {
      unsigned char u = static_cast<unsigned char>(c);
      if (u < 0x20 && c != '\t') printable = false;
    }
    if (!printable || line.find_first_not_of(" \t") == std::string_view::npos)
      continue;  // binary text: no excerpt
    // Bytes that are not UTF-8 are shown as '?', so that the output is text.
    std::string valid;
    if (detail::FirstInvalidUtf8(line) != std::string_view::npos) {
      for (size_t i = 0; i < line.size();) {
        const size_t n = detail::Utf8SequenceLength(line.substr(i));
        valid.append(n ? line.substr(i, n) : std::string_view("?"));
        i += n ? n : 1;
      }
      line = valid;
    }
    uint32_t col = loc.column - 1;
    uint32_t len = d.span.length;
    if (col + len > line.size()) len = line.size() > col ? line.size() - col : 0;
    // A long line is shown as a window around the caret.
    constexpr uint32_t kWide = 300, kContext = 60;
    std::string prefix, suffix;
    if (line.size() > kWide) {
      const uint32_t from = col > kContext ? col - kContext : 0;
      const uint32_t to = std::min<uint32_t>(static_cast<uint32_t>(line.size()),
                                             col + std::min<uint32_t>(len, kContext) + kContext);
      if (from > 0) prefix = "...";
      if (to < line.size()) suffix = "...";
      line = line.substr(from, to - from);
      col = col - from + static_cast<uint32_t>(prefix.size());
      len = std::min<uint32_t>(len, static_cast<uint32_t>(line.size() + prefix.size()) - col);
    }
    absl::StrAppend(&out, "  ", prefix, absl::string_view(line.data(), line.size()), suffix,
                    "\n  ");
    for (uint32_t i = 0; i < col; ++i) {
      const bool in_line = i >= prefix.size() && i - prefix.size() < line.size();
      out += in_line && line[i - prefix.size()] == '\t' ? '\t' : ' ';
    }
    absl::StrAppend(&out, color ? "\033[1;32m" : "", "^");
    for (uint32_t i = 1; i < len; ++i) out += '~';
    absl::StrAppend(&out, reset, "\n");
  }
  return out;
}

std::string FormatDiagnosticsJson(const SourceSet& sources,
                                  const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    boost::json::object o;
    SourceLocation loc = d.span.file < sources.size() ? sources.Locate(d.span) : SourceLocation{};
    o["path"] = loc.path;
    o["line"] = loc.line;
    o["column"] = loc.column;
    o["length"] = d.span.length;
    o["severity"] = SeverityName(d.severity);
    o["code"] = d.code;
    o["message"] = d.message;
    o["suggestion"] = d.suggestion;
    absl::StrAppend(&out, boost::json::serialize(o), "\n");
  }
  return out;
}

}  // namespace writ
