// File: tests/server_test.cpp
//
// writ::Server (include/writ/server.hpp), embedded: started on a loopback
// port the kernel picks, asked over real sockets, reloaded and stopped from
// the program. Every socket has a timeout, so every test stops by itself.
#include "writ/server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "writ/ledger.hpp"
#include "writ/policy.hpp"

namespace writ {
namespace {

namespace fs = std::filesystem;

// One HTTP/1.1 exchange on a new connection (Connection: close): the status
// and the body.
struct Reply {
  int status = 0;
  std::string body;
};

Reply Ask(uint16_t port, const std::string& method, const std::string& target,
          const std::string& body = "") {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  Reply reply;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return reply;
  }
  const std::string request =
      method + " " + target + " HTTP/1.1\r\nHost: test\r\n" +
      "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  (void)send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string response;
  char buffer[4096];
  for (ssize_t n; (n = recv(fd, buffer, sizeof buffer, 0)) > 0;)
    response.append(buffer, static_cast<size_t>(n));
  close(fd);
  if (response.rfind("HTTP/1.1 ", 0) != 0) return reply;
  reply.status = std::stoi(response.substr(9, 3));
  const size_t head_end = response.find("\r\n\r\n");
  if (head_end != std::string::npos) reply.body = response.substr(head_end + 4);
  return reply;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A copy of a bundled policy in a fresh folder, to rewrite.
class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("writ_server_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    policy_ = dir_ / "policy.writ";
    fs::copy_file(fs::path(WRIT_POLICY_DIR) / "telegram-2024.writ", policy_);
    fs::copy_file(fs::path(WRIT_POLICY_DIR) / "disclosure-schema.writ",
                  dir_ / "disclosure-schema.writ");  // what it imports
  }
  void TearDown() override { fs::remove_all(dir_); }

  static ServeOptions AnyPort() {
    ServeOptions o;
    o.port = 0;
    o.threads = 2;
    return o;
  }

  fs::path dir_, policy_;
};

// examples/requests/01-terror-suspect-court-order.json: review under the 2024 text.
constexpr char kRequest[] = R"({"id": "r1", "received": "2024-10-02",
  "requester": {"kind": "law_enforcement", "country": "DE", "verified": true},
  "instrument": {"type": "court_order", "issuer": "judge", "expires": "2025-01-15"},
  "subject": {"status": "suspect", "violates_tos": true},
  "offense": {"category": "terrorism"},
  "data": {"requested": ["ip_address", "phone_number"]}})";

TEST_F(ServerTest, DecidesAsThePolicyDoesAndAnswersEveryRoute) {
  PolicyStore store(policy_.string());
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(store, AnyPort());
  ASSERT_TRUE(server.ok()) << server.status();
  const uint16_t port = (*server)->port();
  ASSERT_NE(port, 0);

  const Reply decided = Ask(port, "POST", "/v1/decide", kRequest);
  ASSERT_EQ(decided.status, 200) << decided.body;
  const boost::json::object d = boost::json::parse(decided.body).as_object();
  // The same decision as the library's, in the same JSON.
  std::shared_ptr<const Policy> policy = store.Current();
  Request r = policy->NewRequest();
  ASSERT_TRUE(policy->ParseRequest(kRequest, r).ok());
  const boost::json::object want =
      boost::json::parse(policy->Decide(r).ToJson("r1", "body")).as_object();
  EXPECT_EQ(d, want);

  EXPECT_EQ(Ask(port, "GET", "/healthz").status, 200);
  EXPECT_EQ(Ask(port, "GET", "/readyz").status, 200);
  const Reply info = Ask(port, "GET", "/v1/policy");
  EXPECT_EQ(info.status, 200);
  EXPECT_EQ(boost::json::parse(info.body).at("sha256").as_string(), policy->sha256());
  EXPECT_FALSE(boost::json::parse(info.body).at("loaded_at").as_string().empty());
  EXPECT_EQ(Ask(port, "GET", "/v1/decide").status, 405);
  EXPECT_EQ(Ask(port, "GET", "/nowhere").status, 404);
  EXPECT_EQ(Ask(port, "POST", "/v1/decide", "{nope").status, 400);
  const std::string metrics = (*server)->Metrics();
  EXPECT_NE(metrics.find("writ_decisions_total{effect=\"review\"} 1"), std::string::npos)
      << metrics;
  EXPECT_EQ(Ask(port, "GET", "/metrics").status, 200);
}

TEST_F(ServerTest, ServesAStoreItsOwnerLoadedAndReloadsWhenAsked) {
  PolicyStore store(policy_.string());
  ASSERT_TRUE(store.Reload().ok());
  ServeOptions o = AnyPort();
  o.watch = false;  // only Reload() changes what is served
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(store, o);
  ASSERT_TRUE(server.ok()) << server.status();
  const uint16_t port = (*server)->port();
  const std::string before =
      std::string(boost::json::parse(Ask(port, "GET", "/v1/policy").body).at("sha256").as_string());

  // A broken text: the reload fails with its diagnostics, the old policy serves.
  std::string text = ReadFile(policy_);
  { std::ofstream(policy_) << text << "\nrule {\n"; }
  const absl::Status failed = (*server)->Reload();
  EXPECT_FALSE(failed.ok());
  EXPECT_NE(std::string(failed.message()).find("policy.writ:"), std::string::npos) << failed;
  EXPECT_EQ(boost::json::parse(Ask(port, "GET", "/v1/policy").body).at("sha256").as_string(),
            before);
  EXPECT_EQ(Ask(port, "POST", "/v1/decide", kRequest).status, 200);
  EXPECT_NE(Ask(port, "GET", "/readyz").body.find("last_reload"), std::string::npos);

  // A valid change: served after Reload().
  { std::ofstream(policy_) << text << "\n// a comment changes the text\n"; }
  ASSERT_TRUE((*server)->Reload().ok());
  EXPECT_NE(boost::json::parse(Ask(port, "GET", "/v1/policy").body).at("sha256").as_string(),
            before);
  EXPECT_NE((*server)->Metrics().find("writ_reload_failures_total 1"), std::string::npos);
}

TEST_F(ServerTest, RefusesToStartOnABrokenPolicyOrATakenPort) {
  { std::ofstream(policy_) << "policy broken {\n"; }
  PolicyStore broken(policy_.string());
  absl::StatusOr<std::unique_ptr<Server>> none = Server::Start(broken, AnyPort());
  ASSERT_FALSE(none.ok());
  EXPECT_NE(std::string(none.status().message()).find("policy.writ:"), std::string::npos)
      << none.status();

  PolicyStore store((fs::path(WRIT_POLICY_DIR) / "telegram-2024.writ").string());
  absl::StatusOr<std::unique_ptr<Server>> first = Server::Start(store, AnyPort());
  ASSERT_TRUE(first.ok()) << first.status();
  ServeOptions same = AnyPort();
  same.port = (*first)->port();
  absl::StatusOr<std::unique_ptr<Server>> second = Server::Start(store, same);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable) << second.status();

  ServeOptions bad_ledger = AnyPort();
  bad_ledger.ledger = (dir_ / "policy.writ").string();  // not a ledger
  EXPECT_FALSE(Server::Start(store, bad_ledger).ok());
}

TEST_F(ServerTest, StopAnswersRequestsInFlightAndThenRefusesConnections) {
  PolicyStore store(policy_.string());
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(store, AnyPort());
  ASSERT_TRUE(server.ok()) << server.status();
  const uint16_t port = (*server)->port();
  // Clients deciding while the server stops: every answer is a whole 200,
  // or the connection was refused after the stop; nothing else.
  std::atomic<bool> done{false};
  std::atomic<int> answered{0}, bad{0};
  std::vector<std::thread> clients;
  for (int k = 0; k < 4; ++k)
    clients.emplace_back([&] {
      while (!done.load()) {
        const Reply r = Ask(port, "POST", "/v1/decide", kRequest);
        if (r.status == 200 && r.body.find("\"effect\"") != std::string::npos)
          ++answered;
        else if (r.status != 0)
          ++bad;
      }
    });
  while (answered.load() < 50) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const auto start = std::chrono::steady_clock::now();
  (*server)->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  done = true;
  for (auto& c : clients) c.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(Ask(port, "GET", "/healthz").status, 0);  // refused: nothing listens
  (*server)->Stop();                                  // idempotent
}

TEST_F(ServerTest, RecordsEveryDecisionInItsLedger) {
  const fs::path ledger = dir_ / "decisions.ledger";
  ASSERT_TRUE(Ledger::Open(ledger.string()).ok());
  PolicyStore store(policy_.string());
  ServeOptions o = AnyPort();
  o.ledger = ledger.string();
  {
    absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(store, o);
    ASSERT_TRUE(server.ok()) << server.status();
    for (int i = 0; i < 5; ++i)
      ASSERT_EQ(Ask((*server)->port(), "POST", "/v1/decide", kRequest).status, 200);
  }  // the destructor stops it
  absl::StatusOr<Ledger> l = Ledger::Open(ledger.string());
  ASSERT_TRUE(l.ok()) << l.status();
  absl::StatusOr<std::uint64_t> size = l->Size();
  ASSERT_TRUE(size.ok()) << size.status();
  EXPECT_EQ(*size, 5u);
}

}  // namespace
}  // namespace writ
