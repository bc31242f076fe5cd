// File: src/server/request_parser.cpp
#include "server/request_parser.hpp"

#include <boost/beast/http/field.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace writ::server {

void RequestParser::on_request_impl(boost::beast::http::verb, string_view method,
                                    string_view target, int version, error_code&) {
  into_.method.assign(method.data(), method.size());
  into_.target.assign(target.data(), target.size());
  into_.version = static_cast<unsigned>(version);
}

void RequestParser::on_field_impl(boost::beast::http::field name, string_view, string_view value,
                                  error_code&) {
  if (name == boost::beast::http::field::expect)
    into_.expect_continue = absl::EqualsIgnoreCase(
        absl::StripAsciiWhitespace(absl::string_view(value.data(), value.size())), "100-continue");
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) {
  // The body limit was checked against the length before this is called.
  if (length) into_.body.reserve(static_cast<size_t>(*length));
}

std::size_t RequestParser::on_body_impl(string_view body, error_code&) {
  into_.body.append(body.data(), body.size());
  return body.size();
}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  into_.body.append(body.data(), body.size());
  return body.size();
}

}  // namespace writ::server
