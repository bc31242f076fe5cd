// File: src/ledger/merkle.cpp
#include "ledger/merkle.hpp"

#include <openssl/evp.h>

#include <bit>

namespace writ::detail {
namespace {

// SHA-256 of the concatenation of up to three pieces. The context and the
// fetched algorithm are kept per thread: a tree of n entries hashes about 2n
// times, and creating a context costs more than hashing 65 bytes.
Hash Digest(std::string_view a, std::string_view b = {}, std::string_view c = {}) {
  struct Context {
    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() {
      EVP_MD_CTX_free(ctx);
      EVP_MD_free(md);
    }
  };
  thread_local Context t;
  Hash out;
  EVP_DigestInit_ex(t.ctx, t.md, nullptr);
  EVP_DigestUpdate(t.ctx, a.data(), a.size());
  if (!b.empty()) EVP_DigestUpdate(t.ctx, b.data(), b.size());
  if (!c.empty()) EVP_DigestUpdate(t.ctx, c.data(), c.size());
  unsigned int len = 0;
  EVP_DigestFinal_ex(t.ctx, out.data(), &len);
  return out;
}

std::string_view View(const Hash& h) { return {reinterpret_cast<const char*>(h.data()), h.size()}; }

// The largest power of two smaller than n (n > 1): where RFC 6962 splits.
std::uint64_t Split(std::uint64_t n) { return std::bit_floor(n - 1); }

void Path(std::uint64_t m, std::uint64_t begin, std::uint64_t end, const RangeHasher& range,
          std::vector<Hash>& out) {
  const std::uint64_t n = end - begin;
  if (n <= 1) return;
  const std::uint64_t k = Split(n);
  if (m < k) {
    Path(m, begin, begin + k, range, out);
    out.push_back(range(begin + k, end));
  } else {
    Path(m - k, begin + k, end, range, out);
    out.push_back(range(begin, begin + k));
  }
}

// RFC 6962 SUBPROOF(m, D[begin:end], b).
void SubProof(std::uint64_t m, std::uint64_t begin, std::uint64_t end, bool whole,
              const RangeHasher& range, std::vector<Hash>& out) {
  const std::uint64_t n = end - begin;
  if (m == n) {
    if (!whole) out.push_back(range(begin, end));
    return;
  }
  const std::uint64_t k = Split(n);
  if (m <= k) {
    SubProof(m, begin, begin + k, whole, range, out);
    out.push_back(range(begin + k, end));
  } else {
    SubProof(m - k, begin + k, end, false, range, out);
    out.push_back(range(begin, begin + k));
  }
}

}  // namespace

Hash Sha256Of(std::string_view bytes) { return Digest(bytes); }

Hash LeafHash(std::string_view entry) {
  static constexpr char kLeaf = 0x00;
  return Digest(std::string_view(&kLeaf, 1), entry);
}

Hash NodeHash(const Hash& left, const Hash& right) {
  static constexpr char kNode = 0x01;
  return Digest(std::string_view(&kNode, 1), View(left), View(right));
}

Hash EmptyTreeHash() { return Digest({}); }

std::string ToHex(const Hash& h) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (unsigned char b : h) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

bool FromHex(std::string_view hex, Hash& out) {
  if (hex.size() != 64) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < 32; ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return true;
}

void CompactRange::Append(const Hash& leaf_hash) {
  // Each set bit of size_ is a perfect subtree; merging mirrors a binary
  // increment: one merge for each trailing one bit.
  Hash h = leaf_hash;
  for (std::uint64_t s = size_; s & 1; s >>= 1) {
    h = NodeHash(frontier_.back(), h);
    frontier_.pop_back();
  }
  frontier_.push_back(h);
  ++size_;
}

Hash CompactRange::Root() const {
  if (frontier_.empty()) return EmptyTreeHash();
  Hash h = frontier_.back();
  for (size_t i = frontier_.size() - 1; i-- > 0;) h = NodeHash(frontier_[i], h);
  return h;
}

CompactRange CompactRange::FromFrontier(std::uint64_t size, std::vector<Hash> frontier) {
  CompactRange c;
  c.size_ = size;
  c.frontier_ = std::move(frontier);
  return c;
}

std::vector<Hash> InclusionProof(std::uint64_t index, std::uint64_t size,
                                 const RangeHasher& range) {
  std::vector<Hash> out;
  if (index < size) Path(index, 0, size, range, out);
  return out;
}

std::vector<Hash> ConsistencyProof(std::uint64_t old_size, std::uint64_t new_size,
                                   const RangeHasher& range) {
  std::vector<Hash> out;
  if (old_size > 0 && old_size < new_size) SubProof(old_size, 0, new_size, true, range, out);
  return out;
}

bool VerifyInclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                     const std::vector<Hash>& proof, const Hash& root) {
  if (index >= size) return false;
  std::uint64_t fn = index, sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = NodeHash(p, r);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root,
                       const Hash& new_root, const std::vector<Hash>& proof) {
  if (old_size > new_size) return false;
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (old_size == 0) return proof.empty();  // the empty tree is a prefix of every tree
  if (proof.empty()) return false;
  std::vector<Hash> path = proof;
  // When old_size is a power of two the old root is the proof's first node.
  if (std::has_single_bit(old_size)) path.insert(path.begin(), old_root);
  std::uint64_t fn = old_size - 1, sn = new_size - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && fr == old_root && sr == new_root;
}

Hash RangeRoot(const std::vector<Hash>& leaf_hashes, std::uint64_t begin, std::uint64_t end) {
  CompactRange c;
  for (std::uint64_t i = begin; i < end; ++i) c.Append(leaf_hashes[i]);
  return c.Root();
}

}  // namespace writ::detail
