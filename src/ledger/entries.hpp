// File: src/ledger/entries.hpp (internal)
//
// The ledger's entries as JSON objects (docs/ledger.md lists their fields):
// what a decision, a resolution and a correction record, and the redaction
// of named request fields. Sealing an entry gives it its number and the root
// of the entries before it, and turns it into its canonical bytes.
#ifndef WRIT_SRC_LEDGER_ENTRIES_HPP_
#define WRIT_SRC_LEDGER_ENTRIES_HPP_

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/merkle.hpp"
#include "writ/decision.hpp"
#include "writ/ledger.hpp"

namespace writ::detail {

inline constexpr std::string_view kDecisionKind = "decision";
inline constexpr std::string_view kResolutionKind = "resolution";
inline constexpr std::string_view kCorrectionKind = "correction";

// The current time as RFC 3339 in UTC with microseconds.
std::string NowRfc3339();

// A decision entry: the request (parsed; redacted) or, when it is not JSON,
// its SHA-256 only; the decision as `writ eval --format json` prints it.
boost::json::object DecisionEntry(std::string_view request_json, const Decision& d,
                                  const std::vector<std::string>& redact, std::string_view salt,
                                  std::string_view time, const boost::json::storage_ptr& sp = {});

// A resolution entry (kind resolution), or a correction of entry
// `corrects` when it is set.
boost::json::object ResolutionEntry(const Resolution& r, std::string_view time,
                                    std::optional<std::uint64_t> corrects);

// Replaces the value at each dotted path of `request` that holds one with
// "sha256:<hex of SHA-256(salt || its canonical JSON)>"; returns the paths
// replaced.
std::vector<std::string> Redact(boost::json::value& request, const std::vector<std::string>& paths,
                                std::string_view salt);

// A member of an entry as text ("" when absent or not a string), and as an
// integer (nullopt when absent or not an integer).
std::string_view JsonText(const boost::json::object& o, std::string_view key);
std::optional<std::int64_t> JsonInt(const boost::json::object& o, std::string_view key);

// Gives `entry` its number and the root of the tree before it, and returns
// its canonical bytes.
std::string Seal(boost::json::object entry, std::uint64_t seq, const Hash& prev_root);

}  // namespace writ::detail

#endif  // WRIT_SRC_LEDGER_ENTRIES_HPP_
