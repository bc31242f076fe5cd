// File: src/api/policy.cpp
//
// Loading (parse, check, compile), the policy's identity (SHA-256 of its
// sources), its vocabulary, and deciding.
#include "writ/policy.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "api/policy_data.hpp"
#include "common/names.hpp"
#include "common/read_file.hpp"
#include "common/sha256.hpp"
#include "compiler/compiler.hpp"
#include "explain/explainer.hpp"
#include "parser/parser.hpp"
#include "request/request_access.hpp"
#include "request/request_json.hpp"
#include "runtime/evaluator.hpp"

namespace writ {

using detail::AV;

namespace {

std::string Sha256Hex(const SourceSet& sources) {
  detail::Sha256 sha;
  for (size_t i = 0; i < sources.size(); ++i) {
    // Hash each file's name as imported (relative to the root) and its text,
    // with lengths, so that no two different source sets hash alike.
    std::string name = std::filesystem::path(sources.at(i).path()).filename().string();
    sha.Update(absl::StrCat(name.size(), ":", name, ":", sources.at(i).text().size(), ":"));
    sha.Update(sources.at(i).text());
  }
  return sha.HexDigest();
}

// Each test's `given file` read and parsed as the test will: a file that
// cannot be read or is not a JSON object is an error at the file name, and
// its input problems (values the schema does not take, which the test would
// see as missing) are warnings there.
void CheckGivenFiles(const detail::PolicyData& data, const detail::FileReader& reader,
                     std::vector<Diagnostic>& diags) {
  if (data.model.tests.empty()) return;
  const detail::JsonShape shape = detail::JsonShape::Build(data.model.schema);
  // Not owned: the request lives only in this function, the schema longer.
  const std::shared_ptr<const detail::Schema> schema(std::shared_ptr<const void>(),
                                                     &data.model.schema);
  for (const detail::CheckedTest& ct : data.model.tests) {
    const detail::TestDecl& t = *ct.decl;
    if (!t.given_file) continue;
    const SourceSpan at = t.given_file->span;
    const std::string file =
        detail::TestFilePath(data.sources.at(ct.file).path(), t.given_file->value);
    absl::StatusOr<std::string> text = reader(file);
    if (!text.ok()) {
      diags.push_back(
          {Severity::kError, "given-file", at,
           absl::StrCat("the test's request file cannot be read: ", text.status().message()), ""});
      continue;
    }
    Request r = detail::RequestBinding::ForSchema(schema);
    absl::Status parsed =
        detail::ParseRequestDocument(data.model.schema, shape, *text, r, {false, data.model.name});
    if (!parsed.ok()) {
      diags.push_back({Severity::kError, "given-file", at,
                       absl::StrCat("the test's request file ", file, ": ", parsed.message()), ""});
      continue;
    }
    for (const InputProblem& problem : r.problems()) {
      diags.push_back({Severity::kWarning, "given-file-problem", at,
                       absl::StrCat(file, ": ", problem.message), ""});
    }
  }
}

// Test blocks of another file (a history's) to check with the policy.
struct ForeignTests {
  const std::string* path;
  const std::string* text;
  const std::vector<uint32_t>* keep;
};

// A history is not a policy: said at its declaration, whether it is the
// root (load it as a history) or imported (it cannot be).
void RejectHistories(const detail::Ast& ast, std::vector<Diagnostic>& diags) {
  for (size_t f = 0; f < ast.files.size(); ++f) {
    for (const detail::HistoryDecl& h : ast.files[f].histories) {
      diags.push_back(
          {Severity::kError, "history-not-policy", h.name.span,
           f == 0 ? absl::StrCat("'", h.name.name,
                                 "' is a history of policy versions, not a policy: load it as "
                                 "a history (writ::PolicyHistory; every writ command takes one)")
                  : absl::StrCat("'", h.name.name,
                                 "' is a history; a policy can import only policy files"),
           ""});
    }
  }
}

// Appends `extra`'s kept test blocks to `ast` as one more file, so that the
// checker checks them against this policy's schema and rules.
void AddForeignTests(const ForeignTests& extra, const detail::ParseLimits& limits,
                     detail::PolicyData& data) {
  uint32_t sid = data.sources.Add(*extra.path, *extra.text);
  std::vector<Diagnostic> ignored;  // the history reports its own syntax errors
  detail::File parsed = detail::ParseFile(sid, data.sources, limits, ignored);
  detail::File tests;
  tests.source = sid;
  for (uint32_t i : *extra.keep) {
    if (i >= parsed.tests.size()) continue;
    tests.order.push_back(
        {detail::File::DeclKind::kTest, static_cast<uint32_t>(tests.tests.size())});
    tests.tests.push_back(std::move(parsed.tests[i]));
  }
  data.ast.files.push_back(std::move(tests));
}

// Parses and checks into `data`; the diagnostics go to `check`.
absl::Status Front(const std::string& path, const LoadOptions& options, detail::PolicyData& data,
                   CheckResult& check, const ForeignTests* extra = nullptr) {
  detail::ParseLimits limits;
  limits.max_file_bytes = options.max_file_bytes;
  limits.max_nesting = options.max_nesting;
  limits.max_errors = options.max_errors;
  limits.max_files = options.max_files;
  detail::FileReader reader = options.reader;
  if (!reader) {
    detail::ReadLimits read_limits;
    read_limits.max_bytes = options.max_file_bytes;
    reader = [read_limits](const std::string& p) { return detail::ReadFile(p, read_limits); };
  }
  std::vector<Diagnostic> diags;
  absl::Status s = detail::ParseProgram(path, reader, limits, data.sources, data.ast, diags);
  if (!s.ok()) return s;
  RejectHistories(data.ast, diags);
  if (!data.ast.files.empty() && !data.ast.files[0].histories.empty()) {
    // A history file: its tests name attributes no policy here declares.
    check.sources = data.sources;
    check.diagnostics = std::move(diags);
    return absl::OkStatus();
  }
  if (extra) AddForeignTests(*extra, limits, data);
  if (!HasErrors(diags)) {
    data.model = detail::Check(data.ast, data.sources, diags);
    if (!HasErrors(diags)) CheckGivenFiles(data, reader, diags);
  } else {
    // Still check, to report name and type errors in the parts that parsed,
    // but only if the syntax errors are few.
    if (diags.size() < static_cast<size_t>(options.max_errors))
      data.model = detail::Check(data.ast, data.sources, diags);
  }
  if (!options.require_cites) {
    std::erase_if(diags, [](const Diagnostic& d) { return d.code == "rule-without-cite"; });
  }
  // Report in source order, as a reader meets them.
  std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.span.file, a.span.offset) < std::tie(b.span.file, b.span.offset);
  });
  // At most max_errors errors and as many warnings: a long list of
  // warnings (say, a generated policy without cites) is never an error.
  const size_t most = static_cast<size_t>(options.max_errors);
  size_t errors = 0, warnings = 0;
  std::erase_if(diags, [&](const Diagnostic& d) {
    return ++(d.severity == Severity::kError ? errors : warnings) > most;
  });
  if (warnings > most)
    diags.push_back({Severity::kWarning,
                     "too-many-warnings",
                     {uint32_t(~0u), 0, 0},
                     "too many warnings; not showing the rest",
                     ""});
  if (errors > most)
    diags.push_back({Severity::kError,
                     "too-many-errors",
                     {uint32_t(~0u), 0, 0},
                     "too many errors; stopping",
                     ""});
  check.sources = data.sources;
  check.diagnostics = std::move(diags);
  return absl::OkStatus();
}

}  // namespace

Policy::Policy(std::shared_ptr<const detail::PolicyData> data) : data_(std::move(data)) {}
Policy::~Policy() = default;

absl::StatusOr<CheckResult> Policy::Check(const std::string& path, const LoadOptions& options) {
  detail::PolicyData data;
  CheckResult check;
  absl::Status s = Front(path, options, data, check);
  if (!s.ok()) return s;
  return check;
}

namespace {

absl::StatusOr<std::shared_ptr<const Policy>> LoadPolicy(const std::string& path,
                                                         const LoadOptions& options,
                                                         CheckResult& check,
                                                         const ForeignTests* extra) {
  auto data = std::make_shared<detail::PolicyData>();
  absl::Status s = Front(path, options, *data, check, extra);
  if (!s.ok()) return s;
  if (!check.ok()) return absl::InvalidArgumentError(check.Format());
  if (data->model.name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": error: no 'policy NAME { ... }' declaration; this file can only be imported"));
  }
  data->program = detail::Compile(data->model);
  data->sha256 = Sha256Hex(data->sources);
  if (data->model.items_enum >= 0) {
    data->item_names = data->model.schema.enums[data->model.items_enum].members;
  }
  data->json = detail::JsonShape::Build(data->model.schema);
  return detail::PolicyAccess::Make(std::move(data));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Policy>> Policy::Load(const std::string& path,
                                                           const LoadOptions& options,
                                                           CheckResult& check) {
  return LoadPolicy(path, options, check, nullptr);
}

absl::StatusOr<std::shared_ptr<const Policy>> detail::LoadWithTests(
    const std::string& path, const LoadOptions& options, const std::string& tests_path,
    const std::string& tests_text, const std::vector<uint32_t>& keep, CheckResult& check) {
  const ForeignTests extra{&tests_path, &tests_text, &keep};
  CheckResult all;
  auto loaded = LoadPolicy(path, options, all, &extra);
  // Only what is said about the tests: the version reports its own problems.
  check.sources = all.sources;
  for (Diagnostic& d : all.diagnostics) {
    if (d.span.file < all.sources.size() && all.sources.at(d.span.file).path() == tests_path)
      check.diagnostics.push_back(std::move(d));
  }
  if (!loaded.ok() && loaded.status().code() == absl::StatusCode::kInvalidArgument)
    return absl::InvalidArgumentError(check.Format());
  return loaded;
}

absl::StatusOr<std::shared_ptr<const Policy>> Policy::Load(const std::string& path,
                                                           const LoadOptions& options) {
  CheckResult check;
  return Load(path, options, check);
}

absl::StatusOr<std::shared_ptr<const Policy>> Policy::FromText(const std::string& name,
                                                               std::string text,
                                                               const LoadOptions& options) {
  LoadOptions o = options;
  detail::FileReader fallback = options.reader;
  if (!fallback) {
    detail::ReadLimits read_limits;
    read_limits.max_bytes = options.max_file_bytes;
    fallback = [read_limits](const std::string& p) { return detail::ReadFile(p, read_limits); };
  }
  o.reader = [name, text = std::move(text),
              fallback](const std::string& p) -> absl::StatusOr<std::string> {
    if (p == name) return text;
    return fallback(p);
  };
  return Load(name, o);
}

const std::string& Policy::name() const { return data_->model.name; }
const std::string& Policy::title() const { return data_->model.title; }
const std::string& Policy::version() const { return data_->model.version; }
const std::string& Policy::source_url() const { return data_->model.source; }
const std::string& Policy::sha256() const { return data_->sha256; }
const SourceSet& Policy::sources() const { return data_->sources; }
size_t Policy::rule_count() const { return data_->program.rules.size(); }
const std::string& Policy::rule_name(size_t i) const { return data_->program.rules[i].name; }
size_t Policy::attribute_count() const { return data_->model.schema.attrs.size(); }
const std::string& Policy::attribute_path(size_t i) const {
  return data_->model.schema.attrs[i].path;
}
const std::vector<std::string>& Policy::item_names() const { return data_->item_names; }

absl::StatusOr<AttributeHandle> Policy::Attribute(std::string_view path) const {
  const auto& schema = data_->model.schema;
  auto it = schema.attr_by_path.find(AV(path));
  if (it == schema.attr_by_path.end()) {
    std::vector<std::string> names;
    for (const auto& a : schema.attrs) names.push_back(a.path);
    std::string near = detail::NearestName(path, names);
    return absl::NotFoundError(
        absl::StrCat("unknown attribute '", AV(path), "'",
                     near.empty() ? "" : absl::StrCat("; did you mean '", near, "'?")));
  }
  return AttributeHandle{it->second, schema.attrs[it->second].type};
}

const std::vector<std::string>& Policy::enum_members(AttributeHandle h) const {
  static const std::vector<std::string> kNone;
  const auto& schema = data_->model.schema;
  if (h.index >= schema.attrs.size() || schema.attrs[h.index].enum_id < 0) return kNone;
  return schema.enums[schema.attrs[h.index].enum_id].members;
}

absl::StatusOr<uint32_t> Policy::Member(AttributeHandle h, std::string_view member) const {
  const auto& schema = data_->model.schema;
  if (h.index >= schema.attrs.size() || schema.attrs[h.index].enum_id < 0) {
    return absl::InvalidArgumentError("attribute is not of an enum type");
  }
  const auto& e = schema.enums[schema.attrs[h.index].enum_id];
  auto it = e.index.find(AV(member));
  if (it == e.index.end()) {
    return absl::NotFoundError(
        absl::StrCat("'", AV(member), "' is not a member of enum '", e.name, "'"));
  }
  return it->second;
}

Decision Policy::Decide(const Request& request) const {
  Decision d;
  Decide(request, d);
  return d;
}

void Policy::Decide(const Request& request, Decision& out) const {
  out.history_ = nullptr;
  if (!detail::RequestBinding::Bound(request, *this)) [[unlikely]] {
    return DecideTranslated(request, out);
  }
  detail::Evaluator::Decide(*this, data_->program, request, out);
}

void Policy::DecideTranslated(const Request& request, Decision& out) const {
  const Request translated = detail::RequestBinding::Translate(request, *this);
  detail::Evaluator::Decide(*this, data_->program, translated, out);
}

Explanation Policy::Explain(const Request& request) const {
  if (!detail::RequestBinding::Bound(request, *this)) {
    return Explain(detail::RequestBinding::Translate(request, *this));
  }
  const detail::PolicyData& d = *data_;
  return detail::Explain(d.sources, d.model, d.program, request, Decide(request));
}

}  // namespace writ
