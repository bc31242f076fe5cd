// The fail-safe property, over every bundled policy: leaving a field out, or
// giving it a malformed value, never gives a more permissive decision than
// some real value of that field would. (A policy may say otherwise on
// purpose with `is present` / `is missing`; attributes it tests that way are
// left out of the property.)
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <random>
#include <regex>

#include "testing/helpers.hpp"

namespace writ {
namespace {

namespace json = boost::json;

// deny < review < allow.
int Permissiveness(Effect e) { return e == Effect::kAllow ? 2 : e == Effect::kReview ? 1 : 0; }

// A random complete request for `p`, as a JSON object keyed by path.
json::object RandomRequest(const Policy& p, std::mt19937_64& rng) {
  json::object flat;
  static const char* kStrings[] = {"US", "DE", "FR", "IN", "x@fbi.gov", "a@b.c", ""};
  for (size_t i = 0; i < p.attribute_count(); ++i) {
    auto h = *p.Attribute(p.attribute_path(i));
    const auto& members = p.enum_members(h);
    json::value v;
    switch (h.type) {
      case AttributeType::kBool:
        v = bool(rng() & 1);
        break;
      case AttributeType::kInt:
        v = int64_t(rng() % 12);
        break;
      case AttributeType::kString:
        v = kStrings[rng() % std::size(kStrings)];
        break;
      case AttributeType::kDate: {
        char buf[16];
        snprintf(buf, sizeof buf, "20%02d-%02d-%02d", 18 + int(rng() % 10), int(rng() % 12) + 1,
                 int(rng() % 28) + 1);
        v = buf;
        break;
      }
      case AttributeType::kEnum:
        v = members[rng() % members.size()];
        break;
      case AttributeType::kEnumSet: {
        json::array a;
        for (const auto& m : members)
          if (rng() % 3 == 0) a.emplace_back(m);
        v = std::move(a);
        break;
      }
      case AttributeType::kStringSet: {
        json::array a;
        for (const char* s : kStrings)
          if (rng() % 3 == 0) a.emplace_back(s);
        v = std::move(a);
        break;
      }
    }
    flat[p.attribute_path(i)] = std::move(v);
  }
  return flat;
}

// `flat` as the nested JSON a request is written in.
std::string Nest(const json::object& flat) {
  json::object root;
  for (const auto& [key, value] : flat) {
    std::string path(key);
    json::object* at = &root;
    size_t start = 0;
    for (size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1) {
      json::value& child = (*at)[path.substr(start, dot - start)];
      if (!child.is_object()) child = json::object();
      at = &child.as_object();
    }
    (*at)[path.substr(start)] = value;
  }
  return json::serialize(root);
}

// The values an attribute can take, all of them for enums and bools.
std::vector<json::value> AllValues(const Policy& p, AttributeHandle h) {
  std::vector<json::value> out;
  if (h.type == AttributeType::kBool) return {json::value(true), json::value(false)};
  if (h.type == AttributeType::kEnum)
    for (const auto& m : p.enum_members(h)) out.emplace_back(m);
  return out;
}

TEST(FailSafeTest, AMissingOrMalformedFieldIsNeverMorePermissiveThanSomeValue) {
  size_t checked = 0;
  for (const std::string& path : testing::CorpusPolicyPaths()) {
    auto p = Policy::Load(path);
    ASSERT_TRUE(p.ok()) << p.status().message();
    // Attributes the policy tests with `is present` / `is missing`.
    std::string text;
    for (size_t i = 0; i < (*p)->sources().size(); ++i) text += (*p)->sources().at(i).text();
    std::mt19937_64 rng(std::hash<std::string>{}((*p)->name()));
    for (int n = 0; n < 150; ++n) {
      json::object base = RandomRequest(**p, rng);
      for (size_t i = 0; i < (*p)->attribute_count(); ++i) {
        const std::string& path = (*p)->attribute_path(i);
        if (text.find(path + " is ") != std::string::npos) continue;
        auto h = *(*p)->Attribute(path);
        std::vector<json::value> values = AllValues(**p, h);
        if (values.empty()) continue;  // only attributes whose every value can be tried
        int most = -1;
        uint64_t granted_by_some = 0;
        for (const json::value& v : values) {
          json::object with = base;
          with[path] = v;
          Decision d = (*p)->Decide(testing::Json(**p, Nest(with)));
          most = std::max(most, Permissiveness(d.effect()));
          granted_by_some |= d.granted_mask();
        }
        for (const json::value& bad :
             {json::value(nullptr), json::value("no-such-value"), json::value(json::array{1})}) {
          json::object without = base;
          if (bad.is_null()) {
            without.erase(path);
          } else {
            without[path] = bad;
          }
          Decision d = (*p)->Decide(testing::Json(**p, Nest(without)));
          ++checked;
          ASSERT_LE(Permissiveness(d.effect()), most)
              << (*p)->name() << ": " << path << " = " << json::serialize(bad) << "\n"
              << Nest(base);
          ASSERT_EQ(d.granted_mask() & ~granted_by_some, 0u)
              << (*p)->name() << ": " << path << " grants more when " << json::serialize(bad);
        }
      }
    }
  }
  EXPECT_GT(checked, 10000u);
}

}  // namespace
}  // namespace writ
