// File: src/ledger/report.cpp
//
// The transparency report's aggregation: one pass over the ledger's entries
// (decisions first remembered compactly, their resolutions and corrections
// applied as they come), then the rows per period and group, small groups
// merged into "other". The renderings are in report_render.cpp.
#include "writ/report.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/dates.hpp"
#include "ledger/entries.hpp"
#include "ledger/entry_facts.hpp"
#include "ledger/ledger_impl.hpp"

namespace writ {
namespace {

// "2024-10-02" → the period's label.
std::string PeriodOf(std::string_view date, std::string_view period) {
  const std::string year(date.substr(0, 4));
  const int month = std::atoi(std::string(date.substr(5, 2)).c_str());
  if (period == "year") return year;
  if (period == "half") return absl::StrCat(year, "-H", month <= 6 ? 1 : 2);
  if (period == "quarter") return absl::StrCat(year, "-Q", (month + 2) / 3);
  return std::string(date.substr(0, 7));
}

// What an obligation's argument asks for, finest first.
int Fineness(std::string_view argument) {
  if (argument == "monthly") return 0;
  if (argument == "quarterly") return 1;
  if (argument == "semiannual" || argument == "semiannually" || argument == "half-yearly" ||
      argument == "biannual") {
    return 2;
  }
  if (argument == "annual" || argument == "annually" || argument == "yearly") return 3;
  return -1;
}
constexpr const char* kPeriods[] = {"month", "quarter", "half", "year"};

// Decisions are counted into cells — one month, one group, one split
// value — as they stream by; a decision itself keeps only its cell and
// effect (8 bytes), and a resolved one its latest outcome.
struct Cell {
  std::string month;  // YYYY-MM-DD of the cell's first decision; only the month counts
  std::vector<std::string> group;
  std::string split;
};
struct DecisionRef {
  std::uint32_t cell;
  char effect;  // a, r, d
};
struct Outcome {
  bool disclosed = false;
  std::vector<std::string> items;
};

bool ValidDate(std::string_view s) { return s.size() == 10 && detail::ParseIsoDate(s).has_value(); }

}  // namespace

absl::StatusOr<TransparencyReport> MakeReport(const Ledger& ledger, const ReportOptions& o) {
  if (!o.period.empty() &&
      std::find(std::begin(kPeriods), std::end(kPeriods), o.period) == std::end(kPeriods)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown period '", o.period, "' (month, quarter, half or year)"));
  }
  for (const std::string* d : {&o.from, &o.to}) {
    if (!d->empty() && !ValidDate(*d)) {
      return absl::InvalidArgumentError(absl::StrCat("'", *d, "' is not a date (YYYY-MM-DD)"));
    }
  }
  if (o.min_group == 0) return absl::InvalidArgumentError("--min-group is at least 1");
  Ledger::Impl& impl = detail::LedgerAccess::Of(ledger);
  std::lock_guard lock(impl.mu);

  TransparencyReport report;
  report.origin = impl.origin;
  report.by = o.by;
  report.split = o.split;
  report.obligation = o.obligation;
  report.from = o.from;
  report.to = o.to;
  std::vector<Cell> cells;
  absl::flat_hash_map<std::string, std::uint32_t> cell_of;  // month, group, split → cell
  std::vector<DecisionRef> decisions;
  absl::flat_hash_map<std::uint64_t, std::uint32_t> decision_of;  // entry → decisions index
  absl::flat_hash_map<std::uint32_t, Outcome> outcomes;  // the latest resolution or correction
  int finest_asked = 4;  // the finest period the selected obligations ask for
  absl::Status bad;
  // The request attributes read from each entry: the date, the groups, the split.
  std::vector<std::string> attributes = {o.date};
  attributes.insert(attributes.end(), o.by.begin(), o.by.end());
  if (!o.split.empty()) attributes.push_back(o.split);
  detail::EntryFactsReader reader(attributes);
  detail::EntryFacts entry;
  std::string key;
  absl::Status scanned = detail::ScanEntries(impl.db, [&](const detail::StoredEntry& e) {
    ++report.entries;
    if (!reader.Read(e.body, entry)) {
      bad = absl::DataLossError(
          absl::StrCat("entry ", e.seq, " is not JSON; run `writ ledger verify`"));
      return false;
    }
    if (entry.kind == detail::kDecisionKind) {
      if (entry.effect.empty()) return true;
      if (!o.obligation.empty()) {
        bool carries = false;
        for (const auto& [name, argument] : entry.obligations) {
          if (name != o.obligation) continue;
          carries = true;
          if (const int k = Fineness(argument); k >= 0) finest_asked = std::min(finest_asked, k);
        }
        if (!carries) return true;
      }
      std::string_view date = entry.has_request ? std::string_view(entry.values[0]) : "";
      const bool by_record_time = !ValidDate(date);
      if (by_record_time) date = std::string_view(entry.time).substr(0, 10);
      if ((!o.from.empty() && date < o.from) || (!o.to.empty() && date > o.to)) return true;
      if (by_record_time) ++report.dated_by_record_time;
      key.assign(date.substr(0, 7));
      for (size_t i = 1; i < entry.values.size(); ++i)
        absl::StrAppend(&key, "\x1f", entry.values[i]);
      auto [it, inserted] = cell_of.try_emplace(key, static_cast<std::uint32_t>(cells.size()));
      if (inserted) {
        Cell c;
        c.month = std::string(date);
        for (size_t i = 0; i < o.by.size(); ++i) c.group.push_back(entry.values[1 + i]);
        if (!o.split.empty()) c.split = entry.values.back();
        cells.push_back(std::move(c));
      }
      decision_of[e.seq] = static_cast<std::uint32_t>(decisions.size());
      decisions.push_back({it->second, entry.effect == "allow"    ? 'a'
                                       : entry.effect == "review" ? 'r'
                                                                  : 'd'});
    } else if (entry.kind == detail::kResolutionKind || entry.kind == detail::kCorrectionKind) {
      if (!entry.decision) return true;
      auto it = decision_of.find(static_cast<std::uint64_t>(*entry.decision));
      if (it == decision_of.end()) return true;  // not selected
      Outcome& out = outcomes[it->second];
      out.disclosed = entry.outcome == "disclosed";
      out.items = entry.items;
    }
    return true;
  });
  if (!scanned.ok()) return scanned;
  if (!bad.ok()) return bad;

  // The period: as asked, else what the selected obligations ask for, else half.
  report.period = o.period;
  if (report.period.empty()) {
    report.period = kPeriods[!o.obligation.empty() && finest_asked < 4 ? finest_asked : 2];
  }

  // Rows keyed by period and group, then small groups merged per period.
  std::map<std::pair<std::string, std::vector<std::string>>, ReportRow> rows;
  std::vector<ReportRow*> row_of_cell(cells.size());
  for (size_t c = 0; c < cells.size(); ++c) {
    row_of_cell[c] = &rows[{PeriodOf(cells[c].month, report.period), cells[c].group}];
  }
  for (std::uint32_t i = 0; i < decisions.size(); ++i) {
    const DecisionRef& d = decisions[i];
    ReportRow& r = *row_of_cell[d.cell];
    ++r.requests;
    (d.effect == 'a' ? r.allow : d.effect == 'r' ? r.review : r.deny)++;
    auto out = outcomes.find(i);
    const bool resolved = out != outcomes.end();
    if (d.effect != 'd' && !resolved) ++r.unresolved;
    if (resolved && out->second.disclosed) {
      ++r.disclosed;
      for (const auto& item : out->second.items) ++r.items[item];
    }
    if (resolved && !out->second.disclosed) ++r.refused;
    if (!o.split.empty()) {
      ++r.split_requests[cells[d.cell].split];
      if (resolved && out->second.disclosed) ++r.split_disclosed[cells[d.cell].split];
    }
  }
  auto add = [](ReportRow& into, const ReportRow& r) {
    into.requests += r.requests;
    into.allow += r.allow;
    into.review += r.review;
    into.deny += r.deny;
    into.unresolved += r.unresolved;
    into.disclosed += r.disclosed;
    into.refused += r.refused;
    for (const auto& [k, n] : r.items) into.items[k] += n;
    for (const auto& [k, n] : r.split_requests) into.split_requests[k] += n;
    for (const auto& [k, n] : r.split_disclosed) into.split_disclosed[k] += n;
  };
  std::map<std::string, ReportRow> other;
  for (auto& [key, row] : rows) {
    row.period = key.first;
    row.group = key.second;
    if (row.requests < o.min_group && !o.by.empty()) {
      ReportRow& merged = other[key.first];
      merged.period = key.first;
      merged.group.assign(o.by.size(), "other");
      add(merged, row);
      continue;
    }
    report.rows.push_back(row);
  }
  for (auto& [period, row] : other) report.rows.push_back(row);
  std::stable_sort(report.rows.begin(), report.rows.end(),
                   [](const ReportRow& a, const ReportRow& b) { return a.period < b.period; });
  for (ReportRow& r : report.rows) {
    r.disclosed_percent =
        r.requests == 0 ? 0 : std::round(1000.0 * r.disclosed / r.requests) / 10.0;
  }
  return report;
}

}  // namespace writ
