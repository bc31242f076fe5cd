// File: tests/testing/small_policies.hpp — random small policies over one
// small schema, and every request of its (small) space: the analysis tests
// (diff_test, lint_test) check the analysis against brute force with them.
#ifndef WRIT_TESTS_TESTING_SMALL_POLICIES_HPP_
#define WRIT_TESTS_TESTING_SMALL_POLICIES_HPP_

#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace writ::testing {

inline const char* kHead = R"(enum E { e0, e1, e2 }
enum Item { i0, i1, i2 }
attr b : bool
attr e : E
attr f : E
attr n : int
attr m : int
attr d : date
attr s : string
attr asked : set<Item>
)";

// Every value the brute force tries for each attribute (JSON; "" is missing).
inline const std::map<std::string, std::vector<std::string>> kValues = {
    {"b", {"", "false", "true"}},
    {"e", {"", "\"e0\"", "\"e1\"", "\"e2\""}},
    {"f", {"", "\"e0\"", "\"e1\"", "\"e2\""}},
    {"n", {"", "2", "3", "4", "5", "6", "7"}},
    {"m", {"", "2", "3", "4", "5", "6", "7"}},
    {"d", {"", "\"2023-12-31\"", "\"2024-01-01\"", "\"2024-05-31\"", "\"2024-06-01\""}},
    {"s", {"", "\"a\"", "\"b\"", "\"ab\"", "\"ba\"", "\"c\"", "\"ac\"", "\"cb\""}},
    {"asked",
     {"", "[]", "[\"i0\"]", "[\"i1\"]", "[\"i2\"]", "[\"i0\",\"i1\"]", "[\"i0\",\"i2\"]",
      "[\"i1\",\"i2\"]", "[\"i0\",\"i1\",\"i2\"]"}},
};

// Conditions over each attribute (and pairs).
inline const std::map<std::string, std::vector<std::string>> kAtoms = {
    {"b", {"b", "not b", "b is present"}},
    {"e", {"e == e1", "e in {e0, e2}", "e != e2", "e is missing"}},
    {"f", {"f == e0", "f == e", "f != e"}},
    {"n", {"n > 3", "n <= 5", "n == 4", "n != 3", "n >= m", "n < m", "n is missing"}},
    {"m", {"m >= 4", "m == n"}},
    {"d", {"d >= 2024-01-01", "d < 2024-06-01", "d is present"}},
    {"s", {"s == \"a\"", "s in {\"a\", \"b\"}", "s like \"a*\"", "s like \"*b\"", "s != \"c\""}},
    {"asked",
     {"asked contains i1", "asked contains_any {i0, i2}", "asked contains_all {i0, i1}",
      "asked == {i1}", "asked contains_none {i2}", "asked is missing"}},
};

inline std::string RandomCondition(std::mt19937_64& rng, const std::vector<std::string>& attrs,
                                   int depth) {
  const int form = depth > 1 ? 0 : static_cast<int>(rng() % 5);
  if (form <= 1) {
    const std::string& a = attrs[rng() % attrs.size()];
    const auto& atoms = kAtoms.at(a);
    std::string atom = atoms[rng() % atoms.size()];
    // A comparison with another attribute only if that one is in play.
    for (const char* other : {"m", "e", "n"})
      if (atom.find(std::string(" ") + other) != std::string::npos && atom.size() < 8 &&
          std::find(attrs.begin(), attrs.end(), other) == attrs.end())
        atom = atoms[0];
    return atom;
  }
  if (form == 2) return absl::StrCat("not (", RandomCondition(rng, attrs, depth + 1), ")");
  return absl::StrCat("(", RandomCondition(rng, attrs, depth + 1), form == 3 ? " and " : " or ",
                      RandomCondition(rng, attrs, depth + 1), ")");
}

inline std::string RandomPolicy(std::mt19937_64& rng, const std::vector<std::string>& attrs,
                                const std::string& name) {
  static const char* kEffects[] = {"allow", "review", "deny"};
  std::string text = absl::StrCat(kHead, "policy ", name, " { combine ",
                                  rng() % 2 ? "first_match" : "deny_overrides",
                                  " items asked default ", kEffects[rng() % 3], " \"d\" }\n");
  const int rules = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < rules; ++i) {
    const char* effect = kEffects[rng() % 3];
    absl::StrAppend(&text, "rule r", i, " { when ", RandomCondition(rng, attrs, 0));
    if (rng() % 4 == 0) absl::StrAppend(&text, " unless ", RandomCondition(rng, attrs, 1));
    absl::StrAppend(&text, " then ", effect, " \"m\"");
    // `disclose` reads the items asked for: only when they are in play.
    const bool asked = std::find(attrs.begin(), attrs.end(), "asked") != attrs.end();
    if (std::string(effect) != "deny" && asked && rng() % 2)
      absl::StrAppend(&text, rng() % 2 ? " disclose {i0}" : " disclose {i1, i2}");
    switch (rng() % 5) {
      case 0:
        absl::StrAppend(&text, rng() % 2 ? " obligation o1" : " obligation o2(\"x\")");
        break;
      case 1:  // conditional: an unknown condition opens the decision
        absl::StrAppend(&text, rng() % 2 ? " obligation o1 when " : " obligation o2(\"x\") unless ",
                        RandomCondition(rng, attrs, 1));
        break;
      default:
        break;
    }
    absl::StrAppend(&text, " }\n");
  }
  return text;
}

// Every request (JSON text) of the attributes `attrs`, each missing or one
// of its values in kValues; the others missing.
inline void ForEachRequest(const std::vector<std::string>& attrs,
                           const std::function<void(const std::string&)>& f) {
  std::vector<size_t> at(attrs.size(), 0);
  for (;;) {
    std::string json = "{";
    bool first = true;
    for (size_t k = 0; k < attrs.size(); ++k) {
      const std::string& v = kValues.at(attrs[k])[at[k]];
      if (v.empty()) continue;
      absl::StrAppend(&json, first ? "" : ",", "\"", attrs[k], "\":", v);
      first = false;
    }
    f(json + "}");
    size_t k = 0;
    while (k < attrs.size() && ++at[k] == kValues.at(attrs[k]).size()) at[k++] = 0;
    if (k == attrs.size()) return;
  }
}

// Three or four attributes of the small schema, at random.
inline std::vector<std::string> RandomAttributes(std::mt19937_64& rng) {
  std::vector<std::string> attrs = {"b", "e", "f", "n", "m", "d", "s", "asked"};
  std::shuffle(attrs.begin(), attrs.end(), rng);
  attrs.resize(3 + rng() % 2);
  if (std::find(attrs.begin(), attrs.end(), "asked") == attrs.end() && rng() % 2)
    attrs.back() = "asked";
  return attrs;
}

}  // namespace writ::testing

#endif  // WRIT_TESTS_TESTING_SMALL_POLICIES_HPP_
