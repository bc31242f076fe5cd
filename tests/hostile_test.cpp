// Hostile input: the deepest inputs the limits allow go through every
// recursive walk (checking, compiling, deciding, explaining, formatting,
// destruction) on a thread with a small stack, and inputs past the limits
// are errors, not crashes.
#include <gtest/gtest.h>
#include <pthread.h>

#include <functional>

#include "testing/helpers.hpp"
#include "writ/format.hpp"

namespace writ {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kSmallStack = size_t{2} << 20;  // ASan's frames are several times larger
#else
constexpr size_t kSmallStack = size_t{512} << 10;
#endif

// Runs `body` on a thread whose stack is kSmallStack bytes.
void OnSmallStack(const std::function<void()>& body) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kSmallStack);
  pthread_t thread;
  auto run = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, run, const_cast<std::function<void()>*>(&body)), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

const char* kHead = "attr b : bool\nattr n : int\npolicy p { default deny \"d\" }\n";

// The whole pipeline on `text`: check, load, decide, explain, format.
void Everything(const std::string& text, bool loads, bool formats) {
  SCOPED_TRACE(text.substr(0, 200) + "... (" + std::to_string(text.size()) + " bytes)");
  auto p = Policy::FromText("p.writ", text);
  EXPECT_EQ(p.ok(), loads) << p.status().message().substr(0, 300);
  auto formatted = Format("p.writ", text);
  EXPECT_EQ(formatted.ok(), formats) << formatted.status().message().substr(0, 300);
  if (!p.ok()) return;
  for (const char* json : {R"({"b": true, "n": 3})", R"({"b": false})", "{}"}) {
    Request r = testing::Json(**p, json);
    Decision d = (*p)->Decide(r);
    Explanation e = (*p)->Explain(r);
    EXPECT_EQ(e.decision.effect(), d.effect());
    EXPECT_FALSE(e.ToJson().empty());
  }
  EXPECT_FALSE(MeaningSha256(**p).empty());
}

TEST(HostileTest, TheDeepestAllowedConditionsPassEveryWalkOnASmallStack) {
  OnSmallStack([] {
    // 255 nots: the deepest allowed chain.
    Everything(
        std::string(kHead) + "rule r { when " + Repeat("not ", 255) + "b then deny \"m\" }\n", true,
        true);
    // Brackets and nots interleaved, as deep as allowed: each level adds a
    // `not`, an `and` and the bracket's own expression.
    std::string cond = "b";
    for (int i = 0; i < 80; ++i) cond = "not (" + cond + " and n > " + std::to_string(i) + ")";
    Everything(std::string(kHead) + "rule r { when " + cond + " then deny \"m\" }\n", true, true);
    // Lets that name lets, as deep as allowed.
    std::string lets;
    for (int i = 0; i < 250; ++i)
      lets += "let l" + std::to_string(i) + " = l" + std::to_string(i + 1) + "\n";
    lets += "let l250 = 3\n";
    Everything(std::string(kHead) + lets + "rule r { when n > l0 then deny \"m\" }\n", true, true);
  });
}

TEST(HostileTest, PastTheLimitsIsAnErrorOrFoldedWithoutRecursionNotACrash) {
  OnSmallStack([] {
    Everything(
        std::string(kHead) + "rule r { when " + Repeat("not ", 9000) + "b then deny \"m\" }\n",
        false, false);
    Everything(
        std::string(kHead) + "rule r { when " + Repeat("not ", 100000) + "b then deny \"m\" }\n",
        false, false);
    Everything(std::string(kHead) + "rule r { when " + Repeat("(", 100000) + "b" +
                   Repeat(")", 100000) + " then deny \"m\" }\n",
               false, false);
    // 10,000 lets, each naming the next: folded in dependency order, without
    // recursion.
    std::string lets;
    for (int i = 0; i < 10000; ++i)
      lets += "let l" + std::to_string(i) + " = l" + std::to_string(i + 1) + "\n";
    lets += "let l10000 = 3\n";
    Everything(std::string(kHead) + lets + "rule r { when n > l0 then deny \"m\" }\n", true, true);
    // A cycle of 10,000 lets: an error, however long the cycle.
    std::string cycle;
    for (int i = 0; i < 10000; ++i)
      cycle += "let c" + std::to_string(i) + " = c" + std::to_string((i + 1) % 10000) + "\n";
    Everything(std::string(kHead) + cycle + "rule r { when n > c0 then deny \"m\" }\n", false,
               true);
    // The same chain written the other way round folds one step at a time.
    std::string reversed;
    for (int i = 9999; i >= 0; --i)
      reversed += "let l" + std::to_string(i) + " = l" + std::to_string(i + 1) + "\n";
    reversed += "let l10000 = 3\n";
    Everything(std::string(kHead) + reversed + "rule r { when n > l0 then deny \"m\" }\n", true,
               true);
  });
}

TEST(HostileTest, DeepJsonRequestsAreErrors) {
  auto p = testing::Telegram();
  OnSmallStack([&] {
    const std::string deep = Repeat("{\"a\":", 100000) + "1" + Repeat("}", 100000);
    EXPECT_FALSE(p->ParseRequest(deep).ok());
    const std::string arrays =
        "{\"data\": {\"requested\": " + Repeat("[", 100000) + Repeat("]", 100000) + "}}";
    EXPECT_FALSE(p->ParseRequest(arrays).ok());
  });
}

}  // namespace
}  // namespace writ
