// File: src/ledger/sqlite.cpp
#include "ledger/sqlite.hpp"

#include "absl/strings/str_cat.h"

namespace writ::detail {

absl::StatusOr<Database> Database::Open(const std::string& path, bool create, bool read_only) {
  Database db;
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (create && !read_only) flags |= SQLITE_OPEN_CREATE;
  flags |= SQLITE_OPEN_FULLMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db.db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status s = rc == SQLITE_CANTOPEN && !create
                         ? absl::NotFoundError(absl::StrCat(path, ": no such ledger"))
                         : db.Error(absl::StrCat(path, ": cannot open"));
    return s;
  }
  // Another process appending holds the write lock for one batch: wait.
  sqlite3_busy_timeout(db.db_, 60'000);
  return db;
}

Database::~Database() {
  if (db_) sqlite3_close_v2(db_);
}

Database& Database::operator=(Database&& o) noexcept {
  if (this != &o) {
    if (db_) sqlite3_close_v2(db_);
    db_ = o.db_;
    o.db_ = nullptr;
  }
  return *this;
}

absl::Status Database::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    absl::Status s = absl::InternalError(absl::StrCat("SQLite: ", err ? err : "error"));
    sqlite3_free(err);
    return s;
  }
  return absl::OkStatus();
}

absl::Status Database::Error(std::string_view what) const {
  const char* msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
  const int code = db_ ? sqlite3_errcode(db_) : SQLITE_NOMEM;
  std::string text = absl::StrCat(std::string(what), ": ", msg);
  if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) {
    return absl::FailedPreconditionError(
        absl::StrCat(std::string(what), ": not a writ ledger (", msg, ")"));
  }
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) return absl::UnavailableError(text);
  if (code == SQLITE_READONLY) return absl::FailedPreconditionError(text);
  return absl::InternalError(text);
}

Statement::Statement(const Database& db, const char* sql) {
  if (sqlite3_prepare_v2(db.get(), sql, -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int i, std::int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}

Statement& Statement::Bind(int i, std::string_view text) {
  sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindBlob(int i, const void* data, size_t size) {
  sqlite3_bind_blob(stmt_, i, data, static_cast<int>(size), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindNull(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

int Statement::Step() { return sqlite3_step(stmt_); }

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string_view Statement::Text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string_view(p, sqlite3_column_bytes(stmt_, col)) : std::string_view();
}

std::string_view Statement::Blob(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  return p ? std::string_view(p, sqlite3_column_bytes(stmt_, col)) : std::string_view();
}

WriteTransaction::~WriteTransaction() {
  if (open_) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

absl::Status WriteTransaction::Begin() {
  if (sqlite3_exec(db_.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return db_.Error("cannot start writing to the ledger");
  }
  open_ = true;
  return absl::OkStatus();
}

absl::Status WriteTransaction::Commit() {
  if (sqlite3_exec(db_.get(), "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return db_.Error("cannot commit to the ledger");
  }
  open_ = false;
  return absl::OkStatus();
}

}  // namespace writ::detail
