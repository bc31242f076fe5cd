// File: src/cli/records.hpp
//
// The requests of one input, as `writ eval` reads them: a single JSON
// object, a top-level array of objects (each element a request), JSON Lines,
// or objects one after another, pretty-printed over several lines or not.
// A record that does not parse is reported with its place and the reading
// goes on at the next line that starts a record, so one bad request loses
// nothing else.
#ifndef WRIT_SRC_CLI_RECORDS_HPP_
#define WRIT_SRC_CLI_RECORDS_HPP_

#include <string>
#include <string_view>
#include <vector>

namespace writ::cli {

struct Record {
  std::string_view text;  // the record's JSON text (a view into the input)
  std::string where;      // "file:line", or "file[i]" for an array element
  std::string error;      // non-empty: the record is malformed, and why
  std::string id;         // its top-level "id" string, if it has one
};

// Splits `text` (named `name` in `where`) into records, in order.
std::vector<Record> SplitRecords(const std::string& name, std::string_view text);

}  // namespace writ::cli

#endif  // WRIT_SRC_CLI_RECORDS_HPP_
