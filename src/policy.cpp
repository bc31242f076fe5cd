// File: src/policy.cpp
//
// Loading (parse, check, compile), the policy's identity (SHA-256 of its
// sources), deciding, and running the policy's own `test` blocks.
#include "writ/policy.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "writ/detail/compiler.hpp"
#include "writ/detail/evaluator.hpp"
#include "writ/detail/parser.hpp"
#include "writ/detail/policy_data.hpp"
#include "writ/detail/request_access.hpp"

namespace writ {

using detail::AV;

namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return absl::FailedPreconditionError(absl::StrCat("'", path, "' is a directory"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path, ec)) {
      return absl::NotFoundError(absl::StrCat("cannot read '", path, "': no such file"));
    }
    return absl::PermissionDeniedError(absl::StrCat("cannot read '", path, "': permission denied"));
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Sha256Hex(const SourceSet& sources) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  for (size_t i = 0; i < sources.size(); ++i) {
    // Hash each file's name as imported (relative to the root) and its text,
    // with lengths, so that no two different source sets hash alike.
    std::string name = std::filesystem::path(sources.at(i).path()).filename().string();
    std::string header =
        absl::StrCat(name.size(), ":", name, ":", sources.at(i).text().size(), ":");
    EVP_DigestUpdate(ctx, header.data(), header.size());
    EVP_DigestUpdate(ctx, sources.at(i).text().data(), sources.at(i).text().size());
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

void BuildJsonTree(detail::PolicyData& d) {
  d.json_objects.clear();
  d.json_objects.emplace_back();
  const auto& attrs = d.model.schema.attrs;
  for (uint32_t i = 0; i < attrs.size(); ++i) {
    std::vector<std::string> parts = absl::StrSplit(attrs[i].path, '.');
    int32_t obj = 0;
    for (size_t p = 0; p + 1 < parts.size(); ++p) {
      if (d.json_objects[obj].Add(parts[p]).object < 0) {
        int32_t child = static_cast<int32_t>(d.json_objects.size());
        d.json_objects.emplace_back();
        d.json_objects[obj].Add(parts[p]).object = child;
      }
      obj = d.json_objects[obj].Add(parts[p]).object;
    }
    d.json_objects[obj].Add(parts.back()).attr = static_cast<int32_t>(i);
  }
}

// Parses and checks into `data`; the diagnostics go to `check`.
absl::Status Front(const std::string& path, const LoadOptions& options, detail::PolicyData& data,
                   CheckResult& check) {
  detail::ParseLimits limits;
  limits.max_file_bytes = options.max_file_bytes;
  limits.max_nesting = options.max_nesting;
  limits.max_errors = options.max_errors;
  detail::FileReader reader = options.reader ? options.reader : ReadFile;
  std::vector<Diagnostic> diags;
  absl::Status s = detail::ParseProgram(path, reader, limits, data.sources, data.ast, diags);
  if (!s.ok()) return s;
  if (!HasErrors(diags)) {
    data.model = detail::Check(data.ast, data.sources, diags);
  } else {
    // Still check, to report name and type errors in the parts that parsed,
    // but only if the syntax errors are few.
    if (diags.size() < static_cast<size_t>(options.max_errors))
      data.model = detail::Check(data.ast, data.sources, diags);
  }
  // Report in source order, as a reader meets them.
  std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.span.file, a.span.offset) < std::tie(b.span.file, b.span.offset);
  });
  if (diags.size() > static_cast<size_t>(options.max_errors) + 1) {
    diags.resize(options.max_errors);
    diags.push_back({Severity::kError,
                     "too-many-errors",
                     {uint32_t(~0u), 0, 0},
                     "too many errors; stopping",
                     ""});
  }
  check.sources = data.sources;
  check.diagnostics = std::move(diags);
  return absl::OkStatus();
}

}  // namespace

Policy::Policy(std::unique_ptr<detail::PolicyData> data) : data_(std::move(data)) {}
Policy::~Policy() = default;

absl::StatusOr<CheckResult> Policy::Check(const std::string& path, const LoadOptions& options) {
  detail::PolicyData data;
  CheckResult check;
  absl::Status s = Front(path, options, data, check);
  if (!s.ok()) return s;
  return check;
}

absl::StatusOr<std::shared_ptr<const Policy>> Policy::Load(const std::string& path,
                                                           const LoadOptions& options,
                                                           CheckResult& check) {
  auto data = std::make_unique<detail::PolicyData>();
  absl::Status s = Front(path, options, *data, check);
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
  BuildJsonTree(*data);
  return std::shared_ptr<const Policy>(new Policy(std::move(data)));
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
  auto fallback = options.reader ? options.reader : ReadFile;
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
  detail::Evaluator::Decide(*this, data_->program, request, d);
  return d;
}

void Policy::Decide(const Request& request, Decision& out) const {
  detail::Evaluator::Decide(*this, data_->program, request, out);
}

// ---- tests -----------------------------------------------------------------

namespace {

std::string Names(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return absl::StrCat("{", absl::StrJoin(v, ", "), "}");
}

std::vector<std::string> IdentNames(const std::vector<detail::Ident>& ids) {
  std::vector<std::string> v;
  for (const auto& i : ids) v.push_back(i.name);
  return v;
}

bool SameSet(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  return a == b;
}

}  // namespace

std::vector<TestResult> Policy::RunTests(bool root_only) const {
  std::vector<TestResult> results;
  const detail::Model& m = data_->model;
  for (const auto& ct : m.tests) {
    if (root_only && ct.file != 0) continue;
    const detail::TestDecl& t = *ct.decl;
    TestResult res;
    res.name = t.description.value;
    res.location = data_->sources.Locate(t.span);
    Request req(*this);
    if (t.given_file) {
      std::filesystem::path file =
          std::filesystem::path(res.location.path).parent_path() / t.given_file->value;
      auto text = ReadFile(file.string());
      if (!text.ok()) {
        res.failures.push_back(std::string(text.status().message()));
        results.push_back(std::move(res));
        continue;
      }
      absl::Status s = ParseRequest(*text, req);
      if (!s.ok()) {
        res.failures.push_back(absl::StrCat(file.string(), ": ", s.message()));
        results.push_back(std::move(res));
        continue;
      }
    }
    for (const auto& g : t.given) {
      auto it = m.schema.attr_by_path.find(g.path.name);
      if (it == m.schema.attr_by_path.end()) continue;
      detail::Value v = detail::FoldConstant(g.value, m);
      AttributeHandle h{it->second, m.schema.attrs[it->second].type};
      switch (h.type) {
        case AttributeType::kBool:
          req.SetBool(h, v.b);
          break;
        case AttributeType::kInt:
          req.SetInt(h, v.i);
          break;
        case AttributeType::kDate:
          req.SetDays(h, v.i);
          break;
        case AttributeType::kEnum:
          req.SetEnum(h, static_cast<uint32_t>(v.i));
          break;
        case AttributeType::kEnumSet:
          req.SetEnumSet(h, v.mask);
          break;
        case AttributeType::kString:
          req.SetString(h, v.s);
          break;
        case AttributeType::kStringSet: {
          std::vector<std::string_view> items(v.strs.begin(), v.strs.end());
          (void)req.SetSet(g.path.name, items);
          break;
        }
      }
    }
    Decision d = Decide(req);
    res.deciding_rules = d.deciding_rules();
    for (const auto& x : t.expects) {
      switch (x.kind) {
        case detail::ExpectKind::kEffect: {
          Effect want = x.effect == detail::EffectKind::kAllow    ? Effect::kAllow
                        : x.effect == detail::EffectKind::kReview ? Effect::kReview
                                                                  : Effect::kDeny;
          std::vector<std::string> rules = d.deciding_rules();
          bool ok = d.effect() == want && (x.names.empty() || SameSet(IdentNames(x.names), rules));
          if (!ok) {
            std::string by = x.names.empty()
                                 ? ""
                                 : absl::StrCat(" by ", absl::StrJoin(IdentNames(x.names), ", "));
            std::string got_by = rules.empty()
                                     ? (d.open() ? " (open: missing information)" : " (by default)")
                                     : absl::StrCat(" by ", absl::StrJoin(rules, ", "));
            res.failures.push_back(absl::StrCat("expected ", AV(EffectName(want)), by, ", got ",
                                                AV(EffectName(d.effect())), got_by));
          }
          break;
        }
        case detail::ExpectKind::kGranted:
        case detail::ExpectKind::kWithheld: {
          bool granted = x.kind == detail::ExpectKind::kGranted;
          std::vector<std::string> got = granted ? d.granted() : d.withheld();
          if (!SameSet(IdentNames(x.names), got)) {
            res.failures.push_back(absl::StrCat("expected ", granted ? "granted " : "withheld ",
                                                Names(IdentNames(x.names)), ", got ", Names(got)));
          }
          break;
        }
        case detail::ExpectKind::kMissing: {
          std::vector<std::string> got = d.missing();
          if (!SameSet(IdentNames(x.names), got)) {
            res.failures.push_back(absl::StrCat("expected missing ", Names(IdentNames(x.names)),
                                                ", got ", Names(got)));
          }
          break;
        }
        case detail::ExpectKind::kObligation: {
          std::vector<std::string> got = d.obligations();
          bool found = false;
          for (const auto& o : got)
            found |= o == x.names[0].name || o.rfind(x.names[0].name + "(", 0) == 0;
          if (!found) {
            res.failures.push_back(
                absl::StrCat("expected obligation ", x.names[0].name, ", got ", Names(got)));
          }
          break;
        }
      }
    }
    res.passed = res.failures.empty();
    if (!res.passed) res.explanation = Explain(req).ToText();
    results.push_back(std::move(res));
  }
  return results;
}

}  // namespace writ
