// The ledger's Merkle tree (src/ledger/merkle.cpp) against the known answers
// of RFC 6962 (tests/testdata/rfc6962-vectors.json, from transparency-dev's
// testdata) and against an independent implementation written here straight
// from RFC 6962 §2.1's recursive definitions, on random trees up to 10,000
// leaves; and the signed checkpoints (src/ledger/checkpoint.cpp).
#include "ledger/merkle.hpp"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <boost/json.hpp>
#include <fstream>
#include <random>
#include <sstream>

#include "ledger/checkpoint.hpp"

namespace writ::detail {
namespace {

// ---- the independent implementation: RFC 6962 §2.1 as written ----
using Bytes = std::string;

Bytes Sha(const Bytes& in) {
  unsigned char md[32];
  SHA256(reinterpret_cast<const unsigned char*>(in.data()), in.size(), md);
  return Bytes(reinterpret_cast<char*>(md), 32);
}

// MTH(D[n]) over the entries themselves.
Bytes Mth(const std::vector<Bytes>& d, size_t b, size_t e) {
  const size_t n = e - b;
  if (n == 0) return Sha("");
  if (n == 1) {
    Bytes leaf;
    leaf.push_back('\0');
    leaf.append(d[b]);
    return Sha(leaf);
  }
  size_t k = 1;
  while (k * 2 < n) k *= 2;
  const Bytes left = Mth(d, b, b + k), right = Mth(d, b + k, e);
  Bytes node;
  node.reserve(65);
  node.push_back('\1');
  node.append(left);
  node.append(right);
  return Sha(node);
}

std::vector<Bytes> RefPath(size_t m, const std::vector<Bytes>& d, size_t b, size_t e) {
  const size_t n = e - b;
  if (n <= 1) return {};
  size_t k = 1;
  while (k * 2 < n) k *= 2;
  std::vector<Bytes> p;
  if (m < k) {
    p = RefPath(m, d, b, b + k);
    p.push_back(Mth(d, b + k, e));
  } else {
    p = RefPath(m - k, d, b + k, e);
    p.push_back(Mth(d, b, b + k));
  }
  return p;
}

std::vector<Bytes> RefSubproof(size_t m, const std::vector<Bytes>& d, size_t b, size_t e,
                               bool whole) {
  const size_t n = e - b;
  if (m == n) return whole ? std::vector<Bytes>{} : std::vector<Bytes>{Mth(d, b, e)};
  size_t k = 1;
  while (k * 2 < n) k *= 2;
  std::vector<Bytes> p;
  if (m <= k) {
    p = RefSubproof(m, d, b, b + k, whole);
    p.push_back(Mth(d, b + k, e));
  } else {
    p = RefSubproof(m - k, d, b + k, e, false);
    p.push_back(Mth(d, b, b + k));
  }
  return p;
}

Bytes Raw(const Hash& h) { return Bytes(reinterpret_cast<const char*>(h.data()), 32); }

std::string Unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

Hash H(const std::string& hex) {
  Hash h{};
  EXPECT_TRUE(FromHex(hex, h)) << hex;
  return h;
}

boost::json::object Vectors() {
  std::ifstream in(std::string(WRIT_TEST_DATA) + "/testdata/rfc6962-vectors.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return boost::json::parse(ss.str()).as_object();
}

std::vector<Hash> Hashes(const boost::json::value& a) {
  std::vector<Hash> out;
  for (const auto& h : a.as_array()) out.push_back(H(std::string(h.as_string())));
  return out;
}

// The leaf hashes of the vectors' eight test leaves.
std::vector<Hash> LeafHashes(const boost::json::object& v) {
  std::vector<Hash> leaves;
  for (const auto& l : v.at("leaves_hex").as_array()) {
    leaves.push_back(LeafHash(Unhex(std::string(l.as_string()))));
  }
  return leaves;
}

TEST(MerkleTest, ReproducesEveryKnownRoot) {
  const auto v = Vectors();
  const std::vector<Hash> leaves = LeafHashes(v);
  const auto& roots = v.at("root_by_tree_size_hex").as_array();
  ASSERT_EQ(roots.size(), 9u);
  CompactRange tree;
  EXPECT_EQ(ToHex(tree.Root()), std::string(roots[0].as_string()));
  for (size_t n = 1; n <= 8; ++n) {
    tree.Append(leaves[n - 1]);
    EXPECT_EQ(ToHex(tree.Root()), std::string(roots[n].as_string())) << "size " << n;
    EXPECT_EQ(ToHex(RangeRoot(leaves, 0, n)), std::string(roots[n].as_string()));
  }
}

TEST(MerkleTest, ReproducesEveryKnownInclusionProof) {
  const auto v = Vectors();
  const std::vector<Hash> leaves = LeafHashes(v);
  auto range = [&](std::uint64_t b, std::uint64_t e) { return RangeRoot(leaves, b, e); };
  size_t checked = 0;
  for (const auto& pv : v.at("inclusion_proofs").as_array()) {
    const auto& p = pv.as_object();
    const auto index = p.at("leaf_index").to_number<std::uint64_t>();
    const auto size = p.at("tree_size").to_number<std::uint64_t>();
    const std::vector<Hash> expected = Hashes(p.at("proof"));
    EXPECT_EQ(InclusionProof(index, size, range), expected) << index << " in " << size;
    EXPECT_EQ(ToHex(leaves[index]), std::string(p.at("leaf_hash").as_string()));
    EXPECT_TRUE(VerifyInclusion(index, size, leaves[index], expected,
                                H(std::string(p.at("root").as_string()))));
    ++checked;
  }
  EXPECT_GT(checked, 3u);
}

TEST(MerkleTest, ReproducesEveryKnownConsistencyProof) {
  const auto v = Vectors();
  const std::vector<Hash> leaves = LeafHashes(v);
  auto range = [&](std::uint64_t b, std::uint64_t e) { return RangeRoot(leaves, b, e); };
  size_t checked = 0;
  for (const auto& pv : v.at("consistency_proofs").as_array()) {
    const auto& p = pv.as_object();
    const auto m = p.at("size1").to_number<std::uint64_t>();
    const auto n = p.at("size2").to_number<std::uint64_t>();
    const std::vector<Hash> expected = Hashes(p.at("proof"));
    EXPECT_EQ(ConsistencyProof(m, n, range), expected) << m << " → " << n;
    EXPECT_TRUE(VerifyConsistency(m, n, H(std::string(p.at("root1").as_string())),
                                  H(std::string(p.at("root2").as_string())), expected))
        << m << " → " << n;
    ++checked;
  }
  EXPECT_GT(checked, 3u);
}

// Random trees of up to 10,000 leaves: roots, proofs and verification agree
// with the recursive definitions; a proof with one bit changed, or checked
// for another index or size, is rejected.
TEST(MerkleTest, AgreesWithTheRecursiveDefinitionsOnRandomTrees) {
  std::mt19937_64 rng(6962);
  std::vector<size_t> sizes;
  for (size_t n = 1; n <= 70; ++n) sizes.push_back(n);
  for (size_t n : {127, 128, 129, 255, 256, 257, 1000, 1023, 1024, 1025, 4096, 9999, 10000}) {
    sizes.push_back(n);
  }
  for (int i = 0; i < 6; ++i) sizes.push_back(1 + rng() % 10000);
  for (size_t n : sizes) {
    std::vector<Bytes> entries;
    std::vector<Hash> leaves;
    for (size_t i = 0; i < n; ++i) {
      Bytes e(rng() % 40, '\0');
      for (char& c : e) c = static_cast<char>(rng());
      e += std::to_string(i);  // distinct leaves: a proof fits only its own
      entries.push_back(e);
      leaves.push_back(LeafHash(e));
    }
    CompactRange tree;
    for (const Hash& l : leaves) tree.Append(l);
    const Bytes root = Mth(entries, 0, n);
    ASSERT_EQ(Raw(tree.Root()), root) << "size " << n;
    auto range = [&](std::uint64_t b, std::uint64_t e) { return RangeRoot(leaves, b, e); };
    for (int trial = 0; trial < (n <= 70 ? static_cast<int>(n) : 6); ++trial) {
      const size_t index = n <= 70 ? static_cast<size_t>(trial) : rng() % n;
      const std::vector<Hash> proof = InclusionProof(index, n, range);
      const std::vector<Bytes> ref = RefPath(index, entries, 0, n);
      ASSERT_EQ(proof.size(), ref.size());
      for (size_t k = 0; k < ref.size(); ++k) ASSERT_EQ(Raw(proof[k]), ref[k]);
      EXPECT_TRUE(VerifyInclusion(index, n, leaves[index], proof, tree.Root()));
      if (!proof.empty()) {
        std::vector<Hash> bad = proof;
        bad[rng() % bad.size()][rng() % 32] ^= 1;
        EXPECT_FALSE(VerifyInclusion(index, n, leaves[index], bad, tree.Root()));
      }
      if (n > 1) {
        EXPECT_FALSE(VerifyInclusion((index + 1) % n, n, leaves[index], proof, tree.Root()));
      }

      const size_t m = 1 + rng() % n;
      const std::vector<Hash> cproof = ConsistencyProof(m, n, range);
      const std::vector<Bytes> cref =
          m == n ? std::vector<Bytes>{} : RefSubproof(m, entries, 0, n, true);
      ASSERT_EQ(cproof.size(), cref.size()) << m << " → " << n;
      for (size_t k = 0; k < cref.size(); ++k) ASSERT_EQ(Raw(cproof[k]), cref[k]);
      const Hash old_root = RangeRoot(leaves, 0, m);
      ASSERT_EQ(Raw(old_root), Mth(entries, 0, m));
      EXPECT_TRUE(VerifyConsistency(m, n, old_root, tree.Root(), cproof)) << m << " → " << n;
      if (!cproof.empty()) {
        std::vector<Hash> bad = cproof;
        bad[rng() % bad.size()][rng() % 32] ^= 1;
        EXPECT_FALSE(VerifyConsistency(m, n, old_root, tree.Root(), bad));
        Hash wrong_old = old_root;
        wrong_old[0] ^= 1;
        EXPECT_FALSE(VerifyConsistency(m, n, wrong_old, tree.Root(), cproof));
      }
    }
  }
}

TEST(MerkleTest, FrontierContinuesTheTree) {
  std::vector<Hash> leaves;
  for (int i = 0; i < 300; ++i) leaves.push_back(LeafHash(std::to_string(i)));
  CompactRange a;
  for (int i = 0; i < 137; ++i) a.Append(leaves[i]);
  CompactRange b = CompactRange::FromFrontier(a.size(), a.frontier());
  for (int i = 137; i < 300; ++i) b.Append(leaves[i]);
  EXPECT_EQ(b.Root(), RangeRoot(leaves, 0, 300));
}

TEST(CheckpointTest, SignsAndVerifiesInTheNoteFormat) {
  absl::StatusOr<KeyPair> key = GenerateKey("example.com/log");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->signer.rfind("PRIVATE+KEY+example.com/log+", 0), 0u);
  EXPECT_EQ(key->verifier.rfind("example.com/log+", 0), 0u);
  CheckpointBody body{"example.com/log", 42, LeafHash("x")};
  absl::StatusOr<std::string> text = SignCheckpoint(body, key->signer);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_NE(text->find("example.com/log\n42\n"), std::string::npos);
  EXPECT_NE(text->find("\n\n\xe2\x80\x94 example.com/log "), std::string::npos);
  absl::StatusOr<CheckpointBody> back = VerifyCheckpoint(*text, key->verifier);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->size, 42u);
  EXPECT_EQ(back->root, body.root);

  // Another key: rejected, saying so.
  absl::StatusOr<KeyPair> other = GenerateKey("example.com/log");
  ASSERT_TRUE(other.ok());
  absl::StatusOr<CheckpointBody> wrong = VerifyCheckpoint(*text, other->verifier);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kPermissionDenied);
  // Every byte of the signed text changed in turn: rejected.
  const size_t body_end = text->find("\n\n") + 1;
  for (size_t i = 0; i < body_end; ++i) {
    std::string t = *text;
    t[i] ^= 0x01;
    EXPECT_FALSE(VerifyCheckpoint(t, key->verifier).ok()) << "byte " << i;
  }
  // Malformed keys and notes.
  EXPECT_FALSE(VerifyCheckpoint(*text, "not a key").ok());
  EXPECT_FALSE(VerifyCheckpoint("example.com/log\n42\n", key->verifier).ok());
  EXPECT_FALSE(SignCheckpoint(body, key->verifier).ok());
  EXPECT_FALSE(GenerateKey("has space").ok());
  EXPECT_FALSE(GenerateKey("has+plus").ok());
}

}  // namespace
}  // namespace writ::detail
