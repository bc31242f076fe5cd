// File: src/api/history_data.hpp (internal)
//
// Everything a loaded history owns: its file, its versions (each a loaded
// Policy), the date attribute's handle in each version's schema, and the
// policies that carry its tests (each version in force on some test's date,
// loaded again with those tests checked against it). Immutable after load.
#ifndef WRIT_SRC_API_HISTORY_DATA_HPP_
#define WRIT_SRC_API_HISTORY_DATA_HPP_

#include <memory>
#include <string>
#include <vector>

#include "common/ast.hpp"
#include "compiler/program.hpp"
#include "writ/history.hpp"

namespace writ {

struct PolicyHistory::Data {
  std::string path, name, title, date_attribute, sha256;
  // "no version of history 'NAME' was in force on {DATE}": the message of a
  // decision before the first version, placeholder unrendered.
  std::string no_version_message;
  SourceSet sources;  // the history file first
  detail::File file;  // the history file parsed: its tests
  std::vector<Version> versions;
  std::vector<int64_t> from;                 // versions[i].from_days, for the search
  std::vector<AttributeHandle> date_handle;  // the date attribute in each version
  // What the as-of step reads, per version, in one array: the schema's
  // address (to find the version a request was made for), the date
  // attribute's index there, the day it took effect, the policy.
  struct Step {
    const void* schema = nullptr;
    const Policy* policy = nullptr;
    const detail::Program* program = nullptr;  // the policy's, decided directly
    uint32_t date = 0;                         // the date attribute's index
    uint32_t date_offset = 0;                  // and its place among a request's values
    int64_t from = 0;
    int64_t until = 0;  // the next version's `from` (the largest int64 for the last)
  };
  std::vector<Step> steps;
  // A test block of the history file, and the policy that checked it and
  // builds its request: the version in force on its date, loaded with it.
  struct TestCarrier {
    std::shared_ptr<const Policy> policy;
    std::vector<uint32_t> tests;  // indices into file.tests, in the order kept
  };
  std::vector<TestCarrier> carriers;
};

namespace detail {
struct HistoryAccess {
  static const PolicyHistory::Data& Data(const PolicyHistory& h) { return *h.data_; }
};
}  // namespace detail

}  // namespace writ

#endif  // WRIT_SRC_API_HISTORY_DATA_HPP_
