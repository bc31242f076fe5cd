// File: src/analysis/witness.hpp (internal)
//
// A concrete request inside a cube (analysis/region.hpp): each attribute the
// cube leaves free or allows to be missing is left out; each other scalar
// takes a value of an allowed class; two ordered attributes related by the
// cube take values that stand in the allowed relation (searched among the
// classes' candidates and their neighbours); an enum set holds exactly the
// members the cube requires. The caller decides the request with the real
// evaluator to check what it claims.
#ifndef WRIT_SRC_ANALYSIS_WITNESS_HPP_
#define WRIT_SRC_ANALYSIS_WITNESS_HPP_

#include <boost/json/object.hpp>
#include <optional>

#include "analysis/region.hpp"
#include "analysis/request_space.hpp"

namespace writ::detail {

// The request as a JSON object (dotted paths as nested objects), or nullopt
// if no values were found that satisfy the cube's relations.
std::optional<boost::json::object> WitnessOf(const RequestSpace& space, const DiagramStore& store,
                                             const Cube& cube);

}  // namespace writ::detail

#endif  // WRIT_SRC_ANALYSIS_WITNESS_HPP_
