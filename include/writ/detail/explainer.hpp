// File: detail/explainer.hpp (not API)
//
// Builds an Explanation on demand: for the deciding rules their messages
// with placeholders rendered, for every other rule why it did not apply
// (the first false condition in source order, with the request's value and
// what the rule needed) or which attributes were missing.
#ifndef WRIT_DETAIL_EXPLAINER_HPP_
#define WRIT_DETAIL_EXPLAINER_HPP_

#include "writ/decision.hpp"
#include "writ/request.hpp"

namespace writ::detail {

Explanation Explain(const Policy& policy, const Request& request, const Decision& decision);

}  // namespace writ::detail

#endif  // WRIT_DETAIL_EXPLAINER_HPP_
