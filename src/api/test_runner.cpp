// File: src/api/test_runner.cpp
//
// Policy::RunTests: each `test` block of a policy builds its request (from
// `given file` and `given` values), decides it, and compares what it
// expects with the decision, one failure line per difference.
#include <algorithm>
#include <filesystem>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/coverage.hpp"
#include "api/policy_data.hpp"
#include "checker/checker.hpp"
#include "common/combining.hpp"
#include "common/read_file.hpp"
#include "writ/policy.hpp"

namespace writ {

using detail::AV;

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

namespace detail {
std::string TestFilePath(const std::string& test_source, const std::string& given) {
  return (std::filesystem::path(test_source).parent_path() / given).string();
}
}  // namespace detail

std::vector<TestResult> Policy::RunTests(bool root_only) const {
  return RunTests(root_only, nullptr);
}

namespace detail {

std::optional<Request> BuildTestRequest(const Policy& policy, const CheckedTest& ct,
                                        TestResult& res) {
  const Model& m = PolicyAccess::Data(policy).model;
  const TestDecl& t = *ct.decl;
  Request req(policy);
  if (t.given_file) {
    const std::string file = TestFilePath(res.location.path, t.given_file->value);
    auto text = ReadFile(file);
    if (!text.ok()) {
      res.failures.push_back(std::string(text.status().message()));
      return std::nullopt;
    }
    absl::Status s = policy.ParseRequest(*text, req);
    if (!s.ok()) {
      res.failures.push_back(absl::StrCat(file, ": ", s.message()));
      return std::nullopt;
    }
    // Values the schema does not take are missing in the test's request:
    // say so, whether or not the test passes.
    for (const InputProblem& p : req.problems())
      res.notes.push_back(absl::StrCat(file, ": input problem: ", p.message));
  }
  for (const auto& g : t.given) {
    auto it = m.schema.attr_by_path.find(g.path.name);
    if (it == m.schema.attr_by_path.end()) continue;
    Value v = FoldConstant(g.value, m);
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
  return req;
}

void CompareExpectations(const TestDecl& t, const Decision& d, TestResult& res) {
  res.deciding_rules = d.deciding_rules();
  for (const auto& x : t.expects) {
    switch (x.kind) {
      case ExpectKind::kEffect: {
        const Effect want = ToEffect(x.effect);
        std::vector<std::string> rules = d.deciding_rules();
        bool ok = d.effect() == want && (x.names.empty() || SameSet(IdentNames(x.names), rules));
        if (!ok) {
          std::string by =
              x.names.empty() ? "" : absl::StrCat(" by ", absl::StrJoin(IdentNames(x.names), ", "));
          std::string got_by = rules.empty()
                                   ? (d.open() ? " (open: missing information)" : " (by default)")
                                   : absl::StrCat(" by ", absl::StrJoin(rules, ", "));
          res.failures.push_back(absl::StrCat("expected ", AV(EffectName(want)), by, ", got ",
                                              AV(EffectName(d.effect())), got_by));
        }
        break;
      }
      case ExpectKind::kGranted:
      case ExpectKind::kWithheld: {
        bool granted = x.kind == ExpectKind::kGranted;
        std::vector<std::string> got = granted ? d.granted() : d.withheld();
        if (!SameSet(IdentNames(x.names), got)) {
          res.failures.push_back(absl::StrCat("expected ", granted ? "granted " : "withheld ",
                                              Names(IdentNames(x.names)), ", got ", Names(got)));
        }
        break;
      }
      case ExpectKind::kMissing: {
        std::vector<std::string> got = d.missing();
        if (!SameSet(IdentNames(x.names), got)) {
          res.failures.push_back(
              absl::StrCat("expected missing ", Names(IdentNames(x.names)), ", got ", Names(got)));
        }
        break;
      }
      case ExpectKind::kObligation:
      case ExpectKind::kNoObligation: {
        // Without an argument, any obligation of that name counts.
        std::vector<std::string> got;
        bool found = false;
        for (const writ::Obligation& o : d.obligations()) {
          got.push_back(o.ToString());
          found |= o.name == x.names[0].name && (!x.argument || o.argument == x.argument->value);
        }
        const std::string want =
            x.argument ? writ::Obligation{x.names[0].name, x.argument->value}.ToString()
                       : x.names[0].name;
        if (x.kind == ExpectKind::kObligation && !found) {
          res.failures.push_back(absl::StrCat("expected obligation ", want, ", got ", Names(got)));
        } else if (x.kind == ExpectKind::kNoObligation && found) {
          res.failures.push_back(
              absl::StrCat("expected no obligation ", want, ", got ", Names(got)));
        }
        break;
      }
    }
  }
  res.passed = res.failures.empty();
}

}  // namespace detail

std::vector<TestResult> Policy::RunTests(bool root_only, CoverageReport* coverage) const {
  std::vector<TestResult> results;
  std::optional<detail::CoverageRecorder> recorder;
  if (coverage) recorder.emplace(*data_, *coverage);
  for (const auto& ct : data_->model.tests) {
    if (root_only && ct.file != 0) continue;
    TestResult res;
    res.name = ct.decl->description.value;
    res.location = data_->sources.Locate(ct.decl->span);
    std::optional<Request> req = detail::BuildTestRequest(*this, ct, res);
    if (req) {
      Decision d = Decide(*req);
      if (recorder) recorder->Record(*req);
      detail::CompareExpectations(*ct.decl, d, res);
      if (!res.passed) res.explanation = Explain(*req).ToText();
    }
    results.push_back(std::move(res));
  }
  return results;
}

}  // namespace writ
