// File: src/ledger/report_render.cpp
//
// A transparency report as Markdown, CSV, JSON and one self-contained HTML
// page (inline SVG charts, no script, nothing fetched).
#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "writ/report.hpp"

namespace writ {
namespace {

// Every item and split value that occurs, for the columns.
std::vector<std::string> ItemNames(const TransparencyReport& r) {
  std::set<std::string> s;
  for (const auto& row : r.rows)
    for (const auto& [k, n] : row.items) s.insert(k);
  return {s.begin(), s.end()};
}
std::vector<std::string> SplitValues(const TransparencyReport& r) {
  std::set<std::string> s;
  for (const auto& row : r.rows)
    for (const auto& [k, n] : row.split_requests) s.insert(k);
  return {s.begin(), s.end()};
}

std::uint64_t At(const std::map<std::string, std::uint64_t>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? 0 : it->second;
}

std::string Percent(double p) { return absl::StrFormat("%.1f", p); }

// The table's header and cells, shared by Markdown, CSV and HTML.
std::vector<std::string> Header(const TransparencyReport& r) {
  std::vector<std::string> h = {"period"};
  for (const auto& b : r.by) h.push_back(b);
  for (const char* c : {"requests", "allow", "review", "deny", "unresolved", "disclosed", "refused",
                        "% disclosed"}) {
    h.push_back(c);
  }
  for (const auto& i : ItemNames(r)) h.push_back("items: " + i);
  for (const auto& v : SplitValues(r)) {
    h.push_back(absl::StrCat(r.split, "=", v, ": requests"));
    h.push_back(absl::StrCat(r.split, "=", v, ": disclosed"));
  }
  return h;
}

std::vector<std::string> Cells(const TransparencyReport& r, const ReportRow& row) {
  std::vector<std::string> c = {row.period};
  for (const auto& g : row.group) c.push_back(g);
  for (std::uint64_t n : {row.requests, row.allow, row.review, row.deny, row.unresolved,
                          row.disclosed, row.refused}) {
    c.push_back(absl::StrCat(n));
  }
  c.push_back(Percent(row.disclosed_percent));
  for (const auto& i : ItemNames(r)) c.push_back(absl::StrCat(At(row.items, i)));
  for (const auto& v : SplitValues(r)) {
    c.push_back(absl::StrCat(At(row.split_requests, v)));
    c.push_back(absl::StrCat(At(row.split_disclosed, v)));
  }
  return c;
}

std::string Scope(const TransparencyReport& r) {
  std::string s = absl::StrCat("ledger ", r.origin, ", ", r.entries, " entries; by ", r.period);
  if (!r.by.empty()) absl::StrAppend(&s, " and ", absl::StrJoin(r.by, ", "));
  if (!r.obligation.empty()) absl::StrAppend(&s, "; decisions with ", r.obligation);
  if (!r.from.empty() || !r.to.empty()) {
    absl::StrAppend(&s, "; dates ", r.from.empty() ? "…" : r.from, " to ",
                    r.to.empty() ? "…" : r.to);
  }
  if (r.dated_by_record_time > 0) {
    absl::StrAppend(&s, "; ", r.dated_by_record_time,
                    " without a request date, counted on the day recorded");
  }
  return s;
}

std::string Csv(const std::string& cell) {
  if (cell.find_first_of(",\"\n") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Html(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string GroupLabel(const ReportRow& row) {
  return row.group.empty() ? "all" : absl::StrJoin(row.group, " · ");
}

// One period's chart: per group, requests by effect (stacked) beside the
// requests where data was disclosed.
std::string Chart(const std::vector<const ReportRow*>& rows) {
  std::uint64_t max = 1;
  for (const ReportRow* r : rows) max = std::max(max, r->requests);
  const int bar = 22, gap = 14, label = 170, width = 560;
  const int height = static_cast<int>(rows.size()) * (2 * bar + gap) + 40;
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">",
      label + width + 80, height);
  int y = 10;
  for (const ReportRow* r : rows) {
    auto w = [&](std::uint64_t n) { return static_cast<double>(width) * n / max; };
    absl::StrAppendFormat(&svg, "<text x=\"0\" y=\"%d\" class=\"l\">%s</text>", y + bar - 6,
                          Html(GroupLabel(*r)));
    double x = label;
    for (auto [n, cls] : {std::pair{r->allow, "a"}, {r->review, "r"}, {r->deny, "d"}}) {
      if (n == 0) continue;
      absl::StrAppendFormat(&svg,
                            "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" class=\"%s\">"
                            "<title>%d %s</title></rect>",
                            x, y, w(n), bar, cls, n,
                            cls[0] == 'a'   ? "allowed"
                            : cls[0] == 'r' ? "sent to review"
                                            : "denied");
      x += w(n);
    }
    absl::StrAppendFormat(&svg, "<text x=\"%.1f\" y=\"%d\" class=\"n\">%d requests</text>", x + 6,
                          y + bar - 6, r->requests);
    y += bar;
    absl::StrAppendFormat(&svg,
                          "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" class=\"x\">"
                          "<title>%d disclosed</title></rect>",
                          label, y + 2, w(r->disclosed), bar - 4, r->disclosed);
    absl::StrAppendFormat(&svg, "<text x=\"%.1f\" y=\"%d\" class=\"n\">%d disclosed (%s%%)</text>",
                          label + w(r->disclosed) + 6, y + bar - 6, r->disclosed,
                          Percent(r->disclosed_percent));
    y += bar + gap;
  }
  svg += "</svg>";
  return svg;
}

}  // namespace

std::string TransparencyReport::ToMarkdown() const {
  std::string out = absl::StrCat("# Transparency report\n\n", Scope(*this), "\n\n");
  const std::vector<std::string> h = Header(*this);
  absl::StrAppend(&out, "| ", absl::StrJoin(h, " | "), " |\n|");
  for (size_t i = 0; i < h.size(); ++i) out += i == 0 || i <= by.size() ? "---|" : "--:|";
  out += "\n";
  for (const auto& row : rows)
    absl::StrAppend(&out, "| ", absl::StrJoin(Cells(*this, row), " | "), " |\n");
  if (rows.empty()) out += "\n(no decisions in this selection)\n";
  return out;
}

std::string TransparencyReport::ToCsv() const {
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::vector<std::string> q;
    for (const auto& c : cells) q.push_back(Csv(c));
    absl::StrAppend(&out, absl::StrJoin(q, ","), "\n");
  };
  line(Header(*this));
  for (const auto& row : rows) line(Cells(*this, row));
  return out;
}

std::string TransparencyReport::ToJson() const {
  boost::json::object o;
  o["origin"] = origin;
  o["entries"] = entries;
  o["period"] = period;
  boost::json::array b;
  for (const auto& x : by) b.emplace_back(x);
  o["by"] = std::move(b);
  o["split"] = split.empty() ? boost::json::value(nullptr) : boost::json::value(split);
  o["obligation"] =
      obligation.empty() ? boost::json::value(nullptr) : boost::json::value(obligation);
  o["from"] = from.empty() ? boost::json::value(nullptr) : boost::json::value(from);
  o["to"] = to.empty() ? boost::json::value(nullptr) : boost::json::value(to);
  o["dated_by_record_time"] = dated_by_record_time;
  boost::json::array a;
  for (const auto& r : rows) {
    boost::json::object j;
    j["period"] = r.period;
    boost::json::array g;
    for (const auto& x : r.group) g.emplace_back(x);
    j["group"] = std::move(g);
    j["requests"] = r.requests;
    j["allow"] = r.allow;
    j["review"] = r.review;
    j["deny"] = r.deny;
    j["unresolved"] = r.unresolved;
    j["disclosed"] = r.disclosed;
    j["refused"] = r.refused;
    j["disclosed_percent"] = r.disclosed_percent;
    auto map = [](const std::map<std::string, std::uint64_t>& m) {
      boost::json::object x;
      for (const auto& [k, n] : m) x[k] = n;
      return x;
    };
    j["items"] = map(r.items);
    if (!split.empty()) {
      j["split_requests"] = map(r.split_requests);
      j["split_disclosed"] = map(r.split_disclosed);
    }
    a.push_back(std::move(j));
  }
  o["rows"] = std::move(a);
  return boost::json::serialize(o) + "\n";
}

std::string TransparencyReport::ToHtml() const {
  std::string out = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Transparency report</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
table{border-collapse:collapse;margin:1em 0;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 7px}td.n{text-align:right}th{background:#f3f3f3}
h2{margin-top:1.6em}.scope{color:#555}
svg text{font:12px system-ui,sans-serif;fill:#222}
.a{fill:#5b8c5a}.r{fill:#e0a43a}.d{fill:#b44c43}.x{fill:#3b6ea8}
.key span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:-1px}
</style></head><body>
<h1>Transparency report</h1>
)";
  absl::StrAppend(&out, "<p class=\"scope\">", Html(Scope(*this)), "</p>\n");
  out +=
      "<p class=\"key\">Requests:<span class=\"a\" style=\"background:#5b8c5a\"></span>allowed"
      "<span style=\"background:#e0a43a\"></span>sent to review"
      "<span style=\"background:#b44c43\"></span>denied"
      "<span style=\"background:#3b6ea8\"></span>some data disclosed</p>\n";
  // A chart per period.
  for (size_t i = 0; i < rows.size();) {
    size_t j = i;
    std::vector<const ReportRow*> period_rows;
    while (j < rows.size() && rows[j].period == rows[i].period) period_rows.push_back(&rows[j++]);
    absl::StrAppend(&out, "<h2>", Html(rows[i].period), "</h2>\n", Chart(period_rows), "\n");
    i = j;
  }
  if (rows.empty()) out += "<p>No decisions in this selection.</p>\n";
  // The table with every field.
  out += "<h2>All figures</h2>\n<table><tr>";
  for (const auto& h : Header(*this)) absl::StrAppend(&out, "<th>", Html(h), "</th>");
  out += "</tr>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    const auto cells = Cells(*this, row);
    for (size_t k = 0; k < cells.size(); ++k) {
      absl::StrAppend(&out, k <= by.size() ? "<td>" : "<td class=\"n\">", Html(cells[k]), "</td>");
    }
    out += "</tr>\n";
  }
  out += "</table>\n</body></html>\n";
  return out;
}

}  // namespace writ
