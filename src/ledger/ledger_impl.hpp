// File: src/ledger/ledger_impl.hpp (internal)
//
// What a `writ::Ledger` holds, shared by the files that implement it
// (ledger.cpp: opening and appending; verify.cpp: reading it all back), and
// the schema of the SQLite file.
#ifndef WRIT_SRC_LEDGER_LEDGER_IMPL_HPP_
#define WRIT_SRC_LEDGER_LEDGER_IMPL_HPP_

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "ledger/sqlite.hpp"
#include "writ/ledger.hpp"

namespace writ::detail {

// The schema this writ writes; Open migrates older ones and refuses newer.
inline constexpr int kLedgerSchemaVersion = 1;
inline constexpr std::string_view kLedgerFormat = "writ-ledger";

// One stored row, as a scan sees it.
struct StoredEntry {
  std::uint64_t seq = 0;
  std::string_view kind;
  std::optional<std::int64_t> refers;
  std::string_view body;
  std::string_view leaf_hash;  // the cached one: never trusted
};

// Calls `visit` for every row numbered in [begin, end) in order, until it
// returns false.
absl::Status ScanEntries(const Database& db, const std::function<bool(const StoredEntry&)>& visit,
                         std::uint64_t begin = 0, std::uint64_t end = UINT64_MAX);

}  // namespace writ::detail

namespace writ {

struct Ledger::Impl {
  detail::Database db;
  std::mutex mu;  // one call at a time on the connection
  std::string path;
  std::string origin;
  std::string salt;
  std::vector<std::string> redact;
  bool read_only = false;
};

namespace detail {
struct LedgerAccess {
  static Ledger::Impl& Of(const Ledger& l) { return *l.impl_; }
};
}  // namespace detail

}  // namespace writ

#endif  // WRIT_SRC_LEDGER_LEDGER_IMPL_HPP_
