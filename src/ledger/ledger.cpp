// File: src/ledger/ledger.cpp
//
// Opening a ledger (creating, checking and migrating its schema) and
// appending to it. Every append is one BEGIN IMMEDIATE transaction: it
// takes the write lock, reads the tree's head, seals its entries onto it and
// commits, so concurrent writers (threads or processes) queue and numbers
// stay gapless in commit order.
#include <openssl/rand.h>
#include <sys/stat.h>

#include <algorithm>
#include <bit>
#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/canonical_json.hpp"
#include "ledger/checkpoint.hpp"
#include "ledger/entries.hpp"
#include "ledger/ledger_impl.hpp"
#include "ledger/merkle.hpp"

namespace writ {
namespace {

using detail::Database;
using detail::Statement;

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes));
  std::string out;
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

constexpr const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
-- The entries: body is the canonical JSON, the record itself. kind and
-- refers repeat two of its fields for lookups; leaf_hash caches its leaf
-- hash. Verification recomputes all three from body.
CREATE TABLE entries(
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  refers INTEGER,
  body BLOB NOT NULL,
  leaf_hash BLOB NOT NULL);
-- A decision is resolved at most once.
CREATE UNIQUE INDEX one_resolution ON entries(refers) WHERE kind = 'resolution';
-- The tree's head (a cache): its size and its perfect subtrees' roots.
CREATE TABLE head(id INTEGER PRIMARY KEY CHECK (id = 0), size INTEGER NOT NULL,
                  frontier BLOB NOT NULL);
INSERT INTO head VALUES (0, 0, x'');
)sql";

absl::StatusOr<std::string> Meta(const Database& db, const char* key) {
  Statement s(db, "SELECT value FROM meta WHERE key = ?1");
  if (!s.ok()) return db.Error("cannot read the ledger");
  s.Bind(1, std::string_view(key));
  if (s.Step() != SQLITE_ROW) {
    return absl::FailedPreconditionError(absl::StrCat("not a writ ledger: no '", key, "' in it"));
  }
  return std::string(s.Text(0));
}

absl::Status SetMeta(Database& db, std::string_view key, std::string_view value) {
  Statement s(db, "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)");
  s.Bind(1, key).Bind(2, value);
  if (s.Step() != SQLITE_DONE) return db.Error("cannot write the ledger");
  return absl::OkStatus();
}

bool HasTable(const Database& db, const char* name) {
  Statement s(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  if (!s.ok()) return false;
  s.Bind(1, std::string_view(name));
  return s.Step() == SQLITE_ROW;
}

// Creates the schema in an empty database.
absl::Status Initialize(Database& db, const LedgerOptions& options) {
  detail::WriteTransaction tx(db);
  if (absl::Status s = tx.Begin(); !s.ok()) return s;
  if (HasTable(db, "meta")) return absl::OkStatus();  // another process was first
  Statement any(db, "SELECT count(*) FROM sqlite_master");
  if (!any.ok() || any.Step() != SQLITE_ROW || any.Int(0) != 0) {
    return absl::FailedPreconditionError(
        "not a writ ledger: an SQLite database with other tables (left untouched)");
  }
  if (absl::Status s = db.Exec(kSchema); !s.ok()) return s;
  boost::json::array redact;
  for (const auto& r : options.redact) redact.emplace_back(r);
  const std::string origin =
      options.origin.empty() ? absl::StrCat("writ/", RandomHex(8)) : options.origin;
  for (auto [k, v] :
       {std::pair<std::string_view, std::string>{"format", std::string(detail::kLedgerFormat)},
        {"schema_version", std::to_string(detail::kLedgerSchemaVersion)},
        {"origin", origin},
        {"salt", RandomHex(32)},
        {"redact", boost::json::serialize(redact)},
        {"created", detail::NowRfc3339()}}) {
    if (absl::Status s = SetMeta(db, k, v); !s.ok()) return s;
  }
  return tx.Commit();
}

// Upgrades an older schema one version at a time, in one transaction. There
// is one version so far; a version 2 adds its step here.
absl::Status Migrate(Database& db, int from) {
  detail::WriteTransaction tx(db);
  if (absl::Status s = tx.Begin(); !s.ok()) return s;
  for (int v = from; v < detail::kLedgerSchemaVersion; ++v) {
    // switch (v) { case 1: ALTER TABLE ...; }
  }
  if (absl::Status s = SetMeta(db, "schema_version", std::to_string(detail::kLedgerSchemaVersion));
      !s.ok()) {
    return s;
  }
  return tx.Commit();
}

struct Head {
  std::uint64_t size = 0;
  detail::CompactRange tree;
};

// The head, checked against the entries' count.
absl::StatusOr<Head> ReadHead(const Database& db) {
  Statement s(db,
              "SELECT size, frontier, (SELECT coalesce(max(seq) + 1, 0) FROM entries) "
              "FROM head WHERE id = 0");
  if (!s.ok() || s.Step() != SQLITE_ROW) return db.Error("cannot read the ledger's head");
  Head h;
  h.size = static_cast<std::uint64_t>(s.Int(0));
  const std::string_view f = s.Blob(1);
  if (static_cast<std::uint64_t>(s.Int(2)) != h.size || f.size() % 32 != 0 ||
      f.size() / 32 != static_cast<size_t>(std::popcount(h.size))) {
    return absl::DataLossError(
        "the ledger's head does not match its entries: it was changed outside writ; "
        "run `writ ledger verify`");
  }
  std::vector<detail::Hash> frontier(f.size() / 32);
  for (size_t i = 0; i < frontier.size(); ++i) {
    std::copy_n(f.data() + 32 * i, 32, frontier[i].begin());
  }
  h.tree = detail::CompactRange::FromFrontier(h.size, std::move(frontier));
  return h;
}

// Seals and inserts `entries` after the head, then writes the new head.
// Inside a write transaction.
absl::StatusOr<std::uint64_t> AppendSealed(Database& db, std::vector<boost::json::object> entries,
                                           const std::vector<std::optional<std::int64_t>>& refers) {
  absl::StatusOr<Head> head = ReadHead(db);
  if (!head.ok()) return head.status();
  const std::uint64_t first = head->size;
  Statement ins(db,
                "INSERT INTO entries(seq, kind, refers, body, leaf_hash) "
                "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!ins.ok()) return db.Error("cannot write the ledger");
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::uint64_t seq = first + i;
    const std::string kind(entries[i]["kind"].as_string());
    const std::string body = detail::Seal(std::move(entries[i]), seq, head->tree.Root());
    const detail::Hash leaf = detail::LeafHash(body);
    ins.Bind(1, static_cast<std::int64_t>(seq)).Bind(2, std::string_view(kind));
    if (refers[i]) {
      ins.Bind(3, *refers[i]);
    } else {
      ins.BindNull(3);
    }
    ins.BindBlob(4, body.data(), body.size()).BindBlob(5, leaf.data(), leaf.size());
    if (ins.Step() != SQLITE_DONE) return db.Error("cannot write the ledger");
    ins.Reset();
    head->tree.Append(leaf);
  }
  std::string frontier;
  for (const auto& h : head->tree.frontier()) {
    frontier.append(reinterpret_cast<const char*>(h.data()), h.size());
  }
  Statement up(db, "UPDATE head SET size = ?1, frontier = ?2 WHERE id = 0");
  up.Bind(1, static_cast<std::int64_t>(head->tree.size()))
      .BindBlob(2, frontier.data(), frontier.size());
  if (up.Step() != SQLITE_DONE) return db.Error("cannot write the ledger");
  return first;
}

// The decision at entry `n`, parsed, or why it cannot be resolved.
absl::StatusOr<boost::json::object> ReadEntry(const Database& db, std::uint64_t n) {
  Statement s(db, "SELECT body FROM entries WHERE seq = ?1");
  s.Bind(1, static_cast<std::int64_t>(n));
  if (s.Step() != SQLITE_ROW) {
    return absl::NotFoundError(absl::StrCat("there is no entry ", n));
  }
  boost::system::error_code ec;
  const std::string_view body = s.Blob(0);
  boost::json::value v = boost::json::parse(boost::json::string_view(body.data(), body.size()), ec);
  if (ec || !v.is_object()) {
    return absl::DataLossError(absl::StrCat("entry ", n, " is damaged; run `writ ledger verify`"));
  }
  return std::move(v.as_object());
}

// Checks a resolution against its decision.
absl::Status CheckResolution(const boost::json::object& entry, std::uint64_t n,
                             const Resolution& r) {
  if (detail::JsonText(entry, "kind") != detail::kDecisionKind) {
    return absl::InvalidArgumentError(absl::StrCat(
        "entry ", n, " is a ", std::string(detail::JsonText(entry, "kind")), ", not a decision"));
  }
  const auto* d = entry.if_contains("decision");
  const auto* decision = d ? d->if_object() : nullptr;
  if (!decision) return absl::DataLossError(absl::StrCat("entry ", n, " has no decision"));
  if (detail::JsonText(*decision, "effect") == "deny") {
    return absl::FailedPreconditionError(absl::StrCat(
        "entry ", n, " is a deny: there is nothing to disclose and nothing to resolve"));
  }
  if (r.by.empty()) {
    return absl::InvalidArgumentError("a resolution names who made it (by)");
  }
  std::vector<std::string> granted;
  if (const auto* g = decision->if_contains("granted"); g && g->is_array()) {
    for (const auto& i : g->get_array()) {
      if (i.is_string()) granted.emplace_back(i.get_string());
    }
  }
  if (r.disclosed && r.items.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("a disclosure names the items disclosed (entry ",
                                                   n, " granted {", absl::StrJoin(granted, ", "),
                                                   "}); with none, the request was refused"));
  }
  if (!r.disclosed && !r.items.empty()) {
    return absl::InvalidArgumentError("a refusal discloses no items");
  }
  for (size_t i = 0; i < r.items.size(); ++i) {
    const std::string& item = r.items[i];
    if (std::find(granted.begin(), granted.end(), item) == granted.end()) {
      return absl::InvalidArgumentError(absl::StrCat("'", item, "' was not granted by entry ", n,
                                                     " (granted {", absl::StrJoin(granted, ", "),
                                                     "}): it cannot have been disclosed under it"));
    }
    if (std::find(r.items.begin(), r.items.begin() + i, item) != r.items.begin() + i) {
      return absl::InvalidArgumentError(absl::StrCat("'", item, "' is named twice"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ledger::~Ledger() = default;
Ledger::Ledger(Ledger&&) noexcept = default;
Ledger& Ledger::operator=(Ledger&&) noexcept = default;

absl::StatusOr<Ledger> Ledger::Open(const std::string& path, const LedgerOptions& options) {
  struct stat st;
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (!exists && (!options.create || options.read_only)) {
    return absl::NotFoundError(absl::StrCat(path, ": no such ledger"));
  }
  if (exists && !S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(path, ": not a writ ledger (not a file)"));
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->read_only = options.read_only;
  absl::StatusOr<Database> db = Database::Open(path, options.create, options.read_only);
  if (!db.ok()) return db.status();
  impl->db = std::move(*db);
  Database& d = impl->db;
  auto in_path = [&](absl::Status s) {
    return absl::Status(s.code(), absl::StrCat(path, ": ", s.message()));
  };
  // Reading the schema first tells an SQLite file from any other file.
  {
    Statement probe(d, "SELECT count(*) FROM sqlite_master");
    if (!probe.ok() || probe.Step() != SQLITE_ROW) {
      return in_path(absl::FailedPreconditionError(
          "not a writ ledger: not an SQLite database (left untouched)"));
    }
  }
  const bool is_ledger = HasTable(d, "meta");
  if (!is_ledger) {
    // Only an empty database becomes a ledger: anything else is left as it is.
    Statement any(d, "SELECT count(*) FROM sqlite_master");
    if (options.read_only || !any.ok() || any.Step() != SQLITE_ROW || any.Int(0) != 0) {
      return in_path(absl::FailedPreconditionError(
          "not a writ ledger: an SQLite database without the ledger's tables (left untouched)"));
    }
  }
  if (!options.read_only) {
    // WAL: readers never block the writer; FULL: a returned append is on disk.
    if (absl::Status s = d.Exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"); !s.ok()) {
      return in_path(s);
    }
  }
  if (!is_ledger) {
    if (absl::Status s = Initialize(d, options); !s.ok()) return in_path(s);
  }
  absl::StatusOr<std::string> format = Meta(d, "format");
  if (!format.ok()) return in_path(format.status());
  if (*format != detail::kLedgerFormat) {
    return in_path(absl::FailedPreconditionError(
        absl::StrCat("not a writ ledger: its format is '", *format, "'")));
  }
  absl::StatusOr<std::string> version = Meta(d, "schema_version");
  if (!version.ok()) return in_path(version.status());
  const int v = std::atoi(version->c_str());
  if (v > detail::kLedgerSchemaVersion) {
    return in_path(absl::FailedPreconditionError(absl::StrCat(
        "the ledger's schema version ", v, " is newer than this writ's (",
        detail::kLedgerSchemaVersion, "): use a newer writ; the ledger was left untouched")));
  }
  if (v < 1) {
    return in_path(absl::FailedPreconditionError(
        absl::StrCat("not a writ ledger: schema version '", *version, "'")));
  }
  if (v < detail::kLedgerSchemaVersion) {
    if (options.read_only) {
      return in_path(absl::FailedPreconditionError(
          absl::StrCat("the ledger's schema version ", v,
                       " is older than this writ's; open it for writing once "
                       "to migrate it")));
    }
    if (absl::Status s = Migrate(d, v); !s.ok()) return in_path(s);
  }
  for (auto [key, out] :
       {std::pair<const char*, std::string*>{"origin", &impl->origin}, {"salt", &impl->salt}}) {
    absl::StatusOr<std::string> value = Meta(d, key);
    if (!value.ok()) return in_path(value.status());
    *out = std::move(*value);
  }
  // The ledger's own redactions, then this caller's.
  if (absl::StatusOr<std::string> r = Meta(d, "redact"); r.ok()) {
    boost::system::error_code ec;
    boost::json::value list = boost::json::parse(*r, ec);
    if (!ec && list.is_array()) {
      for (const auto& p : list.get_array()) {
        if (p.is_string()) impl->redact.emplace_back(p.get_string());
      }
    }
  }
  for (const auto& p : options.redact) {
    if (std::find(impl->redact.begin(), impl->redact.end(), p) == impl->redact.end()) {
      impl->redact.push_back(p);
    }
  }
  return Ledger(std::move(impl));
}

const std::string& Ledger::origin() const { return impl_->origin; }
const std::string& Ledger::path() const { return impl_->path; }

absl::StatusOr<std::uint64_t> Ledger::AppendDecisions(absl::Span<const DecisionRecord> records) {
  if (impl_->read_only) return absl::FailedPreconditionError("the ledger is open for reading only");
  if (records.empty()) return absl::InvalidArgumentError("nothing to record");
  const std::string time = detail::NowRfc3339();
  // The batch's JSON in one arena, freed at once.
  boost::json::storage_ptr arena =
      boost::json::make_shared_resource<boost::json::monotonic_resource>();
  std::vector<boost::json::object> entries;
  entries.reserve(records.size());
  for (const DecisionRecord& r : records) {
    if (!r.decision) return absl::InvalidArgumentError("a record without a decision");
    entries.push_back(detail::DecisionEntry(r.request_json, *r.decision, impl_->redact, impl_->salt,
                                            time, arena));
  }
  const std::vector<std::optional<std::int64_t>> refers(entries.size());
  std::lock_guard lock(impl_->mu);
  detail::WriteTransaction tx(impl_->db);
  if (absl::Status s = tx.Begin(); !s.ok()) return s;
  absl::StatusOr<std::uint64_t> first = AppendSealed(impl_->db, std::move(entries), refers);
  if (!first.ok()) return first.status();
  if (absl::Status s = tx.Commit(); !s.ok()) return s;
  return first;
}

absl::StatusOr<std::uint64_t> Ledger::AppendDecision(std::string_view request_json,
                                                     const Decision& decision) {
  const DecisionRecord r{request_json, &decision};
  return AppendDecisions(absl::MakeConstSpan(&r, 1));
}

absl::StatusOr<std::uint64_t> Ledger::Resolve(const Resolution& r) {
  if (impl_->read_only) return absl::FailedPreconditionError("the ledger is open for reading only");
  std::lock_guard lock(impl_->mu);
  detail::WriteTransaction tx(impl_->db);
  if (absl::Status s = tx.Begin(); !s.ok()) return s;
  absl::StatusOr<boost::json::object> decision = ReadEntry(impl_->db, r.decision);
  if (!decision.ok()) return decision.status();
  if (absl::Status s = CheckResolution(*decision, r.decision, r); !s.ok()) return s;
  {
    Statement s(impl_->db, "SELECT seq FROM entries WHERE kind = 'resolution' AND refers = ?1");
    s.Bind(1, static_cast<std::int64_t>(r.decision));
    if (s.Step() == SQLITE_ROW) {
      return absl::FailedPreconditionError(absl::StrCat(
          "entry ", r.decision, " is already resolved by entry ", s.Int(0),
          "; a resolution is changed only by a correction (`writ ledger resolve --corrects ",
          s.Int(0), "`)"));
    }
  }
  std::vector<boost::json::object> entries;
  entries.push_back(detail::ResolutionEntry(r, detail::NowRfc3339(), std::nullopt));
  absl::StatusOr<std::uint64_t> n =
      AppendSealed(impl_->db, std::move(entries), {static_cast<std::int64_t>(r.decision)});
  if (!n.ok()) return n.status();
  if (absl::Status s = tx.Commit(); !s.ok()) return s;
  return n;
}

absl::StatusOr<std::uint64_t> Ledger::Correct(std::uint64_t resolution, const Resolution& r) {
  if (impl_->read_only) return absl::FailedPreconditionError("the ledger is open for reading only");
  if (r.reason.empty()) return absl::InvalidArgumentError("a correction gives its reason");
  std::lock_guard lock(impl_->mu);
  detail::WriteTransaction tx(impl_->db);
  if (absl::Status s = tx.Begin(); !s.ok()) return s;
  absl::StatusOr<boost::json::object> target = ReadEntry(impl_->db, resolution);
  if (!target.ok()) return target.status();
  const std::string_view kind = detail::JsonText(*target, "kind");
  if (kind != detail::kResolutionKind && kind != detail::kCorrectionKind) {
    return absl::InvalidArgumentError(
        absl::StrCat("entry ", resolution, " is a ", std::string(kind),
                     ": only a resolution (or a correction) is corrected"));
  }
  const auto* d = target->if_contains("decision");
  if (!d || !d->is_number()) {
    return absl::DataLossError(absl::StrCat("entry ", resolution, " names no decision"));
  }
  Resolution fixed = r;
  fixed.decision = d->to_number<std::uint64_t>();
  absl::StatusOr<boost::json::object> decision = ReadEntry(impl_->db, fixed.decision);
  if (!decision.ok()) return decision.status();
  if (absl::Status s = CheckResolution(*decision, fixed.decision, fixed); !s.ok()) return s;
  std::vector<boost::json::object> entries;
  entries.push_back(detail::ResolutionEntry(fixed, detail::NowRfc3339(), resolution));
  absl::StatusOr<std::uint64_t> n =
      AppendSealed(impl_->db, std::move(entries), {static_cast<std::int64_t>(resolution)});
  if (!n.ok()) return n.status();
  if (absl::Status s = tx.Commit(); !s.ok()) return s;
  return n;
}

absl::StatusOr<std::uint64_t> Ledger::Size() const {
  std::lock_guard lock(impl_->mu);
  Statement s(impl_->db, "SELECT coalesce(max(seq) + 1, 0) FROM entries");
  if (!s.ok() || s.Step() != SQLITE_ROW) return impl_->db.Error("cannot read the ledger");
  return static_cast<std::uint64_t>(s.Int(0));
}

absl::StatusOr<std::string> Ledger::Entry(std::uint64_t n) const {
  std::lock_guard lock(impl_->mu);
  Statement s(impl_->db, "SELECT body FROM entries WHERE seq = ?1");
  s.Bind(1, static_cast<std::int64_t>(n));
  if (s.Step() != SQLITE_ROW) return absl::NotFoundError(absl::StrCat("there is no entry ", n));
  return std::string(s.Blob(0));
}

absl::StatusOr<LedgerKey> LedgerKey::Generate(std::string_view name) {
  absl::StatusOr<detail::KeyPair> k = detail::GenerateKey(name);
  if (!k.ok()) return k.status();
  return LedgerKey{k->signer, k->verifier};
}

}  // namespace writ
