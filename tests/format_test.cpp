// `Format`: canonical, idempotent, comment-keeping, and meaning-preserving
// (the formatted policies decide the benchmark workload's requests exactly as
// the originals).
#include "writ/format.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "testing/helpers.hpp"

namespace writ {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> Files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".writ") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(FormatTest, PoliciesAreAlreadyCanonical) {
  for (const auto& f : Files(WRIT_POLICY_DIR)) {
    std::string text = testing::ReadFileOrDie(f.string());
    auto out = Format(f.string(), text);
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ(*out, text) << f;
  }
}

TEST(FormatTest, OddLayoutsFormatIdempotentlyAndKeepComments) {
  fs::path dir = fs::path(WRIT_TEST_DATA) / "testdata" / "fmt";
  bool update = std::getenv("WRIT_UPDATE_GOLDEN") != nullptr;
  int n = 0;
  for (const auto& f : Files(dir)) {
    ++n;
    std::string text = testing::ReadFileOrDie(f.string());
    auto once = Format(f.filename().string(), text);
    ASSERT_TRUE(once.ok()) << once.status().message();
    auto twice = Format(f.filename().string(), *once);
    ASSERT_TRUE(twice.ok()) << twice.status().message();
    EXPECT_EQ(*once, *twice) << "not idempotent: " << f;
    // Every comment survives.
    for (size_t pos = 0; (pos = text.find("//", pos)) != std::string::npos;) {
      size_t end = text.find('\n', pos);
      std::string comment = text.substr(pos, end - pos);
      while (!comment.empty() && comment.back() == ' ') comment.pop_back();
      EXPECT_NE(once->find(comment), std::string::npos) << comment << " lost from " << f;
      pos = end == std::string::npos ? text.size() : end;
    }
    fs::path expect = f;
    expect.replace_extension(".expect");
    if (update) {
      std::ofstream(expect, std::ios::binary) << *once;
    } else {
      EXPECT_EQ(*once, testing::ReadFileOrDie(expect.string())) << f;
    }
  }
  EXPECT_GE(n, 3);
}

TEST(FormatTest, FormattedPolicyDecidesTheBenchmarkWorkloadIdentically) {
  fs::path tmp = fs::temp_directory_path() / ("writ-fmt-" + std::to_string(getpid()));
  fs::create_directories(tmp);
  // The base benchmark workload, from the project's own generator.
  const fs::path requests = tmp / "requests.jsonl";
  const std::string cmd = "python3 " + std::string(WRIT_WORKLOADS_SCRIPT) +
                          " requests --count 100000 " + requests.string();
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const std::string jsonl = testing::ReadFileOrDie(requests.string());
  ASSERT_FALSE(jsonl.empty());
  // The request files that tests name (`given file`) come along.
  fs::copy(fs::path(WRIT_POLICY_DIR) / "requests", tmp / "requests", fs::copy_options::recursive);
  for (const auto& f : Files(WRIT_POLICY_DIR)) {
    // A deliberately ugly copy: everything on few lines, then formatted back.
    std::string text = testing::ReadFileOrDie(f.string());
    auto formatted = Format(f.filename().string(), text);
    ASSERT_TRUE(formatted.ok());
    std::ofstream(tmp / f.filename()) << *formatted;
  }
  for (const auto& path : testing::CorpusPolicyPaths()) {
    const fs::path f(path);
    auto a = Policy::Load(f.string());
    auto b = Policy::Load((tmp / f.filename()).string());
    ASSERT_TRUE(a.ok()) << a.status().message();
    ASSERT_TRUE(b.ok()) << b.status().message();
    EXPECT_EQ(MeaningSha256(**a), MeaningSha256(**b)) << f;
    Request ra = (*a)->NewRequest(), rb = (*b)->NewRequest();
    size_t pos = 0, lines = 0;
    while (pos < jsonl.size()) {
      size_t nl = jsonl.find('\n', pos);
      std::string_view line(jsonl.data() + pos, nl - pos);
      pos = nl + 1;
      ASSERT_TRUE((*a)->ParseRequest(line, ra).ok());
      ASSERT_TRUE((*b)->ParseRequest(line, rb).ok());
      Decision da = (*a)->Decide(ra), db = (*b)->Decide(rb);
      ASSERT_EQ(da.effect(), db.effect());
      ASSERT_EQ(da.deciding_rules(), db.deciding_rules());
      ASSERT_EQ(da.granted_mask(), db.granted_mask());
      ++lines;
    }
    EXPECT_EQ(lines, 100000u);
  }
  fs::remove_all(tmp);
}

TEST(FormatTest, MeaningHashIgnoresCommentsAndLayoutButNotRules) {
  auto a = testing::LoadOrDie("policy p {}\nattr x : bool\nrule r { when x then allow \"m\" }");
  auto b = testing::LoadOrDie(
      "// a comment\npolicy   p { }\nattr x:bool\n\n\nrule r {\n  when x\n  then allow \"m\" // "
      "why\n}");
  auto c = testing::LoadOrDie("policy p {}\nattr x : bool\nrule r { when not x then allow \"m\" }");
  EXPECT_EQ(MeaningSha256(*a), MeaningSha256(*b));
  EXPECT_NE(MeaningSha256(*a), MeaningSha256(*c));
}

TEST(FormatTest, SyntaxErrorIsReportedNotFormatted) {
  auto out = Format("bad.writ", "rule r { when }");
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("bad.writ:1:15: error"), std::string::npos)
      << out.status().message();
}

}  // namespace
}  // namespace writ
