// The decision ledger (include/writ/ledger.hpp): what is recorded, the
// refusals that change nothing, tampering of every kind named by
// `Verify`, crashes in the middle of appends, and concurrent writers.
#include "writ/ledger.hpp"

#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "writ/policy.hpp"
#include "writ/report.hpp"

namespace writ {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteAll(const fs::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << s;
}

// A folder of its own for each test, removed after.
class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("writ_ledger_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto p = Policy::Load(std::string(WRIT_POLICY_DIR) + "/telegram-2024.writ");
    ASSERT_TRUE(p.ok()) << p.status();
    policy_ = *p;
    for (const auto& e : fs::directory_iterator(std::string(WRIT_EXAMPLES_DIR) + "/requests")) {
      examples_.push_back(ReadAll(e.path()));
    }
    std::sort(examples_.begin(), examples_.end());
    ASSERT_GE(examples_.size(), 10u);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Request i: an example with its own id and date.
  std::string RequestText(size_t i) const {
    boost::json::object o = boost::json::parse(examples_[i % examples_.size()]).as_object();
    o["id"] = "r" + std::to_string(i);
    o["received"] = "2024-" + std::string(i % 12 < 9 ? "0" : "") + std::to_string(1 + i % 12) +
                    "-1" + std::to_string(i % 10);
    return boost::json::serialize(o);
  }

  // Appends requests [from, to) in batches of `batch`.
  void Append(Ledger& l, size_t from, size_t to, size_t batch = 500) {
    for (size_t b = from; b < to; b += batch) {
      std::vector<std::string> texts;
      std::vector<Decision> decisions;
      for (size_t i = b; i < std::min(to, b + batch); ++i) {
        texts.push_back(RequestText(i));
        Request r = policy_->NewRequest();
        ASSERT_TRUE(policy_->ParseRequest(texts.back(), r).ok());
        decisions.push_back(policy_->Decide(r));
      }
      std::vector<DecisionRecord> records;
      for (size_t i = 0; i < texts.size(); ++i) records.push_back({texts[i], &decisions[i]});
      absl::StatusOr<std::uint64_t> first = l.AppendDecisions(records);
      ASSERT_TRUE(first.ok()) << first.status();
    }
  }

  Ledger Open(const fs::path& p, bool read_only = false) {
    LedgerOptions o;
    o.read_only = read_only;
    o.origin = "test.example/ledger";
    absl::StatusOr<Ledger> l = Ledger::Open(p.string(), o);
    EXPECT_TRUE(l.ok()) << l.status();
    return std::move(*l);
  }

  LedgerVerification VerifyFile(const fs::path& p, const VerifyOptions& o = {}) {
    LedgerOptions ro;
    ro.read_only = true;
    absl::StatusOr<Ledger> l = Ledger::Open(p.string(), ro);
    if (!l.ok()) {
      LedgerVerification v;
      v.problem = std::string(l.status().message());
      return v;
    }
    absl::StatusOr<LedgerVerification> v = l->Verify(o);
    EXPECT_TRUE(v.ok()) << v.status();
    return *v;
  }

  void Sql(const fs::path& p, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(p.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK)
        << (err ? err : "") << " in " << sql;
    sqlite3_free(err);
    sqlite3_close(db);
  }

  fs::path dir_;
  std::shared_ptr<const Policy> policy_;
  std::vector<std::string> examples_;
};

TEST_F(LedgerTest, RecordsDecisionsAsCanonicalEntriesAndRedacts) {
  LedgerOptions o;
  o.redact = {"subject.status", "requester.missing_field"};
  absl::StatusOr<Ledger> l = Ledger::Open((dir_ / "l.db").string(), o);
  ASSERT_TRUE(l.ok()) << l.status();
  Append(*l, 0, 20, 7);
  ASSERT_EQ(*l->Size(), 20u);
  for (std::uint64_t n = 0; n < 20; ++n) {
    absl::StatusOr<std::string> e = l->Entry(n);
    ASSERT_TRUE(e.ok());
    const auto v = boost::json::parse(*e).as_object();
    EXPECT_EQ(v.at("seq").to_number<std::uint64_t>(), n);
    EXPECT_EQ(v.at("kind").as_string(), "decision");
    EXPECT_EQ(v.at("request").at("id").as_string(), "r" + std::to_string(n));
    const auto& status = v.at("request").at("subject").as_object();
    if (status.contains("status")) {
      EXPECT_EQ(std::string(status.at("status").as_string()).rfind("sha256:", 0), 0u);
    }
    EXPECT_EQ(v.at("decision").at("policy").at("name").as_string(), "telegram_2024");
  }
  // A request that is not JSON is recorded by its digest; the decision still.
  Request r = policy_->NewRequest();
  (void)policy_->ParseRequest("{not json", r);
  Decision d = policy_->Decide(r);
  absl::StatusOr<std::uint64_t> n = l->AppendDecision("{not json", d);
  ASSERT_TRUE(n.ok());
  const auto v = boost::json::parse(*l->Entry(*n)).as_object();
  EXPECT_TRUE(v.contains("request_sha256"));
  EXPECT_FALSE(v.contains("request"));
  absl::StatusOr<LedgerVerification> ok = l->Verify();
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->ok) << ok->problem;
  EXPECT_EQ(ok->decisions, 21u);
}

Resolution Res(std::uint64_t decision, bool disclosed, std::vector<std::string> items,
               std::string by) {
  Resolution r;
  r.decision = decision;
  r.disclosed = disclosed;
  r.items = std::move(items);
  r.by = std::move(by);
  return r;
}

TEST_F(LedgerTest, ResolutionsAreCheckedAndChangeNothingWhenRefused) {
  Ledger l = Open(dir_ / "l.db");
  Append(l, 0, 40);
  // Find an allowed or reviewed decision, and a denied one.
  std::optional<std::uint64_t> granted, denied;
  std::vector<std::string> items;
  for (std::uint64_t n = 0; n < 40; ++n) {
    const auto v = boost::json::parse(*l.Entry(n)).as_object();
    const auto& d = v.at("decision").as_object();
    if (d.at("effect").as_string() == "deny" && !denied) denied = n;
    if (d.at("effect").as_string() != "deny" && !d.at("granted").as_array().empty() && !granted) {
      granted = n;
      for (const auto& i : d.at("granted").as_array()) items.emplace_back(i.as_string());
    }
  }
  ASSERT_TRUE(granted && denied);
  auto refused = [&](const Resolution& r, absl::StatusCode code, const char* words) {
    const std::uint64_t size = *l.Size();
    absl::StatusOr<std::uint64_t> n = l.Resolve(r);
    EXPECT_EQ(n.status().code(), code) << n.status();
    EXPECT_NE(n.status().message().find(words), std::string::npos) << n.status().message();
    EXPECT_EQ(*l.Size(), size);
  };
  refused(Res(*denied, false, {}, "legal"), absl::StatusCode::kFailedPrecondition, "deny");
  refused(Res(*granted, true, {"message_content"}, "legal"), absl::StatusCode::kInvalidArgument,
          "was not granted");
  refused(Res(*granted, true, {}, "legal"), absl::StatusCode::kInvalidArgument, "names the items");
  refused(Res(*granted, true, {items[0]}, ""), absl::StatusCode::kInvalidArgument, "who");
  refused(Res(999, true, {items[0]}, "legal"), absl::StatusCode::kNotFound, "no entry 999");

  absl::StatusOr<std::uint64_t> res = l.Resolve(Res(*granted, true, {items[0]}, "legal team"));
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(*res, 40u);
  refused(Res(*granted, false, {}, "legal"), absl::StatusCode::kFailedPrecondition,
          "already resolved");
  EXPECT_EQ(*l.Size(), 41u);
  // A resolution is not a decision: resolving it is refused.
  refused(Res(*res, false, {}, "legal"), absl::StatusCode::kInvalidArgument, "not a decision");
  EXPECT_EQ(*l.Size(), 41u);
  // A correction replaces it, with a reason; of a decision, refused.
  Resolution fix = Res(0, false, {}, "legal team");
  EXPECT_FALSE(l.Correct(*res, fix).ok());  // no reason
  fix.reason = "the order was withdrawn before the data was sent";
  EXPECT_EQ(l.Correct(*granted, fix).status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<std::uint64_t> c = l.Correct(*res, fix);
  ASSERT_TRUE(c.ok()) << c.status();
  const auto v = boost::json::parse(*l.Entry(*c)).as_object();
  EXPECT_EQ(v.at("kind").as_string(), "correction");
  EXPECT_EQ(v.at("decision").to_number<std::uint64_t>(), *granted);
  absl::StatusOr<LedgerVerification> ok = l.Verify();
  EXPECT_TRUE(ok->ok) << ok->problem;
  EXPECT_EQ(ok->resolutions, 1u);
  EXPECT_EQ(ok->corrections, 1u);
}

TEST_F(LedgerTest, RefusesWhatIsNotALedgerAndLeavesItUntouched) {
  const fs::path text = dir_ / "notes.txt";
  WriteAll(text, "these are my notes, not a ledger\n");
  absl::StatusOr<Ledger> a = Ledger::Open(text.string());
  EXPECT_EQ(a.status().code(), absl::StatusCode::kFailedPrecondition) << a.status();
  EXPECT_NE(a.status().message().find("not a writ ledger"), std::string::npos);
  EXPECT_TRUE(ReadAll(text) == "these are my notes, not a ledger\n");

  const fs::path other = dir_ / "other.db";
  Sql(other, "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
  const std::string other_bytes = ReadAll(other);
  absl::StatusOr<Ledger> b = Ledger::Open(other.string());
  EXPECT_EQ(b.status().code(), absl::StatusCode::kFailedPrecondition) << b.status();
  EXPECT_TRUE(ReadAll(other) == other_bytes) << "the other database was changed";

  const fs::path newer = dir_ / "newer.db";
  {
    Ledger l = Open(newer);
    Append(l, 0, 3);
  }
  Sql(newer, "UPDATE meta SET value = '99' WHERE key = 'schema_version';");
  const std::string newer_bytes = ReadAll(newer);
  absl::StatusOr<Ledger> c = Ledger::Open(newer.string());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kFailedPrecondition) << c.status();
  EXPECT_NE(c.status().message().find("newer"), std::string::npos) << c.status();
  EXPECT_TRUE(ReadAll(newer) == newer_bytes) << "the newer ledger was changed";

  LedgerOptions no_create;
  no_create.create = false;
  EXPECT_EQ(Ledger::Open((dir_ / "absent.db").string(), no_create).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(dir_ / "absent.db"));
  EXPECT_EQ(Ledger::Open(dir_.string()).status().code(), absl::StatusCode::kFailedPrecondition);
}

// A ledger of 10,000 decisions, tampered with in every way LEDGER.md names;
// each copy is verified and must name the first bad entry.
TEST_F(LedgerTest, DetectsEveryKindOfTamperingAndNamesTheFirstBadEntry) {
  const fs::path original = dir_ / "ledger.db";
  constexpr std::uint64_t kSize = 10'000;
  absl::StatusOr<LedgerKey> key = LedgerKey::Generate("test.example/ledger");
  ASSERT_TRUE(key.ok());
  std::string checkpoint;
  std::vector<std::string> bodies(kSize);
  {
    Ledger l = Open(original);
    Append(l, 0, kSize, 1000);
    absl::StatusOr<std::string> cp = l.Checkpoint(key->signer);
    ASSERT_TRUE(cp.ok()) << cp.status();
    checkpoint = *cp;
    for (std::uint64_t n = 0; n < kSize; ++n) bodies[n] = *l.Entry(n);
  }  // closed: the WAL is folded into the file
  ASSERT_FALSE(fs::exists(original.string() + "-wal") &&
               fs::file_size(original.string() + "-wal") > 0);
  const VerifyOptions with_checkpoint{checkpoint, key->verifier};
  {
    LedgerVerification v = VerifyFile(original, with_checkpoint);
    ASSERT_TRUE(v.ok) << v.problem;
    EXPECT_EQ(v.size, kSize);
  }
  const std::string bytes = ReadAll(original);
  const fs::path copy = dir_ / "copy.db";
  std::mt19937_64 rng(12);

  // One byte of one entry, edited in the file itself (SQLite keeps no
  // checksums): 40 entries at random, and the first and the last.
  std::vector<std::uint64_t> targets = {0, kSize - 1};
  for (int i = 0; i < 40; ++i) targets.push_back(rng() % kSize);
  for (std::uint64_t n : targets) {
    const size_t at = bytes.find(bodies[n]);
    ASSERT_NE(at, std::string::npos) << "entry " << n << " not found whole in the file";
    ASSERT_EQ(bytes.find(bodies[n], at + 1), std::string::npos);
    std::string edited = bytes;
    const size_t offset = rng() % bodies[n].size();
    edited[at + offset] = static_cast<char>(edited[at + offset] ^ (1 + rng() % 255));
    WriteAll(copy, edited);
    LedgerVerification v = VerifyFile(copy, with_checkpoint);
    EXPECT_FALSE(v.ok) << "byte " << offset << " of entry " << n;
    ASSERT_TRUE(v.first_bad.has_value()) << v.problem;
    EXPECT_EQ(*v.first_bad, n) << v.problem;
    // Without a checkpoint too.
    EXPECT_EQ(VerifyFile(copy).first_bad.value_or(kSize + 1), n);
  }

  auto tampered = [&](const std::string& sql, std::uint64_t first_bad, const VerifyOptions& o) {
    WriteAll(copy, bytes);
    fs::remove(copy.string() + "-wal");
    Sql(copy, sql);
    LedgerVerification v = VerifyFile(copy, o);
    EXPECT_FALSE(v.ok) << sql;
    EXPECT_EQ(v.first_bad.value_or(kSize + 1), first_bad) << sql << ": " << v.problem;
  };
  // Deleted entries.
  tampered("DELETE FROM entries WHERE seq = 4321;", 4321, {});
  tampered("DELETE FROM entries WHERE seq = 0;", 0, {});
  // An entry inserted in the middle: the rest moved up by one.
  tampered(
      "CREATE TEMP TABLE m AS SELECT * FROM entries WHERE seq >= 777;"
      "DELETE FROM entries WHERE seq >= 777;"
      "INSERT INTO entries SELECT seq + 1, kind, refers, body, leaf_hash FROM m;"
      "INSERT INTO entries SELECT 777, kind, refers, body, leaf_hash FROM m WHERE seq = 9000;",
      777, {});
  // Two entries swapped (their rows' contents exchanged).
  tampered(
      "CREATE TEMP TABLE s AS SELECT * FROM entries WHERE seq IN (1500, 2500);"
      "UPDATE entries SET body = (SELECT body FROM s WHERE seq = 2500), leaf_hash = (SELECT "
      "leaf_hash FROM s WHERE seq = 2500) WHERE seq = 1500;"
      "UPDATE entries SET body = (SELECT body FROM s WHERE seq = 1500), leaf_hash = (SELECT "
      "leaf_hash FROM s WHERE seq = 1500) WHERE seq = 2500;",
      1500, {});
  // An edit by someone who also rewrote the entry's cached hash: caught by
  // the next entry's record of the root, and the edited entry is named.
  {
    std::string forged = bodies[5000];
    const size_t t = forged.find("\"time\":\"") + 8;
    forged.replace(t, 4, "2020");
    unsigned char md[32];
    const std::string leaf = std::string(1, '\0') + forged;
    SHA256(reinterpret_cast<const unsigned char*>(leaf.data()), leaf.size(), md);
    WriteAll(copy, bytes);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(copy.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "UPDATE entries SET body = ?1, leaf_hash = ?2 WHERE seq = 5000", -1, &st,
                       nullptr);
    sqlite3_bind_blob(st, 1, forged.data(), static_cast<int>(forged.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 2, md, 32, SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
    LedgerVerification v = VerifyFile(copy);
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.first_bad.value_or(kSize + 1), 5000u) << v.problem;
  }
  // Truncated below the checkpoint: the first missing entry is named.
  tampered("DELETE FROM entries WHERE seq >= 9990;", 9990, with_checkpoint);
  // A checkpoint signed by another key is rejected.
  {
    absl::StatusOr<LedgerKey> other = LedgerKey::Generate("test.example/ledger");
    LedgerVerification v = VerifyFile(original, {checkpoint, other->verifier});
    EXPECT_FALSE(v.ok);
    EXPECT_NE(v.problem.find("another key"), std::string::npos) << v.problem;
  }
}

// A writer killed (SIGKILL) at random points, 100 times: every time the
// ledger verifies, holds whole batches only (no partial entry, no gap), and
// every append that had returned is there.
TEST_F(LedgerTest, SurvivesAWriterKilledAtRandomPoints) {
  const fs::path path = dir_ / "crash.db";
  { Ledger l = Open(path); }
  constexpr size_t kBatch = 20;
  std::mt19937_64 rng(9);
  std::uint64_t expected_at_least = 0;
  for (int round = 0; round < 100; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      absl::StatusOr<Ledger> l = Ledger::Open(path.string());
      if (!l.ok()) _exit(3);
      for (size_t i = 0;; ++i) {
        Append(*l, i * kBatch, (i + 1) * kBatch, kBatch);
        const std::uint64_t size = *l->Size();
        if (write(fds[1], &size, sizeof size) != sizeof size) _exit(4);
      }
    }
    close(fds[1]);
    // Odd rounds kill at any point from the start (while opening, during
    // the first append); even ones once an append has returned, so that the
    // kills also land among later appends however slowly the writer starts
    // (under the sanitizers, on a loaded machine).
    std::uint64_t returned = 0, s = 0;
    if (round % 2 == 0 && read(fds[0], &s, sizeof s) == sizeof s) returned = s;
    usleep(static_cast<useconds_t>(rng() % 40'000));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    while (read(fds[0], &s, sizeof s) == sizeof s) returned = std::max(returned, s);
    close(fds[0]);
    ASSERT_TRUE(WIFSIGNALED(status)) << "round " << round << ": the writer exited by itself";
    LedgerVerification v = VerifyFile(path);
    ASSERT_TRUE(v.ok) << "round " << round << ": " << v.problem;
    EXPECT_EQ(v.size % kBatch, 0u) << "round " << round << ": a partial batch";
    EXPECT_GE(v.size, returned) << "round " << round << ": a returned append was lost";
    EXPECT_GE(v.size, expected_at_least);
    expected_at_least = v.size;
  }
  EXPECT_GT(expected_at_least, 0u);
}

// Two processes appending to one ledger at once: one gapless ledger that
// verifies, with every entry of both.
TEST_F(LedgerTest, TwoWritersMakeOneGaplessLedger) {
  const fs::path path = dir_ / "two.db";
  { Ledger l = Open(path); }
  constexpr size_t kBatches = 25, kBatch = 20;
  pid_t children[2];
  for (int c = 0; c < 2; ++c) {
    children[c] = fork();
    ASSERT_GE(children[c], 0);
    if (children[c] == 0) {
      absl::StatusOr<Ledger> l = Ledger::Open(path.string());
      if (!l.ok()) _exit(3);
      // Each writer's requests have ids of its own range.
      const size_t base = c == 0 ? 0 : 100'000;
      for (size_t i = 0; i < kBatches; ++i) {
        Append(*l, base + i * kBatch, base + (i + 1) * kBatch, kBatch);
        if (::testing::Test::HasFailure()) _exit(5);
      }
      _exit(0);
    }
  }
  for (pid_t child : children) {
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  LedgerVerification v = VerifyFile(path);
  ASSERT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.size, 2 * kBatches * kBatch);
  Ledger l = Open(path, true);
  std::set<std::string> ids;
  for (std::uint64_t n = 0; n < v.size; ++n) {
    ids.insert(std::string(boost::json::parse(*l.Entry(n)).at("request").at("id").as_string()));
  }
  EXPECT_EQ(ids.size(), 2 * kBatches * kBatch);
}

TEST_F(LedgerTest, ProofsOfEveryEntryCheck) {
  Ledger l = Open(dir_ / "p.db");
  Append(l, 0, 37, 10);
  for (std::uint64_t size : {1, 2, 17, 36, 37}) {
    for (std::uint64_t i = 0; i < size; ++i) {
      absl::StatusOr<InclusionProof> p = l.Prove(i, size);
      ASSERT_TRUE(p.ok()) << p.status();
      EXPECT_TRUE(p->Check(*l.Entry(i)));
      EXPECT_FALSE(p->Check(*l.Entry((i + 1) % 37)));
      absl::StatusOr<InclusionProof> back = InclusionProof::FromJson(p->ToJson());
      ASSERT_TRUE(back.ok());
      EXPECT_TRUE(back->Check());
    }
  }
  EXPECT_FALSE(l.Prove(37).ok());
  EXPECT_FALSE(l.Prove(3, 40).ok());
}

}  // namespace
}  // namespace writ

namespace writ {
namespace {

// A report read by several threads, each a range of entries, equals the one
// read by one thread: resolutions and corrections that fall in another
// range than their decision count, and the later correction wins.
TEST_F(LedgerTest, AReportReadInRangesEqualsOneReadWhole) {
  Ledger l = Open(dir_ / "r.db");
  Append(l, 0, 3000, 250);
  std::mt19937_64 rng(4);
  std::vector<std::uint64_t> resolutions;
  for (std::uint64_t n = 0; n < 3000 && resolutions.size() < 300; n += 1 + rng() % 9) {
    const auto v = boost::json::parse(*l.Entry(n)).as_object();
    const auto& d = v.at("decision").as_object();
    if (d.at("effect").as_string() == "deny" || d.at("granted").as_array().empty()) continue;
    Resolution r;
    r.decision = n;
    r.by = "legal";
    r.disclosed = rng() % 3 != 0;
    if (r.disclosed) r.items = {std::string(d.at("granted").as_array()[0].as_string())};
    absl::StatusOr<std::uint64_t> res = l.Resolve(r);
    ASSERT_TRUE(res.ok()) << res.status();
    resolutions.push_back(*res);
  }
  Append(l, 3000, 3500, 250);
  for (size_t i = 0; i < resolutions.size(); i += 7) {
    Resolution fix;
    fix.by = "dpo";
    fix.reason = "withdrawn";
    ASSERT_TRUE(l.Correct(resolutions[i], fix).ok());
  }
  for (const char* period : {"month", "quarter"}) {
    ReportOptions o;
    o.period = period;
    o.by = {"requester.country"};
    o.split = "instrument.type";
    o.threads = 1;
    absl::StatusOr<TransparencyReport> one = MakeReport(l, o);
    ASSERT_TRUE(one.ok()) << one.status();
    EXPECT_GT(one->rows.size(), 3u);
    for (unsigned threads : {2u, 3u, 7u}) {
      o.threads = threads;
      absl::StatusOr<TransparencyReport> many = MakeReport(l, o);
      ASSERT_TRUE(many.ok()) << many.status();
      EXPECT_EQ(many->ToJson(), one->ToJson()) << threads << " threads, by " << period;
    }
  }
}

}  // namespace
}  // namespace writ
