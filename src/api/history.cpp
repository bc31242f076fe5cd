// File: src/api/history.cpp
//
// PolicyHistory: loading a history file and its versions (with the checks
// of docs/language.md §13), deciding as of a request's date, explaining
// which version applied, and running the history's tests each against the
// version in force on its date.
#include "writ/history.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "api/history_data.hpp"
#include "api/policy_data.hpp"
#include "common/dates.hpp"
#include "common/names.hpp"
#include "common/read_file.hpp"
#include "common/sha256.hpp"
#include "parser/parser.hpp"
#include "request/request_access.hpp"
#include "runtime/evaluator.hpp"

namespace writ {

using detail::AV;

namespace {

detail::FileReader ReaderOf(const LoadOptions& options) {
  if (options.reader) return options.reader;
  detail::ReadLimits limits;
  limits.max_bytes = options.max_file_bytes;
  return [limits](const std::string& p) { return detail::ReadFile(p, limits); };
}

detail::ParseLimits LimitsOf(const LoadOptions& options) {
  detail::ParseLimits limits;
  limits.max_file_bytes = options.max_file_bytes;
  limits.max_nesting = options.max_nesting;
  limits.max_errors = options.max_errors;
  limits.max_files = options.max_files;
  return limits;
}

Diagnostic Error(SourceSpan span, std::string code, std::string message,
                 std::string suggestion = "") {
  return {Severity::kError, std::move(code), span, std::move(message), std::move(suggestion)};
}

// Diagnostics made against another source set, pointed into `into` (each
// file by path, added the first time it is needed).
void Adopt(const SourceSet& from, std::vector<Diagnostic> diags, SourceSet& into,
           std::vector<Diagnostic>& out) {
  std::map<uint32_t, uint32_t> ids;
  for (Diagnostic& d : diags) {
    if (d.span.file < from.size()) {
      auto it = ids.find(d.span.file);
      if (it == ids.end()) {
        const Source& src = from.at(d.span.file);
        uint32_t id = ~0u;
        for (uint32_t i = 0; i < into.size(); ++i)
          if (into.at(i).path() == src.path()) id = i;
        if (id == ~0u) id = into.Add(src.path(), src.text());
        it = ids.emplace(d.span.file, id).first;
      }
      d.span.file = it->second;
    }
    out.push_back(std::move(d));
  }
}

// The keyword of a declaration a history file may not hold.
SourceSpan HeadOf(const detail::File& f, detail::File::DeclKind kind, uint32_t i,
                  const char** word) {
  using K = detail::File::DeclKind;
  switch (kind) {
    case K::kImport:
      *word = "import";
      return f.imports[i].span;
    case K::kPolicy:
      *word = "policy";
      return f.policies[i].span;
    case K::kEnum:
      *word = "enum";
      return f.enums[i].span;
    case K::kAttr:
      *word = "attr";
      return f.attrs[i].span;
    case K::kLet:
      *word = "let";
      return f.lets[i].span;
    case K::kRule:
      *word = "rule";
      return f.rules[i].span;
    default:
      *word = "";
      return {};
  }
}

std::string VersionPath(const std::string& history_path, const std::string& version) {
  return (std::filesystem::path(history_path).parent_path() / version).lexically_normal().string();
}

// What a requester would be told: the same in every version means the same
// decision, whatever the rules are called.
auto OutcomeOf(const Decision& d) {
  std::vector<std::string> granted = d.granted(), obligations;
  for (const Obligation& o : d.obligations()) obligations.push_back(o.ToString());
  std::sort(granted.begin(), granted.end());
  std::sort(obligations.begin(), obligations.end());
  return std::make_tuple(d.effect(), d.open(), granted, obligations);
}

std::string OutcomeText(const Decision& d) {
  std::string out(EffectName(d.effect()));
  std::vector<std::string> rules = d.deciding_rules();
  if (d.open()) {
    absl::StrAppend(&out, " (open: missing ", absl::StrJoin(d.missing(), ", "), ")");
  } else if (rules.empty()) {
    absl::StrAppend(&out, " by default");
  } else {
    absl::StrAppend(&out, " by ", absl::StrJoin(rules, ", "));
  }
  return out;
}

}  // namespace

namespace {

// Parses, checks and loads a history into `data`; every problem goes to
// `check`. Returns a non-OK status only when the history file cannot be read.
absl::Status LoadHistory(const std::string& path, const LoadOptions& options,
                         PolicyHistory::Data& data, CheckResult& check) {
  const detail::FileReader reader = ReaderOf(options);
  absl::StatusOr<std::string> text = reader(path);
  if (!text.ok()) return text.status();
  data.path = path;
  const uint32_t sid = data.sources.Add(path, *text);
  std::vector<Diagnostic> diags;
  data.file = detail::ParseFile(sid, data.sources, LimitsOf(options), diags);
  const detail::File& f = data.file;
  auto finish = [&]() {
    std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::tie(a.span.file, a.span.offset) < std::tie(b.span.file, b.span.offset);
    });
    check.sources = data.sources;
    check.diagnostics = std::move(diags);
    return absl::OkStatus();
  };
  if (f.histories.empty()) {
    if (!HasErrors(diags))
      diags.push_back(Error({sid, 0, 0}, "no-history",
                            "no 'history NAME { ... }' declaration: this file is not a history"));
    return finish();
  }
  for (auto [kind, i] : f.order) {
    const char* word = "";
    SourceSpan span = HeadOf(f, kind, i, &word);
    if (*word == '\0') continue;
    span.length = static_cast<uint32_t>(strlen(word));
    diags.push_back(Error(span, "history-file-declaration",
                          absl::StrCat("a history file holds only its history, tests and "
                                       "comments; '",
                                       word, "' belongs in a version's file")));
  }
  for (size_t i = 1; i < f.histories.size(); ++i)
    diags.push_back(Error(f.histories[i].name.span, "second-history",
                          "a history file holds one history; put this one in a file of its own"));
  const detail::HistoryDecl& h = f.histories[0];
  data.name = h.name.name;
  data.title = h.title ? h.title->value : "";
  data.no_version_message = absl::StrCat("no version of history '", h.name.name,
                                         "' was in force on {", h.date ? h.date->name : "", "}");
  if (!h.date) {
    diags.push_back(Error(h.name.span, "history-without-date",
                          absl::StrCat("history '", h.name.name,
                                       "' names no date attribute: add 'date ATTR', the "
                                       "attribute each request is judged by the date of")));
  } else {
    data.date_attribute = h.date->name;
  }
  if (h.versions.empty()) {
    diags.push_back(Error(h.name.span, "history-without-version",
                          absl::StrCat("history '", h.name.name,
                                       "' has no version: add 'version \"FILE.writ\" from "
                                       "YYYY-MM-DD'")));
  }
  for (size_t i = 1; i < h.versions.size(); ++i) {
    if (h.versions[i].from > h.versions[i - 1].from) continue;
    diags.push_back(Error(h.versions[i].from_span, "history-dates",
                          absl::StrCat("the versions' dates must increase: ",
                                       detail::CivilFromDays(h.versions[i].from), " is not after ",
                                       detail::CivilFromDays(h.versions[i - 1].from),
                                       ", the date of the version before")));
  }
  if (HasErrors(diags)) return finish();

  // Each version: a complete policy, loaded and checked on its own.
  for (const detail::VersionDecl& v : h.versions) {
    const std::string vpath = VersionPath(path, v.path.value);
    CheckResult vc;
    auto policy = Policy::Load(vpath, options, vc);
    const bool diagnosed = !vc.diagnostics.empty();
    Adopt(vc.sources, std::move(vc.diagnostics), data.sources, diags);
    if (!policy.ok()) {
      if (policy.status().code() == absl::StatusCode::kInvalidArgument) {
        if (!diagnosed) {
          // An error without diagnostics (no policy declaration): its message.
          diags.push_back(Error(v.path.span, "version-invalid",
                                absl::StrCat("version '", v.path.value,
                                             "' does not load: ", policy.status().message())));
        } else {
          diags.push_back(Error(v.path.span, "version-invalid",
                                absl::StrCat("version '", v.path.value,
                                             "' does not check (its errors are shown with it)")));
        }
      } else {
        diags.push_back(Error(
            v.path.span, "version-unreadable",
            absl::StrCat("cannot read version '", v.path.value, "': ", policy.status().message())));
      }
      continue;
    }
    PolicyHistory::Version version;
    version.path = v.path.value;
    version.from_days = v.from;
    version.from = detail::CivilFromDays(v.from);
    version.policy = *policy;
    AttributeHandle handle;
    if (h.date) {
      auto found = (*policy)->Attribute(h.date->name);
      if (!found.ok()) {
        std::vector<std::string> names;
        for (size_t a = 0; a < (*policy)->attribute_count(); ++a)
          names.push_back((*policy)->attribute_path(a));
        diags.push_back(Error(
            v.path.span, "version-without-date",
            absl::StrCat("version '", v.path.value,
                         "' does not declare the history's date attribute '", h.date->name, "'"),
            detail::NearestName(h.date->name, names)));
      } else if (found->type != AttributeType::kDate) {
        diags.push_back(Error(v.path.span, "version-date-type",
                              absl::StrCat("in version '", v.path.value, "', '", h.date->name,
                                           "' is a ", AV(detail::AttributeTypeName(found->type)),
                                           "; the history's date attribute must be a date")));
      } else {
        handle = *found;
      }
    }
    data.versions.push_back(std::move(version));
    data.from.push_back(v.from);
    data.date_handle.push_back(handle);
  }
  if (HasErrors(diags)) return finish();

  // The history's tests, each checked against the version in force on its
  // date (the latest when it gives none).
  const Policy& latest = *data.versions.back().policy;
  std::map<size_t, std::vector<uint32_t>> by_version;
  for (uint32_t t = 0; t < f.tests.size(); ++t) {
    const detail::TestDecl& test = f.tests[t];
    std::optional<int64_t> day;
    for (const detail::Given& g : test.given)
      if (g.path.name == data.date_attribute && g.value.kind == detail::ExprKind::kDate)
        day = g.value.int_value;
    if (!day && test.given_file) {
      auto json = reader(detail::TestFilePath(path, test.given_file->value));
      Request r = latest.NewRequest();
      if (json.ok() && latest.ParseRequest(*json, r).ok() &&
          r.present(data.date_handle.back().index))
        day = static_cast<int64_t>(detail::RequestAccess::Word(r, data.date_handle.back().index));
    }
    size_t k = data.versions.size() - 1;
    if (day) {
      auto it = std::upper_bound(data.from.begin(), data.from.end(), *day);
      k = it == data.from.begin() ? 0 : static_cast<size_t>(it - data.from.begin()) - 1;
    }
    by_version[k].push_back(t);
  }
  for (auto& [k, tests] : by_version) {
    CheckResult tc;
    auto carrier = detail::LoadWithTests(VersionPath(path, data.versions[k].path), options, path,
                                         *text, tests, tc);
    Adopt(tc.sources, std::move(tc.diagnostics), data.sources, diags);
    if (carrier.ok()) data.carriers.push_back({*carrier, tests});
  }
  for (size_t i = 0; i < data.versions.size(); ++i) {
    const Policy& p = *data.versions[i].policy;
    const uint32_t date = data.date_handle[i].index;
    data.steps.push_back(
        {detail::RequestBinding::SchemaAddress(p), &p, &detail::PolicyAccess::Data(p).program, date,
         detail::PolicyAccess::Data(p).model.schema.attrs[date].offset, data.versions[i].from_days,
         i + 1 < data.versions.size() ? data.versions[i + 1].from_days
                                      : std::numeric_limits<int64_t>::max()});
  }
  detail::Sha256 sha;
  sha.Update(absl::StrCat("history:", text->size(), ":"));
  sha.Update(*text);
  for (const auto& v : data.versions)
    sha.Update(absl::StrCat(v.path.size(), ":", v.path, ":", v.from, ":", v.policy->sha256()));
  data.sha256 = sha.HexDigest();
  return finish();
}

}  // namespace

PolicyHistory::PolicyHistory(std::unique_ptr<Data> data)
    : data_(std::move(data)), steps_(data_->steps.data()), step_count_(data_->steps.size()) {}
PolicyHistory::~PolicyHistory() = default;

absl::StatusOr<std::shared_ptr<const PolicyHistory>> PolicyHistory::Load(const std::string& path,
                                                                         const LoadOptions& options,
                                                                         CheckResult& check) {
  auto data = std::make_unique<Data>();
  absl::Status s = LoadHistory(path, options, *data, check);
  if (!s.ok()) return s;
  if (!check.ok()) return absl::InvalidArgumentError(check.Format());
  return std::shared_ptr<const PolicyHistory>(new PolicyHistory(std::move(data)));
}

absl::StatusOr<std::shared_ptr<const PolicyHistory>> PolicyHistory::Load(
    const std::string& path, const LoadOptions& options) {
  CheckResult check;
  return Load(path, options, check);
}

absl::StatusOr<CheckResult> PolicyHistory::Check(const std::string& path,
                                                 const LoadOptions& options) {
  Data data;
  CheckResult check;
  absl::Status s = LoadHistory(path, options, data, check);
  if (!s.ok()) return s;
  return check;
}

absl::StatusOr<bool> PolicyHistory::IsHistory(const std::string& path, const LoadOptions& options) {
  absl::StatusOr<std::string> text = ReaderOf(options)(path);
  if (!text.ok()) return text.status();
  SourceSet sources;
  const uint32_t sid = sources.Add(path, *std::move(text));
  std::vector<Diagnostic> ignored;
  return !detail::ParseFile(sid, sources, LimitsOf(options), ignored).histories.empty();
}

const std::string& PolicyHistory::name() const { return data_->name; }
const std::string& PolicyHistory::title() const { return data_->title; }
const std::string& PolicyHistory::path() const { return data_->path; }
const std::string& PolicyHistory::date_attribute() const { return data_->date_attribute; }
const std::string& PolicyHistory::sha256() const { return data_->sha256; }
const SourceSet& PolicyHistory::sources() const { return data_->sources; }
const std::vector<PolicyHistory::Version>& PolicyHistory::versions() const {
  return data_->versions;
}

int PolicyHistory::VersionAt(int64_t days) const {
  // The dates increase: the version in force is the number of them on or
  // before `days`, less one. Histories are short, and counting has no
  // branch to mispredict when requests' dates straddle a change.
  int k = -1;
  for (const Data::Step& s : data_->steps) k += s.from <= days;
  return k;
}

Request PolicyHistory::NewRequest() const { return latest().NewRequest(); }

absl::StatusOr<Request> PolicyHistory::ParseRequest(std::string_view json) const {
  Request r = latest().NewRequest();
  absl::Status s = ParseRequest(json, r);
  if (!s.ok()) return s;
  return r;
}

absl::Status PolicyHistory::ParseRequest(std::string_view json, Request& out,
                                         const ParseOptions& options) const {
  const size_t last = data_->versions.size() - 1;
  absl::Status s = latest().ParseRequest(json, out, options);
  if (!s.ok()) return s;
  const uint32_t date = data_->date_handle[last].index;
  if (!out.present(date)) return s;
  const int k = VersionAt(static_cast<int64_t>(detail::RequestAccess::Word(out, date)));
  // Made for the version that will decide it, so that deciding takes that
  // version's fast path and reads every attribute that version declares.
  if (k >= 0 && static_cast<size_t>(k) != last)
    return data_->versions[k].policy->ParseRequest(json, out, options);
  return s;
}

namespace {
// The version whose schema `request` was made for, or -1.
// Branches, not arithmetic: a predicted branch lets the processor go on
// before the request's schema pointer is loaded.
inline int BoundIndex(const PolicyHistory::Data& data, const Request& request) {
  const void* schema = detail::RequestBinding::SchemaOf(request);
  for (size_t i = data.steps.size(); i-- > 0;)
    if (data.steps[i].schema == schema) return static_cast<int>(i);
  return -1;
}
}  // namespace

int PolicyHistory::BoundVersion(const Request& request) const {
  return BoundIndex(*data_, request);
}

Decision PolicyHistory::Decide(const Request& request) const {
  Decision d;
  Decide(request, d);
  return d;
}

void PolicyHistory::Decide(const Request& request, Decision& out) const {
  // The hot path, kept small: a request made for the version in force on
  // its date (as ParseRequest makes it) goes straight to that version's
  // evaluator. Branches, not arithmetic, choose the version: predicted,
  // they let the processor start deciding before the request's schema and
  // date are loaded. Everything else is DecideSlowly's.
  const Data::Step* first = static_cast<const Data::Step*>(steps_);
  const size_t n = step_count_;
  const void* schema = detail::RequestBinding::SchemaOf(request);
  const Data::Step* s = first + n - 1;
  for (size_t i = 0; i + 1 < n; ++i) s = first[i].schema == schema ? first + i : s;
  if (s->schema == schema && request.present(s->date)) [[likely]] {
    const int64_t days = detail::RequestAccess::DaysAt(request, s->date_offset);
    if (days >= s->from && days < s->until) [[likely]] {
      detail::Evaluator::Decide(*s->policy, *s->program, request, out);
      out.history_ = this;
      out.version_ = static_cast<int32_t>(s - first);
      out.as_of_ = static_cast<int32_t>(days);
      return;
    }
  }
  DecideSlowly(request, out);
}

void PolicyHistory::DecideSlowly(const Request& request, Decision& out) const {
  const int bound = BoundIndex(*data_, request);
  if (bound < 0) {
    // Made for another policy: read it as the latest version would, but let
    // each version decide the original (each translates it by path).
    const Request view = detail::RequestBinding::Translate(request, latest());
    const uint32_t date = data_->date_handle.back().index;
    if (!view.present(date)) return DecideUndated(request, view, out);
    const int64_t days = static_cast<int64_t>(detail::RequestAccess::Word(view, date));
    const int k = VersionAt(days);
    if (k < 0) return DecideNoVersion(view, days, out);
    data_->versions[k].policy->Decide(request, out);
    out.history_ = this;
    out.version_ = k;
    out.as_of_ = static_cast<int32_t>(days);
    return;
  }
  const Data::Step& mine = data_->steps[bound];
  if (!request.present(mine.date)) return DecideUndated(request, request, out);
  const int64_t days = detail::RequestAccess::DaysAt(request, mine.date_offset);
  const int k = VersionAt(days);
  if (k < 0) return DecideNoVersion(request, days, out);
  // Made for another version than the one in force: translated.
  data_->steps[k].policy->Decide(request, out);
  out.history_ = this;
  out.version_ = k;
  out.as_of_ = static_cast<int32_t>(days);
}

namespace {

// The items requested, as a mask of `policy`'s items enum (0 without items).
uint64_t Requested(const Request& request, const Policy& policy) {
  const int32_t items = detail::PolicyAccess::Data(policy).model.items_attr;
  if (items < 0 || !request.present(static_cast<uint32_t>(items))) return 0;
  return detail::RequestAccess::Word(request, static_cast<uint32_t>(items));
}

}  // namespace

void PolicyHistory::DecideNoVersion(const Request& view, int64_t days, Decision& out) const {
  const Policy& policy = *data_->versions[BoundVersion(view)].policy;
  out.policy_ = &policy;
  out.history_ = this;
  out.version_ = Decision::kNoVersion;
  out.as_of_ = days == Decision::kNoDate ? Decision::kNoDate : static_cast<int32_t>(days);
  out.effect_ = Effect::kDeny;
  out.open_ = false;
  out.by_default_ = true;
  out.deciding_.clear();
  out.missing_.clear();
  out.granted_ = 0;
  out.withheld_ = Requested(view, policy);
  out.problems_ = view.problems();
}

void PolicyHistory::DecideUndated(const Request& request, const Request& view,
                                  Decision& out) const {
  // Every version, and "no version" (the date could be before the first).
  std::vector<Decision> each(data_->versions.size());
  for (size_t i = 0; i < each.size(); ++i) data_->versions[i].policy->Decide(request, each[i]);
  Decision none;
  DecideNoVersion(view, Decision::kNoDate, none);
  bool agree = true;
  const auto outcome = OutcomeOf(none);
  for (const Decision& d : each) agree &= OutcomeOf(d) == outcome;
  if (agree) {
    out = std::move(each.back());
    out.history_ = this;
    out.version_ = Decision::kEveryVersion;
    out.as_of_ = Decision::kNoDate;
    return;
  }
  // They disagree: open, the fail-safe rule applied to the choice of
  // version. The missing list is complete: the date, and whatever left any
  // version open (by path, in the schema the request was made for).
  out = std::move(none);
  out.effect_ = Effect::kReview;
  out.open_ = true;
  out.by_default_ = false;
  const Policy& policy = *out.policy_;
  const auto& schema = detail::PolicyAccess::Data(policy).model.schema;
  std::vector<uint32_t> missing = {data_->date_handle[BoundVersion(view)].index};
  for (const Decision& d : each) {
    for (const std::string& path : d.missing()) {
      auto it = schema.attr_by_path.find(path);
      if (it != schema.attr_by_path.end()) missing.push_back(it->second);
    }
  }
  std::sort(missing.begin(), missing.end());
  missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
  out.missing_.assign(missing.begin(), missing.end());
}

Explanation PolicyHistory::Explain(const Request& request) const {
  const Decision d = Decide(request);
  const int k = d.version_index();
  if (k >= 0) {
    Explanation e = data_->versions[k].policy->Explain(request);
    e.decision = d;
    e.summary = absl::StrCat("As of ", detail::CivilFromDays(d.as_of_days()), ", history '",
                             data_->name, "' applies ", data_->versions[k].path, " (in force from ",
                             data_->versions[k].from, "). ", e.summary);
    return e;
  }
  Explanation e;
  e.decision = d;
  if (d.has_as_of()) {
    e.summary =
        absl::StrCat(absl::StrReplaceAll(data_->no_version_message,
                                         {{absl::StrCat("{", data_->date_attribute, "}"),
                                           detail::CivilFromDays(d.as_of_days())}}),
                     " (the first version took effect on ", data_->versions[0].from, "): denied.");
    return e;
  }
  // No date: what each version, and no version, would decide.
  std::vector<std::string> each;
  each.push_back(absl::StrCat("before ", data_->versions[0].from, ", no version (deny)"));
  for (const Version& v : data_->versions)
    each.push_back(
        absl::StrCat(v.path, " from ", v.from, ": ", OutcomeText(v.policy->Decide(request))));
  if (k == Decision::kEveryVersion) {
    Explanation latest_e = latest().Explain(request);
    e.rules = std::move(latest_e.rules);
    e.summary = absl::StrCat(
        "The request has no valid '", data_->date_attribute, "', but every version of history '",
        data_->name, "' decides it alike (", absl::StrJoin(each, "; "), "). ", latest_e.summary);
  } else {
    e.summary = absl::StrCat(
        "The request has no valid '", data_->date_attribute, "', and the versions of history '",
        data_->name, "' decide it differently (", absl::StrJoin(each, "; "),
        "): review, open until '", data_->date_attribute, "' is known (the fail-safe rule).");
  }
  return e;
}

std::vector<TestResult> PolicyHistory::RunTests() const {
  std::vector<std::pair<uint32_t, TestResult>> results;
  for (const Data::TestCarrier& carrier : data_->carriers) {
    const detail::PolicyData& cd = detail::PolicyAccess::Data(*carrier.policy);
    // The history's tests are the carrier's last file.
    const uint32_t last = static_cast<uint32_t>(cd.ast.files.size() - 1);
    size_t next = 0;
    for (const detail::CheckedTest& ct : cd.model.tests) {
      if (ct.file != last || next >= carrier.tests.size()) continue;
      TestResult res;
      res.name = ct.decl->description.value;
      res.location = cd.sources.Locate(ct.decl->span);
      std::optional<Request> req = detail::BuildTestRequest(*carrier.policy, ct, res);
      if (req) {
        const Decision d = Decide(*req);
        detail::CompareExpectations(*ct.decl, d, res);
        if (!res.passed) res.explanation = Explain(*req).ToText();
      }
      results.emplace_back(carrier.tests[next++], std::move(res));
    }
  }
  std::sort(results.begin(), results.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<TestResult> out;
  for (auto& [i, r] : results) out.push_back(std::move(r));
  return out;
}

}  // namespace writ
