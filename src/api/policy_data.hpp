// File: src/api/policy_data.hpp (internal)
//
// Everything a loaded policy owns: its sources, the checked AST and model,
// the compiled program and the schema's JSON shape. Built by Policy::Load,
// immutable after, and held by shared pointer so that requests can share
// ownership of its schema (request.hpp: lifetime and binding).
#ifndef WRIT_SRC_API_POLICY_DATA_HPP_
#define WRIT_SRC_API_POLICY_DATA_HPP_

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "checker/checker.hpp"
#include "common/ast.hpp"
#include "compiler/program.hpp"
#include "request/json_shape.hpp"
#include "writ/policy.hpp"
#include "writ/source.hpp"

namespace writ::detail {

struct PolicyData {
  SourceSet sources;
  Ast ast;
  Model model;
  Program program;
  std::string sha256;
  std::vector<std::string> item_names;
  JsonShape json;  // the schema as JSON objects, for parsing requests
  // Built on first use by the analysis (analysis/alternatives.cpp: the
  // candidate values of each attribute), then shared by every thread.
  mutable std::once_flag alternatives_once;
  mutable std::shared_ptr<const void> alternatives;
};

// The library's own way in to a Policy's data (tests and tools inside the
// library use it; it is not installed).
struct PolicyAccess {
  static const PolicyData& Data(const Policy& policy) { return *policy.data_; }
  static std::shared_ptr<const Policy> Make(std::shared_ptr<const PolicyData> data) {
    return std::shared_ptr<const Policy>(new Policy(std::move(data)));
  }
};

// Where a test's `given file` is: relative to the file the test is in.
std::string TestFilePath(const std::string& test_source, const std::string& given);
// A test block's request, made for `policy` (whose model checked the test)
// from its `given file` and `given` values; nullopt after recording in
// `res` why it cannot be made. `res.location` must be set.
std::optional<Request> BuildTestRequest(const Policy& policy, const CheckedTest& test,
                                        TestResult& res);
// Compares what `test` expects with `decision`: a failure line in `res` per
// difference, and `res.passed`.
void CompareExpectations(const TestDecl& test, const Decision& decision, TestResult& res);

// Loads the policy at `path` with, after its own files, the test blocks
// `keep` (indices) of the file `tests_path` (text `tests_text`) checked
// against it: how a history checks and runs its tests against the version in
// force on their dates. Only the diagnostics in `tests_path` are kept.
absl::StatusOr<std::shared_ptr<const Policy>> LoadWithTests(
    const std::string& path, const LoadOptions& options, const std::string& tests_path,
    const std::string& tests_text, const std::vector<uint32_t>& keep, CheckResult& check);

// Binding requests to policies (request.hpp: lifetime and binding).
struct RequestBinding {
  // The schema of `policy`, shared with the policy's data.
  static std::shared_ptr<const Schema> SchemaOf(const Policy& policy);
  // Whether `request` was made for `policy`.
  static bool Bound(const Request& request, const Policy& policy) {
    return request.schema_.get() == &policy.data_->model.schema;
  }
  // The schema `request` was made for, and `policy`'s: equal when bound.
  static const void* SchemaOf(const Request& request) { return request.schema_.get(); }
  static const void* SchemaAddress(const Policy& policy) { return &policy.data_->model.schema; }
  // `request` made anew for `policy`: every present attribute that `policy`
  // declares, by path, converted to its schema; values that do not fit
  // become input problems, as they would from JSON.
  static Request Translate(const Request& request, const Policy& policy);
  // An empty request for `schema`.
  static Request ForSchema(std::shared_ptr<const Schema> schema) {
    return Request(std::move(schema));
  }
  // Makes `request` an empty request for `policy` unless it is one already.
  static void Rebind(Request& request, const Policy& policy);
  // Whether two policies declare the same attributes, in the same order,
  // with the same types and the same enum members in the same order: then a
  // request of one is a request of the other value for value (CopyValues).
  static bool SameSchema(const Policy& a, const Policy& b);
  // `to` (made for a policy of the same schema as `from`'s) holds `from`'s
  // values; strings are interned anew. No allocation once `to` is warm,
  // except for sets of strings. Input problems are not copied.
  static void CopyValues(const Request& from, Request& to);
};

}  // namespace writ::detail

#endif  // WRIT_SRC_API_POLICY_DATA_HPP_
