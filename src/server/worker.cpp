// File: src/server/worker.cpp
#include "server/worker.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <memory>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/connection.hpp"

namespace writ::server {
namespace {

namespace asio = boost::asio;

std::string DateLine() {
  // RFC 9110 §5.6.7: the IMF-fixdate.
  return absl::FormatTime("Date: %a, %d %b %Y %H:%M:%S GMT\r\n", absl::Now(), absl::UTCTimeZone());
}

}  // namespace

Worker::Worker(ServingContext& context) : context_(context), date_line_(DateLine()) {}

Worker::~Worker() { Stop(); }

std::chrono::milliseconds Worker::tick() const {
  const ServerOptions& o = context_.options;
  const auto shortest = std::min({o.read_timeout, o.idle_timeout, o.write_timeout});
  return std::clamp(shortest / 10, std::chrono::milliseconds(10), std::chrono::milliseconds(250));
}

void Worker::Start() {
  Sweep();
  thread_ = std::thread([this] { io_.run(); });
}

void Worker::Adopt(asio::ip::tcp::socket socket) {
  asio::post(io_, [this, s = std::move(socket)]() mutable {
    std::make_shared<Connection>(*this, std::move(s))->Start();
  });
}

void Worker::CloseIdle() {
  asio::post(io_, [this] {
    for (Connection* c = connections_; c != nullptr;) {
      Connection* next = c->next_;
      c->CloseIfIdle();
      c = next;
    }
  });
}

void Worker::Stop() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void Worker::Link(Connection* c) {
  c->next_ = connections_;
  c->prev_ = nullptr;
  if (connections_ != nullptr) connections_->prev_ = c;
  connections_ = c;
}

void Worker::Unlink(Connection* c) {
  if (c->prev_ != nullptr) c->prev_->next_ = c->next_;
  if (c->next_ != nullptr) c->next_->prev_ = c->prev_;
  if (connections_ == c) connections_ = c->next_;
  c->next_ = c->prev_ = nullptr;
}

void Worker::Sweep() {
  date_line_ = DateLine();
  const auto now = std::chrono::steady_clock::now();
  // Expiring a connection cancels its wait; its handler runs later, so the
  // list does not change under this walk.
  for (Connection* c = connections_; c != nullptr; c = c->next_) c->ExpireIfDue(now);
  sweep_.expires_after(tick());
  sweep_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) Sweep();
  });
}

}  // namespace writ::server
