// File: report.hpp
//
// Transparency reports computed from a decision ledger (ledger.hpp), with the
// fields that providers' reports publish (docs/ledger.md explains each):
// per period and group, the requests received, the decisions by effect, the
// decisions still awaiting action, what the review then did (disclosed,
// refused), the percentage of requests where some data was disclosed, and
// the items disclosed by item.
//
// A decision's period is its request's date attribute (`received` unless
// `date` names another); a request without a valid date there is counted on
// the day it was recorded. A resolution counts for its decision; a
// correction replaces the resolution it corrects.
//
// Example:
//   writ::LedgerOptions read;
//   read.read_only = true;
//   auto ledger = writ::Ledger::Open("decisions.ledger", read);
//   if (!ledger.ok()) return ledger.status();
//   writ::ReportOptions options;
//   options.period = "quarter";
//   options.by = {"requester.country"};
//   absl::StatusOr<writ::TransparencyReport> report = writ::MakeReport(*ledger, options);
//   if (!report.ok()) return report.status();
//   std::cout << report->ToMarkdown();
#ifndef WRIT_REPORT_HPP_
#define WRIT_REPORT_HPP_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "writ/export.hpp"
#include "writ/ledger.hpp"

namespace writ {

struct ReportOptions {
  // month, quarter, half or year. Empty: half (as most providers publish),
  // or, with `obligation`, the finest period the selected decisions'
  // obligation arguments ask for ("quarterly" → quarter).
  std::string period;
  // Only dates in [from, to] (YYYY-MM-DD, inclusive; empty: unbounded).
  std::string from, to;
  // Request attributes to group by ("requester.country"), in order.
  std::vector<std::string> by;
  // A request attribute whose values split each row's requests and
  // disclosures into columns (emergency vs legal process).
  std::string split;
  // Groups with fewer requests in a period are merged into "other".
  std::uint64_t min_group = 1;
  // Only decisions that carry an obligation of this name.
  std::string obligation;
  // The request's date attribute.
  std::string date = "received";
  // Threads reading the ledger, each a range of entries on a connection of
  // its own. 0: one per core for ledgers of 20,000 entries and more.
  unsigned threads = 0;
};

struct ReportRow {
  std::string period;              // "2024", "2024-H2", "2024-Q4", "2024-10"
  std::vector<std::string> group;  // one value per `by` attribute; "other" when merged
  std::uint64_t requests = 0;
  std::uint64_t allow = 0, review = 0, deny = 0;
  // Allowed or sent to review, and no resolution recorded yet.
  std::uint64_t unresolved = 0;
  std::uint64_t disclosed = 0, refused = 0;
  // 100 × disclosed / requests, rounded to one decimal.
  double disclosed_percent = 0;
  std::map<std::string, std::uint64_t> items;  // disclosures that included each item
  std::map<std::string, std::uint64_t> split_requests, split_disclosed;
};

struct WRIT_API TransparencyReport {
  std::string origin;         // the ledger's
  std::uint64_t entries = 0;  // entries read
  std::string period;         // the period used
  std::vector<std::string> by;
  std::string split;
  std::string obligation;
  std::string from, to;
  std::uint64_t dated_by_record_time = 0;  // requests without a valid date attribute
  std::vector<ReportRow> rows;             // by period, then group (other last)

  std::string ToMarkdown() const;
  std::string ToCsv() const;
  std::string ToJson() const;
  // One self-contained page (no script, no network): a table and, per
  // period, a bar chart as inline SVG.
  std::string ToHtml() const;
};

// Reads every entry of the ledger once. InvalidArgument for bad options.
WRIT_API absl::StatusOr<TransparencyReport> MakeReport(const Ledger& ledger,
                                                       const ReportOptions& options);

}  // namespace writ

#endif  // WRIT_REPORT_HPP_
