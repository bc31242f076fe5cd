// File: src/analysis/region.hpp (internal)
//
// A set of requests (a boolean diagram) as a condition in writ's own syntax,
// so that it reads like a `when` clause and can be pasted into one: a
// disjunction of cubes, each a conjunction of one literal per variable it
// constrains. The cubes are read off the diagram with the values that lead
// to one child grouped into one literal, then merged while two differ in a
// single variable or one contains the other.
//
// The text is exact under the language's Kleene logic: a comparison reads
// as true only on present values, so a literal that allows `missing` says
// so (`(a is missing or a == x)`), and one on values only implies presence.
#ifndef WRIT_SRC_ANALYSIS_REGION_HPP_
#define WRIT_SRC_ANALYSIS_REGION_HPP_

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/diagram.hpp"
#include "analysis/request_space.hpp"

namespace writ::detail {

// Allowed values per variable (every value of the domain: any), then one
// entry per attribute of the space: for an enum set, members of which at
// least one is in it (`contains_any`; empty: no such condition).
using Cube = std::vector<ValueSet>;

// The cubes of `region`, merged.
std::vector<Cube> CubesOf(const RequestSpace& space, DiagramStore& store, NodeId region);

// Conditions shared by every alternative, and what is left of each.
struct Factored {
  std::vector<std::string> common;
  std::vector<std::vector<std::string>> alternatives;  // empty if there is one cube
};
Factored Factor(const std::vector<std::vector<std::string>>& conjunctions);

// One text per constrained attribute or relation of `cube`, in variable order.
std::vector<std::string> CubeLiterals(const RequestSpace& space, const DiagramStore& store,
                                      const Cube& cube);

// The whole region: cubes joined with `or`, each parenthesised when there
// are several; "true" for every request, "false" for none.
std::string RegionText(const RequestSpace& space, const DiagramStore& store,
                       const std::vector<Cube>& cubes);

}  // namespace writ::detail

#endif  // WRIT_SRC_ANALYSIS_REGION_HPP_
