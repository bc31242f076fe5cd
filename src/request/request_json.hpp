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
#include <string_view>

#include "absl/status/status.h"
#include "common/schema.hpp"
#include "request/json_shape.hpp"
#include "writ/request.hpp"

namespace writ::detail {

// Fills `out` (cleared first) from `text` when every value it names is
// well-formed and appears once; false otherwise, `out` then unspecified.
bool ParseRequestStreaming(const Schema& schema, const JsonShape& shape, std::string_view text,
                           Request& out);

// Fills `out` (cleared first) from `text` through a JSON document: values of
// the wrong kind become input problems with suggestions; malformed JSON or
// a top level that is not an object is an error.
absl::Status ParseRequestDocument(const Schema& schema, const JsonShape& shape,
                                  std::string_view text, Request& out);

}  // namespace writ::detail

#endif  // WRIT_SRC_REQUEST_REQUEST_JSON_HPP_
