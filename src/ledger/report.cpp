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
#include "ledger/ledger_impl.hpp"

namespace writ {
namespace {

// The value at a dotted path, as the report prints it.
std::string ValueAt(const boost::json::value* v, std::string_view path) {
  for (const std::string& part :
       std::vector<std::string>(absl::StrSplit(absl::string_view(path.data(), path.size()), '.'))) {
    const boost::json::object* o = v ? v->if_object() : nullptr;
    v = o ? o->if_contains(part) : nullptr;
  }
  if (!v || v->is_null()) return "(none)";
  if (v->is_string()) return std::string(v->get_string());
  return boost::json::serialize(*v);
}

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

struct DecisionFacts {
  std::string date;  // YYYY-MM-DD
  std::vector<std::string> group;
  std::string split;
  char effect = 'd';  // a, r, d
  bool resolved = false, disclosed = false;
  std::vector<std::string> items;
  std::vector<std::string> obligation_arguments;
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
  std::vector<DecisionFacts> facts;
  absl::flat_hash_map<std::uint64_t, size_t> fact_of;  // decision entry → facts index
  // The latest resolution or correction of each decision wins.
  absl::Status bad;
  absl::Status scanned = detail::ScanEntries(impl.db, [&](const detail::StoredEntry& e) {
    ++report.entries;
    boost::json::monotonic_resource local;
    boost::system::error_code ec;
    boost::json::value v =
        boost::json::parse(boost::json::string_view(e.body.data(), e.body.size()), ec, &local);
    if (ec || !v.is_object()) {
      bad = absl::DataLossError(
          absl::StrCat("entry ", e.seq, " is not JSON; run `writ ledger verify`"));
      return false;
    }
    const boost::json::object& entry = v.get_object();
    const std::string_view kind = detail::JsonText(entry, "kind");
    if (kind == detail::kDecisionKind) {
      const boost::json::value* dv = entry.if_contains("decision");
      const boost::json::object* d = dv ? dv->if_object() : nullptr;
      if (!d) return true;
      DecisionFacts f;
      if (!o.obligation.empty()) {
        bool carries = false;
        if (const auto* obs = d->if_contains("obligations"); obs && obs->is_array()) {
          for (const auto& ob : obs->get_array()) {
            if (!ob.is_object() || detail::JsonText(ob.get_object(), "name") != o.obligation) {
              continue;
            }
            carries = true;
            f.obligation_arguments.emplace_back(detail::JsonText(ob.get_object(), "argument"));
          }
        }
        if (!carries) return true;
      }
      const boost::json::value* request = entry.if_contains("request");
      std::string date = ValueAt(request, o.date);
      const bool by_record_time = !ValidDate(date);
      if (by_record_time) date = std::string(detail::JsonText(entry, "time").substr(0, 10));
      if ((!o.from.empty() && date < o.from) || (!o.to.empty() && date > o.to)) return true;
      if (by_record_time) ++report.dated_by_record_time;
      f.date = std::move(date);
      for (const auto& attr : o.by) f.group.push_back(ValueAt(request, attr));
      if (!o.split.empty()) f.split = ValueAt(request, o.split);
      const std::string_view effect = detail::JsonText(*d, "effect");
      f.effect = effect == "allow" ? 'a' : effect == "review" ? 'r' : 'd';
      fact_of[e.seq] = facts.size();
      facts.push_back(std::move(f));
    } else if (kind == detail::kResolutionKind || kind == detail::kCorrectionKind) {
      const std::optional<std::int64_t> decision = detail::JsonInt(entry, "decision");
      if (!decision) return true;
      auto it = fact_of.find(static_cast<std::uint64_t>(*decision));
      if (it == fact_of.end()) return true;  // not selected
      DecisionFacts& f = facts[it->second];
      f.resolved = true;
      f.disclosed = detail::JsonText(entry, "outcome") == "disclosed";
      f.items.clear();
      if (const auto* items = entry.if_contains("items"); items && items->is_array()) {
        for (const auto& i : items->get_array()) {
          if (i.is_string()) f.items.emplace_back(i.get_string());
        }
      }
    }
    return true;
  });
  if (!scanned.ok()) return scanned;
  if (!bad.ok()) return bad;

  // The period: as asked, else what the selected obligations ask for.
  report.period = o.period;
  if (report.period.empty()) {
    int finest = 2;  // half
    if (!o.obligation.empty()) {
      int seen = 4;
      for (const auto& f : facts) {
        for (const auto& a : f.obligation_arguments) {
          const int k = Fineness(a);
          if (k >= 0) seen = std::min(seen, k);
        }
      }
      if (seen < 4) finest = seen;
    }
    report.period = kPeriods[finest];
  }

  // Rows keyed by period and group, then small groups merged per period.
  std::map<std::pair<std::string, std::vector<std::string>>, ReportRow> rows;
  for (const DecisionFacts& f : facts) {
    ReportRow& r = rows[{PeriodOf(f.date, report.period), f.group}];
    ++r.requests;
    (f.effect == 'a' ? r.allow : f.effect == 'r' ? r.review : r.deny)++;
    if (f.effect != 'd' && !f.resolved) ++r.unresolved;
    if (f.resolved && f.disclosed) {
      ++r.disclosed;
      for (const auto& i : f.items) ++r.items[i];
    }
    if (f.resolved && !f.disclosed) ++r.refused;
    if (!o.split.empty()) {
      ++r.split_requests[f.split];
      if (f.resolved && f.disclosed) ++r.split_disclosed[f.split];
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
