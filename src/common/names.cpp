// File: src/common/names.cpp
//
// "Did you mean": the nearest known name to a misspelt one, for the
// checker's diagnostics, a request's input problems and the API's setters.
#include "common/names.hpp"

#include <algorithm>

namespace writ::detail {

namespace {
// Edits to turn `a` into `b`: insertions, deletions, substitutions, and
// swaps of two adjacent characters (a typo's commonest forms: "titel").
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}
}  // namespace

std::string NearestName(std::string_view name, const std::vector<std::string>& candidates) {
  // Close enough to be a typo: at most a third of the name, and at most 3 edits.
  size_t limit = std::min<size_t>(3, std::max<size_t>(1, name.size() / 3));
  std::string best;
  size_t best_d = limit + 1;
  for (const auto& c : candidates) {
    if (c == name) continue;
    // The distance is at least the difference in length: skip without
    // computing it (a 50 MB value is compared in no time).
    const size_t longer = std::max(c.size(), name.size());
    if (longer - std::min(c.size(), name.size()) > limit) continue;
    size_t d = EditDistance(name, c);
    if (d < best_d || (d == best_d && c < best)) {
      best_d = d;
      best = c;
    }
  }
  return best_d <= limit ? best : "";
}

}  // namespace writ::detail
