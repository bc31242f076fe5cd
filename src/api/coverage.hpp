// File: src/api/coverage.hpp (internal)
//
// Recording what a policy's tests exercise into a CoverageReport
// (include/writ/coverage.hpp): the rules and the leaf conditions of the
// policy, and for each test's request each rule's status, each condition's
// truth and the conditions that were the reason a rule did not apply.
#ifndef WRIT_SRC_API_COVERAGE_HPP_
#define WRIT_SRC_API_COVERAGE_HPP_

#include "absl/container/flat_hash_map.h"
#include "api/policy_data.hpp"
#include "runtime/reference_evaluator.hpp"
#include "writ/coverage.hpp"

namespace writ::detail {

class CoverageRecorder {
 public:
  // Lists the rules and conditions of `data` in `report`.
  CoverageRecorder(const PolicyData& data, CoverageReport& report);
  // Adds one test's request.
  void Record(const Request& request);

 private:
  void AllLeaves(const CheckedRule& r);
  void Leaves(const Expr& e, const std::string& rule, bool obligation = false);
  void Reason(const Expr& e, bool is_false, const Request& r);

  const PolicyData& data_;
  CoverageReport& report_;
  ReferenceEvaluator ref_;
  absl::flat_hash_map<const Expr*, size_t> index_;  // leaf -> report_.conditions
  std::vector<bool> reason_;                        // this request's reasons
};

}  // namespace writ::detail

#endif  // WRIT_SRC_API_COVERAGE_HPP_
