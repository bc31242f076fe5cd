// libFuzzer target: formatting is idempotent and keeps the meaning. For
// text that formats, formatting the result again gives the same text, and
// (when it loads) the formatted policy has the same meaning hash and
// decides two requests the same way.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "writ/writ.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto once = writ::Format("fuzz.writ", text);
  if (!once.ok()) return 0;
  auto twice = writ::Format("fuzz.writ", *once);
  if (!twice.ok() || *twice != *once) std::abort();  // not idempotent
  writ::LoadOptions options;
  options.reader = [](const std::string&) -> absl::StatusOr<std::string> {
    return absl::NotFoundError("no imports while fuzzing");
  };
  auto a = writ::Policy::FromText("fuzz.writ", text, options);
  auto b = writ::Policy::FromText("fuzz.writ", *once, options);
  if (a.ok() != b.ok()) std::abort();
  if (!a.ok()) return 0;
  if (writ::MeaningSha256(**a) != writ::MeaningSha256(**b)) std::abort();
  for (const char* json : {"{}", R"({"a": true, "b": 1})"}) {
    auto ra = (*a)->ParseRequest(json), rb = (*b)->ParseRequest(json);
    if (ra.ok() != rb.ok()) std::abort();
    if (!ra.ok()) continue;
    // The same decision; only the policy's source hash (in ToJson) may differ.
    const writ::Decision da = (*a)->Decide(*ra), db = (*b)->Decide(*rb);
    if (da.effect() != db.effect() || da.open() != db.open() ||
        da.deciding_rules() != db.deciding_rules() || da.granted_mask() != db.granted_mask() ||
        da.withheld_mask() != db.withheld_mask() || da.missing() != db.missing() ||
        da.obligations() != db.obligations())
      std::abort();
  }
  return 0;
}
