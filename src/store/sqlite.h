// A thin RAII wrapper over the SQLite C API: the only place outside store.cc that names
// sqlite3. Internal to the store module.
//
// Db owns a connection; Statement owns a prepared statement and borrows its Db (which must
// outlive it). Neither is thread-safe: one connection per thread.
//
//   Statement st(db, "SELECT json FROM objects WHERE id = ?1");
//   st.Bind(1, id);
//   while (st.Step()) Use(st.ColumnText(0));
//   TADAMUN_RETURN_IF_ERROR(st.status());
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace tadamun::store {

class Db {
 public:
  Db() = default;
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Opens (creating when `create` is set) the database file at `path`.
  Status Open(const std::string& path, bool create);
  // Runs one or more statements that return no rows.
  Status Exec(std::string_view sql);
  sqlite3* handle() const { return db_; }
  int64_t Changes() const;
  int64_t LastInsertRowid() const;
  // A Status for the connection's last error, prefixed with `what`.
  Status Error(std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(Db& db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Bind parameters (1-based). Text is copied by SQLite.
  void Bind(int index, std::string_view text);
  void Bind(int index, int64_t value);
  void BindNull(int index);
  // Binds text without copying it: `text` must stay valid until the statement is Reset.
  void BindUnowned(int index, std::string_view text);
  // Advances: true when a row is available; false when done or on error (see status()).
  bool Step();
  // Runs a statement that returns no rows (Step until done), then Reset.
  Status Run();
  // Makes the statement ready to run again (keeps bindings unless cleared).
  void Reset();

  std::string_view ColumnText(int index) const;
  int64_t ColumnInt(int index) const;
  bool ColumnIsNull(int index) const;

  const Status& status() const { return status_; }

 private:
  Db& db_;
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
};

}  // namespace tadamun::store
