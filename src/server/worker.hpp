// File: src/server/worker.hpp
//
// One serving thread of `writ serve`. Each worker runs its own io_context on
// its own thread, and a connection handed to it stays with it until it
// closes: no handler of a connection ever runs on another thread, so there
// are no strands and no locks on the request path, and nothing wakes
// another thread to answer a request.
//
// Timeouts are deadlines on the connections, checked by one sweep per
// worker every `tick()` (a tenth of the shortest timeout, between 10 and
// 250 ms), rather than a timer armed and cancelled around every read and
// write: a client is cut off at most a tick after its deadline.
#ifndef WRIT_SRC_SERVER_WORKER_HPP_
#define WRIT_SRC_SERVER_WORKER_HPP_

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "server/metrics.hpp"
#include "server/options.hpp"
#include "server/service.hpp"

namespace writ::server {

class Connection;

// What the workers of one server share.
struct ServingContext {
  ServingContext(const ServerOptions& o, Service& s, Metrics& m)
      : options(o), service(s), metrics(m) {}
  const ServerOptions& options;
  Service& service;
  Metrics& metrics;
  std::atomic<bool> stopping{false};  // graceful shutdown: no keep-alive, idle connections closed
  // Signalled as connections close during a shutdown.
  std::mutex closed_mu;
  std::condition_variable all_closed;
};

class Worker {
 public:
  explicit Worker(ServingContext& context);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  boost::asio::io_context& io() { return io_; }
  ServingContext& context() { return context_; }

  // Starts the thread that serves this worker's connections.
  void Start();
  // Serves a connection accepted on this worker's io_context (any thread).
  void Adopt(boost::asio::ip::tcp::socket socket);
  // Shutdown: closes the connections waiting for a request (any thread).
  void CloseIdle();
  // Stops the thread (any thread) and waits for it.
  void Stop();

  // The "Date: ...\r\n" line of responses, renewed every tick.
  const std::string& date_line() const { return date_line_; }

  // The connections this worker serves, for the sweep (worker thread only).
  void Link(Connection* c);
  void Unlink(Connection* c);

 private:
  void Sweep();
  std::chrono::milliseconds tick() const;

  ServingContext& context_;
  Connection* connections_ = nullptr;  // an intrusive list: Connection::next_/prev_
  std::string date_line_;
  std::thread thread_;
  // Last, so destroyed first: the connections its pending handlers hold are
  // destroyed with it, and unlink themselves from the list above.
  boost::asio::io_context io_{1};
  boost::asio::steady_timer sweep_{io_};
};

}  // namespace writ::server

#endif  // WRIT_SRC_SERVER_WORKER_HPP_
