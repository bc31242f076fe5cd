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
#include <thread>

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
struct ReportCell {
  std::string key;    // month, groups and split, as looked up
  std::string month;  // YYYY-MM-DD of the cell's first decision; only the month counts
  std::vector<std::string> group;
  std::string split;
};
struct ReportDecision {
  std::uint32_t cell;
  char effect;  // a, r, d
};
struct ReviewOutcome {
  bool disclosed = false;
  std::vector<std::string> items;
};

// What one thread gathers from a range of entries.
struct ReportPart {
  std::uint64_t entries = 0, dated_by_record_time = 0;
  int finest_asked = 4;  // the finest period the selected obligations ask for
  std::vector<ReportCell> cells;
  absl::flat_hash_map<std::string, std::uint32_t> cell_of;
  std::vector<std::pair<std::uint64_t, ReportDecision>> decisions;  // entry, its cell here
  std::vector<std::pair<std::uint64_t, ReviewOutcome>> outcomes;    // decision entry, in order
};

absl::StatusOr<ReportPart> ScanPart(const std::string& path, std::uint64_t begin, std::uint64_t end,
                                    const ReportOptions& o);

bool ValidDate(std::string_view s) { return s.size() == 10 && detail::ParseIsoDate(s).has_value(); }

}  // namespace

namespace {
absl::StatusOr<ReportPart> ScanPart(const std::string& path, std::uint64_t begin, std::uint64_t end,
                                    const ReportOptions& o) {
  absl::StatusOr<detail::Database> db = detail::Database::Open(path, false, true);
  if (!db.ok()) return db.status();
  ReportPart part;
  absl::Status bad;
  // The request attributes read from each entry: the date, the groups, the split.
  std::vector<std::string> attributes = {o.date};
  attributes.insert(attributes.end(), o.by.begin(), o.by.end());
  if (!o.split.empty()) attributes.push_back(o.split);
  detail::EntryFactsReader reader(attributes);
  detail::EntryFacts entry;
  std::string key;
  absl::Status scanned = detail::ScanEntries(
      *db,
      [&](const detail::StoredEntry& e) {
        ++part.entries;
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
              if (const int k = Fineness(argument); k >= 0) {
                part.finest_asked = std::min(part.finest_asked, k);
              }
            }
            if (!carries) return true;
          }
          std::string_view date = entry.has_request ? std::string_view(entry.values[0]) : "";
          const bool by_record_time = !ValidDate(date);
          if (by_record_time) date = std::string_view(entry.time).substr(0, 10);
          if ((!o.from.empty() && date < o.from) || (!o.to.empty() && date > o.to)) return true;
          if (by_record_time) ++part.dated_by_record_time;
          key.assign(date.substr(0, 7));
          for (size_t i = 1; i < entry.values.size(); ++i) {
            absl::StrAppend(&key, "\x1f", entry.values[i]);
          }
          auto [it, inserted] =
              part.cell_of.try_emplace(key, static_cast<std::uint32_t>(part.cells.size()));
          if (inserted) {
            ReportCell c;
            c.key = key;
            c.month = std::string(date);
            for (size_t i = 0; i < o.by.size(); ++i) c.group.push_back(entry.values[1 + i]);
            if (!o.split.empty()) c.split = entry.values.back();
            part.cells.push_back(std::move(c));
          }
          part.decisions.push_back({e.seq,
                                    {it->second, entry.effect == "allow"    ? 'a'
                                                 : entry.effect == "review" ? 'r'
                                                                            : 'd'}});
        } else if (entry.kind == detail::kResolutionKind || entry.kind == detail::kCorrectionKind) {
          if (!entry.decision || *entry.decision < 0) return true;
          part.outcomes.push_back({static_cast<std::uint64_t>(*entry.decision),
                                   ReviewOutcome{entry.outcome == "disclosed", entry.items}});
        }
        return true;
      },
      begin, end);
  if (!scanned.ok()) return scanned;
  if (!bad.ok()) return bad;
  return part;
}

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
  // The entries are read in ranges by as many threads as there are cores,
  // each on a connection of its own; entries below the count never change,
  // so every connection sees the same ones.
  std::uint64_t count = 0;
  {
    detail::Statement s(impl.db, "SELECT coalesce(max(seq) + 1, 0) FROM entries");
    if (!s.ok() || s.Step() != SQLITE_ROW) return impl.db.Error("cannot read the ledger");
    count = static_cast<std::uint64_t>(s.Int(0));
  }
  const std::uint64_t parts =
      o.threads > 0    ? std::min<std::uint64_t>(o.threads, std::max<std::uint64_t>(count, 1))
      : count < 20'000 ? 1
                       : std::clamp<std::uint64_t>(std::thread::hardware_concurrency(), 1, 8);
  std::vector<absl::StatusOr<ReportPart>> partials(parts);
  {
    std::vector<std::thread> threads;
    for (std::uint64_t t = 0; t < parts; ++t) {
      threads.emplace_back([&, t] {
        partials[t] = ScanPart(impl.path, count * t / parts, count * (t + 1) / parts, o);
      });
    }
    for (auto& th : threads) th.join();
  }
  // Merged in order: cells by key, decisions by entry, and the outcomes in
  // entry order, so that a later correction replaces an earlier resolution.
  std::vector<ReportCell> cells;
  absl::flat_hash_map<std::string, std::uint32_t> cell_of;
  std::vector<ReportDecision> decisions;
  std::vector<std::uint64_t> decision_entries;  // each decision's entry, ascending
  absl::flat_hash_map<std::uint32_t, ReviewOutcome> outcomes;
  int finest_asked = 4;
  for (auto& p : partials) {
    if (!p.ok()) return p.status();
    report.entries += p->entries;
    report.dated_by_record_time += p->dated_by_record_time;
    finest_asked = std::min(finest_asked, p->finest_asked);
    std::vector<std::uint32_t> global(p->cells.size());
    for (size_t c = 0; c < p->cells.size(); ++c) {
      auto [it, inserted] =
          cell_of.try_emplace(p->cells[c].key, static_cast<std::uint32_t>(cells.size()));
      if (inserted) cells.push_back(std::move(p->cells[c]));
      global[c] = it->second;
    }
    for (const auto& [seq, d] : p->decisions) {
      decision_entries.push_back(seq);
      decisions.push_back({global[d.cell], d.effect});
    }
  }
  for (auto& p : partials) {
    for (auto& [seq, out] : p->outcomes) {
      auto it = std::lower_bound(decision_entries.begin(), decision_entries.end(), seq);
      if (it == decision_entries.end() || *it != seq) continue;  // not selected
      outcomes[static_cast<std::uint32_t>(it - decision_entries.begin())] = std::move(out);
    }
  }

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
    const ReportDecision& d = decisions[i];
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
