// libFuzzer target: what the ledger reads from outside — JSON to put in
// canonical form, entries for a report, inclusion proofs, signed checkpoints.
// Canonical form is idempotent (for documents without fractional numbers:
// Boost.JSON 1.81 may read a 17-digit decimal one unit off, docs/ledger.md);
// nothing crashes; no input forges a checkpoint signature.
#include <boost/json.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ledger/canonical_json.hpp"
#include "ledger/checkpoint.hpp"
#include "ledger/entry_facts.hpp"
#include "writ/ledger.hpp"

namespace {

bool HasDouble(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::double_:
      return true;
    case boost::json::kind::array:
      for (const auto& e : v.get_array())
        if (HasDouble(e)) return true;
      return false;
    case boost::json::kind::object:
      for (const auto& kv : v.get_object())
        if (HasDouble(kv.value())) return true;
      return false;
    default:
      return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (!ec && !HasDouble(v)) {
    const std::string c = writ::detail::CanonicalJson(v);
    const std::string again = writ::detail::CanonicalJson(boost::json::parse(c));
    if (again != c) std::abort();
  }
  static writ::detail::EntryFactsReader reader({"received", "requester.country", "a.b"});
  writ::detail::EntryFacts facts;
  (void)reader.Read(text, facts);
  if (auto p = writ::InclusionProof::FromJson(text); p.ok()) (void)p->Check(text);
  static const std::string verifier = writ::detail::GenerateKey("fuzz.example/log")->verifier;
  if (writ::detail::VerifyCheckpoint(text, verifier).ok()) std::abort();  // a forgery
  return 0;
}
