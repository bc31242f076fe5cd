// File: src/explain/explainer.hpp (internal)
//
// Builds an Explanation on demand: for the deciding rules their messages
// with placeholders rendered, for every other rule why it did not apply
// (the first false condition in source order, with the request's value and
// what the rule needed) or which attributes were missing.
#ifndef WRIT_SRC_EXPLAIN_EXPLAINER_HPP_
#define WRIT_SRC_EXPLAIN_EXPLAINER_HPP_

#include "checker/checker.hpp"
#include "compiler/program.hpp"
#include "writ/decision.hpp"
#include "writ/request.hpp"

namespace writ::detail {

// Every rule's outcome for `request` and why, around `decision` (what the
// compiled evaluator decided for it).
Explanation Explain(const SourceSet& sources, const Model& model, const Program& program,
                    const Request& request, const Decision& decision);

}  // namespace writ::detail

#endif  // WRIT_SRC_EXPLAIN_EXPLAINER_HPP_
