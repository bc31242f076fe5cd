// File: replay.hpp
//
// `ReplayTally` replays logged requests under two policies and counts how
// their decisions change: the transition table of `writ diff --requests`.
// Each request's JSON is parsed once (twice only when the policies declare
// different attributes), decided under both, and, when the outcome differs,
// counted under the pair of outcomes in words ("deny" → "review, granted
// {ip_address}; obligations transparency_report(\"semiannual\")").
//
// Two outcomes are alike when they have the same effect, are both open or
// both closed, grant the same items (by name) and carry the same obligations.
//
// Tallies of the same two policies add up (`Merge`): a log split into
// partitions, each counted apart (on other threads, processes or machines),
// gives the same table as the whole log counted at once. A tally is used
// from one thread at a time; the policies it holds are shared.
//
// Example:
//   auto proposed = writ::Policy::Load("policies/telegram-2024.writ");
//   if (!proposed.ok()) return proposed.status();
//   writ::ReplayTally tally(policy, *proposed);
//   for (const std::string& line : {json_text, text}) (void)tally.Add(line);  // malformed: counted
//   for (const auto& t : tally.Transitions())
//     std::cout << t.count << "  " << t.from << " → " << t.to << "\n";
#ifndef WRIT_REPLAY_HPP_
#define WRIT_REPLAY_HPP_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "writ/decision.hpp"
#include "writ/export.hpp"
#include "writ/policy.hpp"
#include "writ/request.hpp"

namespace writ {

class WRIT_API ReplayTally {
 public:
  ReplayTally(std::shared_ptr<const Policy> old_policy, std::shared_ptr<const Policy> new_policy);
  ~ReplayTally();
  ReplayTally(ReplayTally&&) noexcept;
  ReplayTally& operator=(ReplayTally&&) noexcept;

  // Parses one request (a JSON object) for both policies, decides it under
  // both and counts it. JSON that does not parse, or is not an object, is
  // counted as malformed and the status says why (InvalidArgument); input
  // problems (a wrong type, an unknown member) are not malformations: the
  // request is decided fail-safe, as `writ eval` decides it.
  absl::Status Add(std::string_view json);
  // Counts a record that could not even be read as JSON text (too long, bad
  // UTF-8 at the framing level): a malformed request.
  void AddMalformed() { ++malformed_; }

  // The last request added, as parsed for each policy, and its decisions
  // (valid until the next Add); `changed()` tells whether they differ.
  const Request& old_request() const { return old_request_; }
  const Request& new_request() const { return new_request_; }
  const Decision& old_decision() const { return old_decision_; }
  const Decision& new_decision() const { return new_decision_; }
  bool changed() const { return last_changed_; }

  size_t requests() const { return requests_; }  // decided (malformed ones are not)
  size_t changed_count() const { return changed_; }
  size_t malformed() const { return malformed_; }

  struct Transition {
    std::string from, to;  // outcomes in words (OutcomeWords)
    size_t count = 0;
    friend bool operator==(const Transition&, const Transition&) = default;
  };
  // The changed requests counted by their pair of outcomes, sorted by
  // `from`, then `to`.
  std::vector<Transition> Transitions() const;

  // Adds `other`'s counts, a tally of the same two policies (compared by
  // their SHA-256: InvalidArgument for others).
  absl::Status Merge(const ReplayTally& other);

  // A decision's outcome as the transition table words it: "review (open)",
  // "deny", or "allow, granted {a, b}", then "; obligations o(\"x\"), p" when
  // it carries any.
  static std::string OutcomeWords(const Decision& decision);

 private:
  struct Counts;
  std::shared_ptr<const Policy> old_policy_, new_policy_;
  Request old_request_, new_request_;
  Decision old_decision_, new_decision_;
  bool same_schema_ = false;
  bool last_changed_ = false;
  size_t requests_ = 0, changed_ = 0, malformed_ = 0;
  std::unique_ptr<Counts> counts_;
};

}  // namespace writ

#endif  // WRIT_REPLAY_HPP_
