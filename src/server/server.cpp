// File: src/server/server.cpp
#include "server/server.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/beast/core.hpp>
#include <csignal>
#include <filesystem>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/worker.hpp"

namespace writ::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

}  // namespace

struct Server::Impl {
  Impl(Service& s, Metrics& m, const PolicyStore& st, ServerOptions o)
      : service(s),
        metrics(m),
        store(st),
        options(std::move(o)),
        context(options, service, metrics),
        acceptor(control),
        reload_timer(control),
        inotify(control) {
    const int n = options.threads > 0
                      ? options.threads
                      : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 0; i < n; ++i) workers.push_back(std::make_unique<Worker>(context));
    // Constructing the set installs the handlers: only when asked.
    if (options.handle_signals) signals.emplace(control, SIGTERM, SIGINT, SIGHUP);
  }

  Service& service;
  Metrics& metrics;
  const PolicyStore& store;
  ServerOptions options;
  ServingContext context;
  // The workers come before the control side's objects, so that they are
  // destroyed after them (and their connections with them).
  std::vector<std::unique_ptr<Worker>> workers;
  size_t next_worker = 0;
  // The control side: acceptor, signals, file events and reloads, on the
  // thread that calls Run(), one handler at a time.
  asio::io_context control{1};
  tcp::acceptor acceptor;
  std::optional<asio::signal_set> signals;
  asio::steady_timer reload_timer;  // gathers a burst of file events into one reload
  bool reload_pending = false;
  asio::posix::stream_descriptor inotify;
  // The bound on a graceful shutdown: the watchdog stops the control side
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

// Connections go to the workers in turn; the socket is opened on the
// worker's io_context, so it never touches this thread's again.
void Server::Impl::Accept() {
  Worker& worker = *workers[next_worker++ % workers.size()];
  acceptor.async_accept(worker.io(), [this, &worker](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (context.stopping.load() || ec == asio::error::operation_aborted) return;
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
      worker.Adopt(std::move(socket));
    }
    Accept();
  });
}

void Server::Impl::OnSignal(const boost::system::error_code& ec, int signal) {
  if (ec) return;
  if (signal == SIGHUP) {
    ScheduleReload("SIGHUP");
    signals->async_wait([this](auto e, int s) { OnSignal(e, s); });
    return;
  }
  Shutdown();
}

void Server::Impl::Shutdown() {
  if (context.stopping.exchange(true)) return;
  service.Drain();
  beast::error_code ignored;
  acceptor.close(ignored);
  if (signals) signals->cancel(ignored);
  reload_timer.cancel();
  inotify.close(ignored);
  for (const auto& w : workers) w->CloseIdle();
  // Whatever is still running when the bound passes is cut.
  watchdog = std::thread([this] {
    std::unique_lock<std::mutex> lock(context.closed_mu);
    context.all_closed.wait_for(lock, options.shutdown_timeout,
                                [this] { return metrics.connections() <= 0; });
    control.stop();
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
  if (!options.watch || context.stopping.load() || !inotify.is_open()) return;
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
    if (s.signals) s.signals->async_wait([&s](auto ec, int signal) { s.OnSignal(ec, signal); });
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
  for (const auto& w : s.workers) w->Start();
  // Returns once shut down: the watchdog stops it, or nothing is left to do.
  s.control.run();
  if (s.watchdog.joinable()) s.watchdog.join();
  for (const auto& w : s.workers) w->Stop();
  // Decisions still being recorded call back into the stopped workers'
  // queues (their handlers are dropped with the workers).
  s.service.DrainRecords();
  s.reloader.join();
}

void Server::Shutdown() {
  asio::post(impl_->control, [this] { impl_->Shutdown(); });
}

absl::Status Server::Reload() {
  const absl::Status s = impl_->service.Reload("requested");
  asio::post(impl_->control, [this] { impl_->Watch(); });  // imports may have changed
  return s;
}

}  // namespace writ::server
