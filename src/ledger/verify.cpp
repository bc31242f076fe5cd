// File: src/ledger/verify.cpp
//
// Reading a ledger back: verification, checkpoints and inclusion proofs. All
// three hash the entries' bytes as they are now (the cached leaf hashes and
// head are never trusted) in one pass, in one read transaction (a snapshot:
// appends by others go on meanwhile), keeping O(log n) hashes.
#include <algorithm>
#include <boost/json.hpp>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "ledger/canonical_json.hpp"
#include "ledger/checkpoint.hpp"
#include "ledger/entries.hpp"
#include "ledger/ledger_impl.hpp"
#include "ledger/merkle.hpp"

namespace writ {
namespace detail {

absl::Status ScanEntries(const Database& db, const std::function<bool(const StoredEntry&)>& visit,
                         std::uint64_t begin, std::uint64_t end) {
  Statement s(db,
              "SELECT seq, kind, refers, body, leaf_hash FROM entries "
              "WHERE seq >= ?1 AND seq < ?2 ORDER BY seq");
  if (!s.ok()) return db.Error("cannot read the ledger");
  s.Bind(1, static_cast<std::int64_t>(std::min<std::uint64_t>(begin, INT64_MAX)));
  s.Bind(2, static_cast<std::int64_t>(std::min<std::uint64_t>(end, INT64_MAX)));
  for (;;) {
    const int rc = s.Step();
    if (rc == SQLITE_DONE) return absl::OkStatus();
    if (rc != SQLITE_ROW) return db.Error("cannot read the ledger");
    StoredEntry e;
    e.seq = static_cast<std::uint64_t>(s.Int(0));
    e.kind = s.Text(1);
    if (!s.IsNull(2)) e.refers = s.Int(2);
    e.body = s.Blob(3);
    e.leaf_hash = s.Blob(4);
    if (!visit(e)) return absl::OkStatus();
  }
}

namespace {

// Hashes of whole subtrees [begin, end) computed as the leaves stream by:
// what a proof needs, without keeping every leaf hash.
class RangeCollector {
 public:
  // The ranges a proof asks for, found by running the proof with a hasher
  // that records them.
  template <typename MakeProof>
  explicit RangeCollector(MakeProof make) {
    make([this](std::uint64_t b, std::uint64_t e) {
      ranges_.push_back({b, e, {}});
      return Hash{};
    });
    std::sort(ranges_.begin(), ranges_.end(),
              [](const Range& x, const Range& y) { return x.begin < y.begin; });
  }
  void Add(std::uint64_t index, const Hash& leaf) {
    while (next_ < ranges_.size() && ranges_[next_].end <= index) ++next_;
    for (size_t i = next_; i < ranges_.size() && ranges_[i].begin <= index; ++i) {
      if (index < ranges_[i].end) ranges_[i].tree.Append(leaf);
    }
  }
  RangeHasher Hasher() const {
    return [this](std::uint64_t b, std::uint64_t e) {
      for (const Range& r : ranges_) {
        if (r.begin == b && r.end == e) return r.tree.Root();
      }
      return Hash{};
    };
  }

 private:
  struct Range {
    std::uint64_t begin, end;
    CompactRange tree;
  };
  std::vector<Range> ranges_;
  size_t next_ = 0;
};

// A read transaction: one snapshot for the whole pass.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(const Database& db) : db_(db) {
    sqlite3_exec(db_.get(), "BEGIN", nullptr, nullptr, nullptr);
  }
  ~ReadSnapshot() { sqlite3_exec(db_.get(), "COMMIT", nullptr, nullptr, nullptr); }

 private:
  const Database& db_;
};

absl::StatusOr<std::uint64_t> CountEntries(const Database& db) {
  Statement s(db, "SELECT coalesce(max(seq) + 1, 0), count(*) FROM entries");
  if (!s.ok() || s.Step() != SQLITE_ROW) return db.Error("cannot read the ledger");
  return static_cast<std::uint64_t>(s.Int(0));
}

enum class EntryKind : unsigned char { kNone, kDecision, kResolution, kCorrection, kDeny };

}  // namespace
}  // namespace detail

absl::StatusOr<LedgerVerification> Ledger::Verify(const VerifyOptions& options) const {
  using namespace detail;
  std::lock_guard lock(impl_->mu);
  LedgerVerification v;
  std::optional<CheckpointBody> checkpoint;
  if (!options.checkpoint.empty() || !options.key.empty()) {
    if (options.checkpoint.empty() || options.key.empty()) {
      return absl::InvalidArgumentError("a checkpoint is checked with the key that signed it");
    }
    absl::StatusOr<CheckpointBody> cp = detail::VerifyCheckpoint(options.checkpoint, options.key);
    if (!cp.ok()) {
      v.problem = absl::StrCat("checkpoint rejected: ", cp.status().message());
      return v;
    }
    if (cp->origin != impl_->origin) {
      v.problem = absl::StrCat("checkpoint rejected: it is of the ledger '", cp->origin,
                               "', and this ledger is '", impl_->origin, "'");
      return v;
    }
    checkpoint = *cp;
    v.checkpoint_checked = true;
  }

  ReadSnapshot snapshot(impl_->db);
  absl::StatusOr<std::uint64_t> count = CountEntries(impl_->db);
  if (!count.ok()) return count.status();
  const std::uint64_t m = checkpoint ? checkpoint->size : 0;
  RangeCollector ranges([&](const RangeHasher& h) {
    if (checkpoint) ConsistencyProof(m, *count, h);
  });
  CompactRange tree;
  Hash root_at_m = EmptyTreeHash();
  // Per entry, its kind (deny decisions apart) and whether it is resolved:
  // the rules a resolution must keep, checked again here.
  std::vector<EntryKind> kinds;
  std::vector<bool> resolved;
  std::string canonical;
  auto fail = [&](std::uint64_t at, std::string problem) {
    v.first_bad = at;
    v.problem = std::move(problem);
    return false;
  };
  absl::Status scanned = ScanEntries(impl_->db, [&](const StoredEntry& e) {
    const std::uint64_t n = tree.size();
    if (e.seq != n) {
      return fail(n, absl::StrCat("entry ", n, " is missing (the entries jump from ",
                                  n == 0 ? std::string("the start") : absl::StrCat(n - 1), " to ",
                                  e.seq, "): deleted or renumbered"));
    }
    boost::system::error_code ec;
    alignas(16) unsigned char buffer[32 << 10];  // no allocation for a usual entry
    boost::json::monotonic_resource local(buffer, sizeof buffer);
    boost::json::value parsed =
        boost::json::parse(boost::json::string_view(e.body.data(), e.body.size()), ec, &local);
    if (ec || !parsed.is_object()) {
      return fail(n, absl::StrCat("entry ", n, " is not a JSON object: its bytes were changed"));
    }
    canonical.clear();
    AppendCanonicalJson(parsed, canonical);
    if (canonical != e.body) {
      return fail(n,
                  absl::StrCat("entry ", n, " is not in canonical form: its bytes were changed"));
    }
    const boost::json::object& o = parsed.get_object();
    if (JsonInt(o, "seq") != static_cast<std::int64_t>(n)) {
      return fail(n, absl::StrCat("entry ", n, " says it is entry ",
                                  JsonInt(o, "seq") ? absl::StrCat(*JsonInt(o, "seq")) : "(none)",
                                  ": entries were moved, swapped or inserted"));
    }
    const Hash leaf = LeafHash(e.body);
    if (e.leaf_hash.size() != 32 || std::memcmp(leaf.data(), e.leaf_hash.data(), 32) != 0) {
      return fail(n, absl::StrCat("entry ", n, "'s bytes are not those written: they hash to ",
                                  ToHex(leaf), ", not to the hash recorded when it was appended"));
    }
    if (JsonText(o, "prev") != ToHex(tree.Root())) {
      // Entry n's bytes are as written (its recorded hash matches), so the
      // entries before it are not those it followed: entry n - 1 was
      // rewritten together with its recorded hash (it checked against the
      // ones before it, so it is the first wrong one).
      const std::uint64_t bad = n == 0 ? 0 : n - 1;
      return fail(bad, absl::StrCat("entry ", bad, " was changed after entry ", n,
                                    " was appended: entry ", n,
                                    " records the root of the entries "
                                    "before it as ",
                                    std::string(JsonText(o, "prev")), ", they now hash to ",
                                    ToHex(tree.Root())));
    }
    const std::string_view kind = JsonText(o, "kind");
    EntryKind k = EntryKind::kNone;
    std::optional<std::int64_t> refers;
    if (kind == kDecisionKind) {
      k = EntryKind::kDecision;
      const auto* d = o.if_contains("decision");
      if (d && d->is_object() && JsonText(d->get_object(), "effect") == "deny")
        k = EntryKind::kDeny;
    } else if (kind == kResolutionKind || kind == kCorrectionKind) {
      k = kind == kResolutionKind ? EntryKind::kResolution : EntryKind::kCorrection;
      refers = JsonInt(o, kind == kResolutionKind ? "decision" : "corrects");
      const std::optional<std::int64_t> d = JsonInt(o, "decision");
      if (!refers || !d || *d < 0 || static_cast<std::uint64_t>(*d) >= n ||
          kinds[*d] != EntryKind::kDecision) {
        return fail(n, absl::StrCat("entry ", n,
                                    " resolves no earlier decision that can be "
                                    "resolved"));
      }
      if (k == EntryKind::kResolution) {
        if (resolved[*d]) {
          return fail(n, absl::StrCat("entry ", n, " resolves entry ", *d, " a second time"));
        }
        resolved[*d] = true;
      } else if (*refers < 0 || static_cast<std::uint64_t>(*refers) >= n ||
                 (kinds[*refers] != EntryKind::kResolution &&
                  kinds[*refers] != EntryKind::kCorrection)) {
        return fail(n, absl::StrCat("entry ", n, " corrects no earlier resolution"));
      }
    } else {
      return fail(n, absl::StrCat("entry ", n, " is of no known kind ('", std::string(kind), "')"));
    }
    if (e.kind != kind || e.refers != refers) {
      return fail(n, absl::StrCat("entry ", n,
                                  "'s stored kind or reference differs from its "
                                  "bytes: the row was changed"));
    }
    kinds.push_back(k);
    resolved.push_back(false);
    if (k == EntryKind::kDecision || k == EntryKind::kDeny) {
      ++v.decisions;
    } else if (k == EntryKind::kResolution) {
      ++v.resolutions;
    } else {
      ++v.corrections;
    }
    ranges.Add(n, leaf);
    tree.Append(leaf);
    if (tree.size() == m) root_at_m = tree.Root();
    return true;
  });
  if (!scanned.ok()) return scanned;
  v.size = tree.size();
  v.root = ToHex(tree.Root());
  if (v.first_bad) return v;
  if (checkpoint) {
    if (v.size < m) {
      v.first_bad = v.size;
      v.problem =
          absl::StrCat("the ledger has ", v.size, " entries, the checkpoint signed ", m, ": ",
                       m - v.size == 1 ? absl::StrCat("entry ", v.size, " was")
                                       : absl::StrCat("entries ", v.size, " to ", m - 1, " were"),
                       " removed");
      return v;
    }
    if (root_at_m != checkpoint->root) {
      v.problem = absl::StrCat("the first ", m,
                               " entries do not hash to the checkpoint's root: "
                               "the ledger was rewritten after the checkpoint was signed");
      return v;
    }
    const std::vector<Hash> proof = ConsistencyProof(m, v.size, ranges.Hasher());
    if (!VerifyConsistency(m, v.size, checkpoint->root, tree.Root(), proof)) {
      v.problem = "the ledger does not extend the checkpoint's tree (consistency proof fails)";
      return v;
    }
  }
  v.ok = true;
  return v;
}

absl::StatusOr<std::string> Ledger::Checkpoint(std::string_view signer) const {
  // Only a ledger that verifies is signed.
  absl::StatusOr<LedgerVerification> v = Verify();
  if (!v.ok()) return v.status();
  if (!v->ok) {
    return absl::FailedPreconditionError(
        absl::StrCat("the ledger does not verify; not signing it: ", v->problem));
  }
  detail::CheckpointBody body;
  body.origin = impl_->origin;
  body.size = v->size;
  detail::FromHex(v->root, body.root);
  return detail::SignCheckpoint(body, signer);
}

absl::StatusOr<InclusionProof> Ledger::Prove(std::uint64_t index, std::uint64_t tree_size) const {
  using namespace detail;
  std::lock_guard lock(impl_->mu);
  ReadSnapshot snapshot(impl_->db);
  absl::StatusOr<std::uint64_t> count = CountEntries(impl_->db);
  if (!count.ok()) return count.status();
  const std::uint64_t size = tree_size == 0 ? *count : tree_size;
  if (size > *count) {
    return absl::InvalidArgumentError(
        absl::StrCat("the ledger has ", *count, " entries, fewer than the tree size ", size));
  }
  if (index >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("there is no entry ", index, " in a tree of ", size, " entries"));
  }
  RangeCollector ranges([&](const RangeHasher& h) { detail::InclusionProof(index, size, h); });
  CompactRange tree;
  Hash leaf_of_index{};
  absl::Status bad;
  absl::Status scanned = ScanEntries(impl_->db, [&](const StoredEntry& e) {
    if (e.seq != tree.size()) {
      bad = absl::DataLossError("the ledger has a gap; run `writ ledger verify`");
      return false;
    }
    const Hash leaf = LeafHash(e.body);
    if (e.seq == index) leaf_of_index = leaf;
    ranges.Add(e.seq, leaf);
    tree.Append(leaf);
    return tree.size() < size;
  });
  if (!scanned.ok()) return scanned;
  if (!bad.ok()) return bad;
  writ::InclusionProof p;
  p.index = index;
  p.tree_size = size;
  p.leaf_hash = ToHex(leaf_of_index);
  p.root = ToHex(tree.Root());
  for (const Hash& h : detail::InclusionProof(index, size, ranges.Hasher())) {
    p.path.push_back(ToHex(h));
  }
  if (!p.Check()) return absl::InternalError("the inclusion proof made does not check");
  return p;
}

absl::StatusOr<SignedTreeHead> VerifyCheckpoint(std::string_view checkpoint,
                                                std::string_view verifier) {
  absl::StatusOr<detail::CheckpointBody> body = detail::VerifyCheckpoint(checkpoint, verifier);
  if (!body.ok()) return body.status();
  return SignedTreeHead{body->origin, body->size, detail::ToHex(body->root)};
}

std::string InclusionProof::ToJson() const {
  boost::json::object o;
  o["index"] = index;
  o["tree_size"] = tree_size;
  o["leaf_hash"] = leaf_hash;
  o["root"] = root;
  boost::json::array a;
  for (const auto& h : path) a.emplace_back(h);
  o["path"] = std::move(a);
  return boost::json::serialize(o);
}

absl::StatusOr<InclusionProof> InclusionProof::FromJson(std::string_view json) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(boost::json::string_view(json.data(), json.size()), ec);
  auto bad = [](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("not an inclusion proof: ", std::string(why)));
  };
  if (ec || !v.is_object()) return bad("not a JSON object");
  const auto& o = v.get_object();
  InclusionProof p;
  const auto index = detail::JsonInt(o, "index"), size = detail::JsonInt(o, "tree_size");
  if (!index || !size || *index < 0 || *size <= 0) return bad("index and tree_size are numbers");
  p.index = static_cast<std::uint64_t>(*index);
  p.tree_size = static_cast<std::uint64_t>(*size);
  p.leaf_hash = std::string(detail::JsonText(o, "leaf_hash"));
  p.root = std::string(detail::JsonText(o, "root"));
  detail::Hash h;
  if (!detail::FromHex(p.leaf_hash, h) || !detail::FromHex(p.root, h)) {
    return bad("leaf_hash and root are 64 hex digits");
  }
  const auto* path = o.if_contains("path");
  if (!path || !path->is_array()) return bad("path is an array");
  for (const auto& e : path->get_array()) {
    if (!e.is_string() || !detail::FromHex(std::string_view(e.get_string()), h)) {
      return bad("each step of the path is 64 hex digits");
    }
    p.path.emplace_back(e.get_string());
  }
  return p;
}

bool InclusionProof::Check(std::optional<std::string_view> entry) const {
  detail::Hash leaf, root;
  if (!detail::FromHex(leaf_hash, leaf) || !detail::FromHex(this->root, root)) return false;
  if (entry && detail::LeafHash(*entry) != leaf) return false;
  std::vector<detail::Hash> hashes(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    if (!detail::FromHex(path[i], hashes[i])) return false;
  }
  return detail::VerifyInclusion(index, tree_size, leaf, hashes, root);
}

}  // namespace writ
