// The store's side of TAXII writes: status resources of POST requests and removals of object
// versions from collections (declared in store.h; the tables are in store.cc's schema).
#include "store/sqlite.h"
#include "store/store.h"

namespace tadamun::store {

Status Store::PutTaxiiStatus(const TaxiiStatus& status) {
  Statement st(*db_, "INSERT INTO taxii_status(id, member, created, json) VALUES(?1, ?2, ?3, ?4)");
  st.Bind(1, status.id);
  st.Bind(2, status.member);
  st.Bind(3, status.created.empty() ? clock_->Now().WithDigits(6).ToString() : status.created);
  st.Bind(4, status.json);
  Status s = st.Run();
  if (s.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("status " + status.id + " already exists");
  }
  return s;
}

StatusOr<TaxiiStatus> Store::GetTaxiiStatus(const std::string& id) {
  Statement st(*db_, "SELECT id, member, created, json FROM taxii_status WHERE id = ?1");
  st.Bind(1, id);
  if (st.Step()) {
    return TaxiiStatus{std::string(st.ColumnText(0)), std::string(st.ColumnText(1)),
                       std::string(st.ColumnText(2)), std::string(st.ColumnText(3))};
  }
  TADAMUN_RETURN_IF_ERROR(st.status());
  return Status::NotFound("no status " + id);
}

StatusOr<std::vector<RemovedVersion>> Store::RemoveFromCollection(
    const std::string& collection, const std::string& id, const VersionSelection& versions,
    const std::vector<std::string>& spec_versions, const std::string& actor) {
  if (import_open_) return Status::FailedPrecondition("an import is open on this store");
  TADAMUN_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
  // Rolls back unless committed below (every early return is a failure).
  struct Guard {
    Db* db;
    bool done = false;
    ~Guard() {
      if (!done) (void)db->Exec("ROLLBACK");
    }
  } guard{db_.get()};

  Query q;
  q.collection = collection;
  q.ids = {id};
  q.versions = versions;
  q.spec_versions = spec_versions;
  std::vector<int64_t> memberships;  // add_seq of each selected membership
  std::vector<RemovedVersion> removed;
  TADAMUN_RETURN_IF_ERROR(Scan(q, [&](const Row& row) {
    memberships.push_back(row.seq);
    removed.push_back({row.id, row.version});
    return Status::Ok();
  }));
  if (removed.empty()) return removed;  // the guard rolls the empty transaction back

  Statement drop(*db_, "DELETE FROM collection_objects WHERE add_seq = ?1");
  for (int64_t seq : memberships) {
    drop.Bind(1, seq);
    TADAMUN_RETURN_IF_ERROR(drop.Run());
  }
  Statement record(*db_,
                   "INSERT INTO deletions(collection_id, actor, deleted_at) VALUES(?1, ?2, ?3)");
  record.Bind(1, collection);
  record.Bind(2, actor);
  record.Bind(3, clock_->Now().WithDigits(6).ToString());
  TADAMUN_RETURN_IF_ERROR(record.Run());
  const int64_t deletion_id = db_->LastInsertRowid();
  Statement version(*db_,
                    "INSERT INTO deleted_versions(deletion_id, id, version) VALUES(?1, ?2, ?3)");
  for (const RemovedVersion& r : removed) {
    version.Bind(1, deletion_id);
    version.Bind(2, r.id);
    version.Bind(3, r.version);
    TADAMUN_RETURN_IF_ERROR(version.Run());
  }
  TADAMUN_RETURN_IF_ERROR(db_->Exec("COMMIT"));
  guard.done = true;
  return removed;
}

StatusOr<std::vector<DeletionRecord>> Store::UnauditedDeletions() {
  Statement st(*db_,
               "SELECT deletion_id, collection_id, actor, deleted_at FROM deletions WHERE "
               "audited = 0 ORDER BY deletion_id");
  std::vector<DeletionRecord> out;
  while (st.Step()) {
    out.push_back({st.ColumnInt(0), std::string(st.ColumnText(1)), std::string(st.ColumnText(2)),
                   std::string(st.ColumnText(3))});
  }
  TADAMUN_RETURN_IF_ERROR(st.status());
  return out;
}

Status Store::ForEachRemovedVersion(const DeletionRecord& deletion,
                                    const std::function<Status(const RemovedVersion&)>& fn) {
  Statement st(*db_,
               "SELECT id, version FROM deleted_versions WHERE deletion_id = ?1 ORDER BY rowid");
  st.Bind(1, deletion.deletion_id);
  RemovedVersion r;
  while (st.Step()) {
    r.id = st.ColumnText(0);
    r.version = st.ColumnText(1);
    TADAMUN_RETURN_IF_ERROR(fn(r));
  }
  return st.status();
}

Status Store::MarkDeletionAudited(int64_t deletion_id) {
  Statement st(*db_, "UPDATE deletions SET audited = 1 WHERE deletion_id = ?1");
  st.Bind(1, deletion_id);
  return st.Run();
}

}  // namespace tadamun::store
