// File: src/cli/replay.hpp
//
// `writ diff OLD NEW --requests LOG`: every request of a log decided under
// both policies, streamed (memory stays flat in the log's length). Reports
// the transitions with their counts, how many requests fell in each kind of
// change of the symbolic diff (PolicyDiff::ChangeOf), and each changed
// request with both decisions and why it changed: the rules that decided on
// each side, and for each side the rules that would have given the other
// side's effect with the first condition that did not hold, and the
// request's value.
#ifndef WRIT_SRC_CLI_REPLAY_HPP_
#define WRIT_SRC_CLI_REPLAY_HPP_

#include <memory>
#include <string>
#include <vector>

#include "writ/diff.hpp"
#include "writ/policy.hpp"

namespace writ::cli {

struct ReplayOptions {
  std::vector<std::string> inputs;  // files, or "-" for standard input
  bool json = false;                // one line per changed request, then a summary line
  bool quiet = false;
  size_t max_request_bytes = 0;
  size_t show = 20;  // text: changed requests listed in full
};

// The exit status: 0 no request changed, 1 some did (or a record was
// malformed), 3 an input could not be read.
int Replay(std::shared_ptr<const Policy> old_policy, std::shared_ptr<const Policy> new_policy,
           const PolicyDiff& diff, const ReplayOptions& options);

}  // namespace writ::cli

#endif  // WRIT_SRC_CLI_REPLAY_HPP_
