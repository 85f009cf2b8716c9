#include "store/sqlite.h"

#include <sqlite3.h>

namespace tadamun::store {

Db::~Db() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

Status Db::Open(const std::string& path, bool create) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string m = "cannot open database " + path + ": " +
                    (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    if (db_ != nullptr) {
      sqlite3_close_v2(db_);
      db_ = nullptr;
    }
    return rc == SQLITE_CANTOPEN ? Status::NotFound(std::move(m)) : Status::Unavailable(std::move(m));
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 10000);
  return Status::Ok();
}

Status Db::Exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string m = "database: " + std::string(err ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
    return (rc & 0xff) == SQLITE_FULL ? Status::ResourceExhausted(std::move(m))
                                      : Status::Unavailable(std::move(m));
  }
  return Status::Ok();
}

int64_t Db::Changes() const { return sqlite3_changes(db_); }
int64_t Db::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }

Status Db::Error(std::string_view what) const {
  int rc = sqlite3_extended_errcode(db_);
  std::string m = std::string(what) + ": " + sqlite3_errmsg(db_);
  switch (rc & 0xff) {
    case SQLITE_FULL: return Status::ResourceExhausted(std::move(m));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Status::DataLoss(std::move(m));
    case SQLITE_CONSTRAINT: return Status::AlreadyExists(std::move(m));
    case SQLITE_READONLY:
    case SQLITE_PERM: return Status::PermissionDenied(std::move(m));
    default: return Status::Unavailable(std::move(m));
  }
}

Statement::Statement(Db& db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) status_ = db.Error("cannot prepare statement");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data() != nullptr ? text.data() : "",
                    static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void Statement::BindUnowned(int index, std::string_view text) {
  // A null pointer would bind SQL NULL; an empty view must bind the empty string.
  sqlite3_bind_text(stmt_, index, text.data() != nullptr ? text.data() : "",
                    static_cast<int>(text.size()), SQLITE_STATIC);
}

void Statement::Bind(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }

void Statement::BindNull(int index) { sqlite3_bind_null(stmt_, index); }

bool Statement::Step() {
  if (!status_.ok() || stmt_ == nullptr) return false;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) status_ = db_.Error("database");
  return false;
}

Status Statement::Run() {
  while (Step()) {
  }
  Status s = status_;
  Reset();
  return s;
}

void Statement::Reset() {
  if (stmt_ != nullptr) sqlite3_reset(stmt_);
  if (status_.code() != StatusCode::kInternal) {
    // Keep prepare errors (stmt_ == nullptr) sticky; step errors clear on reset.
    if (stmt_ != nullptr) status_ = Status::Ok();
  }
}

std::string_view Statement::ColumnText(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  int size = sqlite3_column_bytes(stmt_, index);
  return text == nullptr ? std::string_view() :
      std::string_view(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

int64_t Statement::ColumnInt(int index) const { return sqlite3_column_int64(stmt_, index); }

bool Statement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

}  // namespace tadamun::store
