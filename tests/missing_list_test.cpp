// The missing list is complete (docs/language.md §7.3): supplying a value for
// every attribute an open decision lists always closes it, so a requester is
// never sent back twice. Checked by filling the listed attributes with every
// combination of values: exhaustively on random small policies (conditional
// obligations among them), and under every bundled policy on the base
// workload's first 10,000 requests, with each attribute's values one per
// class of the request space (the values no condition tells apart decide
// alike).
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

#include "absl/strings/str_join.h"
#include "analysis/request_space.hpp"
#include "api/policy_data.hpp"
#include "testing/helpers.hpp"
#include "testing/small_policies.hpp"
#include "writ/policy.hpp"

namespace writ {
namespace {

// Calls `f` on every combination of one fill (a way of giving an attribute
// a value) per list, applied to a copy of `base` (an odometer); stops after
// `limit` combinations and returns how many it visited.
template <typename T>
size_t ForEachCombination(const std::vector<std::vector<std::function<void(T&)>>>& lists,
                          const T& base, const std::function<void(const T&)>& f, size_t limit) {
  std::vector<size_t> at(lists.size(), 0);
  for (const auto& l : lists)
    if (l.empty()) return 0;
  size_t n = 0;
  for (;;) {
    T r = base;
    for (size_t k = 0; k < lists.size(); ++k) lists[k][at[k]](r);
    f(r);
    if (++n == limit) return n;
    size_t k = 0;
    while (k < lists.size() && ++at[k] == lists[k].size()) at[k++] = 0;
    if (k == lists.size()) return n;
  }
}

TEST(MissingListTest, SupplyingTheListClosesEveryOpenDecisionOfRandomPolicies) {
  using Fill = std::function<void(boost::json::object&)>;
  std::mt19937_64 rng(2024);
  size_t open = 0, filled = 0;
  for (int round = 0; round < 400; ++round) {
    std::vector<std::string> attrs = testing::RandomAttributes(rng);
    const std::string text = testing::RandomPolicy(rng, attrs, "p");
    auto p = testing::LoadOrDie(text);
    testing::ForEachRequest(attrs, [&](const std::string& json) {
      const Request r = testing::Json(*p, json);
      const Decision d = p->Decide(r);
      if (!d.open()) return;
      ++open;
      // Every value of kValues but "missing", for each listed attribute,
      // written into the request's JSON.
      boost::json::object base = boost::json::parse(json).as_object();
      std::vector<std::vector<Fill>> lists;
      for (const std::string& path : d.missing()) {
        std::vector<Fill> fills;
        for (const std::string& v : testing::kValues.at(path)) {
          if (v.empty()) continue;
          fills.push_back([path, v](boost::json::object& o) { o[path] = boost::json::parse(v); });
        }
        lists.push_back(std::move(fills));
      }
      ForEachCombination<boost::json::object>(
          lists, base,
          [&](const boost::json::object& full) {
            ++filled;
            const Decision closed = p->Decide(testing::Json(*p, boost::json::serialize(full)));
            ASSERT_FALSE(closed.open())
                << text << "\n"
                << json << " missing " << absl::StrJoin(d.missing(), ", ") << "; still missing "
                << absl::StrJoin(closed.missing(), ", ");
          },
          100000);
    });
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(open, 1000u);
  EXPECT_GT(filled, open);
}

// The values of one attribute of `p`, one per class of the request space
// (for enums every member; for enum sets every subset up to 64, else the
// empty set, each member alone and all of them).
using Fill = std::function<void(Request&)>;

std::vector<Fill> ValuesOf(const Policy& p, const detail::RequestSpace& space,
                           const std::string& path) {
  std::vector<Fill> out;
  const AttributeHandle h = *p.Attribute(path);
  const detail::Schema& schema = detail::PolicyAccess::Data(p).model.schema;
  const detail::AttrInfo& info = schema.attrs[h.index];
  switch (h.type) {
    case AttributeType::kBool:
      for (bool b : {false, true}) out.push_back([h, b](Request& r) { r.SetBool(h, b); });
      break;
    case AttributeType::kEnum:
      for (uint32_t m = 0; m < schema.enums[info.enum_id].members.size(); ++m)
        out.push_back([h, m](Request& r) { r.SetEnum(h, m); });
      break;
    case AttributeType::kEnumSet: {
      const size_t n = schema.enums[info.enum_id].members.size();
      std::vector<uint64_t> masks;
      if (n <= 6) {
        for (uint64_t m = 0; m < (uint64_t{1} << n); ++m) masks.push_back(m);
      } else {
        masks = {0, (uint64_t{1} << n) - 1};
        for (size_t k = 0; k < n; ++k) masks.push_back(uint64_t{1} << k);
      }
      for (uint64_t m : masks) out.push_back([h, m](Request& r) { r.SetEnumSet(h, m); });
      break;
    }
    case AttributeType::kInt:
    case AttributeType::kDate:
    case AttributeType::kString:
      for (const detail::SpaceAttr& a : space.attrs()) {
        if (a.path != path) continue;
        for (const detail::ValueClass& c : a.classes) {
          const detail::Value v = c.representative;
          if (h.type == AttributeType::kInt) {
            out.push_back([h, v](Request& r) { r.SetInt(h, v.i); });
          } else if (h.type == AttributeType::kDate) {
            out.push_back([h, v](Request& r) { r.SetDays(h, v.i); });
          } else {
            out.push_back([h, v](Request& r) { r.SetString(h, v.s); });
          }
        }
      }
      break;
    case AttributeType::kStringSet:
      break;  // the corpus has none; a test for one would fail below (no values)
  }
  return out;
}

TEST(MissingListTest, SupplyingTheListClosesEveryOpenDecisionOfTheBaseWorkload) {
  const std::vector<std::string> lines = testing::BaseWorkload(10000);
  ASSERT_EQ(lines.size(), 10000u);
  size_t policies = 0;
  for (const std::string& file : testing::CorpusPolicyPaths()) {
    auto loaded = Policy::Load(file);
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    const std::shared_ptr<const Policy> p = *loaded;
    ++policies;
    const detail::Model& model = detail::PolicyAccess::Data(*p).model;
    absl::StatusOr<detail::RequestSpace> space = detail::RequestSpace::Build({&model});
    ASSERT_TRUE(space.ok()) << file << ": " << space.status().message();
    size_t open = 0;
    std::mt19937_64 rng(7);
    // Each request as it is, and with each attribute dropped with chance
    // 0.3 (the base workload is complete for some policies' schemas).
    for (size_t i = 0; i < 2 * lines.size(); ++i) {
      const size_t line = i / 2;
      absl::StatusOr<Request> r = p->ParseRequest(lines[line]);
      ASSERT_TRUE(r.ok()) << file << " line " << line + 1;
      if (i % 2 == 1) {
        for (uint32_t a = 0; a < p->attribute_count(); ++a) {
          if (rng() % 10 < 3) {
            ASSERT_TRUE(r->Unset(p->attribute_path(a)).ok());
          }
        }
      }
      const Decision d = p->Decide(*r);
      if (!d.open()) continue;
      ++open;
      std::vector<std::vector<Fill>> lists;
      for (const std::string& a : d.missing()) lists.push_back(ValuesOf(*p, *space, a));
      const size_t n = ForEachCombination<Request>(
          lists, *r,
          [&](const Request& full) {
            const Decision closed = p->Decide(full);
            ASSERT_FALSE(closed.open())
                << file << " line " << line + 1 << (i % 2 ? " (thinned)" : "") << ": "
                << lines[line] << "\nmissing " << absl::StrJoin(d.missing(), ", ")
                << "; still missing " << absl::StrJoin(closed.missing(), ", ");
          },
          20000);
      ASSERT_GT(n, 0u) << file << " line " << line + 1;
      if (HasFatalFailure()) return;
    }
    // Every policy leaves some of the base workload open (it is built to).
    EXPECT_GT(open, 0u) << file;
  }
  EXPECT_GE(policies, 5u);
}

}  // namespace
}  // namespace writ
