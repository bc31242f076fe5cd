// File: bench/http_floor.cpp
//
// The floor under `writ serve` (bench/serve_load.sh --floor): the least an
// HTTP/1.1 keep-alive server can do per request on this machine. Epoll,
// edge-triggered, one thread per listener on a shared port (SO_REUSEPORT);
// each read is answered with one fixed response per request in it, found by
// counting "POST " — no parsing, no deciding, no allocation. Whatever this
// reaches under the same wrk is what the machine's loopback TCP and
// system calls allow; writ serve cannot go faster without pipelining.
//
//   http_floor PORT [THREADS]     (loopback only)
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <thread>
#include <vector>

namespace {

constexpr std::string_view kResponse =
    "HTTP/1.1 200 OK\r\nServer: floor\r\nContent-Type: application/json\r\n"
    "Content-Length: 2\r\n\r\n{}";

void Serve(int port) {
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener, 1024) != 0) {
    std::perror("http_floor: bind");
    std::exit(1);
  }
  const int poll = epoll_create1(0);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = listener;
  epoll_ctl(poll, EPOLL_CTL_ADD, listener, &event);
  std::vector<epoll_event> events(256);
  std::vector<char> buffer(1 << 16);
  std::string out;
  for (;;) {
    const int n = epoll_wait(poll, events.data(), static_cast<int>(events.size()), -1);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listener) {
        for (int c; (c = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          epoll_event e{};
          e.events = EPOLLIN | EPOLLET;
          e.data.fd = c;
          epoll_ctl(poll, EPOLL_CTL_ADD, c, &e);
        }
        continue;
      }
      for (;;) {
        const ssize_t got = recv(fd, buffer.data(), buffer.size(), 0);
        if (got <= 0) {
          if (got == 0) close(fd);
          break;
        }
        const std::string_view in(buffer.data(), static_cast<size_t>(got));
        size_t requests = 0;
        for (size_t at = in.find("POST "); at != std::string_view::npos;
             at = in.find("POST ", at + 5))
          ++requests;
        out.clear();
        for (size_t k = 0; k < std::max<size_t>(requests, 1); ++k) out += kResponse;
        send(fd, out.data(), out.size(), MSG_NOSIGNAL);
        if (static_cast<size_t>(got) < buffer.size()) break;  // drained: wait for the next edge
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: http_floor PORT [THREADS]\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(Serve, port);
  for (auto& t : pool) t.join();
}
