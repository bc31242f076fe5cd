// libFuzzer target: policy text -> check -> compile -> decide and explain a
// few requests -> format. Nothing may crash, hang or leak, whatever the text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "writ/writ.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  writ::LoadOptions options;
  // Imports resolve to nothing: the input is the whole policy.
  options.reader = [](const std::string&) -> absl::StatusOr<std::string> {
    return absl::NotFoundError("no imports while fuzzing");
  };
  auto policy = writ::Policy::FromText("fuzz.writ", text, options);
  (void)writ::Format("fuzz.writ", text);
  // The same text as a history: its versions cannot be read, but the
  // declaration, its checks and its diagnostics run.
  writ::LoadOptions history_options = options;
  history_options.reader = [&text](const std::string& path) -> absl::StatusOr<std::string> {
    if (path == "fuzz.writ") return text;
    return absl::NotFoundError("no versions while fuzzing");
  };
  (void)writ::PolicyHistory::Check("fuzz.writ", history_options);
  if (!policy.ok()) return 0;
  const writ::Policy& p = **policy;
  // An empty request, and one with every attribute set to something.
  writ::Request empty = p.NewRequest();
  writ::Request full = p.NewRequest();
  for (size_t i = 0; i < p.attribute_count(); ++i) {
    auto h = p.Attribute(p.attribute_path(i));
    if (!h.ok()) continue;
    switch (h->type) {
      case writ::AttributeType::kBool:
        full.SetBool(*h, (i & 1) != 0);
        break;
      case writ::AttributeType::kInt:
        full.SetInt(*h, static_cast<int64_t>(i) - 3);
        break;
      case writ::AttributeType::kDate:
        full.SetDays(*h, 19000 + static_cast<int64_t>(i));
        break;
      case writ::AttributeType::kString:
        full.SetString(*h, "x");
        break;
      case writ::AttributeType::kEnum:
        if (!p.enum_members(*h).empty())
          full.SetEnum(*h, static_cast<uint32_t>(i % p.enum_members(*h).size()));
        break;
      case writ::AttributeType::kEnumSet:
        full.SetEnumSet(*h, 0b101);
        break;
      case writ::AttributeType::kStringSet:
        (void)full.SetSet(p.attribute_path(i), {"x", "y"});
        break;
    }
  }
  // What would change each decision, within a small budget.
  writ::AlternativesOptions alternatives;
  alternatives.max_changes = 2;
  alternatives.max_evaluations = 2000;
  for (const writ::Request* r : {&empty, &full}) {
    writ::Decision d = p.Decide(*r);
    (void)d.ToJson();
    (void)p.Explain(*r).ToJson();
    auto alt = p.Alternatives(*r, alternatives);
    // An alternative the evaluator refutes is a bug, never an answer.
    if (!alt.ok() && alt.status().code() == absl::StatusCode::kInternal) __builtin_trap();
    if (alt.ok()) (void)alt->ToJson();
  }
  (void)p.RunTests();
  (void)writ::MeaningSha256(p);
  return 0;
}
