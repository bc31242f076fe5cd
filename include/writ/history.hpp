// File: history.hpp
//
// A `PolicyHistory` is the versions of one policy and the day each took
// effect (docs/language.md §13): a request is decided by the version in
// force on its date. It is loaded from a history file
//
//   history telegram {
//     title   "Telegram Privacy Policy §8.3"
//     date    received
//     version "telegram-2018.writ" from 2018-08-15
//     version "telegram-2024.writ" from 2024-09-23
//   }
//
// and decides like a Policy: immutable, shared by pointer among any number
// of threads, deciding without failing.
//
// As-of decisions. The version in force on a date is the one whose `from`
// is the latest on or before it. Before the first version nothing was in
// force: the decision is `deny` by default, "no version of history
// 'telegram' was in force on 2017-05-01". A request whose date is missing
// (or is an input problem) is decided under every version and under "no
// version": if all give the same outcome (effect, open or not, granted
// items, obligations), that is the decision; otherwise it is `review`,
// open, with the date attribute among the missing — the fail-safe rule
// applied to the choice of version. Every decision names the history and
// the version applied (Decision::history(), Decision::version_index()).
//
// Requests. A request is made for one version's schema: `ParseRequest`
// makes it for the version in force on the request's date (for the latest
// version when the date is missing), so that deciding it takes that
// version's fast path; the as-of step adds a date read and a search over
// the versions (bench/history_bench.cpp). A request made for another
// version is translated by attribute path first (request.hpp), which
// allocates; a request without a date is decided under every version.
//
// Lifetime. The history owns its versions; a Decision it makes points at the
// history and at the version's Policy, so keep the shared pointer for as
// long as you render decisions.
//
// Example:
//   auto history = writ::PolicyHistory::Load("policies/telegram.writ");
//   if (!history.ok()) return history.status();
//   absl::StatusOr<writ::Request> r = (*history)->ParseRequest(json_text);
//   writ::Decision d = (*history)->Decide(*r);  // d.version_index(): the version applied
#ifndef WRIT_HISTORY_HPP_
#define WRIT_HISTORY_HPP_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "writ/decision.hpp"
#include "writ/export.hpp"
#include "writ/policy.hpp"
#include "writ/request.hpp"
#include "writ/source.hpp"

namespace writ {

namespace detail {
struct HistoryAccess;
}  // namespace detail

class WRIT_API PolicyHistory {
 public:
  // One version: its file as written in the history, the day it took
  // effect, and the loaded policy.
  struct Version {
    std::string path;  // as written, relative to the history's file
    int64_t from_days = 0;
    std::string from;  // YYYY-MM-DD
    std::shared_ptr<const Policy> policy;
  };

  // Loads the history at `path` and every version (each a complete policy,
  // loaded and checked on its own). InvalidArgument with rendered
  // diagnostics on errors (a version that does not load, dates that do not
  // increase, a version without the date attribute or with one of another
  // type, a test that does not check); NotFound if `path` cannot be read.
  static absl::StatusOr<std::shared_ptr<const PolicyHistory>> Load(const std::string& path,
                                                                   const LoadOptions& options = {});
  // Like Load, but keeps the diagnostics (warnings too) for the caller.
  static absl::StatusOr<std::shared_ptr<const PolicyHistory>> Load(const std::string& path,
                                                                   const LoadOptions& options,
                                                                   CheckResult& check);
  // Checks without keeping anything: problems are in the result.
  static absl::StatusOr<CheckResult> Check(const std::string& path,
                                           const LoadOptions& options = {});
  // Whether the file at `path` holds a `history` declaration (a history
  // file) rather than a policy. Errors only when it cannot be read.
  static absl::StatusOr<bool> IsHistory(const std::string& path, const LoadOptions& options = {});

  ~PolicyHistory();
  PolicyHistory(const PolicyHistory&) = delete;
  PolicyHistory& operator=(const PolicyHistory&) = delete;

  const std::string& name() const;
  const std::string& title() const;
  // The path of the history file as loaded.
  const std::string& path() const;
  // The date attribute's path (`received`).
  const std::string& date_attribute() const;
  // SHA-256 (hex) of the history file and every version's sha256.
  const std::string& sha256() const;
  // The history file (and, after errors, the files diagnostics point into).
  const SourceSet& sources() const;
  const std::vector<Version>& versions() const;
  // The index of the version in force on day `days` (since 1970-01-01), or
  // -1 before the first.
  int VersionAt(int64_t days) const;
  // The latest version's policy.
  const Policy& latest() const { return *versions().back().policy; }

  // An empty request for the latest version.
  Request NewRequest() const;
  // Parses one JSON object for the version in force on its date (the
  // latest when it has none); as Policy::ParseRequest otherwise.
  absl::StatusOr<Request> ParseRequest(std::string_view json) const;
  absl::Status ParseRequest(std::string_view json, Request& out,
                            const ParseOptions& options = {}) const;

  // Decides as of the request's date. Never fails. Into a reused Decision
  // it allocates nothing more than the version's own decision, for a
  // request made for the version in force; a request without a date is
  // decided under every version (which allocates).
  Decision Decide(const Request& request) const;
  void Decide(const Request& request, Decision& out) const;
  // Decides and explains: the version applied and why, then its rules.
  Explanation Explain(const Request& request) const;

  // Runs the history file's `test` blocks, each decided as of its date
  // (the versions' own tests are theirs: run them on each version).
  std::vector<TestResult> RunTests() const;

  // What a loaded history holds; defined inside the library only.
  struct Data;

 private:
  WRIT_LOCAL explicit PolicyHistory(std::unique_ptr<Data> data);
  // The version whose schema `request` was made for, or -1.
  int BoundVersion(const Request& request) const;
  // Decide's every case but the common one (out of line, so that the
  // common one stays small).
  WRIT_LOCAL void DecideSlowly(const Request& request, Decision& out) const;
  // `request` decided without a date; `view` is it made for a version.
  void DecideUndated(const Request& request, const Request& view, Decision& out) const;
  // The deny of a date before the first version (or of none, kNoDate).
  void DecideNoVersion(const Request& view, int64_t days, Decision& out) const;
  friend struct detail::HistoryAccess;
  std::unique_ptr<Data> data_;
  // The as-of step's table (Data::steps), reached without going through
  // data_: one dependent load less on every decision.
  const void* steps_ = nullptr;
  size_t step_count_ = 0;
};

}  // namespace writ

#endif  // WRIT_HISTORY_HPP_
