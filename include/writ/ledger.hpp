// File: ledger.hpp
//
// `Ledger` is the decision ledger (docs/ledger.md): an append-only record of
// decisions and of what the legal review then did with them, which nobody —
// an insider with write access to the file included — can edit, reorder or
// shorten unnoticed.
//
// - Entries are numbered from 0 without gaps. A `decision` entry holds the
//   request as received (fields named in `redact` replaced by
//   "sha256:<hex>" of the ledger's salt and the value), the decision as
//   `writ eval --format json` prints it (effect, rules, granted, withheld,
//   obligations, missing, problems, the policy's name, version and SHA-256,
//   the history's version where one decided), and the time. A `resolution`
//   says what was done with one decision: disclosed some of its granted
//   items, or refused; a decision is resolved at most once. A `correction`
//   replaces a resolution's outcome with a reason; nothing is ever updated in
//   place.
// - Each entry's bytes are its RFC 8785 canonical JSON, and carry the root
//   hash of the entries before it (a chain); the entries are the leaves of
//   an RFC 6962 Merkle tree, whose head can be signed with Ed25519 as a C2SP
//   checkpoint and published. `Verify` recomputes everything from the
//   entries' bytes and names the first entry that is wrong.
// - Storage is one SQLite file (WAL, synchronous=FULL): once an append
//   returns, its entries survive a crash or a power cut; a crash during an
//   append leaves all of its entries or none. Several processes (and
//   threads) may append to one ledger at once; numbers stay gapless.
//
// A Ledger is safe to use from several threads (calls are serialized).
//
// Example:
//   absl::StatusOr<writ::Ledger> ledger = writ::Ledger::Open("decisions.ledger");
//   if (!ledger.ok()) return ledger.status();
//   writ::Request r = policy->NewRequest();
//   if (absl::Status s = policy->ParseRequest(json_text, r); !s.ok()) return s;
//   writ::Decision d = policy->Decide(r);
//   absl::StatusOr<std::uint64_t> n = ledger->AppendDecision(json_text, d);
//   if (!n.ok()) return n.status();  // not recorded: do not act on it
#ifndef WRIT_LEDGER_HPP_
#define WRIT_LEDGER_HPP_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "writ/decision.hpp"
#include "writ/export.hpp"

namespace writ {
namespace detail {
struct LedgerAccess;  // for the report, which reads the entries directly
}

struct LedgerOptions {
  // Create the file when it does not exist (else NotFound).
  bool create = true;
  // Open for reading only: appends fail with FailedPrecondition.
  bool read_only = false;
  // The origin line of the ledger's checkpoints, set when the ledger is
  // created (later ignored): a name that no other ledger uses, such as
  // "example.com/writ/disclosures". Empty: "writ/" and 16 random hex digits.
  std::string origin;
  // Request attributes ("subject.name", "requester.email") whose values are
  // recorded only as "sha256:<hex>" of the ledger's salt and the value.
  std::vector<std::string> redact;
};

// One decision to record: the request's JSON as received, and its decision.
struct DecisionRecord {
  std::string_view request_json;
  const Decision* decision = nullptr;
};

// What the review did with a decision.
struct Resolution {
  std::uint64_t decision = 0;  // the decision entry's number
  bool disclosed = false;      // else refused
  // What was handed over: non-empty when disclosed, each one of the
  // decision's granted items; empty when refused.
  std::vector<std::string> items;
  std::string by;    // who decided (a name or a role); required
  std::string note;  // free text, may be empty
  // Only for a correction: why the earlier resolution was wrong.
  std::string reason;
};

// An inclusion proof of one entry (RFC 6962 §2.1.1), as `writ ledger prove`
// prints it.
struct InclusionProof {
  std::uint64_t index = 0;
  std::uint64_t tree_size = 0;
  std::string leaf_hash;          // hex
  std::string root;               // hex
  std::vector<std::string> path;  // hex, from the leaf up
  std::string ToJson() const;
  static absl::StatusOr<InclusionProof> FromJson(std::string_view json);
  // Whether the path leads from leaf_hash to root. When `entry` is given,
  // also that leaf_hash is that entry's leaf hash.
  bool Check(std::optional<std::string_view> entry = std::nullopt) const;
};

struct VerifyOptions {
  // A signed checkpoint (C2SP tlog-checkpoint) and the key that signed it
  // (its verifier line, as `writ ledger keygen` writes it): the ledger must
  // extend that tree.
  std::string checkpoint;
  std::string key;
};

struct LedgerVerification {
  bool ok = false;
  std::uint64_t size = 0;  // entries read
  std::string root;        // hex root of the entries read
  // When not ok: the first entry that is wrong (it may be one past the last,
  // for entries missing at the end), and what is wrong with it.
  std::optional<std::uint64_t> first_bad;
  std::string problem;
  // What was checked, for the report of `writ ledger verify`.
  std::uint64_t decisions = 0, resolutions = 0, corrections = 0;
  bool checkpoint_checked = false;
};

// A key pair for signing checkpoints (Ed25519), in the note format of the
// transparency-log ecosystem.
struct LedgerKey {
  std::string signer;    // "PRIVATE+KEY+<name>+<id>+<key>": keep secret
  std::string verifier;  // "<name>+<id>+<key>": publish
  static absl::StatusOr<LedgerKey> Generate(std::string_view name);
};

// A checkpoint's contents, once its signature is checked.
struct SignedTreeHead {
  std::string origin;
  std::uint64_t size = 0;
  std::string root;  // hex
};
// Checks that `checkpoint` is signed by `verifier` (a "<name>+<id>+<key>"
// line) and returns what it signs; PermissionDenied for a signature by
// another key or a changed text, InvalidArgument for a malformed one.
WRIT_API absl::StatusOr<SignedTreeHead> VerifyCheckpoint(std::string_view checkpoint,
                                                         std::string_view verifier);

class WRIT_API Ledger {
 public:
  // Opens the ledger at `path`, creating it if allowed. A file that is not a
  // ledger, or one of a newer schema than this writ knows, is refused
  // (FailedPrecondition) and left untouched; an older schema is migrated.
  static absl::StatusOr<Ledger> Open(const std::string& path, const LedgerOptions& options = {});
  ~Ledger();
  Ledger(Ledger&&) noexcept;
  Ledger& operator=(Ledger&&) noexcept;

  // Records decisions, one entry each, in one transaction: all or none.
  // Returns the first entry's number. Fails (recording nothing) for a null
  // decision, and, when the request is not JSON, records only its SHA-256.
  absl::StatusOr<std::uint64_t> AppendDecisions(absl::Span<const DecisionRecord> records);
  absl::StatusOr<std::uint64_t> AppendDecision(std::string_view request_json,
                                               const Decision& decision);
  // Records a resolution of `r.decision`. Refused (InvalidArgument or
  // FailedPrecondition, nothing recorded) when that entry is not a decision,
  // is a deny, is already resolved, or when the items are not granted by it.
  absl::StatusOr<std::uint64_t> Resolve(const Resolution& r);
  // Records a correction of the resolution at entry `resolution` (or of an
  // earlier correction): `r.disclosed`, `r.items` and `r.by` as for Resolve,
  // `r.reason` required. `r.decision` is ignored (it is the resolution's).
  absl::StatusOr<std::uint64_t> Correct(std::uint64_t resolution, const Resolution& r);

  // The number of entries.
  absl::StatusOr<std::uint64_t> Size() const;
  // Entry `n`'s canonical JSON (its exact bytes).
  absl::StatusOr<std::string> Entry(std::uint64_t n) const;
  const std::string& origin() const;
  const std::string& path() const;

  // Reads every entry and checks everything (see the top of this file).
  // Memory stays flat in the ledger's size. An unreadable file is an
  // error; a ledger that is wrong is a verification with ok == false.
  absl::StatusOr<LedgerVerification> Verify(const VerifyOptions& options = {}) const;
  // The signed checkpoint of the current tree. `signer` is a PRIVATE+KEY line.
  absl::StatusOr<std::string> Checkpoint(std::string_view signer) const;
  // An inclusion proof of entry `index` in the tree of `tree_size` entries
  // (0: the current tree), computed from the entries' bytes.
  absl::StatusOr<InclusionProof> Prove(std::uint64_t index, std::uint64_t tree_size = 0) const;

  struct Impl;

 private:
  friend struct detail::LedgerAccess;
  explicit Ledger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace writ

#endif  // WRIT_LEDGER_HPP_
