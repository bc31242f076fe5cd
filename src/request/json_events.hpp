// File: src/request/json_events.hpp (internal)
//
// A Boost.JSON basic_parser handler that takes every event and builds
// nothing. Handlers that care about a few events derive from it and define
// those (basic_parser calls them by name on the derived type).
#ifndef WRIT_SRC_REQUEST_JSON_EVENTS_HPP_
#define WRIT_SRC_REQUEST_JSON_EVENTS_HPP_

#include <boost/json/basic_parser.hpp>
#include <cstddef>
#include <cstdint>

namespace writ::detail {

struct IgnoreJsonEvents {
  static constexpr size_t max_object_size = size_t(-1);
  static constexpr size_t max_array_size = size_t(-1);
  static constexpr size_t max_key_size = size_t(-1);
  static constexpr size_t max_string_size = size_t(-1);
  using error_code = boost::json::error_code;
  using string_view = boost::json::string_view;
  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) { return true; }
  bool on_object_end(size_t, error_code&) { return true; }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(size_t, error_code&) { return true; }
  bool on_key_part(string_view, size_t, error_code&) { return true; }
  bool on_key(string_view, size_t, error_code&) { return true; }
  bool on_string_part(string_view, size_t, error_code&) { return true; }
  bool on_string(string_view, size_t, error_code&) { return true; }
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(int64_t, string_view, error_code&) { return true; }
  bool on_uint64(uint64_t, string_view, error_code&) { return true; }
  bool on_double(double, string_view, error_code&) { return true; }
  bool on_bool(bool, error_code&) { return true; }
  bool on_null(error_code&) { return true; }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }
};

}  // namespace writ::detail

#endif  // WRIT_SRC_REQUEST_JSON_EVENTS_HPP_
