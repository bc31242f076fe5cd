// File: src/cli/eval.cpp
//
// `writ eval [--policy FILE]... [REQUEST...]`: decides requests given as JSON
// files (one object, an array of objects, or JSONL) or on standard input.
// With several policies it decides each request under each, side by side.
// A malformed line is reported with its file and line; the rest is decided.
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/common.hpp"
#include "cli/records.hpp"
#include "common/read_file.hpp"
#include "writ/writ.hpp"

namespace writ::cli {
namespace {

struct EvalOptions {
  std::vector<std::string> policies;
  std::vector<std::string> inputs;
  bool explain = false;
  bool alternatives = false;
  bool strict = false;
  std::string format;  // text | json; empty: text on a terminal
  size_t max_request_bytes = kMaxRequestBytes;
  std::string ledger;               // record every decision here first
  std::vector<std::string> redact;  // request attributes recorded as hashes
};

// Decisions waiting to be recorded: appended in batches (one transaction,
// one fsync each), always before the output that shows them is written.
struct PendingRecords {
  std::vector<std::string> requests;
  std::vector<Decision> decisions;
  std::uint64_t first = 0, recorded = 0;
  bool any = false;

  void Add(std::string_view request, const Decision& d) {
    requests.emplace_back(request);
    decisions.push_back(d);
  }
  absl::Status Record(Ledger& ledger) {
    if (requests.empty()) return absl::OkStatus();
    std::vector<DecisionRecord> batch;
    for (size_t i = 0; i < requests.size(); ++i) batch.push_back({requests[i], &decisions[i]});
    absl::StatusOr<std::uint64_t> n = ledger.AppendDecisions(batch);
    const size_t count = requests.size();
    requests.clear();
    decisions.clear();
    if (!n.ok()) return n.status();
    if (!any) first = *n;
    any = true;
    recorded += count;
    return absl::OkStatus();
  }
};

int Run(const EvalOptions& o) {
  std::vector<std::string> paths = o.policies;
  if (paths.empty()) {
    absl::StatusOr<std::string> def = DefaultPolicyPath();
    if (!def.ok()) {
      std::cerr << "writ: " << def.status().message() << "\n";
      return kUnreadable;
    }
    paths.push_back(*def);
  }
  std::vector<Decider> policies;
  for (const auto& p : paths) {
    auto loaded = Decider::Load(p);
    if (!loaded.ok()) {
      std::cerr << (loaded.status().code() == absl::StatusCode::kInvalidArgument ? "" : "writ: ")
                << loaded.status().message()
                << (loaded.status().code() == absl::StatusCode::kInvalidArgument ? "" : "\n");
      return loaded.status().code() == absl::StatusCode::kInvalidArgument ? kFailed : kUnreadable;
    }
    policies.push_back(*loaded);
  }
  std::vector<std::string> inputs = o.inputs.empty() ? std::vector<std::string>{"-"} : o.inputs;
  const bool json = o.format.empty() ? !StdoutIsTerminal() : o.format == "json";
  const bool color = UseColor(StdoutIsTerminal());
  const bool progress = StderrIsTerminal();
  int status = kOk;
  std::optional<Ledger> ledger;
  if (!o.ledger.empty()) {
    LedgerOptions lo;
    lo.redact = o.redact;
    absl::StatusOr<Ledger> opened = Ledger::Open(o.ledger, lo);
    if (!opened.ok()) {
      std::cerr << "writ eval: --ledger " << opened.status().message() << "\n";
      return kUnreadable;
    }
    ledger = std::move(*opened);
  } else if (!o.redact.empty()) {
    std::cerr << "writ eval: --redact applies to what --ledger records; give --ledger\n";
    return kUsage;
  }
  PendingRecords pending;
  bool ledger_failed = false;

  std::vector<Request> requests;
  for (const auto& p : policies) requests.push_back(p.NewRequest());
  std::vector<Decision> decisions(policies.size());
  ParseOptions parse_options;
  parse_options.undeclared_fields_are_problems = o.strict;
  // How a decision names its policy in text: name and version.
  std::vector<std::string> labels;
  for (const auto& p : policies) labels.push_back(p.label());
  std::vector<Explanation> explanations(policies.size());
  std::string out;
  out.reserve(1 << 16);
  // With a ledger, output is written only once the decisions it shows are
  // recorded; decisions that could not be recorded are not shown.
  auto flush = [&] {
    if (ledger) {
      if (absl::Status s = pending.Record(*ledger); !s.ok()) {
        std::cerr << "writ eval: " << o.ledger << ": " << s.message()
                  << "; these decisions were not recorded and are not shown\n";
        out.clear();
        ledger_failed = true;
        return;
      }
    }
    fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
  };
  size_t done = 0;
  auto start = std::chrono::steady_clock::now();
  auto last_progress = start;

  Record record;
  for (const auto& in : inputs) {
    // Streamed record by record: memory stays flat however long the input.
    detail::FileDescriptor file;
    const int fd = OpenRequestInput(in, file);
    if (fd < 0) {
      status = kUnreadable;
      continue;
    }
    const std::string name = in == "-" ? "<stdin>" : in;
    RecordReader reader(name, fd, o.max_request_bytes);
    size_t records = 0;
    while (reader.Next(record)) {
      ++records;
      const std::string_view t = record.text;
      if (!record.error.empty()) {
        std::cerr << record.where << ": " << record.error << "; request skipped\n";
        status = kFailed;
        continue;
      }
      bool failed = false;
      for (size_t k = 0; k < policies.size() && !failed; ++k) {
        absl::Status s = policies[k].ParseRequest(t, requests[k], parse_options);
        if (!s.ok()) {
          std::cerr << record.where << ": " << s.message() << "; request skipped\n";
          failed = true;
          break;
        }
        if (o.strict && !requests[k].problems().empty()) {
          for (const auto& pr : requests[k].problems())
            std::cerr << record.where << ": input problem: " << pr.message << "\n";
          std::cerr << record.where << ": --strict: request not decided\n";
          failed = true;
          break;
        }
        // One decision per policy; with --explain the explanation carries it.
        if (o.explain) {
          explanations[k] = policies[k].Explain(requests[k]);
        } else {
          policies[k].Decide(requests[k], decisions[k]);
        }
      }
      if (failed) {
        status = kFailed;
        continue;
      }
      // The request's id: its top-level "id" string, which the splitter
      // noted as it found the record (no second parse).
      const std::string& id = record.id;
      const std::string& where = record.where;
      // With --alternatives: what would change each decision.
      std::vector<std::string> alt_text(policies.size()), alt_json(policies.size());
      if (o.alternatives) {
        for (size_t k = 0; k < policies.size(); ++k) {
          const Decision& dk = o.explain ? explanations[k].decision : decisions[k];
          absl::StatusOr<Alternatives> alt = policies[k].Alternatives(requests[k], dk);
          if (alt.ok()) {
            alt_text[k] = "  what would change it:\n";
            for (absl::string_view line : absl::StrSplit(alt->ToText(), '\n', absl::SkipEmpty()))
              absl::StrAppend(&alt_text[k], "  ", line, "\n");
            alt_json[k] = alt->ToJson();
          } else {
            alt_text[k] = absl::StrCat("  what would change it: ", alt.status().message(), "\n");
            boost::json::object err;
            err["error"] = std::string(alt.status().message());
            alt_json[k] = boost::json::serialize(err);
          }
        }
      }
      // A decision's JSON with "alternatives" added.
      auto with_alternatives = [&](std::string decision_json, size_t k) {
        if (!o.alternatives) return decision_json;
        boost::json::object obj = boost::json::parse(decision_json).as_object();
        obj["alternatives"] = boost::json::parse(alt_json[k]);
        return boost::json::serialize(obj);
      };
      if (json) {
        if (policies.size() == 1) {
          out += with_alternatives(
              o.explain ? explanations[0].ToJson(id, where) : decisions[0].ToJson(id, where), 0);
        } else {
          boost::json::object line;
          line["request"] = id;
          line["input"] = where;
          boost::json::array each;
          for (size_t k = 0; k < policies.size(); ++k) {
            each.push_back(boost::json::parse(with_alternatives(
                o.explain ? explanations[k].ToJson() : decisions[k].ToJson(), k)));
          }
          line["decisions"] = std::move(each);
          out += boost::json::serialize(line);
        }
        out += '\n';
      } else {
        std::string label = id.empty() ? where : id;
        if (policies.size() == 1) {
          absl::StrAppend(&out, label, " (", labels[0],
                          "): ", o.explain ? explanations[0].ToText(color) : decisions[0].ToText(),
                          "\n", alt_text[0]);
        } else {
          absl::StrAppend(&out, label, "\n");
          for (size_t k = 0; k < policies.size(); ++k) {
            absl::StrAppend(
                &out, "  ", labels[k], ": ",
                o.explain ? explanations[k].ToText(color) : decisions[k].ToText() + "\n",
                alt_text[k]);
          }
        }
      }
      if (ledger) {
        for (size_t k = 0; k < policies.size(); ++k) {
          pending.Add(t, o.explain ? explanations[k].decision : decisions[k]);
        }
      }
      if (out.size() > (1 << 16) || pending.requests.size() >= 4096) flush();
      if (ledger_failed) return kFailed;
      ++done;
      if (progress && (done & 1023) == 0) {
        auto now = std::chrono::steady_clock::now();
        if (now - last_progress > std::chrono::milliseconds(250)) {
          double secs = std::chrono::duration<double>(now - start).count();
          fprintf(stderr, "\r%zu requests, %.0f/s", done, done / secs);
          last_progress = now;
        }
      }
    }
    if (records == 0) {
      std::cerr << "writ: " << name << ": no requests (the input is empty)\n";
      status = kFailed;
    }
  }
  flush();
  if (ledger_failed) return kFailed;
  if (ledger && pending.recorded > 0) {
    std::cerr << "writ eval: recorded " << pending.recorded << " decision"
              << (pending.recorded == 1 ? "" : "s") << " in " << o.ledger << " (entries "
              << pending.first << " to " << pending.first + pending.recorded - 1 << ")\n";
  }
  if (progress && done >= 1024) fprintf(stderr, "\r%zu requests decided%20s\n", done, "");
  return status;
}

}  // namespace

Command AddEval(CLI::App& root) {
  auto* app = root.add_subcommand(
      "eval", "Decide requests (JSON objects, arrays or JSONL; '-' or nothing for standard input)");
  app->footer(absl::StrCat(
      "Each decision names its policy and version. Environment: WRIT_POLICY, the policy used "
      "when no --policy is given (an error if it cannot be read).\n",
      kExitCodesHelp));
  auto o = std::make_shared<EvalOptions>();
  app->add_option("--policy,-p", o->policies,
                  "Policy or history file (a history decides each request as of its date); "
                  "repeat to decide under several side by side "
                  "(default: $WRIT_POLICY, else the bundled Telegram 2024 policy)")
      ->allow_extra_args(false);
  app->add_option("requests", o->inputs, "Request files, or - for standard input");
  app->add_flag("--explain,-e", o->explain,
                "Add the full explanation: why each rule did or did not apply");
  app->add_flag("--alternatives,-a", o->alternatives,
                "Add what would change each decision: for each other effect the smallest changes "
                "to the request that give it and the rule that would decide; for an open "
                "decision, what each value of the missing attributes gives");
  app->add_flag("--strict", o->strict,
                "Treat input problems (wrong types, unknown values, fields the policy does not "
                "declare) as errors: such a request is not decided");
  app->add_option("--max-request-bytes", o->max_request_bytes,
                  "The longest request (one record) read; a longer one is an error for it alone")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app->add_option("--format,-f", o->format,
                  "text (default on a terminal) or json (one object per line, default otherwise)")
      ->check(CLI::IsMember({"text", "json"}));
  app->add_option("--ledger", o->ledger,
                  "Record every decision in this ledger (created if absent) before printing it "
                  "(docs/ledger.md)");
  app->add_option("--redact", o->redact,
                  "Request attributes to record only as salted SHA-256, comma-separated")
      ->delimiter(',');
  return {app, [o] { return Run(*o); }};
}

}  // namespace writ::cli
