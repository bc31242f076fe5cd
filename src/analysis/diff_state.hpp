// File: src/analysis/diff_state.hpp (internal)
//
// What a PolicyDiff keeps of its analysis so that it can place a concrete
// request in one of its changes (PolicyDiff::ChangeOf): the request space,
// the diagrams, the product's root and which change each of its terminals
// became.
#ifndef WRIT_SRC_ANALYSIS_DIFF_STATE_HPP_
#define WRIT_SRC_ANALYSIS_DIFF_STATE_HPP_

#include <vector>

#include "analysis/diagram.hpp"
#include "analysis/request_space.hpp"

namespace writ::detail {

struct DiffState {
  DiffState(RequestSpace s, std::vector<uint32_t> domains)
      : space(std::move(s)), store(std::move(domains)) {}
  RequestSpace space;
  DiagramStore store;
  NodeId product = DiagramStore::kFalse;
  // Product terminal t (t > 0: kind g = t - 1) -> index in PolicyDiff::changes, or -1.
  std::vector<int32_t> change_of_terminal;
  // Per model: each space attribute's index in that model, or -1.
  std::vector<int32_t> model_attr[2];
};

}  // namespace writ::detail

#endif  // WRIT_SRC_ANALYSIS_DIFF_STATE_HPP_
