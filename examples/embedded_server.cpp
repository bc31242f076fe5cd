// The decision service inside your own program: writ::Server serves a
// policy over HTTP on its own threads while the program keeps its signals
// to itself — here SIGHUP reloads the policy and SIGTERM or SIGINT stop the
// server gracefully, as `writ serve` does.
//
//   embedded_server POLICY [PORT]      (PORT 0, the default: any free port)
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <writ/writ.hpp>

int main(int argc, char** argv) {
  if (argc < 2) return std::cerr << "usage: embedded_server POLICY [PORT]\n", 2;
  // Block the signals before any thread starts, so that only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGHUP, SIGTERM, SIGINT}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  writ::PolicyStore store(argv[1]);
  writ::ServeOptions options;
  options.port = static_cast<uint16_t>(argc > 2 ? std::atoi(argv[2]) : 0);
  auto server = writ::Server::Start(store, options);
  if (!server.ok()) return std::cerr << server.status().message() << "\n", 1;
  std::cout << "serving " << store.Current()->name() << " on http://127.0.0.1:" << (*server)->port()
            << std::endl;

  for (int s = 0; sigwait(&signals, &s) == 0;) {
    if (s != SIGHUP) break;
    const absl::Status reloaded = (*server)->Reload();
    std::cout << (reloaded.ok() ? "reloaded" : "reload failed; still serving the old policy")
              << std::endl;
  }
  (*server)->Stop();  // requests in flight are answered first
  std::cout << "stopped" << std::endl;
}
