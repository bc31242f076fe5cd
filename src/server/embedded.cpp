// File: src/server/embedded.cpp
//
// writ::Server (include/writ/server.hpp): the pieces `writ serve` wires
// together in its main function — metrics, the ledger's recorder, the
// service, the HTTP server — owned by one object, with the server's control
// loop on a thread of its own and no signal handlers.
#include <memory>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "server/metrics.hpp"
#include "server/recorder.hpp"
#include "server/server.hpp"
#include "server/service.hpp"
#include "writ/server.hpp"

namespace writ {

struct Server::Impl {
  PolicyStore& store;
  server::Metrics metrics;
  std::unique_ptr<server::DecisionRecorder> recorder;  // with a ledger
  std::optional<server::Service> service;
  std::optional<server::Server> http;
  std::thread control;  // runs http->Run()

  explicit Impl(PolicyStore& s) : store(s) {}
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(); }

absl::StatusOr<std::unique_ptr<Server>> Server::Start(PolicyStore& store, ServeOptions options) {
  auto impl = std::make_unique<Impl>(store);
  if (!options.ledger.empty()) {
    absl::StatusOr<Ledger> ledger = Ledger::Open(options.ledger);
    if (!ledger.ok()) return ledger.status();
    impl->recorder = std::make_unique<server::DecisionRecorder>(std::move(*ledger), impl->metrics);
  }
  impl->service.emplace(store, impl->metrics, impl->recorder.get());
  if (store.Current() == nullptr && store.CurrentHistory() == nullptr) {
    if (absl::Status s = impl->service->Reload("start"); !s.ok()) return s;
  } else {
    impl->service->Adopt();
  }
  server::ServerOptions o;
  static_cast<ServeOptions&>(o) = std::move(options);
  o.handle_signals = false;
  impl->http.emplace(*impl->service, impl->metrics, store, std::move(o));
  if (absl::Status s = impl->http->Listen(); !s.ok()) return s;
  Impl* raw = impl.get();
  impl->control = std::thread([raw] { raw->http->Run(); });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

uint16_t Server::port() const { return impl_->http->port(); }

absl::Status Server::Reload() { return impl_->http->Reload(); }

void Server::Stop() {
  if (!impl_ || !impl_->control.joinable()) return;
  impl_->http->Shutdown();
  impl_->control.join();
}

std::string Server::Metrics() const { return impl_->metrics.Render(impl_->store.generation()); }

}  // namespace writ
