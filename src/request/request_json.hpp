// File: src/request/request_json.hpp (internal)
//
// Requests from JSON text. Policy::ParseRequest first tries the streaming
// parse, which writes each value straight into the request's slots as the
// parser meets it (no JSON document is built); anything it does not take
// (an input problem, a duplicate key, malformed JSON, a set of strings) sends
// the text to the document parse, which knows every problem's message.
#ifndef WRIT_SRC_REQUEST_REQUEST_JSON_HPP_
#define WRIT_SRC_REQUEST_REQUEST_JSON_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/schema.hpp"
#include "request/json_shape.hpp"
#include "writ/request.hpp"

namespace writ::detail {

// How deep a request's JSON may nest.
inline constexpr size_t kMaxRequestDepth = 32;

// How fields the schema does not declare are taken (docs/language.md §7.5).
struct UndeclaredFields {
  // Each one an input problem (writ eval --strict); otherwise they are
  // ignored, unless no field of the request is declared at all, which is
  // one input problem naming `policy` (a request for another policy).
  bool are_problems = false;
  std::string_view policy;
};

// Fills `out` (cleared first) from `text` when every value it names is
// well-formed and appears once, and no undeclared field needs reporting;
// false otherwise, `out` then unspecified.
bool ParseRequestStreaming(const Schema& schema, const JsonShape& shape, std::string_view text,
                           Request& out, bool undeclared_are_problems);

// Fills `out` (cleared first) from `text` through a JSON document: values of
// the wrong kind and keys given twice become input problems (the attribute
// is missing), with suggestions; malformed JSON or a top level that is not
// an object is an error.
absl::Status ParseRequestDocument(const Schema& schema, const JsonShape& shape,
                                  std::string_view text, Request& out,
                                  const UndeclaredFields& undeclared);

// The dotted paths of the keys that `text` gives twice in one object
// (objects inside arrays aside).
std::vector<std::string> DuplicateKeys(std::string_view text, size_t max_depth);

}  // namespace writ::detail

#endif  // WRIT_SRC_REQUEST_REQUEST_JSON_HPP_
