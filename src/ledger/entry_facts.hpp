// File: src/ledger/entry_facts.hpp (internal)
//
// What a transparency report needs of one entry, read in one streaming pass
// over its bytes (Boost.JSON's SAX parser) instead of a document: a report
// reads every entry of a ledger of millions, and building each entry's
// document cost more than everything else together.
#ifndef WRIT_SRC_LEDGER_ENTRY_FACTS_HPP_
#define WRIT_SRC_LEDGER_ENTRY_FACTS_HPP_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace writ::detail {

struct EntryFacts {
  std::string kind, time;
  std::string effect;                                            // a decision's
  std::vector<std::pair<std::string, std::string>> obligations;  // name, argument ("" for none)
  std::optional<std::int64_t> decision;                          // a resolution's decision
  std::string outcome;                                           // disclosed | refused
  std::vector<std::string> items;
  bool has_request = false;
  // The values at the wanted request attributes, in the order asked:
  // strings as they are, other scalars as JSON, absent or null "(none)",
  // an object or an array "{…}" or "[…]".
  std::vector<std::string> values;
};

class EntryFactsReader {
 public:
  // `attributes`: dotted request attributes ("requester.country").
  explicit EntryFactsReader(const std::vector<std::string>& attributes);
  ~EntryFactsReader();
  // Reads `body`; false when it is not well-formed JSON.
  bool Read(std::string_view body, EntryFacts& out);

 private:
  struct Parser;
  std::unique_ptr<Parser> parser_;
};

}  // namespace writ::detail

#endif  // WRIT_SRC_LEDGER_ENTRY_FACTS_HPP_
