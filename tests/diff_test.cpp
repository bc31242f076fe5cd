// writ::Diff against the definition: a change is a request the two policies
// decide differently. Each change's region, pasted as the `when` of a rule,
// must apply to exactly the requests that take its transition, and every
// request decided differently must fall in one region. Checked on the
// Telegram change over a million generated requests (missing fields
// included) and by brute force over the whole request space of thousands of
// random small policy pairs.
#include "writ/diff.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdlib>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "testing/helpers.hpp"
#include "testing/small_policies.hpp"

namespace writ {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || !defined(NDEBUG)
constexpr bool kSlowBuild = true;
#else
constexpr bool kSlowBuild = false;
#endif

// What a decision grants, obliges and decides, for comparing.
struct Seen {
  Effect effect;
  bool open;
  std::vector<std::string> granted;
  std::vector<Obligation> obligations;
  bool operator==(const Seen&) const = default;
};

Seen SeenOf(const Decision& d) {
  std::vector<std::string> g = d.granted();
  std::sort(g.begin(), g.end());
  return {d.effect(), d.open(), g, d.obligations()};
}

// Whether decision `d` of a request asking for `requested` (null: missing)
// is the outcome `o` claims.
bool Claims(const DiffOutcome& o, const Seen& d, const std::vector<std::string>* requested) {
  if (d.effect != o.effect || d.open != o.open || d.obligations != o.obligations) return false;
  std::vector<std::string> want;
  if (requested && !o.open && o.effect != Effect::kDeny)
    for (const auto& r : *requested)
      if (o.all_items || std::count(o.may_disclose.begin(), o.may_disclose.end(), r))
        want.push_back(r);
  std::sort(want.begin(), want.end());
  return d.granted == want;
}

// Probes: for each change, a policy whose only rule has the change's region
// as its `when`; it denies exactly where the region holds (an unknown
// region leaves it open, which is not deny).
std::vector<std::shared_ptr<const Policy>> Probes(const PolicyDiff& diff, const std::string& head,
                                                  std::map<std::string, std::string> files = {}) {
  std::vector<std::shared_ptr<const Policy>> out;
  for (const PolicyChange& c : diff.changes) {
    files["probe.writ"] = absl::StrCat(head, "\npolicy probe { default allow \"outside\" }\n",
                                       "rule region { when ", c.when, " then deny \"inside\" }\n");
    auto p = Policy::Load("probe.writ", testing::InMemory(files));
    EXPECT_TRUE(p.ok()) << p.status().message() << "\nregion: " << c.when;
    if (!p.ok()) return {};
    out.push_back(*p);
  }
  return out;
}

// Checks one request (JSON) against the diff; false and a message on failure.
bool CheckRequest(const std::string& json, const Policy& old_p, const Policy& new_p,
                  const PolicyDiff& diff, const std::vector<std::shared_ptr<const Policy>>& probes,
                  const std::string& items_path, std::string& why) {
  auto ro = old_p.ParseRequest(json);
  auto rn = new_p.ParseRequest(json);
  if (!ro.ok() || !rn.ok()) {
    why = "request does not parse";
    return false;
  }
  const Seen a = SeenOf(old_p.Decide(*ro)), b = SeenOf(new_p.Decide(*rn));
  int in = -1, count = 0;
  for (size_t i = 0; i < probes.size(); ++i) {
    auto rp = probes[i]->ParseRequest(json);
    if (rp.ok() && probes[i]->Decide(*rp).effect() == Effect::kDeny &&
        !probes[i]->Decide(*rp).open()) {
      in = static_cast<int>(i);
      ++count;
    }
  }
  const bool differ = !(a == b);
  // The diff places the request itself, by walking its diagram.
  if (const int placed = diff.ChangeOf(*ro, *rn); placed != (count == 1 ? in : -1)) {
    why = absl::StrCat("ChangeOf says ", placed, ", the regions say ", count == 1 ? in : -1);
    return false;
  }
  if (count > 1) {
    why = "in two regions";
    return false;
  }
  if (differ != (count == 1)) {
    why = differ
              ? "decided differently, in no region"
              : absl::StrCat("decided alike, yet in region ", in + 1, ": ", diff.changes[in].when);
    return false;
  }
  if (in >= 0) {
    // The items asked for, as the policies read them.
    std::vector<std::string> requested;
    const std::vector<std::string>* req = nullptr;
    boost::json::value v = boost::json::parse(json);
    const boost::json::value* at = &v;
    for (const auto& part : absl::StrSplit(items_path, '.')) {
      at = at && at->is_object() && at->as_object().contains(std::string(part))
               ? &at->as_object().at(std::string(part))
               : nullptr;
    }
    if (at && at->is_array()) {
      for (const auto& x : at->as_array()) requested.emplace_back(x.as_string());
      req = &requested;
    }
    const PolicyChange& c = diff.changes[in];
    if (!Claims(c.from, a, req) || !Claims(c.to, b, req)) {
      why = absl::StrCat("in region ", in + 1, " but decided otherwise than it claims");
      return false;
    }
  }
  return true;
}

TEST(DiffTest, APolicyAgainstItselfHasNoChange) {
  auto p = testing::LoadCorpusPolicy("telegram-2024.writ");
  auto d = Diff(*p, *p);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->changes.empty());
  EXPECT_NE(d->ToText().find("no change"), std::string::npos);
}

TEST(DiffTest, TelegramRegionsAreExactOnAMillionRequests) {
  auto old_p = testing::LoadCorpusPolicy("telegram-2018.writ");
  auto new_p = testing::LoadCorpusPolicy("telegram-2024.writ");
  auto d = Diff(*old_p, *new_p);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_GE(d->changes.size(), 3u);
  for (const auto& c : d->changes) EXPECT_FALSE(c.witness.empty()) << c.when;
  const std::string schema =
      testing::ReadFileOrDie(std::string(WRIT_POLICY_DIR) + "/disclosure-schema.writ");
  auto probes =
      Probes(*d, "import \"disclosure-schema.writ\"", {{"disclosure-schema.writ", schema}});
  ASSERT_EQ(probes.size(), d->changes.size());

  // Requests near the policies' conditions: each field missing a fifth of
  // the time, values drawn from what the rules test and their neighbours.
  std::mt19937_64 rng(20240901);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto maybe = [&](boost::json::object& o, const char* key, boost::json::value v) {
    if (rng() % 5) o[key] = std::move(v);
  };
  const std::vector<std::string> kinds = {"law_enforcement", "court", "private_party", "regulator"};
  const std::vector<std::string> types = {"court_order", "search_warrant", "production_order",
                                          "subpoena", "emergency_request"};
  const std::vector<std::string> issuers = {"judge", "prosecutor", "police"};
  const std::vector<std::string> statuses = {"suspect", "accused", "witness", "victim"};
  const std::vector<std::string> offenses = {"terrorism", "fraud", "drug_trafficking", "extremism"};
  const std::vector<std::string> items = {"ip_address", "phone_number", "message_content",
                                          "location"};
  const std::vector<std::string> dates = {"2024-09-30", "2024-10-01", "2024-10-02", "2024-10-03"};
  const size_t n = kSlowBuild ? 20000 : 1000000;
  size_t changed = 0;
  for (size_t i = 0; i < n; ++i) {
    boost::json::object r, requester, instrument, subject, offense, data;
    maybe(r, "received", boost::json::value(pick(dates)));
    maybe(requester, "kind", boost::json::value(pick(kinds)));
    maybe(instrument, "type", boost::json::value(pick(types)));
    maybe(instrument, "issuer", boost::json::value(pick(issuers)));
    maybe(instrument, "expires", boost::json::value(pick(dates)));
    maybe(subject, "status", boost::json::value(pick(statuses)));
    maybe(subject, "violates_tos", boost::json::value(rng() % 2 == 0));
    maybe(offense, "category", boost::json::value(pick(offenses)));
    boost::json::array asked;
    for (const auto& it : items)
      if (rng() % 3 == 0) asked.push_back(boost::json::value(it));
    maybe(data, "requested", std::move(asked));
    r["requester"] = std::move(requester);
    r["instrument"] = std::move(instrument);
    r["subject"] = std::move(subject);
    r["offense"] = std::move(offense);
    r["data"] = std::move(data);
    const std::string json = boost::json::serialize(r);
    std::string why;
    ASSERT_TRUE(CheckRequest(json, *old_p, *new_p, *d, probes, "data.requested", why))
        << why << "\n"
        << json;
    changed += !SeenOf(old_p->Decide(*old_p->ParseRequest(json)))
                    .
                    operator==(SeenOf(new_p->Decide(*new_p->ParseRequest(json))));
  }
  EXPECT_GT(changed, n / 100);  // the generator reaches the changes
}

// ---- Random small policies, checked by brute force ------------------------

using testing::kHead;
using testing::kValues;
using testing::RandomPolicy;

TEST(DiffTest, RandomPoliciesAgreeWithBruteForce) {
  // WRIT_DIFF_SEED runs other policies (a soak: docs/analysis.md).
  const char* seed = std::getenv("WRIT_DIFF_SEED");
  std::mt19937_64 rng(seed ? std::strtoull(seed, nullptr, 10) : 7);
  const int pairs = kSlowBuild ? 150 : 2000;
  int with_changes = 0;
  for (int pair = 0; pair < pairs; ++pair) {
    // Three or four attributes in play; the rest stay missing.
    const std::vector<std::string> attrs = testing::RandomAttributes(rng);
    const std::string old_text = RandomPolicy(rng, attrs, "old_p");
    // The new policy: often the old one edited, sometimes another.
    std::string new_text = rng() % 3 ? old_text : RandomPolicy(rng, attrs, "new_p");
    if (new_text == old_text) {
      const std::string again = RandomPolicy(rng, attrs, "new_p");
      // Swap one rule line for one of another policy.
      std::vector<std::string> a = absl::StrSplit(old_text, '\n'), b = absl::StrSplit(again, '\n');
      std::vector<size_t> rules_a, rules_b;
      for (size_t i = 0; i < a.size(); ++i)
        if (a[i].rfind("rule ", 0) == 0) rules_a.push_back(i);
      for (size_t i = 0; i < b.size(); ++i)
        if (b[i].rfind("rule ", 0) == 0) rules_b.push_back(i);
      const size_t target = rules_a[rng() % rules_a.size()];
      const std::string& with = b[rules_b[rng() % rules_b.size()]];
      // Keep the rule's name: the line is "rule rK { ... }".
      a[target] = a[target].substr(0, a[target].find('{')) + with.substr(with.find('{'));
      new_text = absl::StrJoin(a, "\n");
    }
    auto old_p = testing::LoadOrDie(old_text);
    auto new_p = testing::LoadOrDie(new_text);
    ASSERT_TRUE(old_p && new_p) << old_text << "\n" << new_text;
    auto d = Diff(*old_p, *new_p);
    ASSERT_TRUE(d.ok()) << d.status() << "\n" << old_text << "\n" << new_text;
    auto probes = Probes(*d, kHead);
    ASSERT_EQ(probes.size(), d->changes.size());
    with_changes += !d->changes.empty();
    for (const auto& c : d->changes)
      EXPECT_TRUE(!c.witness.empty()) << "no witness for " << c.when << "\n"
                                      << old_text << new_text;
    // The whole request space of the attributes in play.
    bool ok = true;
    testing::ForEachRequest(attrs, [&](const std::string& json) {
      if (!ok) return;
      std::string why;
      ok = CheckRequest(json, *old_p, *new_p, *d, probes, "asked", why);
      EXPECT_TRUE(ok) << why << "\nrequest: " << json << "\nold:\n"
                      << old_text << "\nnew:\n"
                      << new_text << "\ndiff:\n"
                      << d->ToText(true);
    });
    if (!ok) return;
  }
  EXPECT_GT(with_changes, pairs / 2);
}

TEST(DiffTest, PoliciesOverConflictingSchemasAreAnError) {
  auto a = testing::LoadOrDie(
      "attr x : int\npolicy a { default deny \"d\" }\nrule r { when x > 3 then allow \"m\" }");
  auto b = testing::LoadOrDie(
      "attr x : date\npolicy b { default deny \"d\" }\nrule r { when x > 2024-01-01 then allow "
      "\"m\" }");
  auto d = Diff(*a, *b);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(d.status().message().find("'x'"), std::string::npos) << d.status();
}

TEST(DiffTest, TheJsonFormIsValidAndComplete) {
  auto old_p = testing::LoadCorpusPolicy("telegram-2018.writ");
  auto new_p = testing::LoadCorpusPolicy("telegram-2024.writ");
  auto d = Diff(*old_p, *new_p);
  ASSERT_TRUE(d.ok());
  boost::json::value j = boost::json::parse(d->ToJson());
  ASSERT_EQ(j.at("changes").as_array().size(), d->changes.size());
  const auto& c = j.at("changes").as_array()[0].as_object();
  for (const char* key : {"from", "to", "region", "witness", "old_rules", "new_rules"})
    EXPECT_TRUE(c.contains(key)) << key;
  EXPECT_TRUE(c.at("witness").is_object());
  EXPECT_EQ(j.at("old").at("name").as_string(), "telegram_2018");
}

}  // namespace
}  // namespace writ
