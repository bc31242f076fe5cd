// File: src/api/format.cpp
//
// writ::Format (print, then prove the print means what the input meant) and
// the meaning hash of a loaded policy.
#include "writ/format.hpp"

#include "absl/strings/str_cat.h"
#include "api/policy_data.hpp"
#include "common/sha256.hpp"
#include "parser/parser.hpp"
#include "parser/printer.hpp"
#include "writ/policy.hpp"

namespace writ {

absl::StatusOr<std::string> Format(const std::string& path, const std::string& text) {
  SourceSet sources;
  uint32_t id = sources.Add(path, text);
  std::vector<Diagnostic> diags;
  detail::File file = detail::ParseFile(id, sources, {}, diags);
  if (HasErrors(diags)) return absl::InvalidArgumentError(FormatDiagnostics(sources, diags));
  std::string out = detail::PrintFile(file, &sources.at(id));
  // Prove the output means what the input meant.
  uint32_t id2 = sources.Add(path + " (formatted)", out);
  std::vector<Diagnostic> diags2;
  detail::File again = detail::ParseFile(id2, sources, {}, diags2);
  if (HasErrors(diags2) || !detail::SameFile(file, again)) {
    return absl::InternalError(absl::StrCat(
        "formatting '", path, "' would change its meaning; this is a bug in writ fmt\n",
        FormatDiagnostics(sources, diags2)));
  }
  return out;
}

std::string MeaningSha256(const Policy& policy) {
  detail::Sha256 sha;
  for (const auto& f : detail::PolicyAccess::Data(policy).ast.files) {
    std::string text = detail::PrintFile(f, nullptr);
    sha.Update(absl::StrCat(text.size(), ":"));
    sha.Update(text);
  }
  return sha.HexDigest();
}

}  // namespace writ
