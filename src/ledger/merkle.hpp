// File: src/ledger/merkle.hpp (internal)
//
// The Merkle tree of RFC 6962 §2.1 (and RFC 9162 §2.1): leaf hash
// SHA-256(0x00 || entry), node hash SHA-256(0x01 || left || right), the
// empty tree's hash SHA-256(""); a tree of n leaves splits at the largest
// power of two below n. Proofs are made from range hashes supplied by the
// caller (so a proof over a ledger on disk reads only the ranges it needs),
// and checked with RFC 9162's iterative algorithms, which need nothing but
// the proof.
#ifndef WRIT_SRC_LEDGER_MERKLE_HPP_
#define WRIT_SRC_LEDGER_MERKLE_HPP_

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace writ::detail {

using Hash = std::array<unsigned char, 32>;

Hash Sha256Of(std::string_view bytes);
Hash LeafHash(std::string_view entry);
Hash NodeHash(const Hash& left, const Hash& right);
Hash EmptyTreeHash();

std::string ToHex(const Hash& h);
// Parses 64 hex digits; false otherwise.
bool FromHex(std::string_view hex, Hash& out);

// The root of a growing tree, kept as the roots of its perfect subtrees
// (at most 64 hashes): Append is O(1) amortized, Root O(log n).
class CompactRange {
 public:
  void Append(const Hash& leaf_hash);
  Hash Root() const;
  std::uint64_t size() const { return size_; }
  // The perfect subtrees' roots, largest first: what a writer stores to
  // continue the tree later.
  const std::vector<Hash>& frontier() const { return frontier_; }
  static CompactRange FromFrontier(std::uint64_t size, std::vector<Hash> frontier);

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash> frontier_;
};

// The hash of the leaves [begin, end) as a tree of their own (MTH of that
// range); proofs ask only for ranges that are whole subtrees of the tree.
using RangeHasher = std::function<Hash(std::uint64_t begin, std::uint64_t end)>;

// RFC 6962 §2.1.1 PATH(index, D[0:size]): sibling hashes from the leaf up.
std::vector<Hash> InclusionProof(std::uint64_t index, std::uint64_t size, const RangeHasher& range);
// RFC 6962 §2.1.2 PROOF(old_size, D[0:new_size]).
std::vector<Hash> ConsistencyProof(std::uint64_t old_size, std::uint64_t new_size,
                                   const RangeHasher& range);

// RFC 9162 §2.1.3.2.
bool VerifyInclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                     const std::vector<Hash>& proof, const Hash& root);
// RFC 9162 §2.1.4.2.
bool VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root,
                       const Hash& new_root, const std::vector<Hash>& proof);

// The hash of leaves [begin, end) from their leaf hashes in memory.
Hash RangeRoot(const std::vector<Hash>& leaf_hashes, std::uint64_t begin, std::uint64_t end);

}  // namespace writ::detail

#endif  // WRIT_SRC_LEDGER_MERKLE_HPP_
