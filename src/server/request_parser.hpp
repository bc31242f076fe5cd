// File: src/server/request_parser.hpp
//
// An HTTP/1.1 request parser on Beast's `basic_parser` that keeps only what
// the service reads (method, target, body, keep-alive, Expect) in a request
// the connection owns and reuses: after the first few requests on a
// connection, parsing one allocates nothing. Beast does the parsing proper
// (framing, Content-Length, chunked bodies, the header and body limits).
#ifndef WRIT_SRC_SERVER_REQUEST_PARSER_HPP_
#define WRIT_SRC_SERVER_REQUEST_PARSER_HPP_

#include <boost/beast/http/basic_parser.hpp>
#include <cstdint>
#include <string>

namespace writ::server {

// One request as read; its strings keep their capacity from one request to
// the next.
struct HttpRequest {
  std::string method;
  std::string target;
  std::string body;
  unsigned version = 11;         // 10 or 11
  bool expect_continue = false;  // "Expect: 100-continue"

  void Clear() {
    method.clear();
    target.clear();
    body.clear();
    version = 11;
    expect_continue = false;
  }
};

// A parser lives for one request (Beast's parsers are not reset); it writes
// into `into`, which it clears first.
class RequestParser : public boost::beast::http::basic_parser<true> {
 public:
  explicit RequestParser(HttpRequest& into) : into_(into) { into_.Clear(); }

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb, string_view method, string_view target,
                       int version, error_code&) override;
  void on_response_impl(int, string_view, int, error_code&) override {}
  void on_field_impl(boost::beast::http::field name, string_view, string_view value,
                     error_code&) override;
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override;
  std::size_t on_body_impl(string_view body, error_code&) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override;
  void on_finish_impl(error_code&) override {}

  HttpRequest& into_;
};

}  // namespace writ::server

#endif  // WRIT_SRC_SERVER_REQUEST_PARSER_HPP_
