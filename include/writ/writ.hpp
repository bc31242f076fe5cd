// File: writ.hpp
//
// The umbrella header: everything an embedder needs.
//
// Example:
//   #include <writ/writ.hpp>
//   auto policy = writ::Policy::Load("policies/telegram-2024.writ");
//   if (!policy.ok()) { std::cerr << policy.status().message(); return 1; }
//   auto request = (*policy)->ParseRequest(R"({"instrument": {"type": "subpoena"}})");
//   writ::Decision d = (*policy)->Decide(*request);
//   std::cout << d.ToJson() << "\n";
#ifndef WRIT_WRIT_HPP_
#define WRIT_WRIT_HPP_

#include "writ/coverage.hpp"
#include "writ/decider.hpp"
#include "writ/decision.hpp"
#include "writ/diagnostic.hpp"
#include "writ/diff.hpp"
#include "writ/format.hpp"
#include "writ/history.hpp"
#include "writ/ledger.hpp"
#include "writ/lint.hpp"
#include "writ/policy.hpp"
#include "writ/policy_store.hpp"
#include "writ/replay.hpp"
#include "writ/report.hpp"
#include "writ/request.hpp"
#include "writ/server.hpp"
#include "writ/source.hpp"

#endif  // WRIT_WRIT_HPP_
