// The ten-line quick start: load a policy, decide a request, explain it.
#include <iostream>
#include <writ/writ.hpp>

int main(int argc, char** argv) {
  auto policy = writ::Policy::Load(argc > 1 ? argv[1] : "policies/telegram-2024.writ");
  if (!policy.ok()) return std::cerr << policy.status().message(), 1;
  auto request = (*policy)->ParseRequest(R"({"received": "2024-10-02",
      "requester": {"kind": "law_enforcement"}, "offense": {"category": "fraud"},
      "instrument": {"type": "search_warrant", "issuer": "judge", "expires": "2025-01-01"},
      "subject": {"status": "suspect", "violates_tos": true},
      "data": {"requested": ["ip_address", "message_content"]}})");
  if (!request.ok()) return std::cerr << request.status().message(), 1;
  std::cout << (*policy)->Explain(*request).ToText();
}
