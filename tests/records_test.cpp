// How `writ eval` splits its input into records: the same records however
// the input arrives (a byte at a time or in large reads), a long record is
// an error for it alone, and memory follows the longest record, not the
// input.
#include "cli/records.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace writ::cli {
namespace {

struct Seen {
  std::string text, where, error, id;
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Seen& s) {
  return os << s.where << " [" << s.id << "] " << (s.error.empty() ? s.text : "ERROR " + s.error);
}

// Every record of `input`, read `chunk` bytes at a time.
std::vector<Seen> ReadAll(const std::string& input, size_t chunk, size_t max = 1 << 20,
                          size_t* peak = nullptr) {
  char path[] = "/tmp/writ-records-XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, input.data(), input.size()), static_cast<ssize_t>(input.size()));
  lseek(fd, 0, SEEK_SET);
  RecordReader reader("in", fd, max, chunk);
  std::vector<Seen> out;
  Record r;
  while (reader.Next(r)) out.push_back({std::string(r.text), r.where, r.error, r.id});
  if (peak) *peak = reader.peak_buffer_bytes();
  close(fd);
  unlink(path);
  return out;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Inputs() {
  std::vector<std::string> inputs = {
      "",
      "   \n\n",
      R"({"id": "a"})",
      "{\"id\": \"a\"}\n{\"id\": \"b\"}\n",
      "{\"id\": \"a\"}{\"id\": \"b\"}",
      "[{\"id\": \"a\"}, {\"id\": \"b\"}]",
      "[\n  {\"id\": \"a\"},\n  {\"id\": \"b\", \"x\": }\n,\n  {\"id\": \"c\"}\n]\n",
      "[{\"id\": \"a\"},",
      "{\"id\": \"a\"\n{\"id\": \"b\"}\n",
      "{\"a\": 1,\n \"b\": \n}\nnot json\n  {\"id\": \"c\"}\n",
      "12",
      "12 13\n",
      "{\"id\": \"\\u00e9t\\u00e9\", \"x\": [1, 2, {\"id\": \"inner\"}]}\n",
      "\xff\n{\"id\": \"after\"}\n",
  };
  for (const char* f : {"array_bad_element.json", "batch.jsonl", "pretty.json", "problems.json",
                        "request.json", "undeclared.json", "other_schema.json"}) {
    inputs.push_back(Slurp(std::string(WRIT_TEST_DATA) + "/cli/testdata/" + f));
  }
  return inputs;
}

TEST(RecordReader, TheSameRecordsWhateverTheReadSize) {
  for (const std::string& input : Inputs()) {
    const std::vector<Seen> whole = ReadAll(input, 1 << 16);
    for (size_t chunk : {1, 2, 3, 7, 64}) {
      EXPECT_EQ(ReadAll(input, chunk), whole) << "chunk " << chunk << " of:\n" << input;
    }
  }
}

TEST(RecordReader, SplitsJsonLinesArraysAndPrettyObjects) {
  const auto lines = ReadAll("{\"id\": \"a\"}\n\n{\"id\": \"b\"}\n", 3);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].where, "in:1");
  EXPECT_EQ(lines[1].where, "in:3");
  EXPECT_EQ(lines[1].id, "b");
  EXPECT_EQ(lines[1].text, "{\"id\": \"b\"}");

  const auto array =
      ReadAll("[\n  {\"id\": \"a\"},\n  {\"id\": \"b\", \"x\": }\n,\n  {\"id\": \"c\"}\n]", 5);
  ASSERT_EQ(array.size(), 3u);
  EXPECT_EQ(array[0].where, "in[0]");
  EXPECT_TRUE(array[0].error.empty());
  EXPECT_EQ(array[1].where, "in[1]");
  EXPECT_NE(array[1].error.find("malformed JSON"), std::string::npos);
  EXPECT_EQ(array[2].id, "c");
  EXPECT_TRUE(array[2].error.empty());

  const auto open = ReadAll("[{\"id\": \"a\"},", 1);
  ASSERT_EQ(open.size(), 2u);
  EXPECT_NE(open[1].error.find("no ']'"), std::string::npos);
}

TEST(RecordReader, AnIdSplitAcrossReadsIsWhole) {
  const std::string id(5000, 'q');
  const auto r = ReadAll("{\"x\": 1, \"id\": \"" + id + "\"}\n", 1);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].id, id);
}

TEST(RecordReader, ALongRecordIsAnErrorForItAlone) {
  const std::string input = "{\"id\": \"a\"}\n{\"id\": \"b\", \"x\": \"" + std::string(10000, 'z') +
                            "\"}\n{\"id\": \"c\"}\n";
  const auto r = ReadAll(input, 64, 1000);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_TRUE(r[0].error.empty());
  EXPECT_EQ(r[1].where, "in:2");
  EXPECT_NE(r[1].error.find("over 1000 bytes"), std::string::npos) << r[1].error;
  EXPECT_EQ(r[2].id, "c");
  EXPECT_EQ(r[2].where, "in:3");
}

TEST(RecordReader, MemoryFollowsTheLongestRecordNotTheInput) {
  std::string input;
  for (int i = 0; i < 20000; ++i)
    input += "{\"id\": \"r" + std::to_string(i) + "\", \"pad\": \"............\"}\n";
  size_t peak = 0;
  const auto r = ReadAll(input, 4096, 1 << 20, &peak);
  EXPECT_EQ(r.size(), 20000u);
  EXPECT_GT(input.size(), 50 * peak);
  // A garbage line far longer than a record is skipped in bounded memory.
  const std::string garbage = "x" + std::string(1 << 20, 'y') + "\n{\"id\": \"after\"}\n";
  const auto g = ReadAll(garbage, 4096, 10000, &peak);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[1].id, "after");
  EXPECT_LT(peak, 100000u);
}

}  // namespace
}  // namespace writ::cli
