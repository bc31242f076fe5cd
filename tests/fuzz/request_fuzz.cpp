// libFuzzer target: request JSON through the streaming parse and the
// document parse; when the streaming parse takes a request, the document
// parse must read the same values. Then the request is decided.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "api/policy_data.hpp"
#include "request/request_access.hpp"
#include "request/request_json.hpp"
#include "writ/writ.hpp"

namespace {

std::shared_ptr<const writ::Policy> LoadPolicy() {
  auto p = writ::Policy::Load(std::string(WRIT_POLICY_DIR) + "/telegram-2024.writ");
  if (!p.ok()) std::abort();
  return *p;
}

// Every attribute's presence and packed value, and the problems.
std::string Dump(const writ::Policy& p, const writ::Request& r) {
  std::string out;
  for (uint32_t i = 0; i < p.attribute_count(); ++i) {
    out += r.present(i) ? std::to_string(writ::detail::RequestAccess::Word(r, i)) : "-";
    out += ',';
  }
  for (const auto& q : r.problems()) out += q.attribute + ":" + q.message + ";";
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::shared_ptr<const writ::Policy> policy = LoadPolicy();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const writ::detail::PolicyData& d = writ::detail::PolicyAccess::Data(*policy);
  writ::Request streamed = policy->NewRequest(), document = policy->NewRequest();
  const bool stream_ok =
      writ::detail::ParseRequestStreaming(d.model.schema, d.json, text, streamed, false);
  const absl::Status doc =
      writ::detail::ParseRequestDocument(d.model.schema, d.json, text, document, {false, "p"});
  if (stream_ok) {
    if (!doc.ok() || Dump(*policy, streamed) != Dump(*policy, document)) std::abort();
  }
  if (doc.ok()) {
    writ::Decision decision = policy->Decide(document);
    (void)decision.ToJson("r", "fuzz");
    (void)policy->Explain(document).ToJson();
  }
  return 0;
}
