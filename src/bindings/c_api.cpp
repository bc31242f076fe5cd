// File: src/bindings/c_api.cpp
//
// The C API (include/writ/writ.h) over the C++ one. Every entry point runs
// its body inside Guard, which turns any C++ exception (std::bad_alloc above
// all) into a status: nothing unwinds into C. The handles are C++ objects
// behind C names; each keeps the Decider it was made with, so a request or a
// decision outlives the policy handle it came from.
#include <array>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "writ/decider.hpp"
#include "writ/writ.h"

struct writ_status {
  writ_code code;
  std::string message;
};

struct writ_policy {
  writ::Decider decider;
};

struct writ_request {
  writ::Decider decider;  // keeps the schema's policy alive
  std::optional<writ::Request> request;
};

struct writ_decision {
  writ::Decider decider;  // keeps the decision's policy alive
  writ::Decision decision;
  // Filled on first read after each decide, so deciding allocates nothing.
  mutable std::array<std::optional<std::vector<std::string>>, 6> lists;
  mutable std::optional<std::string> message, json;
  void Forget() {
    for (auto& l : lists) l.reset();
    message.reset();
    json.reset();
  }
};

namespace {

// Out of memory while reporting: the one status that needs no memory (and
// is never freed).
writ_status out_of_memory{WRIT_RESOURCE_EXHAUSTED, "out of memory"};

writ_status* MakeStatus(writ_code code, std::string message) {
  try {
    return new writ_status{code, std::move(message)};
  } catch (...) {
    return &out_of_memory;
  }
}

writ_status* FromStatus(const absl::Status& s) {
  if (s.ok()) return nullptr;
  return MakeStatus(static_cast<writ_code>(s.code()), std::string(s.message()));
}

writ_status* NullArgument(const char* what) {
  return MakeStatus(WRIT_INVALID_ARGUMENT, absl::StrCat(what, " is NULL"));
}

template <typename F>
writ_status* Guard(F&& body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return MakeStatus(WRIT_RESOURCE_EXHAUSTED, "out of memory");
  } catch (const std::exception& e) {
    return MakeStatus(WRIT_INTERNAL, absl::StrCat("internal error: ", e.what()));
  } catch (...) {
    return MakeStatus(WRIT_INTERNAL, "internal error");
  }
}

char* CopyOut(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out == nullptr) throw std::bad_alloc();
  std::memcpy(out, s.data(), s.size() + 1);
  return out;
}

const std::vector<std::string>& List(const writ_decision* d, writ_list list) {
  auto& slot = d->lists[static_cast<size_t>(list)];
  if (slot) return *slot;
  const writ::Decision& x = d->decision;
  switch (list) {
    case WRIT_DECIDING_RULES:
      slot = x.deciding_rules();
      break;
    case WRIT_GRANTED:
      slot = x.granted();
      break;
    case WRIT_WITHHELD:
      slot = x.withheld();
      break;
    case WRIT_MISSING:
      slot = x.missing();
      break;
    case WRIT_OBLIGATIONS: {
      std::vector<std::string> out;
      for (const writ::Obligation& o : x.obligations()) out.push_back(o.ToString());
      slot = std::move(out);
      break;
    }
    case WRIT_PROBLEMS: {
      std::vector<std::string> out;
      for (const writ::InputProblem& p : x.problems())
        out.push_back(absl::StrCat(p.attribute, ": ", p.message));
      slot = std::move(out);
      break;
    }
    default:
      slot.emplace();
      break;
  }
  return *slot;
}

}  // namespace

extern "C" {

const char* writ_version(void) { return WRIT_VERSION_STRING; }

writ_code writ_status_code(const writ_status* status) { return status ? status->code : WRIT_OK; }
const char* writ_status_message(const writ_status* status) {
  return status ? status->message.c_str() : "";
}
void writ_status_free(writ_status* status) {
  if (status != &out_of_memory) delete status;
}
void writ_string_free(char* string) { std::free(string); }

const char* writ_effect_name(writ_effect effect) {
  switch (effect) {
    case WRIT_ALLOW:
      return "allow";
    case WRIT_REVIEW:
      return "review";
    case WRIT_DENY:
      return "deny";
  }
  return "deny";
}

// ---- policies ----

writ_status* writ_policy_load(const char* path, writ_policy** out) {
  return Guard([&]() -> writ_status* {
    if (out == nullptr) return NullArgument("out");
    *out = nullptr;
    if (path == nullptr) return NullArgument("path");
    absl::StatusOr<writ::Decider> d = writ::Decider::Load(path);
    if (!d.ok()) return FromStatus(d.status());
    *out = new writ_policy{*std::move(d)};
    return nullptr;
  });
}

writ_status* writ_policy_from_text(const char* name, const char* text, size_t length,
                                   writ_policy** out) {
  return Guard([&]() -> writ_status* {
    if (out == nullptr) return NullArgument("out");
    *out = nullptr;
    if (name == nullptr) return NullArgument("name");
    if (text == nullptr && length > 0) return NullArgument("text");
    auto p = writ::Policy::FromText(name, std::string(text ? text : "", length));
    if (!p.ok()) return FromStatus(p.status());
    writ::Decider d;
    d.policy = *std::move(p);
    *out = new writ_policy{std::move(d)};
    return nullptr;
  });
}

void writ_policy_free(writ_policy* policy) { delete policy; }

int writ_policy_is_history(const writ_policy* p) { return p && p->decider.history ? 1 : 0; }
const char* writ_policy_name(const writ_policy* p) { return p ? p->decider.name().c_str() : ""; }
const char* writ_policy_version(const writ_policy* p) {
  return p ? p->decider.version().c_str() : "";
}
const char* writ_policy_sha256(const writ_policy* p) {
  return p ? p->decider.sha256().c_str() : "";
}
size_t writ_policy_rule_count(const writ_policy* p) {
  return p ? p->decider.latest().rule_count() : 0;
}
const char* writ_policy_rule_name(const writ_policy* p, size_t index) {
  if (p == nullptr || index >= p->decider.latest().rule_count()) return nullptr;
  return p->decider.latest().rule_name(index).c_str();
}

// ---- requests ----

writ_status* writ_request_parse_into(const writ_policy* policy, const char* json, size_t length,
                                     writ_request* request) {
  return Guard([&]() -> writ_status* {
    if (policy == nullptr) return NullArgument("policy");
    if (request == nullptr) return NullArgument("request");
    if (json == nullptr && length > 0) return NullArgument("json");
    if (!request->request || request->decider.policy != policy->decider.policy ||
        request->decider.history != policy->decider.history) {
      request->decider = policy->decider;
      request->request.emplace(policy->decider.NewRequest());
    }
    return FromStatus(policy->decider.ParseRequest(std::string_view(json ? json : "", length),
                                                   *request->request));
  });
}

writ_status* writ_request_parse(const writ_policy* policy, const char* json, size_t length,
                                writ_request** out) {
  return Guard([&]() -> writ_status* {
    if (out == nullptr) return NullArgument("out");
    *out = nullptr;
    auto* r = new writ_request{};
    if (writ_status* s = writ_request_parse_into(policy, json, length, r)) {
      delete r;
      return s;
    }
    *out = r;
    return nullptr;
  });
}

void writ_request_free(writ_request* request) { delete request; }

size_t writ_request_problem_count(const writ_request* r) {
  return r && r->request ? r->request->problems().size() : 0;
}

writ_status* writ_request_problem(const writ_request* r, size_t index, const char** attribute,
                                  const char** message) {
  if (r == nullptr) return NullArgument("request");
  if (!r->request || index >= r->request->problems().size())
    return MakeStatus(WRIT_OUT_OF_RANGE, absl::StrCat("no input problem ", index));
  const writ::InputProblem& p = r->request->problems()[index];
  if (attribute) *attribute = p.attribute.c_str();
  if (message) *message = p.message.c_str();
  return nullptr;
}

// ---- deciding ----

writ_decision* writ_decision_new(void) {
  try {
    return new writ_decision{};
  } catch (...) {
    return nullptr;
  }
}

writ_status* writ_decide_into(const writ_policy* policy, const writ_request* request,
                              writ_decision* decision) {
  return Guard([&]() -> writ_status* {
    if (policy == nullptr) return NullArgument("policy");
    if (request == nullptr || !request->request) return NullArgument("request");
    if (decision == nullptr) return NullArgument("decision");
    decision->Forget();
    // Only a pointer comparison when the decision is reused with one policy.
    if (decision->decider.policy != policy->decider.policy ||
        decision->decider.history != policy->decider.history)
      decision->decider = policy->decider;
    policy->decider.Decide(*request->request, decision->decision);
    return nullptr;
  });
}

writ_status* writ_decide(const writ_policy* policy, const writ_request* request,
                         writ_decision** out) {
  return Guard([&]() -> writ_status* {
    if (out == nullptr) return NullArgument("out");
    *out = nullptr;
    auto* d = new writ_decision{};
    if (writ_status* s = writ_decide_into(policy, request, d)) {
      delete d;
      return s;
    }
    *out = d;
    return nullptr;
  });
}

writ_status* writ_decide_json(const writ_policy* policy, const char* json, size_t length,
                              writ_decision** out) {
  return Guard([&]() -> writ_status* {
    if (out == nullptr) return NullArgument("out");
    *out = nullptr;
    writ_request request{};
    if (writ_status* s = writ_request_parse_into(policy, json, length, &request)) return s;
    return writ_decide(policy, &request, out);
  });
}

void writ_decision_free(writ_decision* decision) { delete decision; }

writ_effect writ_decision_effect(const writ_decision* d) {
  return d ? static_cast<writ_effect>(d->decision.effect()) : WRIT_DENY;
}
int writ_decision_open(const writ_decision* d) { return d && d->decision.open() ? 1 : 0; }
int writ_decision_by_default(const writ_decision* d) {
  return d && d->decision.by_default() ? 1 : 0;
}

const char* writ_decision_message(const writ_decision* d) {
  if (d == nullptr) return "";
  try {
    if (!d->message) d->message.emplace(d->decision.message());
    return d->message->c_str();
  } catch (...) {
    return "";
  }
}

size_t writ_decision_count(const writ_decision* d, writ_list list) {
  if (d == nullptr || list < WRIT_DECIDING_RULES || list > WRIT_PROBLEMS) return 0;
  try {
    return List(d, list).size();
  } catch (...) {
    return 0;
  }
}

const char* writ_decision_at(const writ_decision* d, writ_list list, size_t index) {
  if (d == nullptr || list < WRIT_DECIDING_RULES || list > WRIT_PROBLEMS) return nullptr;
  try {
    const auto& l = List(d, list);
    return index < l.size() ? l[index].c_str() : nullptr;
  } catch (...) {
    return nullptr;
  }
}

const char* writ_decision_json(const writ_decision* d) {
  if (d == nullptr) return "null";
  try {
    if (!d->json) d->json = d->decision.ToJson();
    return d->json->c_str();
  } catch (...) {
    return "null";
  }
}

// ---- explaining ----

writ_status* writ_explain(const writ_policy* policy, const writ_request* request,
                          writ_format format, char** out) {
  return Guard([&]() -> writ_status* {
    if (out == nullptr) return NullArgument("out");
    *out = nullptr;
    if (policy == nullptr) return NullArgument("policy");
    if (request == nullptr || !request->request) return NullArgument("request");
    const writ::Explanation e = policy->decider.Explain(*request->request);
    *out = CopyOut(format == WRIT_JSON ? e.ToJson() : e.ToText());
    return nullptr;
  });
}

}  // extern "C"
