// File: policy.hpp
//
// A `Policy` is a loaded, checked and compiled disclosure policy. It is
// immutable and thread-safe: share one `std::shared_ptr<const Policy>` among
// any number of threads, each calling `Decide` on its own `Request`.
//
// Lifetime. A Policy lives as long as its shared pointer. Requests made for
// it share its compiled data and may outlive it (request.hpp); Decisions and
// Explanations point at it and must not (decision.hpp); AttributeHandles are
// indices into its schema, meaningful only for requests made for it.
//
// Loading reports problems in the policy text as `Diagnostic`s: `Check`
// returns them in an OK result; `Load` turns any error into an
// `InvalidArgument` status whose message is the rendered diagnostics.
// Evaluating a loaded policy cannot fail (docs/language.md §7).
//
// Example:
//   absl::StatusOr<std::shared_ptr<const writ::Policy>> policy =
//       writ::Policy::Load("policies/telegram-2024.writ");
//   if (!policy.ok()) return policy.status();
//   absl::StatusOr<writ::Request> request = (*policy)->ParseRequest(json_text);
//   writ::Decision decision = (*policy)->Decide(*request);
#ifndef WRIT_POLICY_HPP_
#define WRIT_POLICY_HPP_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "writ/alternatives.hpp"
#include "writ/coverage.hpp"
#include "writ/decision.hpp"
#include "writ/diagnostic.hpp"
#include "writ/export.hpp"
#include "writ/request.hpp"
#include "writ/source.hpp"

namespace writ {

namespace detail {
struct PolicyData;
struct PolicyAccess;
struct RequestBinding;
}  // namespace detail

// Options for loading a policy. Limits turn hostile input into errors.
struct LoadOptions {
  size_t max_file_bytes = 16 << 20;
  int max_nesting = 200;
  int max_errors = 20;
  int max_files = 1000;  // the root and everything it imports
  // Warn about every rule without a `cite` (`writ check` does: the rules of
  // a published policy quote the words they encode).
  bool require_cites = false;
  // Reads a file; the default reads from the file system. Tests and
  // embedders may serve files from memory.
  std::function<absl::StatusOr<std::string>(const std::string& path)> reader;
};

// Options for parsing a request from JSON.
struct ParseOptions {
  // Every field the policy does not declare is an input problem, with the
  // nearest declared attribute as a suggestion (`writ eval --strict`).
  bool undeclared_fields_are_problems = false;
};

// What checking found: the sources read and every diagnostic.
struct CheckResult {
  SourceSet sources;
  std::vector<Diagnostic> diagnostics;
  bool ok() const { return !HasErrors(diagnostics); }
  std::string Format(bool color = false) const {
    return FormatDiagnostics(sources, diagnostics, color);
  }
};

// The result of one `test` block.
struct TestResult {
  std::string name;         // the test's description
  SourceLocation location;  // where the test is written
  bool passed = false;
  std::vector<std::string> failures;        // what differed, one line each
  std::vector<std::string> notes;           // e.g. input problems of the `given file`
  std::string explanation;                  // the full explanation, for a failed test
  std::vector<std::string> deciding_rules;  // what decided the test's request
};

class WRIT_API Policy {
 public:
  // Loads, checks and compiles the policy rooted at `path` (imports relative
  // to it). InvalidArgument with rendered diagnostics on errors; NotFound if
  // `path` cannot be read.
  static absl::StatusOr<std::shared_ptr<const Policy>> Load(const std::string& path,
                                                            const LoadOptions& options = {});
  // Like Load, but keeps the diagnostics (warnings too) for the caller.
  static absl::StatusOr<std::shared_ptr<const Policy>> Load(const std::string& path,
                                                            const LoadOptions& options,
                                                            CheckResult& check);
  // Loads a policy from text; `name` is used in diagnostics and to resolve
  // imports.
  static absl::StatusOr<std::shared_ptr<const Policy>> FromText(const std::string& name,
                                                                std::string text,
                                                                const LoadOptions& options = {});
  // Checks without compiling: problems are in the result.
  static absl::StatusOr<CheckResult> Check(const std::string& path,
                                           const LoadOptions& options = {});

  ~Policy();
  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;

  const std::string& name() const;
  const std::string& title() const;
  const std::string& version() const;
  const std::string& source_url() const;
  // SHA-256 (hex) of every source file's path and text, in load order.
  const std::string& sha256() const;
  const SourceSet& sources() const;
  size_t rule_count() const;
  const std::string& rule_name(size_t index) const;
  size_t attribute_count() const;
  const std::string& attribute_path(size_t index) const;
  // The members of the enum that `items` names (empty without `items`).
  const std::vector<std::string>& item_names() const;

  // The members of the enum of an enum or set<enum> attribute (empty otherwise).
  const std::vector<std::string>& enum_members(AttributeHandle attribute) const;
  // A pre-resolved attribute for the fast path.
  absl::StatusOr<AttributeHandle> Attribute(std::string_view path) const;
  // The index of `member` in the enum of an enum or set<enum> attribute.
  absl::StatusOr<uint32_t> Member(AttributeHandle attribute, std::string_view member) const;

  // An empty request for this policy.
  Request NewRequest() const { return Request(*this); }
  // Parses one JSON object (docs/language.md §7.5): wrong types, unknown enum
  // values, bad dates, out-of-range integers and keys given twice become
  // input problems (the attribute is missing). Undeclared fields are
  // ignored, unless none of the request's fields is declared: that is an
  // input problem (the request was probably written for another policy).
  // Malformed JSON is InvalidArgument.
  absl::StatusOr<Request> ParseRequest(std::string_view json) const;
  // The same into an existing request (reusing its storage; a request made
  // for another policy is made anew for this one).
  absl::Status ParseRequest(std::string_view json, Request& out) const;
  absl::Status ParseRequest(std::string_view json, Request& out, const ParseOptions& options) const;

  // Decides a request. Never fails. Into a reused Decision it allocates
  // nothing, except to copy the request's input problems or lists longer
  // than four (decision.hpp), or for a request made for another policy
  // (translated first; request.hpp).
  Decision Decide(const Request& request) const;
  void Decide(const Request& request, Decision& out) const;
  // Decides and explains: every rule's outcome and why.
  Explanation Explain(const Request& request) const;

  // What would change the decision of `request`: for each other effect the
  // smallest changes that give it, and for an open decision what each value
  // of the missing attributes gives (alternatives.hpp). Unimplemented for a
  // policy whose conditions the analysis does not cover (docs/analysis.md).
  absl::StatusOr<writ::Alternatives> Alternatives(const Request& request,
                                                  const AlternativesOptions& options = {}) const;

  // Runs the policy's `test` blocks (all files, or only the root's).
  std::vector<TestResult> RunTests(bool root_only = false) const;
  // The same, recording into `coverage` what the tests exercise
  // (coverage.hpp); a report filled by an earlier run of this policy's tests
  // is added to.
  std::vector<TestResult> RunTests(bool root_only, CoverageReport* coverage) const;

 private:
  WRIT_LOCAL explicit Policy(std::shared_ptr<const detail::PolicyData> data);
  // Decide for a request made for another policy (request.hpp).
  void DecideTranslated(const Request& request, Decision& out) const;
  friend struct detail::PolicyAccess;
  friend struct detail::RequestBinding;
  // Shared with the requests made for this policy (they keep its schema).
  std::shared_ptr<const detail::PolicyData> data_;
};

}  // namespace writ

#endif  // WRIT_POLICY_HPP_
