// Pull cursors: where the next pull from a (remote API root, remote collection) resumes.
#include "store/sqlite.h"
#include "store/store.h"

namespace tadamun::store {
namespace {

SyncCursor ReadCursor(const Statement& st) {
  SyncCursor c;
  c.source = std::string(st.ColumnText(0));
  c.collection = std::string(st.ColumnText(1));
  c.added_after = std::string(st.ColumnText(2));
  c.next = std::string(st.ColumnText(3));
  c.next_added_after = std::string(st.ColumnText(4));
  c.objects = static_cast<uint64_t>(st.ColumnInt(5));
  c.updated = std::string(st.ColumnText(6));
  return c;
}

constexpr const char* kColumns =
    "source, collection, added_after, next, next_added_after, objects, updated";

}  // namespace

StatusOr<std::optional<SyncCursor>> Store::GetSyncCursor(const std::string& source,
                                                         const std::string& collection) {
  Statement st(*db_, std::string("SELECT ") + kColumns +
                         " FROM sync_cursors WHERE source = ?1 AND collection = ?2");
  st.Bind(1, source);
  st.Bind(2, collection);
  if (st.Step()) return std::optional<SyncCursor>(ReadCursor(st));
  TADAMUN_RETURN_IF_ERROR(st.status());
  return std::optional<SyncCursor>();
}

Status Store::PutSyncCursor(const SyncCursor& cursor) {
  if (import_open_) {
    return Status::FailedPrecondition("a pull cursor cannot move while an import is open");
  }
  Statement st(*db_, std::string("INSERT OR REPLACE INTO sync_cursors(") + kColumns +
                         ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  st.Bind(1, cursor.source);
  st.Bind(2, cursor.collection);
  st.Bind(3, cursor.added_after);
  st.Bind(4, cursor.next);
  st.Bind(5, cursor.next_added_after);
  st.Bind(6, static_cast<int64_t>(cursor.objects));
  st.Bind(7, clock_->Now().WithDigits(6).ToString());
  return st.Run();
}

StatusOr<std::vector<SyncCursor>> Store::SyncCursors() {
  Statement st(
      *db_, std::string("SELECT ") + kColumns + " FROM sync_cursors ORDER BY source, collection");
  std::vector<SyncCursor> out;
  while (st.Step()) out.push_back(ReadCursor(st));
  TADAMUN_RETURN_IF_ERROR(st.status());
  return out;
}

}  // namespace tadamun::store
