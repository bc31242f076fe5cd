// File: src/api/json_render.hpp (internal)
//
// Decisions and explanations as Boost.JSON objects, the one writer of their
// JSON form: ToJson serializes these, and an explanation's object extends
// its decision's.
#ifndef WRIT_SRC_API_JSON_RENDER_HPP_
#define WRIT_SRC_API_JSON_RENDER_HPP_

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "writ/decision.hpp"

namespace writ::detail {

struct DecisionAccess {
  static boost::json::object Object(const Decision& d, std::string_view request,
                                    std::string_view input, bool tagged);
  static boost::json::object HistoryObject(const Decision& d);
  static std::string HistoryText(const Decision& d);
};

// With `tagged`, "request" and "input" come first.
boost::json::object DecisionObject(const Decision& d, std::string_view request,
                                   std::string_view input, bool tagged);
boost::json::object ExplanationObject(const Explanation& e, std::string_view request,
                                      std::string_view input, bool tagged);

}  // namespace writ::detail

#endif  // WRIT_SRC_API_JSON_RENDER_HPP_
