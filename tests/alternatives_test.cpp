// Policy::Alternatives: every alternative, applied to the request, gives the
// effect and rules it claims (the example requests and the base workload's
// first 10,000 under Telegram 2024); and no smaller change exists, checked
// by brute force over every request of random small policies' spaces.
#include "writ/alternatives.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "api/policy_data.hpp"
#include "request/request_access.hpp"
#include "testing/helpers.hpp"
#include "testing/small_policies.hpp"

namespace writ {
namespace {

// Checks every alternative of `json` under `p`: decided again, it gives
// what it claims, and it changes exactly the attributes it lists.
void CheckAlternatives(const Policy& p, const std::string& json, const std::string& context,
                       size_t& checked) {
  absl::StatusOr<Request> r = p.ParseRequest(json);
  ASSERT_TRUE(r.ok()) << context;
  absl::StatusOr<Alternatives> alt = p.Alternatives(*r);
  ASSERT_TRUE(alt.ok()) << context << ": " << alt.status().message();
  const Decision d = p.Decide(*r);
  EXPECT_EQ(alt->effect, d.effect()) << context;
  for (const Alternative& a : alt->alternatives) {
    ++checked;
    EXPECT_TRUE(a.effect != d.effect() || d.open()) << context;
    absl::StatusOr<Request> changed = p.ParseRequest(a.request_json);
    ASSERT_TRUE(changed.ok()) << context;
    const Decision got = p.Decide(*changed);
    EXPECT_EQ(got.effect(), a.effect) << context << " -> " << a.request_json;
    EXPECT_FALSE(got.open()) << context << " -> " << a.request_json;
    EXPECT_EQ(got.deciding_rules(), a.rules) << context;
    // The listed attributes, and only they, differ from the request.
    const detail::Schema& schema = detail::PolicyAccess::Data(p).model.schema;
    size_t differ = 0;
    for (uint32_t k = 0; k < p.attribute_count(); ++k) {
      const bool listed =
          std::any_of(a.changes.begin(), a.changes.end(),
                      [&](const AttributeChange& c) { return c.attribute == p.attribute_path(k); });
      bool same = r->present(k) == changed->present(k);
      if (same && r->present(k)) {
        const detail::Value x = detail::RequestAccess::Get(*r, schema, k);
        const detail::Value y = detail::RequestAccess::Get(*changed, schema, k);
        same = x.b == y.b && x.i == y.i && x.mask == y.mask && x.s == y.s && x.strs == y.strs;
      }
      if (!same) {
        ++differ;
        EXPECT_TRUE(listed) << context << ": " << p.attribute_path(k) << " changed, unlisted";
      }
    }
    EXPECT_EQ(differ, a.changes.size()) << context << " -> " << a.request_json;
  }
}

TEST(AlternativesTest, EveryAlternativeGivesWhatItClaimsOnTheExamplesAndTheBaseWorkload) {
  auto p = testing::Telegram();
  size_t checked = 0, requests = 0;
  for (const auto& e : std::filesystem::directory_iterator(WRIT_EXAMPLES_DIR "/requests")) {
    CheckAlternatives(*p, testing::ReadFileOrDie(e.path().string()), e.path().string(), checked);
    ++requests;
  }
  // The base workload's first 10,000 requests, from the project's generator.
  const std::vector<std::string> base = testing::BaseWorkload(10000);
  ASSERT_EQ(base.size(), 10000u);
  for (size_t i = 0; i < base.size(); ++i) {
    CheckAlternatives(*p, base[i], absl::StrCat("base line ", i + 1), checked);
    ++requests;
  }
  EXPECT_EQ(requests, 10016u);
  EXPECT_GT(checked, 10000u);
}

TEST(AlternativesTest, TheTelegramExamplesReadAsALawyerWould) {
  auto p = testing::Telegram();
  auto r = p->ParseRequest(
      testing::ReadFileOrDie(WRIT_EXAMPLES_DIR "/requests/15-prosecutor-court-order.json"));
  ASSERT_TRUE(r.ok());
  auto alt = p->Alternatives(*r);
  ASSERT_TRUE(alt.ok());
  ASSERT_FALSE(alt->alternatives.empty());
  const Alternative& a = alt->alternatives[0];
  EXPECT_EQ(a.effect, Effect::kReview);
  EXPECT_EQ(a.rules, std::vector<std::string>{"judicial_order_criminal_suspect"});
  ASSERT_EQ(a.changes.size(), 1u);
  EXPECT_EQ(a.changes[0].attribute, "instrument.issuer");
  EXPECT_EQ(a.changes[0].value, "judge");
  EXPECT_EQ(a.changes[0].was, "prosecutor");
  EXPECT_NE(alt->ToText().find("review by judicial_order_criminal_suspect if instrument.issuer "
                               "were judge (it is prosecutor)"),
            std::string::npos)
      << alt->ToText();
  EXPECT_EQ(alt->unreachable, std::vector<Effect>{Effect::kAllow});
  // An open decision: what each value of the missing status gives.
  auto open =
      p->ParseRequest(testing::ReadFileOrDie(WRIT_EXAMPLES_DIR "/requests/14-status-unknown.json"));
  ASSERT_TRUE(open.ok());
  auto o = p->Alternatives(*open);
  ASSERT_TRUE(o.ok());
  EXPECT_NE(o->ToText().find("subject.status suspect or accused → review by "
                             "judicial_order_criminal_suspect"),
            std::string::npos)
      << o->ToText();
}

// Random small policies: for every request of the space, each effect the
// brute force reaches with k changed attributes is found with at most k,
// and every value listed for a missing attribute gives the outcome claimed.
TEST(AlternativesTest, NoSmallerChangeExistsOnRandomSmallPolicies) {
  std::mt19937_64 rng(5);
  size_t requests = 0, effects = 0;
  for (int round = 0; round < 60; ++round) {
    const std::vector<std::string> attrs = testing::RandomAttributes(rng);
    const std::string text = testing::RandomPolicy(rng, attrs, "p");
    auto p = Policy::Load("p.writ", testing::InMemory({{"p.writ", text}}));
    ASSERT_TRUE(p.ok()) << p.status().message();
    // Every request of the space, its values per attribute and its decision.
    struct Point {
      std::string json;
      std::vector<std::string> values;
      Decision decision;
    };
    std::vector<Point> space;
    testing::ForEachRequest(attrs, [&](const std::string& json) {
      Point pt;
      pt.json = json;
      for (size_t k = 0; k < attrs.size(); ++k) {
        const std::string key = absl::StrCat("\"", attrs[k], "\":");
        size_t pos = json.find(key);
        if (pos == std::string::npos) {
          pt.values.push_back("");
          continue;
        }
        pos += key.size();
        size_t end = pos;
        int depth = 0;
        while (end < json.size() && !(depth == 0 && (json[end] == ',' || json[end] == '}'))) {
          depth += json[end] == '[' ? 1 : json[end] == ']' ? -1 : 0;
          ++end;
        }
        pt.values.push_back(json.substr(pos, end - pos));
      }
      pt.decision = (*p)->Decide((*p)->ParseRequest(json).value());
      space.push_back(std::move(pt));
    });
    AlternativesOptions options;
    options.max_changes = static_cast<int>(attrs.size());
    for (const Point& from : space) {
      ++requests;
      auto alt = (*p)->Alternatives((*p)->ParseRequest(from.json).value(), options);
      ASSERT_TRUE(alt.ok()) << alt.status().message();
      ASSERT_FALSE(alt->exhausted);
      for (Effect e : {Effect::kAllow, Effect::kReview, Effect::kDeny}) {
        if (e == from.decision.effect() && !from.decision.open()) continue;
        size_t best = SIZE_MAX;
        for (const Point& to : space) {
          if (to.decision.open() || to.decision.effect() != e) continue;
          size_t k = 0;
          for (size_t i = 0; i < attrs.size(); ++i) k += from.values[i] != to.values[i];
          best = std::min(best, k);
        }
        size_t ours = SIZE_MAX;
        for (const Alternative& a : alt->alternatives)
          if (a.effect == e) ours = std::min(ours, a.changes.size());
        if (best != SIZE_MAX) {
          ++effects;
          EXPECT_LE(ours, best) << text << from.json << " -> " << EffectName(e) << "\n"
                                << alt->ToText();
        }
      }
    }
  }
  EXPECT_GT(requests, 5000u);
  EXPECT_GT(effects, 5000u);
}

}  // namespace
}  // namespace writ
