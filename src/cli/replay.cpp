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

// A decision's outcome in words: what a transition table counts.
std::string OutcomeWords(const Decision& d) {
  if (d.open()) return "review (open)";
  std::string out(EffectName(d.effect()));
  if (d.effect() != Effect::kDeny) {
    const auto g = d.granted();
    absl::StrAppend(&out, ", granted {", absl::StrJoin(g, ", "), "}");
  }
  std::vector<std::string> ob;
  for (const Obligation& o : d.obligations()) ob.push_back(o.ToString());
  if (!ob.empty()) absl::StrAppend(&out, "; obligations ", absl::StrJoin(ob, ", "));
  return out;
}

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

int Replay(const Policy& old_policy, const Policy& new_policy, const PolicyDiff& diff,
           const ReplayOptions& o) {
  // Items by name: the old policy's item i is the new policy's item_map[i].
  const auto& old_items = old_policy.item_names();
  const auto& new_items = new_policy.item_names();
  std::vector<int> item_map(old_items.size(), -1);
  for (size_t i = 0; i < old_items.size(); ++i) {
    auto it = std::find(new_items.begin(), new_items.end(), old_items[i]);
    if (it != new_items.end()) item_map[i] = static_cast<int>(it - new_items.begin());
  }
  auto granted_as_new = [&](uint64_t old_mask) {
    uint64_t out = 0;
    for (size_t i = 0; i < item_map.size(); ++i)
      if (((old_mask >> i) & 1) && item_map[i] >= 0) out |= uint64_t{1} << item_map[i];
    return out;
  };
  // Which rules carry obligations: only decisions by such rules need their
  // obligations compared (which allocates).
  auto obligated = [](const Policy& p) {
    const auto& rules = detail::PolicyAccess::Data(p).program.rules;
    std::vector<bool> out(rules.size());
    for (size_t i = 0; i < rules.size(); ++i) out[i] = !rules[i].obligations.empty();
    return out;
  };
  const std::vector<bool> old_obligated = obligated(old_policy),
                          new_obligated = obligated(new_policy);
  auto any_obligated = [](const Decision& d, const std::vector<bool>& obligated) {
    for (uint32_t i : d.deciding_rule_indices())
      if (obligated[i]) return true;
    return false;
  };

  Request ro = old_policy.NewRequest(), rn = new_policy.NewRequest();
  const bool same_schema = detail::RequestBinding::SameSchema(old_policy, new_policy);
  Decision da, db;
  // Transitions are counted by a compact key (no string per request) and
  // put into words once per key at the end, keys that read alike merged.
  struct Side {
    Effect effect;
    bool open;
    uint64_t granted;
    std::vector<uint32_t> rules;  // decide the obligations
    bool operator<(const Side& o) const {
      return std::tie(effect, open, granted, rules) <
             std::tie(o.effect, o.open, o.granted, o.rules);
    }
  };
  struct Seen {
    size_t count = 0;
    std::string words;  // "from → to", made on the key's first request
  };
  std::map<std::pair<Side, Side>, Seen> by_key;
  std::vector<uint32_t> scratch_a, scratch_b;
  std::vector<size_t> per_change(diff.changes.size(), 0);
  size_t total = 0, changed = 0, malformed = 0, outside = 0;
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
        ++malformed;
        continue;
      }
      if (absl::Status s = old_policy.ParseRequest(record.text, ro); !s.ok()) {
        std::cerr << record.where << ": " << s.message() << "; request skipped\n";
        ++malformed;
        continue;
      }
      if (same_schema && ro.problems().empty()) {
        // One parse serves both: the schemas are the same, value for value.
        detail::RequestBinding::CopyValues(ro, rn);
      } else if (absl::Status s = new_policy.ParseRequest(record.text, rn); !s.ok()) {
        std::cerr << record.where << ": " << s.message() << "; request skipped\n";
        ++malformed;
        continue;
      }
      old_policy.Decide(ro, da);
      new_policy.Decide(rn, db);
      ++total;
      // Obligations come from deciding rules: compared (with allocation)
      // only when some rule decided.
      bool same = da.effect() == db.effect() && da.open() == db.open() &&
                  granted_as_new(da.granted_mask()) == db.granted_mask();
      if (same && (any_obligated(da, old_obligated) || any_obligated(db, new_obligated)))
        same = da.obligations() == db.obligations();
      if (progress && (total & 0xFFFF) == 0) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last > std::chrono::milliseconds(250)) {
          const double secs = std::chrono::duration<double>(now - start).count();
          fprintf(stderr, "\r%zu requests, %zu changed, %.0f/s", total, changed, total / secs);
          last = now;
        }
      }
      if (same) continue;
      ++changed;
      scratch_a.assign(da.deciding_rule_indices().begin(), da.deciding_rule_indices().end());
      scratch_b.assign(db.deciding_rule_indices().begin(), db.deciding_rule_indices().end());
      auto key = std::make_pair(Side{da.effect(), da.open(), da.granted_mask(), scratch_a},
                                Side{db.effect(), db.open(), db.granted_mask(), scratch_b});
      Seen& seen = by_key[std::move(key)];
      if (seen.count++ == 0) seen.words = absl::StrCat(OutcomeWords(da), "\t", OutcomeWords(db));
      const int kind = diff.ChangeOf(ro, rn);
      if (kind >= 0) {
        ++per_change[kind];
      } else {
        ++outside;  // a bug if ever: the symbolic diff says they agree
      }
      if (!o.json && changed > o.show) continue;
      if (same_schema) {
        // The decision printed carries the request's input problems, as
        // `writ eval` prints them: parse it for the new policy too.
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
  if (progress && total >= 0x10000) fprintf(stderr, "\r%60s\r", "");
  std::map<std::pair<std::string, std::string>, size_t> transitions;
  for (const auto& [key, seen] : by_key) {
    const size_t tab = seen.words.find('\t');
    transitions[{seen.words.substr(0, tab), seen.words.substr(tab + 1)}] += seen.count;
  }
  // The summary.
  if (o.json) {
    json::object s;
    s["requests"] = total;
    s["changed"] = changed;
    s["malformed"] = malformed;
    json::array ts;
    for (const auto& [k, n] : transitions)
      ts.push_back(json::object{{"from", k.first}, {"to", k.second}, {"count", n}});
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
    for (const auto& [k, n] : transitions) sorted.push_back({n, k});
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
