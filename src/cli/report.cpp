// File: src/cli/report.cpp — `writ report LEDGER`: the transparency report of
// include/writ/report.hpp as Markdown, CSV, JSON or one HTML page.
#include "writ/report.hpp"

#include <iostream>

#include "cli/common.hpp"

namespace writ::cli {
namespace {

struct ReportCliOptions {
  std::string ledger;
  ReportOptions report;
  std::string format = "md";
  std::string out;
};

int Run(const ReportCliOptions& o) {
  LedgerOptions read;
  read.create = false;
  read.read_only = true;
  absl::StatusOr<Ledger> ledger = Ledger::Open(o.ledger, read);
  if (!ledger.ok()) {
    std::cerr << "writ report: " << ledger.status().message() << "\n";
    return ledger.status().code() == absl::StatusCode::kNotFound ? kUnreadable : kFailed;
  }
  absl::StatusOr<TransparencyReport> report = MakeReport(*ledger, o.report);
  if (!report.ok()) {
    std::cerr << "writ report: " << report.status().message() << "\n";
    return report.status().code() == absl::StatusCode::kInvalidArgument ? kUsage : kFailed;
  }
  const std::string text = o.format == "csv"    ? report->ToCsv()
                           : o.format == "json" ? report->ToJson()
                           : o.format == "html" ? report->ToHtml()
                                                : report->ToMarkdown();
  if (o.out.empty()) {
    std::cout << text;
  } else if (absl::Status s = ReplaceFile(o.out, text); !s.ok()) {
    std::cerr << "writ report: " << s.message() << "\n";
    return kFailed;
  }
  return kOk;
}

}  // namespace

Command AddReport(CLI::App& root) {
  auto* app = root.add_subcommand(
      "report",
      "A transparency report from a decision ledger (docs/ledger.md explains each field)");
  app->footer(kExitCodesHelp);
  auto o = std::make_shared<ReportCliOptions>();
  app->add_option("ledger", o->ledger, "The ledger file")->required();
  app->add_option("--period", o->report.period,
                  "month, quarter, half or year (default: half, or what --obligation's "
                  "decisions ask for)")
      ->check(CLI::IsMember({"month", "quarter", "half", "year"}));
  app->add_option("--from", o->report.from, "First date included (YYYY-MM-DD)");
  app->add_option("--to", o->report.to, "Last date included (YYYY-MM-DD)");
  app->add_option("--by", o->report.by,
                  "Group by this request attribute (repeatable), e.g. requester.country");
  app->add_option("--split", o->report.split,
                  "Split requests and disclosures by this attribute's values, e.g. "
                  "instrument.type");
  app->add_option("--min-group", o->report.min_group,
                  "Merge groups with fewer requests in a period into \"other\"")
      ->capture_default_str();
  app->add_option("--obligation", o->report.obligation,
                  "Only decisions carrying this obligation, e.g. transparency_report");
  app->add_option("--date", o->report.date, "The request's date attribute")->capture_default_str();
  app->add_option("--format,-f", o->format, "md, csv, json or html")
      ->check(CLI::IsMember({"md", "csv", "json", "html"}))
      ->capture_default_str();
  app->add_option("--out,-o", o->out, "Write to this file instead of standard output");
  return {app, [o] { return Run(*o); }};
}

}  // namespace writ::cli
