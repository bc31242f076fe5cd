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

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/common.hpp"
#include "writ/writ.hpp"

namespace writ::cli {
namespace {

struct EvalOptions {
  std::vector<std::string> policies;
  std::vector<std::string> inputs;
  bool explain = false;
  bool strict = false;
  std::string format;  // text | json; empty: text on a terminal
};

// One request's text and where it came from.
struct Item {
  std::string_view text;
  std::string where;  // file:line
};

// Splits an input into requests: one JSON object, an array of objects, or
// one object per line.
void Split(const std::string& name, const std::string& text, std::vector<Item>& out,
           std::vector<std::string>& owned) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return;
  boost::system::error_code ec;
  if (text[first] == '[') {
    boost::json::value v = boost::json::parse(text, ec);
    if (!ec && v.is_array()) {
      size_t i = 0;
      for (const auto& x : v.get_array()) {
        owned.push_back(boost::json::serialize(x));
        out.push_back({{}, absl::StrCat(name, "[", i++, "]")});
      }
      return;
    }
  }
  // A whole-file object (possibly pretty-printed over several lines).
  if (text[first] == '{' && text.find('\n', first) < text.find_last_not_of(" \t\r\n")) {
    boost::json::parse(text, ec);
    if (!ec) {
      out.push_back({std::string_view(text), absl::StrCat(name, ":1")});
      return;
    }
  }
  size_t line = 0, pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    ++line;
    std::string_view l(text.data() + pos, nl - pos);
    pos = nl + 1;
    size_t nb = l.find_first_not_of(" \t\r");
    if (nb == std::string_view::npos) continue;
    out.push_back({l, absl::StrCat(name, ":", line)});
  }
}

std::string RequestId(std::string_view text) {
  // The request's own id, if it has a string "id" field, for the output.
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(boost::json::string_view(text.data(), text.size()), ec);
  if (!ec && v.is_object()) {
    if (auto* id = v.get_object().if_contains("id"); id && id->is_string())
      return std::string(id->get_string());
  }
  return "";
}

int Run(const EvalOptions& o) {
  std::vector<std::string> paths = o.policies;
  if (paths.empty()) {
    auto def = DefaultPolicyPath();
    if (!def) {
      std::cerr << "writ: no --policy given and the bundled default policy is not installed\n";
      return kUnreadable;
    }
    paths.push_back(*def);
  }
  std::vector<std::shared_ptr<const Policy>> policies;
  for (const auto& p : paths) {
    auto loaded = Policy::Load(p);
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

  auto id_attr = policies[0]->Attribute("id");
  if (id_attr.ok() && id_attr->type != AttributeType::kString) id_attr = absl::NotFoundError("id");
  std::vector<Request> requests;
  for (const auto& p : policies) requests.push_back(p->NewRequest());
  std::vector<Decision> decisions(policies.size());
  std::vector<Explanation> explanations(policies.size());
  std::string out;
  out.reserve(1 << 16);
  auto flush = [&] {
    fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
  };
  size_t done = 0;
  auto start = std::chrono::steady_clock::now();
  auto last_progress = start;

  for (const auto& in : inputs) {
    auto text = ReadText(in);
    if (!text.ok()) {
      std::cerr << "writ: " << text.status().message() << "\n";
      status = kUnreadable;
      continue;
    }
    std::vector<Item> items;
    std::vector<std::string> owned;
    Split(in == "-" ? "<stdin>" : in, *text, items, owned);
    for (size_t i = 0; i < items.size(); ++i) {
      std::string_view t = items[i].text.data() ? items[i].text : std::string_view(owned[i]);
      bool failed = false;
      for (size_t k = 0; k < policies.size() && !failed; ++k) {
        absl::Status s = policies[k]->ParseRequest(t, requests[k]);
        if (!s.ok()) {
          std::cerr << items[i].where << ": " << s.message() << "; request skipped\n";
          failed = true;
          break;
        }
        if (o.strict && !requests[k].problems().empty()) {
          for (const auto& pr : requests[k].problems())
            std::cerr << items[i].where << ": input problem: " << pr.message << "\n";
          std::cerr << items[i].where << ": --strict: request not decided\n";
          failed = true;
          break;
        }
        // One decision per policy; with --explain the explanation carries it.
        if (o.explain) {
          explanations[k] = policies[k]->Explain(requests[k]);
        } else {
          policies[k]->Decide(requests[k], decisions[k]);
        }
      }
      if (failed) {
        status = kFailed;
        continue;
      }
      // The request's id: from the schema's `id` attribute when it has one
      // (already parsed), else from the JSON text.
      std::string id =
          id_attr.ok() ? std::string(requests[0].string_value(*id_attr)) : RequestId(t);
      const std::string& where = items[i].where;
      if (json) {
        if (policies.size() == 1) {
          out += o.explain ? explanations[0].ToJson(id, where) : decisions[0].ToJson(id, where);
        } else {
          boost::json::object line;
          line["request"] = id;
          line["input"] = where;
          boost::json::array each;
          for (size_t k = 0; k < policies.size(); ++k) {
            each.push_back(
                boost::json::parse(o.explain ? explanations[k].ToJson() : decisions[k].ToJson()));
          }
          line["decisions"] = std::move(each);
          out += boost::json::serialize(line);
        }
        out += '\n';
      } else {
        std::string label = id.empty() ? where : id;
        if (policies.size() == 1) {
          absl::StrAppend(&out, label, ": ",
                          o.explain ? explanations[0].ToText(color) : decisions[0].ToText(), "\n");
        } else {
          absl::StrAppend(&out, label, "\n");
          for (size_t k = 0; k < policies.size(); ++k) {
            absl::StrAppend(
                &out, "  ", policies[k]->name(), ": ",
                o.explain ? explanations[k].ToText(color) : decisions[k].ToText() + "\n");
          }
        }
      }
      if (out.size() > (1 << 16)) flush();
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
  }
  flush();
  if (progress && done >= 1024) fprintf(stderr, "\r%zu requests decided%20s\n", done, "");
  return status;
}

}  // namespace

Command AddEval(CLI::App& root) {
  auto* app = root.add_subcommand(
      "eval", "Decide requests (JSON objects, arrays or JSONL; '-' or nothing for standard input)");
  app->footer(kExitCodesHelp);
  auto o = std::make_shared<EvalOptions>();
  app->add_option("--policy,-p", o->policies,
                  "Policy file; repeat to decide under several policies side by side "
                  "(default: the bundled Telegram 2024 policy)")
      ->allow_extra_args(false);
  app->add_option("requests", o->inputs, "Request files, or - for standard input");
  app->add_flag("--explain,-e", o->explain,
                "Add the full explanation: why each rule did or did not apply");
  app->add_flag("--strict", o->strict,
                "Treat input problems (wrong types, unknown values) as errors");
  app->add_option("--format,-f", o->format,
                  "text (default on a terminal) or json (one object per line, default otherwise)")
      ->check(CLI::IsMember({"text", "json"}));
  return {app, [o] { return Run(*o); }};
}

}  // namespace writ::cli
