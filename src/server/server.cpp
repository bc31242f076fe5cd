// File: src/server/server.cpp
#include "server/server.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace writ::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

}  // namespace

struct Server::Impl {
  Impl(Service& s, Metrics& m, const PolicyStore& st, ServerOptions o)
      : service(s),
        metrics(m),
        store(st),
        options(std::move(o)),
        threads(options.threads > 0 ? options.threads
                                    : std::max(1u, std::thread::hardware_concurrency())),
        ioc(threads),
        control(asio::make_strand(ioc)),
        acceptor(control),
        signals(control, SIGTERM, SIGINT, SIGHUP),
        reload_timer(control),
        inotify(control) {}

  class Session;

  Service& service;
  Metrics& metrics;
  const PolicyStore& store;
  ServerOptions options;
  int threads;
  // Declared before the io_context: its destruction destroys pending
  // handlers, whose sessions touch these as they go.
  std::mutex sessions_mu;
  std::set<std::weak_ptr<Session>, std::owner_less<std::weak_ptr<Session>>> sessions;
  std::atomic<bool> stopping{false};
  std::condition_variable all_closed;
  asio::io_context ioc;
  // The acceptor, signals, file events and reloads run on one strand: their
  // objects are touched by one handler at a time.
  asio::strand<asio::io_context::executor_type> control;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  asio::steady_timer reload_timer;  // gathers a burst of file events into one reload
  bool reload_pending = false;
  asio::posix::stream_descriptor inotify;
  // The bound on a graceful shutdown: the watchdog stops the io_context
  // when the last connection has closed, or when the time is up.
  std::thread watchdog;
  asio::thread_pool reloader{1};  // reloads off the serving threads
  std::array<char, 4096> inotify_buffer{};
  std::set<std::string> watched_dirs;

  void Accept();
  void OnSignal(const boost::system::error_code& ec, int signal);
  void Shutdown();
  void ScheduleReload(const char* why);
  void Watch();
  void ReadEvents();
};

// One client connection: requests read and answered one after another
// (keep-alive), every step on the connection's strand.
class Server::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Impl& server, tcp::socket socket) : server_(server), stream_(std::move(socket)) {
    boost::system::error_code ec;
    const auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = absl::StrCat(ep.address().to_string(), ":", ep.port());
  }
  ~Session() {
    server_.metrics.ConnectionClosed();
    if (server_.stopping.load()) {
      std::lock_guard<std::mutex> lock(server_.sessions_mu);
      server_.all_closed.notify_all();
    }
  }

  void Start() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::WaitForRequest, shared_from_this()));
  }

  // Shutdown: close the connection if it is waiting for a request; one being
  // read or answered finishes first (and is then closed: keep-alive is off).
  void CloseIfIdle() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_) self->stream_.cancel();
    });
  }

 private:
  // Waits for the first bytes of the next request with the idle timeout, then
  // reads the whole request with the read timeout: a client may keep a
  // connection open between requests, but not send one slowly.
  void WaitForRequest() {
    if (server_.stopping.load()) return Close();
    if (buffer_.size() > 0) return ReadRequest();  // pipelined
    idle_ = true;
    stream_.expires_after(server_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->idle_ = false;
                              if (ec) return self->Close();  // idle timeout, closed, shutdown
                              self->buffer_.commit(n);
                              self->ReadRequest();
                            });
  }

  void ReadRequest() {
    parser_.emplace();
    parser_->body_limit(server_.options.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(server_.options.max_header_bytes));
    stream_.expires_after(server_.options.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    started_ = Clock::now();
    if (ec == http::error::end_of_stream) return Close();
    if (ec) {
      server_.metrics.RequestError();
      if (ec == beast::error::timeout)
        return Refuse(408, "the request did not arrive within the read timeout");
      if (ec == http::error::body_limit)
        return Refuse(413, absl::StrCat("the body is larger than ", server_.options.max_body_bytes,
                                        " bytes (--max-body-bytes)"));
      if (ec == http::error::header_limit)
        return Refuse(431,
                      absl::StrCat("the header is larger than ", server_.options.max_header_bytes,
                                   " bytes (--max-header-bytes)"));
      if (ec == asio::error::operation_aborted || ec == asio::error::eof ||
          ec == asio::error::connection_reset)
        return Close();
      return Refuse(400, absl::StrCat("not an HTTP/1.1 request: ", ec.message()));
    }
    const auto& req = parser_->get();
    method_ = std::string(req.method_string());
    target_ = std::string(req.target());
    Response r = server_.service.Handle(method_, target_, req.body());
    Send(std::move(r), req.keep_alive(), req.version());
  }

  // An error before a request could be read: answered, then closed.
  void Refuse(int status, std::string_view message) {
    Send(ErrorResponse(status, message), false, 11);
  }

  void Send(Response r, bool keep_alive, unsigned version) {
    response_.emplace(static_cast<http::status>(r.status), version);
    response_->set(http::field::server, "writ");
    response_->set(http::field::content_type, r.content_type);
    if (!r.allow.empty()) response_->set(http::field::allow, r.allow);
    response_->keep_alive(keep_alive && !server_.stopping.load());
    response_->body() = std::move(r.body);
    response_->prepare_payload();
    status_ = r.status;
    stream_.expires_after(server_.options.write_timeout);
    http::async_write(stream_, *response_,
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, size_t) {
    const double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    const bool decide = target_.rfind("/v1/decide", 0) == 0;
    server_.metrics.Answered(status_, seconds, decide);
    if (server_.options.access_log) Log(seconds);
    const bool keep = !ec && response_->keep_alive();
    response_.reset();
    target_.clear();
    method_.clear();
    if (!keep) return Close();
    WaitForRequest();
  }

  void Log(double seconds) {
    boost::json::object line{
        {"time", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone())},
        {"peer", peer_},
        {"method", method_},
        {"target", target_},
        {"status", status_},
        {"bytes", response_ ? response_->body().size() : 0},
        {"ms", seconds * 1e3}};
    const std::string text = boost::json::serialize(line) + "\n";
    std::fwrite(text.data(), 1, text.size(), stderr);
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  Impl& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  std::string peer_, method_, target_;
  int status_ = 0;
  bool idle_ = false;
  Clock::time_point started_;
};

void Server::Impl::Accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (stopping.load() || ec == asio::error::operation_aborted) return;
      return Accept();  // a failed accept (say, out of descriptors) does not stop the server
    }
    metrics.ConnectionOpened();
    if (static_cast<size_t>(metrics.connections()) > options.max_connections) {
      // Over the limit: a short refusal, written synchronously (it fits in
      // the socket's buffer), then closed.
      metrics.ConnectionRefused();
      metrics.ConnectionClosed();
      const Response r = ErrorResponse(503, "too many connections (--max-connections)");
      const std::string text = absl::StrCat(
          "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
          "Connection: close\r\nContent-Length: ",
          r.body.size(), "\r\n\r\n", r.body);
      beast::error_code ignored;
      socket.non_blocking(true, ignored);
      socket.write_some(asio::buffer(text), ignored);
      socket.close(ignored);
    } else {
      auto session = std::make_shared<Session>(*this, std::move(socket));
      {
        std::lock_guard<std::mutex> lock(sessions_mu);
        for (auto it = sessions.begin(); it != sessions.end();)  // forget the closed
          it = it->expired() ? sessions.erase(it) : std::next(it);
        sessions.insert(session);
      }
      session->Start();
    }
    Accept();
  });
}

void Server::Impl::OnSignal(const boost::system::error_code& ec, int signal) {
  if (ec) return;
  if (signal == SIGHUP) {
    ScheduleReload("SIGHUP");
    signals.async_wait([this](auto e, int s) { OnSignal(e, s); });
    return;
  }
  Shutdown();
}

void Server::Impl::Shutdown() {
  if (stopping.exchange(true)) return;
  service.Drain();
  beast::error_code ignored;
  acceptor.close(ignored);
  signals.cancel(ignored);
  reload_timer.cancel();
  inotify.close(ignored);
  // The sessions are taken out under the lock and told to close after it:
  // a session may finish meanwhile, and if ours is its last reference its
  // destructor (which takes the same lock) runs when we let it go.
  std::vector<std::shared_ptr<Session>> open;
  {
    std::lock_guard<std::mutex> lock(sessions_mu);
    for (const auto& w : sessions)
      if (auto s = w.lock()) open.push_back(std::move(s));
  }
  for (const auto& s : open) s->CloseIfIdle();
  open.clear();
  // Whatever is still running when the bound passes is cut.
  watchdog = std::thread([this] {
    std::unique_lock<std::mutex> lock(sessions_mu);
    all_closed.wait_for(lock, options.shutdown_timeout,
                        [this] { return metrics.connections() <= 0; });
    ioc.stop();
  });
}

void Server::Impl::ScheduleReload(const char* why) {
  asio::post(reloader, [this, why] {
    (void)service.Reload(why);  // a failure is recorded and logged; the old policy serves
    asio::post(control, [this] { Watch(); });  // imports may have changed
  });
}

// Watches the folders of the serving policy's source files.
void Server::Impl::Watch() {
  if (!options.watch || stopping.load() || !inotify.is_open()) return;
  const SourceSet* sources = nullptr;
  auto policy = store.Current();
  auto history = store.CurrentHistory();
  if (policy) sources = &policy->sources();
  if (history) sources = &history->sources();
  if (sources == nullptr) return;
  for (size_t i = 0; i < sources->size(); ++i) {
    std::error_code ec;
    auto dir =
        std::filesystem::absolute(sources->at(static_cast<uint32_t>(i)).path(), ec).parent_path();
    if (ec || !watched_dirs.insert(dir.string()).second) continue;
    inotify_add_watch(inotify.native_handle(), dir.c_str(),
                      IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE);
  }
}

void Server::Impl::ReadEvents() {
  inotify.async_read_some(asio::buffer(inotify_buffer), [this](beast::error_code ec, size_t) {
    if (ec) return;
    // Any change in a watched folder may be a source file's: reload shortly
    // after the first event, so that a burst (an editor's write, rename and
    // chmod) is one reload, and a stream of changes still reloads every
    // 100 ms.
    if (!reload_pending) {
      reload_pending = true;
      reload_timer.expires_after(std::chrono::milliseconds(100));
      reload_timer.async_wait([this](beast::error_code e) {
        reload_pending = false;
        if (!e) ScheduleReload("file changed");
      });
    }
    ReadEvents();
  });
}

Server::Server(Service& service, Metrics& metrics, const PolicyStore& store, ServerOptions options)
    : impl_(std::make_unique<Impl>(service, metrics, store, std::move(options))) {}

Server::~Server() = default;

absl::Status Server::Listen() {
  Impl& s = *impl_;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(s.options.address, ec);
  if (ec)
    return absl::InvalidArgumentError(
        absl::StrCat("'", s.options.address, "' is not an IP address"));
  const tcp::endpoint endpoint(address, s.options.port);
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return absl::UnavailableError(absl::StrCat("cannot listen on ", s.options.address, ":",
                                               s.options.port, ": ", ec.message()));
  return absl::OkStatus();
}

uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::Run() {
  Impl& s = *impl_;
  asio::post(s.control, [&s] {
    s.signals.async_wait([&s](auto ec, int signal) { s.OnSignal(ec, signal); });
    if (s.options.watch) {
      const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
      if (fd >= 0) {
        s.inotify.assign(fd);
        s.Watch();
        s.ReadEvents();
      }
    }
    s.Accept();
  });
  std::vector<std::thread> pool;
  for (int i = 1; i < s.threads; ++i) pool.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (auto& t : pool) t.join();
  if (s.watchdog.joinable()) s.watchdog.join();
  s.reloader.join();
}

}  // namespace writ::server
