// Hot reload: readers evaluate while another thread reloads valid and invalid
// policies; a failed reload keeps the current policy; no reader ever sees a
// decision from an invalid policy. Run under ThreadSanitizer in CI.
#include "writ/policy_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "testing/helpers.hpp"

namespace writ {
namespace {

const char* kValidA = R"(policy version_a { default deny "a" }
enum K { x, y }
attr k : K
rule r { when k == x then allow "a allows x" })";
const char* kValidB = R"(policy version_b { default deny "b" }
enum K { x, y }
attr k : K
rule r { when k == y then allow "b allows y" })";
const char* kInvalid = R"(policy version_bad { default allow "bad" }
enum K { x, y }
attr k : K
rule r { when k == z then deny "never" })";

TEST(PolicyStoreTest, FailedReloadKeepsTheCurrentPolicy) {
  auto text = std::make_shared<std::string>(kValidA);
  LoadOptions o;
  o.reader = [text](const std::string&) -> absl::StatusOr<std::string> { return *text; };
  PolicyStore store("p.writ", o);
  EXPECT_EQ(store.Current(), nullptr);
  ASSERT_TRUE(store.Reload().ok());
  EXPECT_EQ(store.Current()->name(), "version_a");
  *text = kInvalid;
  absl::Status s = store.Reload();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("'z' is not a member of enum 'K'"), std::string::npos) << s.message();
  EXPECT_EQ(store.Current()->name(), "version_a");
  EXPECT_EQ(store.generation(), 1u);
}

TEST(PolicyStoreTest, ReadersNeverBlockNorSeeAnInvalidPolicyDuringReloads) {
  // The reader function is only called by the reloading thread.
  auto turn = std::make_shared<int>(0);
  LoadOptions o;
  o.reader = [turn](const std::string&) -> absl::StatusOr<std::string> {
    int t = (*turn)++ % 3;
    return std::string(t == 0 ? kValidA : t == 1 ? kInvalid : kValidB);
  };
  PolicyStore store("p.writ", o);
  ASSERT_TRUE(store.Reload().ok());
  std::atomic<bool> stop{false};
  std::atomic<long> decisions{0}, bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
        std::shared_ptr<const Policy> p = store.Current();
        Request r = p->NewRequest();
        uint32_t member = decisions.load() & 1;  // x or y
        r.SetEnum(*p->Attribute("k"), member);
        Decision d = p->Decide(r);
        const std::string& name = d.policy()->name();
        // The decision must be the one a valid policy gives: version_a
        // allows x, version_b allows y; the invalid one would allow both.
        bool allows = (name == "version_a" && member == 0) || (name == "version_b" && member == 1);
        if ((name != "version_a" && name != "version_b") ||
            d.effect() != (allows ? Effect::kAllow : Effect::kDeny))
          ++bad;
        ++decisions;
      }
    });
  }
  int ok = 0, failed = 0;
  for (int i = 0; i < 3000; ++i) (store.Reload().ok() ? ok : failed)++;
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(ok, 2000);
  EXPECT_EQ(failed, 1000);
  EXPECT_GT(decisions.load(), 0);
  EXPECT_EQ(store.generation(), 2001u);
}

// The same with a history: each reload swaps in a whole history (its
// versions with it) or, when the history does not check, keeps the last.
TEST(PolicyStoreTest, HistoriesSwapAtomicallyAndABrokenOneNeverServes) {
  const std::map<std::string, std::string> versions = {
      {"a.writ", kValidA}, {"b.writ", kValidB}, {"bad.writ", kInvalid}};
  const std::string histories[3] = {"history h { date day version \"a.writ\" from 2020-01-01 }",
                                    "history h { date day version \"bad.writ\" from 2020-01-01 }",
                                    "history h { date day version \"b.writ\" from 2020-01-01 }"};
  auto phase = std::make_shared<int>(0);
  LoadOptions o;
  // Called only by the reloading thread.
  o.reader = [&, phase](const std::string& path) -> absl::StatusOr<std::string> {
    if (path == "h.writ") return histories[*phase % 3];
    auto it = versions.find(path);
    if (it == versions.end()) return absl::NotFoundError(path);
    // Every version declares the history's date attribute.
    return it->second + std::string("\nattr day : date\n");
  };
  PolicyStore store("h.writ", o);
  ASSERT_TRUE(store.Reload().ok());
  EXPECT_EQ(store.Current(), nullptr);
  std::atomic<bool> stop{false};
  std::atomic<long> decisions{0}, bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
        std::shared_ptr<const PolicyHistory> h = store.CurrentHistory();
        const uint32_t member = decisions.load() & 1;
        auto r = h->ParseRequest(member ? R"({"k":"y","day":"2021-01-01"})"
                                        : R"({"k":"x","day":"2021-01-01"})");
        if (!r.ok()) {
          ++bad;
          continue;
        }
        Decision d = h->Decide(*r);
        const std::string& name = d.policy()->name();
        bool allows = (name == "version_a" && member == 0) || (name == "version_b" && member == 1);
        if ((name != "version_a" && name != "version_b") || d.history() != h.get() ||
            d.version_index() != 0 || d.effect() != (allows ? Effect::kAllow : Effect::kDeny))
          ++bad;
        ++decisions;
      }
    });
  }
  int ok = 0, failed = 0;
  for (int i = 1; i <= 600; ++i) {
    *phase = i;
    (store.Reload().ok() ? ok : failed)++;
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(ok, 400);
  EXPECT_EQ(failed, 200);
  EXPECT_GT(decisions.load(), 0);
  EXPECT_EQ(store.generation(), 401u);
}

}  // namespace
}  // namespace writ

namespace writ {
namespace {

// On the real file system: a writer publishes versions by renaming complete
// files over the policy while reloads run; every reload serves a complete
// version. (A policy of several files is published atomically by switching
// a symbolic link to a directory: docs/robustness.md.)
TEST(PolicyStoreTest, ReloadsFromTheFileSystemServeOnlyCompleteVersions) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("writ-store-" + std::to_string(getpid()));
  fs::create_directories(dir);
  auto write = [&](const fs::path& path, const std::string& text) {
    const fs::path tmp = path.string() + ".tmp";
    std::ofstream(tmp, std::ios::binary | std::ios::trunc) << text;
    fs::rename(tmp, path);
  };
  // The two versions differ in every part a torn read would break.
  auto root = [](const char* name, const char* member, int padding) {
    return absl::StrCat("import \"schema.writ\"\npolicy ", name, " { default deny \"d\" }\n",
                        "rule r { when k == ", member, " then allow \"ok\" }\n",
                        std::string(padding, '\n'), "// end of ", name, "\n");
  };
  write(dir / "schema.writ", "enum K { x, y }\nattr k : K\n");
  write(dir / "p.writ", root("version_a", "x", 0));
  PolicyStore store((dir / "p.writ").string());
  ASSERT_TRUE(store.Reload().ok());
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      write(dir / "p.writ", i % 2 ? root("version_b", "y", 4000) : root("version_a", "x", 0));
      std::this_thread::sleep_for(std::chrono::microseconds(300));
    }
  });
  int served = 0, failures = 0;
  for (int i = 0; i < 300; ++i) {
    absl::Status s = store.Reload();
    if (!s.ok()) {
      ++failures;
      EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
      continue;
    }
    ++served;
    auto p = store.Current();
    Request r = p->NewRequest();
    EXPECT_TRUE(r.SetEnum("k", p->name() == "version_a" ? "x" : "y").ok());
    EXPECT_EQ(p->Decide(r).effect(), Effect::kAllow) << p->name();
  }
  stop = true;
  writer.join();
  // A reload may find the file changing three times in a row (Unavailable:
  // how often depends on the machine's speed); what matters is that every
  // policy served was a complete version (checked above).
  EXPECT_GT(served, 0) << failures << " reloads found the file changing";
  fs::remove_all(dir);
}

// Errors from the file system during a reload (a read error, a file renamed
// away) fail that reload; the current policy keeps serving, and the next
// good reload takes the new version.
TEST(PolicyStoreTest, ReadErrorsAndRenamesFailTheReloadNotTheService) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("writ-store-io-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "schema.writ") << "enum K { x, y }\nattr k : K\n";
  std::ofstream(dir / "p.writ")
      << "import \"schema.writ\"\npolicy version_a { default deny \"d\" }\n"
         "rule r { when k == x then allow \"ok\" }\n";
  PolicyStore store((dir / "p.writ").string());
  ASSERT_TRUE(store.Reload().ok());
  auto serves_a = [&] {
    auto p = store.Current();
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->name(), "version_a");
    Request r = p->NewRequest();
    ASSERT_TRUE(r.SetEnum("k", "x").ok());
    EXPECT_EQ(p->Decide(r).effect(), Effect::kAllow);
  };

  // EIO: the import now reads /proc/self/mem, whose first page is unmapped.
  fs::rename(dir / "schema.writ", dir / "schema.writ.bak");
  fs::create_symlink("/proc/self/mem", dir / "schema.writ");
  absl::Status s = store.Reload();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("read error"), std::string::npos) << s;
  serves_a();

  // The import renamed away, then the root.
  fs::remove(dir / "schema.writ");
  s = store.Reload();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("schema.writ"), std::string::npos) << s;
  serves_a();
  fs::rename(dir / "schema.writ.bak", dir / "schema.writ");
  fs::rename(dir / "p.writ", dir / "p.writ.moved");
  s = store.Reload();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound) << s;
  serves_a();
  EXPECT_EQ(store.generation(), 1u);

  // A new version renamed into place is taken by the next reload.
  std::ofstream(dir / "p.writ.new")
      << "import \"schema.writ\"\npolicy version_b { default deny \"d\" }\n"
         "rule r { when k == y then allow \"ok\" }\n";
  fs::rename(dir / "p.writ.new", dir / "p.writ");
  ASSERT_TRUE(store.Reload().ok());
  EXPECT_EQ(store.Current()->name(), "version_b");
  EXPECT_EQ(store.generation(), 2u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace writ
