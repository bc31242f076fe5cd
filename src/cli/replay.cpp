// File: src/cli/replay.cpp
#include "cli/replay.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <limits>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/policy_data.hpp"
#include "cli/common.hpp"
#include "cli/records.hpp"
#include "common/read_file.hpp"
#include "writ/writ.hpp"

namespace writ::cli {
namespace {

namespace json = boost::json;

std::string Reasons(const Decision& d) {
  if (d.open()) return absl::StrCat("open (missing ", absl::StrJoin(d.missing(), ", "), ")");
  if (d.by_default()) return absl::StrCat(std::string(EffectName(d.effect())), " by default");
  return absl::StrCat(std::string(EffectName(d.effect())), " by ",
                      absl::StrJoin(d.deciding_rules(), ", "));
}

// Why a side did not decide as the other did: its rules that would have
// given the other side's effect, and the first condition each failed on.
json::array WhyNot(const Explanation& e, Effect other_effect,
                   const std::vector<std::string>& other_rules) {
  json::array out;
  for (const RuleOutcome& r : e.rules) {
    if (r.status == RuleOutcome::Status::kApplied) continue;
    const bool named = std::count(other_rules.begin(), other_rules.end(), r.rule) > 0;
    if (!named && r.effect != other_effect) continue;
    json::object o;
    o["rule"] = r.rule;
    o["status"] = r.status == RuleOutcome::Status::kUnknown ? "unknown" : "did not apply";
    o["because"] = r.reason;
    if (!r.missing.empty()) {
      json::array m;
      for (const auto& x : r.missing) m.push_back(json::value(x));
      o["missing"] = std::move(m);
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

int Replay(std::shared_ptr<const Policy> old_ptr, std::shared_ptr<const Policy> new_ptr,
           const PolicyDiff& diff, const ReplayOptions& o) {
  const Policy& old_policy = *old_ptr;
  const Policy& new_policy = *new_ptr;
  ReplayTally tally(std::move(old_ptr), std::move(new_ptr));
  const bool same_schema = detail::RequestBinding::SameSchema(old_policy, new_policy);
  std::vector<size_t> per_change(diff.changes.size(), 0);
  size_t outside = 0;
  int status = kOk;
  const bool progress = StderrIsTerminal() && !o.quiet;
  const auto start = std::chrono::steady_clock::now();
  auto last = start;
  std::string out;
  auto flush = [&] {
    if (!o.quiet) fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
  };
  Record record;
  for (const std::string& in : o.inputs) {
    detail::FileDescriptor file;
    const int fd = OpenRequestInput(in, file);
    if (fd < 0) {
      status = kUnreadable;
      continue;
    }
    RecordReader reader(in == "-" ? "<stdin>" : in, fd, o.max_request_bytes);
    while (reader.Next(record)) {
      if (!record.error.empty()) {
        std::cerr << record.where << ": " << record.error << "; request skipped\n";
        tally.AddMalformed();
        continue;
      }
      if (absl::Status s = tally.Add(record.text); !s.ok()) {
        std::cerr << record.where << ": " << s.message() << "; request skipped\n";
        continue;
      }
      const size_t total = tally.requests(), changed = tally.changed_count();
      if (progress && (total & 0xFFFF) == 0) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last > std::chrono::milliseconds(250)) {
          const double secs = std::chrono::duration<double>(now - start).count();
          fprintf(stderr, "\r%zu requests, %zu changed, %.0f/s", total, changed, total / secs);
          last = now;
        }
      }
      if (!tally.changed()) continue;
      const Request& ro = tally.old_request();
      const int kind = diff.ChangeOf(ro, tally.new_request());
      if (kind >= 0) {
        ++per_change[kind];
      } else {
        ++outside;  // a bug if ever: the symbolic diff says they agree
      }
      if (!o.json && changed > o.show) continue;
      const Decision& da = tally.old_decision();
      // The decision printed carries the request's input problems, as
      // `writ eval` prints them: with one parse for both policies the new
      // side has none copied, so it is parsed for the new policy too.
      Request rn = tally.new_request();
      Decision db = tally.new_decision();
      if (same_schema) {
        (void)new_policy.ParseRequest(record.text, rn);
        new_policy.Decide(rn, db);
      }
      const Explanation ea = old_policy.Explain(ro), eb = new_policy.Explain(rn);
      const auto old_rules = da.deciding_rules(), new_rules = db.deciding_rules();
      json::array why_old = WhyNot(ea, db.effect(), new_rules);
      json::array why_new = WhyNot(eb, da.effect(), old_rules);
      if (o.json) {
        json::object line;
        line["request"] = record.id;
        line["input"] = record.where;
        line["change"] = kind >= 0 ? json::value(kind + 1) : json::value(nullptr);
        line["old"] = json::parse(da.ToJson());
        line["new"] = json::parse(db.ToJson());
        line["why"] = {{"old", std::move(why_old)}, {"new", std::move(why_new)}};
        absl::StrAppend(&out, json::serialize(line), "\n");
      } else {
        absl::StrAppend(&out, record.id.empty() ? record.where : record.id, " (", record.where, ")",
                        kind >= 0 ? absl::StrCat(", change ", kind + 1) : "",
                        "\n  was: ", Reasons(da), "\n  now: ", Reasons(db), "\n");
        for (const auto& [side, why] :
             {std::pair<const char*, const json::array*>{"old", &why_old}, {"new", &why_new}}) {
          for (const auto& w : *why) {
            const auto& obj = w.as_object();
            absl::StrAppend(&out, "  ", side, " ", std::string(obj.at("rule").as_string()), " ",
                            std::string(obj.at("status").as_string()), ": ",
                            std::string(obj.at("because").as_string()), "\n");
          }
        }
      }
      if (out.size() > (1 << 16)) flush();
    }
  }
  const std::vector<ReplayTally::Transition> transitions = tally.Transitions();
  const size_t total = tally.requests(), changed = tally.changed_count(),
               malformed = tally.malformed();
  if (progress && total >= 0x10000) fprintf(stderr, "\r%60s\r", "");
  // The summary.
  if (o.json) {
    json::object s;
    s["requests"] = total;
    s["changed"] = changed;
    s["malformed"] = malformed;
    json::array ts;
    for (const auto& t : transitions)
      ts.push_back(json::object{{"from", t.from}, {"to", t.to}, {"count", t.count}});
    s["transitions"] = std::move(ts);
    json::array pc;
    for (size_t i = 0; i < per_change.size(); ++i) pc.push_back(json::value(per_change[i]));
    s["per_change"] = std::move(pc);
    absl::StrAppend(&out, json::serialize(json::object{{"summary", std::move(s)}}), "\n");
  } else {
    if (changed > o.show)
      absl::StrAppend(&out, "… and ", changed - o.show,
                      " more changed requests (--format json lists every one)\n");
    absl::StrAppend(&out, changed ? "\n" : "", total, " requests: ", total - changed,
                    " decided alike, ", changed, " changed",
                    malformed ? absl::StrCat(", ", malformed, " malformed (skipped)") : "", "\n");
    if (!transitions.empty()) absl::StrAppend(&out, "\ntransitions\n");
    std::vector<std::pair<size_t, std::pair<std::string, std::string>>> sorted;
    for (const auto& t : transitions) sorted.push_back({t.count, {t.from, t.to}});
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [n, k] : sorted)
      absl::StrAppend(&out, "  ", n, "\t", k.first, " → ", k.second, "\n");
    bool any = false;
    for (size_t i = 0; i < per_change.size(); ++i) {
      if (!per_change[i]) continue;
      if (!any) absl::StrAppend(&out, "\nby kind of change (writ diff's numbering)\n");
      any = true;
      absl::StrAppend(&out, "  ", per_change[i], "\tchange ", i + 1, "\n");
    }
  }
  flush();  // a write error is reported by main, like every command's
  if (outside > 0) {
    std::cerr << "writ: internal error: " << outside
              << " changed requests fall in no region of the diff; please report this bug\n";
    return kUnreadable;
  }
  if (status != kOk) return status;
  return changed > 0 || malformed > 0 ? kFailed : kOk;
}

}  // namespace writ::cli
