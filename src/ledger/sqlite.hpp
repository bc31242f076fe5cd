// File: src/ledger/sqlite.hpp (internal)
//
// The little of SQLite's C API the ledger uses, with RAII and absl::Status:
// a connection, prepared statements, and transactions that roll back unless
// committed. (A wrapper library such as SQLiteCpp would add a dependency and
// exceptions for these hundred lines.)
#ifndef WRIT_SRC_LEDGER_SQLITE_HPP_
#define WRIT_SRC_LEDGER_SQLITE_HPP_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace writ::detail {

class Database {
 public:
  // Opens `path` (creating it when `create`); sets the busy timeout.
  static absl::StatusOr<Database> Open(const std::string& path, bool create, bool read_only);
  Database() = default;
  ~Database();
  Database(Database&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Database& operator=(Database&& o) noexcept;

  sqlite3* get() const { return db_; }
  // Runs statements with no results.
  absl::Status Exec(const char* sql);
  // The status for SQLite's current error, prefixed with `what`.
  absl::Status Error(std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(const Database& db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  Statement& Bind(int i, std::int64_t v);
  Statement& Bind(int i, std::string_view text);
  Statement& BindBlob(int i, const void* data, size_t size);
  Statement& BindNull(int i);
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step();
  void Reset();

  std::int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string_view Text(int col) const;
  std::string_view Blob(int col) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE (the write lock first, so that two writers never both
// read the tree's head and then collide), ROLLBACK unless Commit succeeds.
class WriteTransaction {
 public:
  explicit WriteTransaction(Database& db) : db_(db) {}
  ~WriteTransaction();
  absl::Status Begin();
  absl::Status Commit();

 private:
  Database& db_;
  bool open_ = false;
};

}  // namespace writ::detail

#endif  // WRIT_SRC_LEDGER_SQLITE_HPP_
