// Golden files for everything an author sees: tests/golden/check/<case>.writ
// is checked and its rendered diagnostics must equal <case>.expect.
// Regenerate with WRIT_UPDATE_GOLDEN=1 and review the diff.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "testing/helpers.hpp"

namespace writ {
namespace {

namespace fs = std::filesystem;

LoadOptions RootedAt(const fs::path& dir) {
  LoadOptions o;
  o.reader = [dir](const std::string& path) -> absl::StatusOr<std::string> {
    std::ifstream in(dir / path, std::ios::binary);
    if (!in) return absl::NotFoundError("no such file");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  };
  return o;
}

TEST(GoldenTest, CheckDiagnostics) {
  fs::path dir = fs::path(WRIT_TEST_DATA) / "testdata" / "check";
  bool update = std::getenv("WRIT_UPDATE_GOLDEN") != nullptr;
  int cases = 0;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".writ") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    ++cases;
    std::string name = f.filename().string();
    auto result = Policy::Check(name, RootedAt(dir));
    ASSERT_TRUE(result.ok()) << name << ": " << result.status().message();
    EXPECT_FALSE(result->ok()) << name << " was expected to be rejected";
    std::string got = result->Format();
    fs::path expect = f;
    expect.replace_extension(".expect");
    if (update) {
      std::ofstream(expect, std::ios::binary) << got;
      continue;
    }
    std::string want = testing::ReadFileOrDie(expect.string());
    EXPECT_EQ(got, want) << "golden mismatch for " << name;
  }
  EXPECT_GE(cases, 50);
}

}  // namespace
}  // namespace writ
