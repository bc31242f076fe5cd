// A program that embeds writ, built by every kind of consumer of the
// package (find_package, add_subdirectory, pkg-config with the shared
// library, the amalgamation): loads the given policy and decides one request.
#include <iostream>
#ifdef WRIT_AMALGAMATION
#include "writ.hpp"
#else
#include <writ/writ.hpp>
#endif

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  auto policy = writ::Policy::Load(argv[1]);
  if (!policy.ok()) {
    std::cerr << policy.status().message() << "\n";
    return 1;
  }
  auto request = (*policy)->ParseRequest(R"({"requester": {"kind": "private_party"}})");
  if (!request.ok()) return 1;
  writ::Decision d = (*policy)->Decide(*request);
  std::cout << d.ToJson() << "\n";
  return d.effect() == writ::Effect::kDeny ? 0 : 1;
}
