// PolicyHistory: as-of decisions on the Telegram history (both sides of the
// change and its day, no date, before the first version, a bad date), the
// checks of a history file, and the semantics against brute force on random
// histories of two small policies (tests/testing/small_policies.hpp).
#include "writ/history.hpp"

#include <gtest/gtest.h>

#include <random>

#include "testing/helpers.hpp"
#include "testing/small_policies.hpp"

namespace writ {
namespace {

std::shared_ptr<const PolicyHistory> TelegramHistory() {
  auto h = PolicyHistory::Load(std::string(WRIT_POLICY_DIR) + "/telegram.writ");
  EXPECT_TRUE(h.ok()) << h.status().message();
  if (!h.ok()) std::abort();
  return *h;
}

// A fraud suspect under a judicial order: the 2018 text denies, the 2024
// text reviews. `date` is spliced in as `"received": ...` unless empty.
std::string FraudOrder(const std::string& date) {
  return absl::StrCat(
      "{", date.empty() ? "" : absl::StrCat("\"received\":", date, ","),
      R"("requester":{"kind":"law_enforcement","country":"FR","verified":true},)",
      R"("instrument":{"type":"court_order","issuer":"judge","expires":"2025-01-01"},)",
      R"("subject":{"status":"suspect","violates_tos":true},"offense":{"category":"fraud"},)",
      R"("data":{"requested":["ip_address"]}})");
}

TEST(HistoryTest, TheVersionInForceOnTheRequestsDateDecides) {
  auto h = TelegramHistory();
  ASSERT_EQ(h->versions().size(), 2u);
  EXPECT_EQ(h->versions()[1].from, "2024-09-23");
  auto before = h->ParseRequest(FraudOrder("\"2024-09-22\""));
  auto on = h->ParseRequest(FraudOrder("\"2024-09-23\""));
  ASSERT_TRUE(before.ok() && on.ok());
  // Each request is made for the version that decides it.
  EXPECT_TRUE(before->BoundTo(*h->versions()[0].policy));
  EXPECT_TRUE(on->BoundTo(*h->versions()[1].policy));
  Decision d1 = h->Decide(*before), d2 = h->Decide(*on);
  EXPECT_EQ(d1.effect(), Effect::kDeny);
  EXPECT_EQ(d1.version_index(), 0);
  EXPECT_EQ(d1.policy(), h->versions()[0].policy.get());
  EXPECT_EQ(d1.history(), h.get());
  EXPECT_EQ(d2.effect(), Effect::kReview);
  EXPECT_EQ(d2.version_index(), 1);
  EXPECT_EQ(d2.deciding_rules(), std::vector<std::string>{"judicial_order_criminal_suspect"});
  EXPECT_NE(d2.ToJson().find(R"("history":{"name":"telegram","version":"telegram-2024.writ")"),
            std::string::npos)
      << d2.ToJson();
  // The same decision as the version's own.
  Decision own = h->versions()[1].policy->Decide(*on);
  EXPECT_EQ(own.effect(), d2.effect());
  EXPECT_EQ(own.granted_mask(), d2.granted_mask());
  EXPECT_EQ(own.history(), nullptr);
}

TEST(HistoryTest, ARequestMadeForAnotherVersionIsTranslatedNotMisread) {
  auto h = TelegramHistory();
  // Made for the latest version, dated in the 2018 text's time.
  Request r = h->NewRequest();
  ASSERT_TRUE(h->latest().ParseRequest(FraudOrder("\"2020-01-01\""), r).ok());
  ASSERT_TRUE(r.BoundTo(h->latest()));
  Decision d = h->Decide(r);
  EXPECT_EQ(d.version_index(), 0);
  EXPECT_EQ(d.effect(), Effect::kDeny);
  // And one made for a policy outside the history.
  auto other = testing::LoadCorpusPolicy("us-ecpa.writ");
  auto foreign = other->ParseRequest(FraudOrder("\"2024-10-01\""));
  ASSERT_TRUE(foreign.ok());
  Decision f = h->Decide(*foreign);
  EXPECT_EQ(f.version_index(), 1);
}

TEST(HistoryTest, BeforeTheFirstVersionNothingWasInForce) {
  auto h = TelegramHistory();
  auto r = h->ParseRequest(FraudOrder("\"2017-05-01\""));
  ASSERT_TRUE(r.ok());
  Decision d = h->Decide(*r);
  EXPECT_EQ(d.effect(), Effect::kDeny);
  EXPECT_TRUE(d.by_default());
  EXPECT_EQ(d.version_index(), Decision::kNoVersion);
  EXPECT_EQ(d.withheld(), std::vector<std::string>{"ip_address"});
  EXPECT_EQ(d.message(), "no version of history 'telegram' was in force on {received}");
  Explanation e = h->Explain(*r);
  EXPECT_NE(e.summary.find("no version of history 'telegram' was in force on 2017-05-01"),
            std::string::npos)
      << e.summary;
  EXPECT_NE(d.ToJson().find(R"("as_of":"2017-05-01")"), std::string::npos);
  EXPECT_EQ(d.ToJson().find(R"("policy")"), std::string::npos) << "no version applied";
}

TEST(HistoryTest, WithoutADateTheVersionsMustAgreeOrTheDecisionIsOpen) {
  auto h = TelegramHistory();
  for (const char* date : {"", "\"not a date\"", "20240923"}) {
    auto r = h->ParseRequest(FraudOrder(date));
    ASSERT_TRUE(r.ok());
    Decision d = h->Decide(*r);
    EXPECT_EQ(d.effect(), Effect::kReview) << date;
    EXPECT_TRUE(d.open());
    EXPECT_EQ(d.missing(), std::vector<std::string>{"received"});
    EXPECT_EQ(d.granted(), std::vector<std::string>{});
    EXPECT_EQ(d.version_index(), Decision::kNoVersion);
    EXPECT_EQ(d.problems().size(), *date ? 1u : 0u);
  }
  auto privat = h->ParseRequest(
      R"({"requester":{"kind":"private_party"},"data":{"requested":["phone_number"]}})");
  ASSERT_TRUE(privat.ok());
  Decision d = h->Decide(*privat);
  EXPECT_EQ(d.effect(), Effect::kDeny);
  EXPECT_FALSE(d.open());
  EXPECT_EQ(d.version_index(), Decision::kEveryVersion);
  EXPECT_EQ(d.deciding_rules(), std::vector<std::string>{"no_private_parties"});
}

TEST(HistoryTest, AHistoryIsNotAPolicy) {
  auto p = Policy::Load(std::string(WRIT_POLICY_DIR) + "/telegram.writ");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("is a history of policy versions"), std::string::npos);
  // One error, not one per attribute its tests name.
  EXPECT_EQ(p.status().message().find("unknown attribute"), std::string::npos)
      << p.status().message();
  EXPECT_TRUE(*PolicyHistory::IsHistory(std::string(WRIT_POLICY_DIR) + "/telegram.writ"));
  EXPECT_FALSE(*PolicyHistory::IsHistory(std::string(WRIT_POLICY_DIR) + "/telegram-2024.writ"));
  auto not_history = PolicyHistory::Load(std::string(WRIT_POLICY_DIR) + "/telegram-2024.writ");
  ASSERT_FALSE(not_history.ok());
  EXPECT_NE(not_history.status().message().find("this file is not a history"), std::string::npos);
}

// Checks `history` (as "h.writ", with the versions in `files`).
std::string HistoryDiagnostics(const std::string& history,
                               std::map<std::string, std::string> files) {
  files["h.writ"] = history;
  auto r = PolicyHistory::Check("h.writ", testing::InMemory(std::move(files)));
  if (!r.ok()) return std::string(r.status().message());
  return r->Format();
}

TEST(HistoryTest, ABadHistoryIsRejectedAtTheRightPlace) {
  const std::map<std::string, std::string> v = {
      {"a.writ", "policy a { default deny \"no\" }\nattr day : date\n"},
      {"b.writ", "policy b { default deny \"no\" }\nattr day : date\n"},
      {"s.writ", "policy s { default deny \"no\" }\nattr day : string\n"},
      {"n.writ", "policy n { default deny \"no\" }\nattr dya : date\n"},
      {"broken.writ", "policy x { default deny \"no\" }\nrule r { when nope then allow \"x\" }\n"}};
  EXPECT_EQ(
      HistoryDiagnostics("history h {\n  date day\n  version \"a.writ\" from 2024-01-01\n  version "
                         "\"b.writ\" from 2024-01-01\n}\n",
                         v),
      "h.writ:4:25: error: the versions' dates must increase: 2024-01-01 is not after "
      "2024-01-01, the date of the version before\n"
      "    version \"b.writ\" from 2024-01-01\n"
      "                          ^~~~~~~~~~\n");
  std::string missing =
      HistoryDiagnostics("history h { date day version \"zz.writ\" from 2024-01-01 }", v);
  EXPECT_NE(missing.find("h.writ:1:30: error: cannot read version 'zz.writ'"), std::string::npos)
      << missing;
  std::string no_date =
      HistoryDiagnostics("history h { date day version \"n.writ\" from 2024-01-01 }", v);
  EXPECT_NE(no_date.find("does not declare the history's date attribute 'day'"), std::string::npos)
      << no_date;
  EXPECT_NE(no_date.find("did you mean 'dya'?"), std::string::npos) << no_date;
  std::string wrong =
      HistoryDiagnostics("history h { date day version \"s.writ\" from 2024-01-01 }", v);
  EXPECT_NE(wrong.find("'day' is a string; the history's date attribute must be a date"),
            std::string::npos)
      << wrong;
  std::string broken =
      HistoryDiagnostics("history h { date day version \"broken.writ\" from 2024-01-01 }", v);
  EXPECT_NE(broken.find("broken.writ:2:15: error: unknown"), std::string::npos) << broken;
  EXPECT_NE(broken.find("version 'broken.writ' does not check"), std::string::npos) << broken;
  std::string dateless = HistoryDiagnostics("history h { version \"a.writ\" from 2024-01-01 }", v);
  EXPECT_NE(dateless.find("names no date attribute"), std::string::npos) << dateless;
  std::string empty = HistoryDiagnostics("history h { date day }", v);
  EXPECT_NE(empty.find("has no version"), std::string::npos) << empty;
  std::string bad_day =
      HistoryDiagnostics("history h { date day version \"a.writ\" from 2024-02-30 }", v);
  EXPECT_NE(bad_day.find("'2024-02-30' is not a calendar date"), std::string::npos) << bad_day;
}

// The outcome a requester is told.
auto Outcome(const Decision& d) {
  return std::make_tuple(d.effect(), d.open(), d.granted(), d.obligations());
}

// Random histories of two small policies with date attribute `d`, against
// the definition over every request of their space: a dated request is the
// version in force's decision (or the no-version deny); an undated one is
// every version's common outcome, or open with `d` missing; and a settled
// undated decision is what every date would give.
TEST(HistoryTest, AgreesWithTheDefinitionOnRandomHistories) {
  std::mt19937_64 rng(11);
  size_t requests = 0, undated_open = 0, undated_settled = 0;
  for (int round = 0; round < 60; ++round) {
    std::vector<std::string> attrs = testing::RandomAttributes(rng);
    if (std::find(attrs.begin(), attrs.end(), "d") == attrs.end()) attrs.push_back("d");
    std::map<std::string, std::string> files = {
        {"v1.writ", testing::RandomPolicy(rng, attrs, "v1")},
        {"v2.writ", testing::RandomPolicy(rng, attrs, "v2")},
        {"h.writ",
         "history h { date d version \"v1.writ\" from 2024-01-01 version \"v2.writ\" from "
         "2024-06-01 }"}};
    auto h = PolicyHistory::Load("h.writ", testing::InMemory(files));
    ASSERT_TRUE(h.ok()) << h.status().message();
    const Policy& v1 = *(*h)->versions()[0].policy;
    const Policy& v2 = *(*h)->versions()[1].policy;
    testing::ForEachRequest(attrs, [&](const std::string& json) {
      ++requests;
      auto r = (*h)->ParseRequest(json);
      ASSERT_TRUE(r.ok());
      const Decision got = (*h)->Decide(*r);
      const std::string ctx = absl::StrCat(files["v1.writ"], files["v2.writ"], json);
      const bool dated = json.find("\"d\":") != std::string::npos;
      if (dated) {
        const bool before = json.find("2023-12-31") != std::string::npos;
        const bool second = json.find("2024-06-01") != std::string::npos;
        if (before) {
          EXPECT_EQ(got.effect(), Effect::kDeny) << ctx;
          EXPECT_EQ(got.version_index(), Decision::kNoVersion) << ctx;
          EXPECT_EQ(got.granted_mask(), 0u) << ctx;
          return;
        }
        const Policy& in_force = second ? v2 : v1;
        const Decision want = in_force.Decide(in_force.ParseRequest(json).value());
        EXPECT_EQ(Outcome(got), Outcome(want)) << ctx;
        EXPECT_EQ(got.deciding_rules(), want.deciding_rules()) << ctx;
        EXPECT_EQ(got.missing(), want.missing()) << ctx;
        EXPECT_EQ(got.version_index(), second ? 1 : 0) << ctx;
        return;
      }
      const Decision a = v1.Decide(v1.ParseRequest(json).value());
      const Decision b = v2.Decide(v2.ParseRequest(json).value());
      const auto deny = std::make_tuple(Effect::kDeny, false, std::vector<std::string>{},
                                        std::vector<Obligation>{});
      if (Outcome(a) == deny && Outcome(b) == deny) {
        ++undated_settled;
        EXPECT_EQ(Outcome(got), deny) << ctx;
        EXPECT_EQ(got.version_index(), Decision::kEveryVersion) << ctx;
        // Every date gives it, unless a version tests whether the date is
        // there at all (`d is present` is false, not unknown, without one).
        const bool presence = files["v1.writ"].find("d is ") != std::string::npos ||
                              files["v2.writ"].find("d is ") != std::string::npos;
        const std::vector<const char*> days =
            presence
                ? std::vector<const char*>{}
                : std::vector<const char*>{"2023-12-31", "2024-01-01", "2024-05-31", "2024-06-01"};
        for (const char* day : days) {
          std::string with = json;
          with.insert(1, absl::StrCat("\"d\":\"", day, "\"", json == "{}" ? "" : ","));
          const Decision dated_d = (*h)->Decide((*h)->ParseRequest(with).value());
          EXPECT_EQ(Outcome(dated_d), deny) << ctx << " on " << day;
        }
        return;
      }
      ++undated_open;
      EXPECT_EQ(got.effect(), Effect::kReview) << ctx;
      EXPECT_TRUE(got.open()) << ctx;
      std::vector<std::string> missing = got.missing();
      EXPECT_NE(std::find(missing.begin(), missing.end(), "d"), missing.end()) << ctx;
      for (const Decision* v : {&a, &b})
        for (const std::string& m : v->missing())
          EXPECT_NE(std::find(missing.begin(), missing.end(), m), missing.end()) << ctx;
    });
  }
  EXPECT_GT(requests, 10000u);
  EXPECT_GT(undated_open, 100u);
  EXPECT_GT(undated_settled, 100u);
}

}  // namespace
}  // namespace writ
