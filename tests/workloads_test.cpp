// The benchmark workloads (bench/workloads.py), generated at build time: the compiled evaluator's
// allow / review / deny counts equal the expected checksums, and its decisions equal the reference
// evaluator's (every request for the smaller policies, a sample of the larger).
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <string>

#include "api/policy_data.hpp"
#include "runtime/reference_evaluator.hpp"
#include "writ/writ.hpp"

namespace writ {
namespace {

struct Workload {
  const char* name;
  std::array<long, 3> expected;  // allow, review, deny
  size_t reference_sample;       // requests also decided by the reference
};

void Check(const Workload& w) {
  const std::string data = WRIT_BENCH_DATA;
  const std::string policy_file = w.name == std::string("base")
                                      ? std::string(WRIT_POLICY_DIR) + "/telegram-2024.writ"
                                      : data + "/" + w.name + ".writ";
  auto loaded = Policy::Load(policy_file);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const Policy& p = **loaded;
  detail::ReferenceEvaluator ref(detail::PolicyAccess::Data(p).model);
  std::ifstream in(data + "/" + w.name + ".jsonl");
  ASSERT_TRUE(in) << w.name;
  std::array<long, 3> counts{};
  Request r = p.NewRequest();
  Decision d;
  size_t n = 0;
  for (std::string line; std::getline(in, line); ++n) {
    ASSERT_TRUE(p.ParseRequest(line, r).ok()) << line;
    p.Decide(r, d);
    ++counts[static_cast<int>(d.effect())];
    if (n < w.reference_sample) {
      Decision slow = ref.Decide(p, r);
      ASSERT_EQ(d.effect(), slow.effect()) << w.name << ": " << line;
      ASSERT_EQ(d.deciding_rules(), slow.deciding_rules()) << w.name << ": " << line;
      ASSERT_EQ(d.granted_mask(), slow.granted_mask()) << w.name << ": " << line;
      ASSERT_EQ(d.missing(), slow.missing()) << w.name << ": " << line;
    }
  }
  EXPECT_EQ(n, 100000u);
  EXPECT_EQ(counts, w.expected) << w.name;
}

TEST(WorkloadsTest, Base) { Check({"base", {0, 21272, 78728}, 100000}); }
TEST(WorkloadsTest, Scale10) { Check({"scale_10", {403, 21306, 78291}, 100000}); }
TEST(WorkloadsTest, Scale100) { Check({"scale_100", {372, 21435, 78193}, 100000}); }
TEST(WorkloadsTest, Scale1000) { Check({"scale_1000", {332, 21534, 78134}, 20000}); }
TEST(WorkloadsTest, Scale10000) { Check({"scale_10000", {352, 21536, 78112}, 2000}); }

}  // namespace
}  // namespace writ
