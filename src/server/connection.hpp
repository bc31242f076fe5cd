// File: src/server/connection.hpp
//
// One client connection of `writ serve`, served by one worker thread from
// accept to close. It reads into a buffer it keeps, parses every complete
// request there (pipelined requests too), answers each through the Service,
// and writes all the answers of one read in one write; keep-alive then
// waits for the next request. Everything it holds is reused from one
// request to the next.
//
// Its phases, and the deadline the worker's sweep holds each to:
//   idle     waiting for the first byte of a request   --idle-timeout: closed
//   reading  a request begun, not yet complete          --read-timeout: 408, closed
//   writing  answers being taken by the client          --write-timeout: closed
//   waiting  an answer being recorded in the ledger (--ledger): no deadline;
//            requests pipelined behind it wait, answers before it are written
#ifndef WRIT_SRC_SERVER_CONNECTION_HPP_
#define WRIT_SRC_SERVER_CONNECTION_HPP_

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/request_parser.hpp"
#include "server/service.hpp"
#include "server/worker.hpp"

namespace writ::server {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Clock = std::chrono::steady_clock;

  Connection(Worker& worker, boost::asio::ip::tcp::socket socket);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void Start();
  // The sweep: cuts the current wait if its deadline has passed.
  void ExpireIfDue(Clock::time_point now);
  // Shutdown: closes the connection if it is waiting for a request; one
  // being read or answered finishes first (and is then closed).
  void CloseIfIdle();

 private:
  friend class Worker;  // the worker's list of its connections
  enum class Phase { kIdle, kReading, kWriting, kWaiting, kClosed };

  // A response queued in this write, for the metrics and the access log
  // once it is written.
  struct Answered {
    int status = 0;
    bool decide = false;
    Clock::time_point start;
    size_t bytes = 0;
    std::string method, target;  // only with the access log
  };

  void Cut();
  void Read();
  void OnRead(const boost::system::error_code& ec, size_t n);
  void Parse();
  void Answer();
  void OnRecorded(Response r, bool keep_alive, bool head);
  void Refuse(int status, std::string_view message);
  void Queue(const Response& r, bool keep_alive, bool head);
  void Write();
  void OnWrite(const boost::system::error_code& ec);
  void Log(const Answered& a, double seconds) const;
  void Close();

  Worker& worker_;
  ServingContext& context_;
  boost::asio::ip::tcp::socket socket_;
  Connection* next_ = nullptr;
  Connection* prev_ = nullptr;

  Phase phase_ = Phase::kIdle;
  bool expired_ = false;  // the sweep (or a shutdown) cut the current wait
  bool closing_ = false;  // close once what is queued is written
  bool continue_sent_ = false;
  bool recording_ = false;           // an answer is being recorded: parse nothing more until it is
  Clock::time_point deadline_;       // of the current phase
  Clock::time_point read_deadline_;  // of the request being read
  Clock::time_point last_read_;      // when the latest bytes arrived
  Clock::time_point request_start_;  // when the first bytes of the request being read arrived

  std::vector<char> in_;  // received, not yet parsed: [in_begin_, in_end_)
  size_t in_begin_ = 0, in_end_ = 0;
  std::optional<RequestParser> parser_;  // while a request is being read
  HttpRequest request_;
  std::string out_;  // the responses of this write
  std::vector<Answered> answered_;
  size_t answered_count_ = 0;
  std::string peer_;  // "address:port", for the access log
};

}  // namespace writ::server

#endif  // WRIT_SRC_SERVER_CONNECTION_HPP_
