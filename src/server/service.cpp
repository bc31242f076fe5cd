// File: src/server/service.cpp
#include "server/service.hpp"

#include <boost/json.hpp>
#include <iostream>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace writ::server {
namespace {

namespace json = boost::json;

std::string Now() {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
}

// "a=1&b" -> whether `key` is given as 1 or true (or bare).
bool QueryFlag(std::string_view query, std::string_view key) {
  for (absl::string_view part :
       absl::StrSplit(absl::string_view(query.data(), query.size()), '&')) {
    const size_t eq = part.find('=');
    const absl::string_view k = part.substr(0, eq);
    if (k != absl::string_view(key.data(), key.size())) continue;
    if (eq == absl::string_view::npos) return true;
    const absl::string_view v = part.substr(eq + 1);
    return v == "1" || v == "true" || v == "yes";
  }
  return false;
}

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  return s;
}

// One request of a body: its text, and the id its top-level "id" names.
struct BodyRecord {
  std::string_view text;  // into the body, or into `owned`
  std::string owned;      // an array's element, serialized
  std::string id;
  std::string where;  // "body", or "body:N" in a batch
  std::string error;  // the record is not a JSON object
};

std::string IdOf(const json::value& v) {
  if (const json::object* o = v.if_object())
    if (auto it = o->find("id"); it != o->end() && it->value().is_string())
      return std::string(it->value().get_string());
  return {};
}

Response MakeResponse(int status, std::string body,
                      std::string_view content_type = "application/json") {
  Response r;
  r.status = status;
  r.content_type = content_type;
  r.body = std::move(body);
  return r;
}

}  // namespace

Response ErrorResponse(int status, std::string_view message) {
  json::object inner{{"status", status}, {"message", message}};
  return MakeResponse(status, json::serialize(json::object{{"error", inner}}) + "\n");
}

void Service::Record(Response response, Send send) {
  if (recorder_ == nullptr || response.unrecorded.empty())
    return std::move(send)(std::move(response));
  std::vector<std::string> requests = std::move(response.unrecorded_requests);
  std::vector<Decision> decisions = std::move(response.unrecorded);
  response.unrecorded_requests.clear();
  response.unrecorded.clear();
  recorder_->Record(std::move(requests), std::move(decisions),
                    [this, response = std::move(response),
                     send = std::move(send)](absl::Status recorded) mutable {
                      if (!recorded.ok()) {
                        metrics_.RequestError();
                        response = ErrorResponse(
                            503, absl::StrCat("the decisions could not be recorded in the ledger, "
                                              "so none is answered: ",
                                              recorded.message()));
                      }
                      std::move(send)(std::move(response));
                    });
}

Response Service::Handle(std::string_view method, std::string_view target, std::string_view body) {
  const size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
  auto only = [&](std::string_view allowed) -> std::optional<Response> {
    if (method == allowed) return std::nullopt;
    Response r =
        ErrorResponse(405, absl::StrCat("use ", std::string(allowed), " for ", std::string(path)));
    r.allow = std::string(allowed);
    return r;
  };
  if (path == "/v1/decide") {
    if (auto r = only("POST")) return *r;
    return Decide(query, body);
  }
  if (path == "/v1/policy") {
    if (auto r = only("GET")) return *r;
    return PolicyInfo();
  }
  if (path == "/healthz") {
    if (auto r = only("GET")) return *r;
    return MakeResponse(200, "{\"status\":\"ok\"}\n");
  }
  if (path == "/readyz") {
    if (auto r = only("GET")) return *r;
    return Ready();
  }
  if (path == "/metrics") {
    if (auto r = only("GET")) return *r;
    return MakeResponse(200, metrics_.Render(store_.generation()), "text/plain; version=0.0.4");
  }
  return ErrorResponse(404, absl::StrCat("no such path: ", std::string(path),
                                         " (the API: POST /v1/decide, GET /v1/policy, /healthz, "
                                         "/readyz, /metrics)"));
}

Response Service::Decide(std::string_view query, std::string_view body) {
  const bool explain = QueryFlag(query, "explain");
  const bool alternatives = QueryFlag(query, "alternatives");
  const Decider decider = Current();
  // The body: one JSON object, an array of them, or JSON Lines.
  std::vector<BodyRecord> records;
  bool array = false, lines = false;
  const std::string_view trimmed = TrimLeft(body);
  if (trimmed.empty()) return ErrorResponse(400, "empty body: send a request as a JSON object");
  boost::system::error_code ec;
  // A single request parses without touching the heap.
  unsigned char scratch[8192];
  json::monotonic_resource scratch_resource(scratch, sizeof scratch);
  json::value whole =
      json::parse(json::string_view(trimmed.data(), trimmed.size()), ec, &scratch_resource);
  if (!ec && whole.is_array()) {
    array = true;
    size_t n = 0;
    for (const json::value& v : whole.get_array()) {
      BodyRecord r{{}, json::serialize(v), IdOf(v), absl::StrCat("body:", ++n), ""};
      if (!v.is_object()) r.error = "not a JSON object";
      records.push_back(std::move(r));
    }
    for (BodyRecord& r : records) r.text = r.owned;  // after the vector stopped moving them
  } else if (!ec) {
    if (!whole.is_object())
      return ErrorResponse(
          400, "the body is JSON but not an object, an array of objects, or JSON Lines");
    records.push_back(BodyRecord{trimmed, {}, IdOf(whole), "body", ""});
  } else {
    // Not one JSON document: JSON Lines, or malformed.
    size_t n = 0;
    for (absl::string_view line :
         absl::StrSplit(absl::string_view(trimmed.data(), trimmed.size()), '\n')) {
      ++n;
      if (line.find_first_not_of(" \t\r") == absl::string_view::npos) continue;
      boost::system::error_code lec;
      json::value v = json::parse(json::string_view(line.data(), line.size()), lec);
      BodyRecord r{std::string_view(line.data(), line.size()),
                   {},
                   lec ? std::string() : IdOf(v),
                   absl::StrCat("body:", n),
                   ""};
      if (lec)
        r.error = absl::StrCat("malformed JSON: ", lec.message());
      else if (!v.is_object())
        r.error = "not a JSON object";
      records.push_back(std::move(r));
    }
    if (records.size() == 1) {
      metrics_.RequestError();
      return ErrorResponse(400, absl::StrCat("malformed JSON: ", ec.message()));
    }
    lines = true;
  }
  const bool batch = array || lines;
  std::string out;
  if (array) out += '[';
  Request request = decider.NewRequest();
  Decision decision;
  // With a ledger: what to record before answering.
  std::vector<std::string> to_record;
  std::vector<Decision> recorded_decisions;
  for (size_t i = 0; i < records.size(); ++i) {
    const BodyRecord& rec = records[i];
    std::string one;
    absl::Status parsed = rec.error.empty() ? decider.ParseRequest(rec.text, request)
                                            : absl::InvalidArgumentError(rec.error);
    if (!parsed.ok()) {
      metrics_.RequestError();
      if (!batch) return ErrorResponse(400, std::string(parsed.message()));
      // In a batch, the request's entry says why; every other is decided.
      one = json::serialize(
          json::object{{"input", rec.where}, {"error", std::string(parsed.message())}});
    } else {
      if (explain) {
        Explanation e = decider.Explain(request);
        one = e.ToJson(rec.id, rec.where);
        decision = std::move(e.decision);
      } else {
        decider.Decide(request, decision);
        one = decision.ToJson(rec.id, rec.where);
      }
      metrics_.Decided(decision.effect(), decision.open());
      if (recorder_) {
        to_record.emplace_back(rec.text);
        recorded_decisions.push_back(decision);
      }
      if (alternatives) {
        json::object obj = json::parse(one).as_object();
        absl::StatusOr<writ::Alternatives> alt = decider.Alternatives(request, decision);
        obj["alternatives"] =
            alt.ok() ? json::parse(alt->ToJson())
                     : json::value(json::object{{"error", std::string(alt.status().message())}});
        one = json::serialize(obj);
      }
    }
    if (array && i > 0) out += ',';
    out += one;
    if (!array) out += '\n';
  }
  if (array) out += "]\n";
  Response r =
      MakeResponse(200, std::move(out), lines ? "application/x-ndjson" : "application/json");
  r.unrecorded_requests = std::move(to_record);
  r.unrecorded = std::move(recorded_decisions);
  return r;
}

Response Service::PolicyInfo() {
  const Decider d = Current();
  json::object o;
  o["name"] = d.name();
  o["version"] = d.version();
  o["sha256"] = d.sha256();
  o["history"] = d.history != nullptr;
  o["rules"] = d.latest().rule_count();
  if (d.history) {
    json::array versions;
    for (const auto& v : d.history->versions())
      versions.push_back(
          json::object{{"from", v.from}, {"version", v.policy->version()}, {"path", v.path}});
    o["versions"] = std::move(versions);
  }
  o["generation"] = store_.generation();
  {
    std::lock_guard<std::mutex> lock(reload_mu_);
    o["loaded_at"] = loaded_at_;
  }
  return MakeResponse(200, json::serialize(o) + "\n");
}

Response Service::Ready() {
  json::object o;
  const bool loaded = store_.Current() != nullptr || store_.CurrentHistory() != nullptr;
  const bool ready = loaded && !draining();
  o["ready"] = ready;
  if (draining()) o["reason"] = "shutting down";
  {
    std::lock_guard<std::mutex> lock(reload_mu_);
    if (!last_error_.empty())
      o["last_reload"] = json::object{{"ok", false},
                                      {"at", last_error_at_},
                                      {"error", last_error_},
                                      {"serving", "the policy loaded before"}};
  }
  if (loaded) o["policy"] = Current().label();
  return MakeResponse(ready ? 200 : 503, json::serialize(o) + "\n");
}

void Service::Adopt() {
  metrics_.Reloaded(true);
  std::lock_guard<std::mutex> lock(reload_mu_);
  loaded_at_ = Now();
}

absl::Status Service::Reload(std::string_view why) {
  const absl::Status s = store_.Reload();
  metrics_.Reloaded(s.ok());
  {
    std::lock_guard<std::mutex> lock(reload_mu_);
    if (s.ok()) {
      loaded_at_ = Now();
      last_error_.clear();
      last_error_at_.clear();
    } else {
      last_error_ = std::string(s.message());
      last_error_at_ = Now();
    }
  }
  // The operator's record of every reload after the first (which the
  // command reports itself).
  if (why != "start") {
    const std::string message(s.message());
    std::cerr << "writ serve: reload (" << why << ") "
              << (s.ok() ? absl::StrCat("took effect: ", Current().label(), "\n")
                         : absl::StrCat("failed; still serving ", Current().label(), ":\n", message,
                                        message.empty() || message.back() == '\n' ? "" : "\n"));
  }
  return s;
}

}  // namespace writ::server
