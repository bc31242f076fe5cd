// File: src/common/dates.hpp (internal)
//
// Calendar dates as day numbers (days since 1970-01-01) and back. Policies,
// requests and explanations all use these, so they live below every stage.
#ifndef WRIT_SRC_COMMON_DATES_HPP_
#define WRIT_SRC_COMMON_DATES_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace writ::detail {

// Days since 1970-01-01 for a valid calendar date, or nullopt.
std::optional<int64_t> DaysFromCivil(int y, int m, int d);
// The inverse, as YYYY-MM-DD.
std::string CivilFromDays(int64_t days);
// "YYYY-MM-DD" as days since 1970-01-01, or nullopt when it is not a date.
std::optional<int64_t> ParseIsoDate(std::string_view s);

}  // namespace writ::detail

#endif  // WRIT_SRC_COMMON_DATES_HPP_
