// File: src/ledger/checkpoint.hpp (internal)
//
// Signed checkpoints in the C2SP formats, so that a ledger's tree heads can
// be checked by any tool of the transparency-log ecosystem:
// - tlog-checkpoint: the origin line, the tree size in decimal, the root
//   hash in base64, each ending in a newline;
// - signed-note: that text, a blank line, and one line per signature,
//   "— <key name> <base64(key id || signature)>", the key id being the first
//   four bytes of SHA-256(name || "\n" || 0x01 || public key) for Ed25519;
// - keys as Go's golang.org/x/mod/sumdb/note writes them:
//   "<name>+<key id hex>+<base64(0x01 || public key)>" for verifiers and
//   "PRIVATE+KEY+<name>+<key id hex>+<base64(0x01 || seed)>" for signers.
// Ed25519 through OpenSSL 3.
#ifndef WRIT_SRC_LEDGER_CHECKPOINT_HPP_
#define WRIT_SRC_LEDGER_CHECKPOINT_HPP_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "ledger/merkle.hpp"

namespace writ::detail {

struct KeyPair {
  std::string signer;    // the PRIVATE+KEY+... line
  std::string verifier;  // the name+id+key line
};

// A new Ed25519 key named `name` (no '+', no white space).
absl::StatusOr<KeyPair> GenerateKey(std::string_view name);

struct CheckpointBody {
  std::string origin;
  std::uint64_t size = 0;
  Hash root{};
};

// The signed checkpoint text. `signer` is a PRIVATE+KEY line.
absl::StatusOr<std::string> SignCheckpoint(const CheckpointBody& body, std::string_view signer);

// Parses `text` and checks that one of its signatures is `verifier`'s:
// a signature by another key, a changed byte or a malformed note is an
// error saying which.
absl::StatusOr<CheckpointBody> VerifyCheckpoint(std::string_view text, std::string_view verifier);

}  // namespace writ::detail

#endif  // WRIT_SRC_LEDGER_CHECKPOINT_HPP_
