// The compiled evaluator against the reference evaluator (a direct statement
// of LANGUAGE.md §6) on generated requests, missing attributes and input
// problems included, over every policy of the corpus and both mixes.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <random>

#include "testing/helpers.hpp"
#include "writ/detail/reference_evaluator.hpp"

namespace writ {
namespace {

// A request for `p`'s schema: each attribute missing with `p_missing`, given
// a wrong value (an input problem) with `p_problem`, else a random valid one.
std::string Generate(const Policy& p, std::mt19937_64& rng, double p_missing, double p_problem) {
  std::uniform_real_distribution<double> u(0, 1);
  boost::json::object root;
  static const char* kStrings[] = {"US", "DE", "FR", "IN", "Q0001", "Q0002", "", "AT", "BR"};
  for (size_t i = 0; i < p.attribute_count(); ++i) {
    const std::string& path = p.attribute_path(i);
    auto h = *p.Attribute(path);
    double x = u(rng);
    if (x < p_missing) continue;
    boost::json::value v;
    if (x < p_missing + p_problem) {
      switch (rng() % 3) {
        case 0:
          v = 42;
          break;
        case 1:
          v = "no-such-value";
          break;
        default:
          v = boost::json::array{true};
          break;
      }
    } else {
      const auto& members = p.enum_members(h);
      switch (h.type) {
        case AttributeType::kBool:
          v = bool(rng() & 1);
          break;
        case AttributeType::kInt:
          v = int64_t(rng() % 8);
          break;
        case AttributeType::kString:
          v = kStrings[rng() % std::size(kStrings)];
          break;
        case AttributeType::kDate: {
          char buf[16];
          snprintf(buf, sizeof buf, "2024-%02d-%02d", int(rng() % 12) + 1, int(rng() % 28) + 1);
          v = buf;
          break;
        }
        case AttributeType::kEnum:
          v = members[rng() % members.size()];
          break;
        case AttributeType::kEnumSet: {
          boost::json::array a;
          for (const auto& m : members)
            if (rng() % 3 == 0) a.emplace_back(m);
          v = std::move(a);
          break;
        }
        case AttributeType::kStringSet: {
          boost::json::array a;
          for (const char* s : kStrings)
            if (rng() % 4 == 0) a.emplace_back(s);
          v = std::move(a);
          break;
        }
      }
    }
    // Nest by the dotted path.
    boost::json::object* obj = &root;
    size_t start = 0;
    for (size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1) {
      auto& child = (*obj)[path.substr(start, dot - start)];
      if (!child.is_object()) child = boost::json::object();
      obj = &child.as_object();
    }
    (*obj)[path.substr(start)] = std::move(v);
  }
  return boost::json::serialize(root);
}

struct Mix {
  const char* name;
  double missing, problem;
};

TEST(DifferentialTest, CompiledAndReferenceEvaluatorsAgree) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(WRIT_POLICY_DIR)) {
    if (e.path().extension() == ".writ" && e.path().filename() != "disclosure-schema.writ")
      files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 3u);
  const Mix mixes[] = {{"complete", 0.02, 0.01}, {"missing-heavy", 0.35, 0.05}};
  const int kPerMix = 10000;
  size_t compared = 0, first_match_policies = 0, open_decisions = 0;
  for (const auto& f : files) {
    auto loaded = Policy::Load(f);
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    const Policy& p = **loaded;
    first_match_policies += p.data().model.first_match;
    detail::ReferenceEvaluator ref(p.data());
    std::mt19937_64 rng(std::hash<std::string>{}(p.name()));
    Request req = p.NewRequest();
    for (const Mix& mix : mixes) {
      for (int i = 0; i < kPerMix; ++i) {
        std::string json = Generate(p, rng, mix.missing, mix.problem);
        ASSERT_TRUE(p.ParseRequest(json, req).ok());
        Decision fast = p.Decide(req);
        Decision slow = ref.Decide(p, req);
        ++compared;
        open_decisions += fast.open();
        ASSERT_EQ(fast.effect(), slow.effect()) << p.name() << " " << mix.name << "\n" << json;
        ASSERT_EQ(fast.open(), slow.open()) << json;
        ASSERT_EQ(fast.deciding_rules(), slow.deciding_rules()) << p.name() << "\n" << json;
        ASSERT_EQ(fast.granted_mask(), slow.granted_mask()) << json;
        ASSERT_EQ(fast.withheld_mask(), slow.withheld_mask()) << json;
        ASSERT_EQ(fast.missing(), slow.missing()) << p.name() << "\n" << json;
        ASSERT_EQ(fast.problems().size(), slow.problems().size());
      }
    }
  }
  EXPECT_GE(compared, 100000u);
  EXPECT_GE(first_match_policies, 1u);
  EXPECT_GT(open_decisions, 0u);  // the mix does exercise the fail-safe rule
}

}  // namespace
}  // namespace writ
