// File: src/server/connection.cpp
#include "server/connection.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace writ::server {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

constexpr size_t kInitialBuffer = 4096;
// Answers to pipelined requests are written together up to this much.
constexpr size_t kWriteBatch = 64 << 10;

std::string HeaderTooLarge(size_t limit) {
  return absl::StrCat("the header is larger than ", limit, " bytes (--max-header-bytes)");
}

}  // namespace

Connection::Connection(Worker& worker, asio::ip::tcp::socket socket)
    : worker_(worker), context_(worker.context()), socket_(std::move(socket)) {
  worker_.Link(this);
}

Connection::~Connection() {
  worker_.Unlink(this);
  context_.metrics.ConnectionClosed();
  if (context_.stopping.load()) {
    std::lock_guard<std::mutex> lock(context_.closed_mu);
    context_.all_closed.notify_all();
  }
}

void Connection::Start() {
  boost::system::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);  // a response is one write: send it now
  if (context_.options.access_log) {
    const auto ep = socket_.remote_endpoint(ec);
    if (!ec) peer_ = absl::StrCat(ep.address().to_string(), ":", ep.port());
  }
  in_.resize(kInitialBuffer);
  Read();
}

void Connection::ExpireIfDue(Clock::time_point now) {
  if (phase_ == Phase::kClosed || phase_ == Phase::kWaiting || now < deadline_) return;
  Cut();
}

void Connection::CloseIfIdle() {
  if (phase_ == Phase::kIdle) Cut();
}

// Ends the wait in progress; its handler sees `expired_` and acts on the phase.
void Connection::Cut() {
  if (expired_) return;
  expired_ = true;
  boost::system::error_code ignored;
  socket_.cancel(ignored);
}

void Connection::Read() {
  if (parser_) {
    phase_ = Phase::kReading;
    deadline_ = read_deadline_;
  } else {
    if (context_.stopping.load(std::memory_order_relaxed)) return Close();
    phase_ = Phase::kIdle;
    deadline_ = Clock::now() + context_.options.idle_timeout;
  }
  if (in_end_ == in_.size()) {  // make room
    if (in_begin_ > 0) {
      std::memmove(in_.data(), in_.data() + in_begin_, in_end_ - in_begin_);
      in_end_ -= in_begin_;
      in_begin_ = 0;
    } else {
      // Only a header can fill the buffer (a body is taken out as it comes):
      // grow it to just past the header limit, where the parser refuses.
      const size_t limit = context_.options.max_header_bytes + 1;
      if (in_.size() >= limit) {
        Refuse(431, HeaderTooLarge(context_.options.max_header_bytes));
        return Write();
      }
      in_.resize(std::min(in_.size() * 2, std::max(limit, kInitialBuffer)));
    }
  }
  socket_.async_read_some(asio::buffer(in_.data() + in_end_, in_.size() - in_end_),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      size_t n) { self->OnRead(ec, n); });
}

void Connection::OnRead(const boost::system::error_code& ec, size_t n) {
  if (expired_) {
    expired_ = false;
    if (phase_ != Phase::kReading) return Close();  // idle too long, or shutting down
    context_.metrics.RequestError();
    Refuse(408, "the request did not arrive within the read timeout");
    return Write();
  }
  if (ec) {
    // The client closed (a request cut short is an error), reset, or the
    // server is stopping.
    if (parser_ && parser_->got_some()) context_.metrics.RequestError();
    return Close();
  }
  last_read_ = Clock::now();
  in_end_ += n;
  Parse();
}

// Answers every complete request in the buffer, then writes the answers, or
// reads on.
void Connection::Parse() {
  while (!closing_ && !recording_ && in_begin_ < in_end_ && out_.size() < kWriteBatch) {
    if (!parser_) {
      parser_.emplace(request_);
      parser_->eager(true);
      parser_->body_limit(context_.options.max_body_bytes);
      parser_->header_limit(static_cast<uint32_t>(context_.options.max_header_bytes));
      request_start_ = last_read_;
      read_deadline_ = last_read_ + context_.options.read_timeout;
      continue_sent_ = false;
    }
    boost::beast::error_code ec;
    const size_t used = parser_->put(asio::buffer(in_.data() + in_begin_, in_end_ - in_begin_), ec);
    in_begin_ += used;
    if (ec == http::error::need_more) break;
    if (ec) {
      context_.metrics.RequestError();
      if (ec == http::error::body_limit)
        Refuse(413, absl::StrCat("the body is larger than ", context_.options.max_body_bytes,
                                 " bytes (--max-body-bytes)"));
      else if (ec == http::error::header_limit)
        Refuse(431, HeaderTooLarge(context_.options.max_header_bytes));
      else
        Refuse(400, absl::StrCat("not an HTTP/1.1 request: ", ec.message()));
      break;
    }
    if (parser_->is_done())
      Answer();
    else if (used == 0)
      break;  // more to come
  }
  if (in_begin_ == in_end_) in_begin_ = in_end_ = 0;
  if (!out_.empty()) return Write();
  if (recording_) {
    phase_ = Phase::kWaiting;  // OnRecorded goes on
    return;
  }
  if (closing_) return Close();
  if (parser_ && parser_->is_header_done() && request_.expect_continue && !continue_sent_) {
    // The client waits for this before it sends the body (curl does for
    // bodies over a kilobyte).
    continue_sent_ = true;
    out_ = "HTTP/1.1 100 Continue\r\n\r\n";
    return Write();
  }
  Read();
}

void Connection::Answer() {
  const bool keep_alive =
      parser_->keep_alive() && !context_.stopping.load(std::memory_order_relaxed);
  const bool head = request_.method == "HEAD";
  parser_.reset();
  Response r = context_.service.Handle(request_.method, request_.target, request_.body);
  if (!r.unrecorded.empty()) {
    // Its decisions go to the ledger first; this thread serves the other
    // connections meanwhile. request_ stays as it is until then (nothing
    // more is parsed).
    recording_ = true;
    context_.service.Record(
        std::move(r), [self = shared_from_this(), keep_alive, head](Response recorded) mutable {
          Worker& worker = self->worker_;
          asio::post(worker.io(),
                     [self = std::move(self), recorded = std::move(recorded), keep_alive,
                      head]() mutable { self->OnRecorded(std::move(recorded), keep_alive, head); });
        });
    return;
  }
  Queue(r, keep_alive, head);
  if (!keep_alive) closing_ = true;
}

void Connection::OnRecorded(Response r, bool keep_alive, bool head) {
  recording_ = false;
  if (phase_ == Phase::kClosed) return;             // the client went away meanwhile
  const bool keep = keep_alive && r.status == 200;  // a 503 (not recorded) ends the connection
  Queue(r, keep, head);
  if (!keep) closing_ = true;
  if (phase_ != Phase::kWriting) Parse();  // else OnWrite goes on
}

// An error before a request could be read whole: answered, then closed.
void Connection::Refuse(int status, std::string_view message) {
  parser_.reset();
  request_.Clear();
  Queue(ErrorResponse(status, message), false, false);
  closing_ = true;
}

void Connection::Queue(const Response& r, bool keep_alive, bool head) {
  const auto status = static_cast<http::status>(r.status);
  const std::string_view reason = http::obsolete_reason(status);
  absl::StrAppend(&out_, "HTTP/1.1 ", r.status, " ",
                  absl::string_view(reason.data(), reason.size()), "\r\nServer: writ\r\n",
                  worker_.date_line(),
                  "Content-Type: ", absl::string_view(r.content_type.data(), r.content_type.size()),
                  "\r\nContent-Length: ", r.body.size(), "\r\n");
  if (!r.allow.empty()) absl::StrAppend(&out_, "Allow: ", r.allow, "\r\n");
  if (!keep_alive)
    out_ += "Connection: close\r\n";
  else if (request_.version == 10)
    out_ += "Connection: keep-alive\r\n";
  out_ += "\r\n";
  if (!head) out_ += r.body;

  if (answered_count_ == answered_.size()) answered_.emplace_back();
  Answered& a = answered_[answered_count_++];
  a.status = r.status;
  a.decide = request_.target.rfind("/v1/decide", 0) == 0;
  a.start = request_start_;
  a.bytes = r.body.size();
  if (context_.options.access_log) {
    a.method = request_.method;
    a.target = request_.target;
  }
}

void Connection::Write() {
  phase_ = Phase::kWriting;
  deadline_ = Clock::now() + context_.options.write_timeout;
  asio::async_write(socket_, asio::buffer(out_),
                    [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                      self->OnWrite(ec);
                    });
}

void Connection::OnWrite(const boost::system::error_code& ec) {
  const bool failed = ec || expired_;
  expired_ = false;
  if (answered_count_ > 0) {
    const Clock::time_point now = Clock::now();
    for (size_t i = 0; i < answered_count_; ++i) {
      const Answered& a = answered_[i];
      const double seconds = std::chrono::duration<double>(now - a.start).count();
      context_.metrics.Answered(a.status, seconds, a.decide);
      if (context_.options.access_log) Log(a, seconds);
    }
    answered_count_ = 0;
  }
  // A large batch of answers does not keep its memory.
  if (out_.capacity() > kWriteBatch * 4) std::string().swap(out_);
  out_.clear();
  if (failed || closing_) return Close();
  Parse();  // requests pipelined behind the answered ones, or the next read
}

void Connection::Log(const Answered& a, double seconds) const {
  boost::json::object line{
      {"time", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone())},
      {"peer", peer_},
      {"method", a.method},
      {"target", a.target},
      {"status", a.status},
      {"bytes", a.bytes},
      {"ms", seconds * 1e3}};
  const std::string text = boost::json::serialize(line) + "\n";
  std::fwrite(text.data(), 1, text.size(), stderr);
}

void Connection::Close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  socket_.close(ignored);
}

}  // namespace writ::server
