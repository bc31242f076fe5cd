// File: src/cli/ledger.cpp — `writ ledger init | keygen | checkpoint | verify
// | prove | check-proof | resolve | show`: the decision ledger of
// include/writ/ledger.hpp from the command line (docs/ledger.md).
#include "writ/ledger.hpp"

#include <sys/stat.h>

#include <boost/json.hpp>
#include <fstream>
#include <iostream>

#include "absl/strings/str_split.h"
#include "cli/common.hpp"

namespace writ::cli {
namespace {

struct LedgerCliOptions {
  std::string ledger;
  std::string origin;
  std::vector<std::string> redact;
  // keygen
  std::string name, out;
  // checkpoint, verify, check-proof
  std::string key, checkpoint;
  std::string format = "text";
  // prove, show
  std::vector<std::uint64_t> entries;
  std::uint64_t size = 0;
  std::string proof;
  // resolve
  std::uint64_t decision = 0;
  std::string disclosed;
  bool refused = false;
  std::string by, note, reason;
  std::optional<std::uint64_t> corrects;
};

// Opens the ledger for a command, or prints why it cannot be.
std::optional<Ledger> OpenLedger(const std::string& path, bool write,
                                 const LedgerOptions& base = {}) {
  LedgerOptions options = base;
  options.create = write && options.create;
  options.read_only = !write;
  absl::StatusOr<Ledger> l = Ledger::Open(path, options);
  if (!l.ok()) {
    std::cerr << "writ ledger: " << l.status().message() << "\n";
    return std::nullopt;
  }
  return std::move(*l);
}

int Fail(const absl::Status& s, const char* what) {
  std::cerr << "writ ledger " << what << ": " << s.message() << "\n";
  return s.code() == absl::StatusCode::kNotFound ? kUnreadable : kFailed;
}

absl::StatusOr<std::string> ReadSmall(const std::string& path) { return ReadText(path, 1 << 20); }

absl::Status WriteNew(const std::string& path, const std::string& text, mode_t mode) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    return absl::AlreadyExistsError(absl::StrCat(path, " exists; not overwriting a key"));
  }
  std::ofstream w(path, std::ios::binary);
  w << text;
  w.close();
  if (!w) return absl::DataLossError(absl::StrCat(path, ": cannot write"));
  ::chmod(path.c_str(), mode);
  return absl::OkStatus();
}

// --checkpoint FILE with --key FILE, read; `command` names who asks. An
// exit status when they cannot be used (after saying why), else kOk (and
// both empty when neither was given).
int ReadCheckpointAndKey(const LedgerCliOptions& o, const char* command, std::string& checkpoint,
                         std::string& key) {
  if (o.checkpoint.empty() && o.key.empty()) return kOk;
  if (o.checkpoint.empty() || o.key.empty()) {
    std::cerr << "writ ledger " << command << ": --checkpoint and --key go together\n";
    return kUsage;
  }
  absl::StatusOr<std::string> cp = ReadSmall(o.checkpoint);
  if (!cp.ok()) return Fail(cp.status(), command);
  absl::StatusOr<std::string> k = ReadSmall(o.key);
  if (!k.ok()) return Fail(k.status(), command);
  checkpoint = std::move(*cp);
  key = std::move(*k);
  return kOk;
}

int Init(const LedgerCliOptions& o) {
  LedgerOptions lo;
  lo.origin = o.origin;
  lo.redact = o.redact;
  std::optional<Ledger> l = OpenLedger(o.ledger, true, lo);
  if (!l) return kFailed;
  std::cout << o.ledger << ": ledger '" << l->origin() << "', " << l->Size().value_or(0)
            << " entries\n";
  return kOk;
}

int Keygen(const LedgerCliOptions& o) {
  absl::StatusOr<LedgerKey> k = LedgerKey::Generate(o.name);
  if (!k.ok()) return Fail(k.status(), "keygen");
  const std::string prefix = o.out.empty() ? o.name : o.out;
  if (absl::Status s = WriteNew(prefix + ".key", k->signer + "\n", 0600); !s.ok()) {
    return Fail(s, "keygen");
  }
  if (absl::Status s = WriteNew(prefix + ".pub", k->verifier + "\n", 0644); !s.ok()) {
    return Fail(s, "keygen");
  }
  std::cout << "signing key " << prefix << ".key (keep it secret), verifier key " << prefix
            << ".pub (publish it):\n"
            << k->verifier << "\n";
  return kOk;
}

int Checkpoint(const LedgerCliOptions& o) {
  std::optional<Ledger> l = OpenLedger(o.ledger, false);
  if (!l) return kUnreadable;
  absl::StatusOr<std::string> key = ReadSmall(o.key);
  if (!key.ok()) return Fail(key.status(), "checkpoint");
  absl::StatusOr<std::string> cp = l->Checkpoint(*key);
  if (!cp.ok()) return Fail(cp.status(), "checkpoint");
  if (o.out.empty()) {
    std::cout << *cp;
  } else if (absl::Status s = ReplaceFile(o.out, *cp); !s.ok()) {
    return Fail(s, "checkpoint");
  }
  return kOk;
}

int Verify(const LedgerCliOptions& o) {
  std::optional<Ledger> l = OpenLedger(o.ledger, false);
  if (!l) return kUnreadable;
  VerifyOptions vo;
  if (int s = ReadCheckpointAndKey(o, "verify", vo.checkpoint, vo.key); s != kOk) return s;
  absl::StatusOr<LedgerVerification> v = l->Verify(vo);
  if (!v.ok()) return Fail(v.status(), "verify");
  if (o.format == "json") {
    boost::json::object j;
    j["ok"] = v->ok;
    j["origin"] = l->origin();
    j["size"] = v->size;
    j["root"] = v->root;
    j["decisions"] = v->decisions;
    j["resolutions"] = v->resolutions;
    j["corrections"] = v->corrections;
    j["checkpoint_checked"] = v->checkpoint_checked;
    if (v->first_bad) j["first_bad"] = *v->first_bad;
    if (!v->ok) j["problem"] = v->problem;
    std::cout << boost::json::serialize(j) << "\n";
  } else if (v->ok) {
    std::cout << o.ledger << ": verified: " << v->size << " entries (" << v->decisions
              << " decisions, " << v->resolutions << " resolutions, " << v->corrections
              << " corrections; numbered without gaps, each following the ones before), root "
              << v->root << (v->checkpoint_checked ? "; extends the signed checkpoint" : "")
              << "\n";
  } else {
    std::cout << o.ledger << ": NOT verified: " << v->problem << "\n";
    if (v->first_bad) std::cout << "first bad entry: " << *v->first_bad << "\n";
  }
  return v->ok ? kOk : kFailed;
}

int Prove(const LedgerCliOptions& o) {
  std::optional<Ledger> l = OpenLedger(o.ledger, false);
  if (!l) return kUnreadable;
  if (o.entries.size() != 1) {
    std::cerr << "writ ledger prove: name one entry\n";
    return kUsage;
  }
  absl::StatusOr<InclusionProof> p = l->Prove(o.entries[0], o.size);
  if (!p.ok()) return Fail(p.status(), "prove");
  absl::StatusOr<std::string> entry = l->Entry(o.entries[0]);
  if (!entry.ok()) return Fail(entry.status(), "prove");
  boost::json::object j = boost::json::parse(p->ToJson()).as_object();
  j["origin"] = l->origin();
  j["entry"] = *entry;
  std::cout << boost::json::serialize(j) << "\n";
  return kOk;
}

int CheckProof(const LedgerCliOptions& o) {
  absl::StatusOr<std::string> text = ReadText(o.proof, 64 << 20);
  if (!text.ok()) return Fail(text.status(), "check-proof");
  absl::StatusOr<InclusionProof> p = InclusionProof::FromJson(*text);
  if (!p.ok()) return Fail(p.status(), "check-proof");
  std::optional<std::string> entry;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(*text, ec);
  if (const auto* e = v.as_object().if_contains("entry"); e && e->is_string()) {
    entry = std::string(e->get_string());
  }
  if (!p->Check(entry)) {
    std::cout << "proof REJECTED: "
              << (entry && !p->Check() ? "the path does not lead to the root"
                  : entry              ? "the entry does not hash to the proof's leaf"
                                       : "the path does not lead to the root")
              << "\n";
    return kFailed;
  }
  std::string against, cp, key;
  if (int s = ReadCheckpointAndKey(o, "check-proof", cp, key); s != kOk) return s;
  if (!cp.empty()) {
    // The root must be the one a signed checkpoint published.
    absl::StatusOr<SignedTreeHead> head = VerifyCheckpoint(cp, key);
    if (!head.ok()) {
      std::cout << "proof REJECTED: checkpoint: " << head.status().message() << "\n";
      return kFailed;
    }
    if (head->size != p->tree_size || head->root != p->root) {
      std::cout << "proof REJECTED: the proof is for the tree of " << p->tree_size
                << " entries with root " << p->root << "; the checkpoint signs " << head->size
                << " entries with root " << head->root
                << " (make the proof with `writ ledger prove --size " << head->size << "`)\n";
      return kFailed;
    }
    against = absl::StrCat("; the root is the one '", head->origin, "' signed");
  }
  std::cout << "proof OK: entry " << p->index << " is in the tree of " << p->tree_size
            << " entries with root " << p->root << (entry ? "; the entry's bytes match" : "")
            << against << "\n";
  return kOk;
}

int Resolve(const LedgerCliOptions& o) {
  if (o.refused == !o.disclosed.empty()) {
    std::cerr << "writ ledger resolve: give exactly one of --disclosed ITEMS and --refused\n";
    return kUsage;
  }
  if (o.corrects && o.reason.empty()) {
    std::cerr << "writ ledger resolve: a correction (--corrects) needs --reason\n";
    return kUsage;
  }
  LedgerOptions existing;
  existing.create = false;
  std::optional<Ledger> l = OpenLedger(o.ledger, true, existing);
  if (!l) return kUnreadable;
  Resolution r;
  r.decision = o.entries.empty() ? 0 : o.entries[0];
  r.disclosed = !o.refused;
  for (const std::string& item :
       std::vector<std::string>(absl::StrSplit(o.disclosed, ',', absl::SkipEmpty()))) {
    r.items.emplace_back(item);
  }
  r.by = o.by;
  r.note = o.note;
  r.reason = o.reason;
  if (!o.corrects && o.entries.size() != 1) {
    std::cerr << "writ ledger resolve: name the decision entry\n";
    return kUsage;
  }
  absl::StatusOr<std::uint64_t> n = o.corrects ? l->Correct(*o.corrects, r) : l->Resolve(r);
  if (!n.ok()) return Fail(n.status(), "resolve");
  std::cout << "entry " << *n << ": "
            << (o.corrects ? absl::StrCat("corrects entry ", *o.corrects)
                           : absl::StrCat("resolves entry ", r.decision))
            << " as " << (r.disclosed ? "disclosed {" + o.disclosed + "}" : "refused") << "\n";
  return kOk;
}

int Show(const LedgerCliOptions& o) {
  std::optional<Ledger> l = OpenLedger(o.ledger, false);
  if (!l) return kUnreadable;
  std::vector<std::uint64_t> which = o.entries;
  if (which.empty()) {
    absl::StatusOr<std::uint64_t> n = l->Size();
    if (!n.ok()) return Fail(n.status(), "show");
    for (std::uint64_t i = 0; i < *n; ++i) which.push_back(i);
  }
  for (std::uint64_t i : which) {
    absl::StatusOr<std::string> e = l->Entry(i);
    if (!e.ok()) return Fail(e.status(), "show");
    std::cout << *e << "\n";
  }
  return kOk;
}

}  // namespace

Command AddLedger(CLI::App& root) {
  auto* app = root.add_subcommand(
      "ledger", "The decision ledger: create, sign, verify, prove, resolve, show (docs/ledger.md)");
  app->require_subcommand(1);
  app->footer(kExitCodesHelp);
  auto o = std::make_shared<LedgerCliOptions>();
  auto run = std::make_shared<std::function<int()>>();
  auto ledger_arg = [&](CLI::App* sub) {
    sub->add_option("ledger", o->ledger, "The ledger file (SQLite)")->required();
  };

  CLI::App* init = app->add_subcommand("init", "Create a ledger (eval --ledger also creates one)");
  ledger_arg(init);
  init->add_option("--origin", o->origin,
                   "Its checkpoints' origin line, unique to it (default: writ/ and random hex)");
  init->add_option("--redact", o->redact,
                   "Request attributes every writer records only as salted SHA-256")
      ->delimiter(',');
  init->callback([o, run] { *run = [o] { return Init(*o); }; });

  CLI::App* keygen = app->add_subcommand(
      "keygen", "Make an Ed25519 key for signing checkpoints: NAME.key (secret) and NAME.pub");
  keygen->add_option("--name", o->name, "The key's name, e.g. example.com/writ")->required();
  keygen->add_option("--out", o->out, "The files' prefix (default: the name)");
  keygen->callback([o, run] { *run = [o] { return Keygen(*o); }; });

  CLI::App* checkpoint =
      app->add_subcommand("checkpoint", "Verify the ledger, then print its signed checkpoint");
  ledger_arg(checkpoint);
  checkpoint->add_option("--key", o->key, "The signing key file (from keygen)")->required();
  checkpoint->add_option("--out", o->out, "Write it to this file instead");
  checkpoint->callback([o, run] { *run = [o] { return Checkpoint(*o); }; });

  CLI::App* verify = app->add_subcommand(
      "verify", "Recompute every entry and the tree; name the first bad entry (exit 0 / 1)");
  ledger_arg(verify);
  verify->add_option("--checkpoint", o->checkpoint, "A signed checkpoint the ledger must extend");
  verify->add_option("--key", o->key, "The checkpoint signer's verifier key (.pub)");
  verify->add_option("--format,-f", o->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  verify->callback([o, run] { *run = [o] { return Verify(*o); }; });

  CLI::App* prove = app->add_subcommand(
      "prove", "Print an inclusion proof of entry N (JSON, with the entry's bytes)");
  ledger_arg(prove);
  prove->add_option("entry", o->entries, "The entry's number")->required();
  prove->add_option("--size", o->size, "In the tree of this many entries (default: all)");
  prove->callback([o, run] { *run = [o] { return Prove(*o); }; });

  CLI::App* check = app->add_subcommand(
      "check-proof", "Check an inclusion proof offline (and the entry's bytes, when it has them)");
  check->add_option("proof", o->proof, "The proof file, or - for standard input")->required();
  check->add_option("--checkpoint", o->checkpoint,
                    "A signed checkpoint whose tree the proof must be of");
  check->add_option("--key", o->key, "The checkpoint signer's verifier key (.pub)");
  check->callback([o, run] { *run = [o] { return CheckProof(*o); }; });

  CLI::App* resolve = app->add_subcommand(
      "resolve", "Record what the review did with decision N: --disclosed ITEMS or --refused");
  ledger_arg(resolve);
  resolve->add_option("entry", o->entries, "The decision entry's number");
  resolve->add_option("--disclosed", o->disclosed,
                      "The items handed over, comma-separated; each granted by the decision");
  resolve->add_flag("--refused", o->refused, "Nothing was handed over");
  resolve->add_option("--by", o->by, "Who decided (a name or a role)")->required();
  resolve->add_option("--note", o->note, "A note");
  resolve->add_option("--corrects", o->corrects,
                      "Correct the resolution at this entry instead (with --reason)");
  resolve->add_option("--reason", o->reason, "Why the earlier resolution was wrong");
  resolve->callback([o, run] { *run = [o] { return Resolve(*o); }; });

  CLI::App* show = app->add_subcommand("show", "Print entries (all, or those named) as JSON lines");
  ledger_arg(show);
  show->add_option("entries", o->entries, "Entry numbers");
  show->callback([o, run] { *run = [o] { return Show(*o); }; });

  return {app, [run] { return *run ? (*run)() : static_cast<int>(kUsage); }};
}

}  // namespace writ::cli
