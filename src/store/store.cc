#include "store/store.h"

#include <sys/stat.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <variant>

#include "base/encoding.h"
#include "crypto/short_hash.h"
#include "json/json.h"
#include "store/sqlite.h"

namespace tadamun::store {
namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
-- One row per import: the provenance every stored version points to. The versions an import
-- added are the objects rows first_seq..last_seq (one writer: they are contiguous). audited
-- turns 1 once the import is recorded in the node's audit log.
CREATE TABLE IF NOT EXISTS sources(
  source_id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  digest TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  first_seq INTEGER NOT NULL DEFAULT 0,
  last_seq INTEGER NOT NULL DEFAULT -1,
  audited INTEGER NOT NULL DEFAULT 0
);
-- Every version of every object. (id_key, v_sec, v_nano) is the compact unique key of a
-- version: id_key is a SipHash of the id under the node's secret key (meta 'id_key_secret'),
-- so nobody outside can aim collisions at it; (v_sec, v_nano) is the instant of the
-- version (modified, else created; v_sec = -2^63 for unversioned objects). Integer keys keep
-- the index small enough to stay in cache on million-object imports; the id text is compared
-- too whenever a key matches, so a hash collision can never merge two objects.
CREATE TABLE IF NOT EXISTS objects(
  seq INTEGER PRIMARY KEY,
  id_key INTEGER NOT NULL,
  v_sec INTEGER NOT NULL,
  v_nano INTEGER NOT NULL,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  modified TEXT NOT NULL,
  spec_version TEXT NOT NULL,
  date_added TEXT NOT NULL,
  source_id INTEGER NOT NULL REFERENCES sources(source_id),
  name TEXT NOT NULL,
  json TEXT NOT NULL,
  -- 1 once a newer version of the same id is stored: the default TAXII query (the latest
  -- version) keeps the rows with 0 without a per-row subquery.
  superseded INTEGER NOT NULL DEFAULT 0,
  UNIQUE(id_key, v_sec, v_nano)
);
CREATE INDEX IF NOT EXISTS objects_by_type ON objects(type);
CREATE TABLE IF NOT EXISTS collections(
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  created TEXT NOT NULL
);
-- Membership of object versions in collections, in the order they were added.
CREATE TABLE IF NOT EXISTS collection_objects(
  add_seq INTEGER PRIMARY KEY,
  collection_id TEXT NOT NULL REFERENCES collections(id),
  obj_seq INTEGER NOT NULL REFERENCES objects(seq),
  date_added TEXT NOT NULL,
  UNIQUE(collection_id, obj_seq)
);
-- Pages of a collection in add order (TAXII GET objects, pull): a range scan instead of a sort
-- of the whole collection for every page.
CREATE INDEX IF NOT EXISTS collection_objects_by_add ON collection_objects(collection_id, add_seq);
-- Members of the node's TAXII server (members.cc). token_sha256 is the hex SHA-256 of the
-- member's API token (the token itself is never stored); UNIQUE makes the lookup by token an
-- index lookup. revoked_at is '' while the member is active.
CREATE TABLE IF NOT EXISTS members(
  name TEXT PRIMARY KEY,
  token_sha256 TEXT NOT NULL UNIQUE,
  created TEXT NOT NULL,
  revoked_at TEXT NOT NULL DEFAULT '',
  -- When the current token stops authenticating (RFC 3339, 6 digits); '' never.
  token_expires TEXT NOT NULL DEFAULT ''
);
-- A member's rights on a collection; no row means no rights.
CREATE TABLE IF NOT EXISTS member_rights(
  member TEXT NOT NULL REFERENCES members(name),
  collection_id TEXT NOT NULL REFERENCES collections(id),
  can_read INTEGER NOT NULL,
  can_write INTEGER NOT NULL,
  PRIMARY KEY(member, collection_id)
);
-- TAXII status resources of POST requests (status.cc), readable by their member only.
CREATE TABLE IF NOT EXISTS taxii_status(
  id TEXT PRIMARY KEY,
  member TEXT NOT NULL,
  created TEXT NOT NULL,
  json TEXT NOT NULL
);
-- Removals of object versions from collections (TAXII DELETE, status.cc) and the versions
-- removed; audited turns 1 once the node has recorded the deletion in its audit log.
CREATE TABLE IF NOT EXISTS deletions(
  deletion_id INTEGER PRIMARY KEY,
  collection_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  deleted_at TEXT NOT NULL,
  audited INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS deleted_versions(
  deletion_id INTEGER NOT NULL REFERENCES deletions(deletion_id),
  id TEXT NOT NULL,
  version TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deleted_versions_by_deletion ON deleted_versions(deletion_id);
-- Pull cursors (cursors.cc): per source (remote API root URL, remote collection) where the
-- next pull starts; moved only after a page's import has committed.
CREATE TABLE IF NOT EXISTS sync_cursors(
  source TEXT NOT NULL,
  collection TEXT NOT NULL,
  added_after TEXT NOT NULL,
  next TEXT NOT NULL,
  next_added_after TEXT NOT NULL,
  objects INTEGER NOT NULL,
  updated TEXT NOT NULL,
  PRIMARY KEY(source, collection)
);
)sql";

// date_added is stored with exactly 6 fractional digits so that text order is time order.
std::string FormatAdded(const Timestamp& t) { return t.WithDigits(6).ToString(); }

constexpr int64_t kUnversioned = INT64_MIN;

}  // namespace

Store::~Store() {
  insert_object_.reset();
  find_version_.reset();
  count_key_.reset();
  sibling_versions_.reset();
  mark_superseded_.reset();
  insert_membership_.reset();
}

StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path, const StoreOptions& options) {
  struct stat st;
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (!exists && !options.create_if_missing) {
    return Status::NotFound("no node database at " + path);
  }
  std::unique_ptr<Store> store(new Store());
  store->path_ = path;
  store->clock_ = options.clock != nullptr ? options.clock : Clock::System();
  store->db_ = std::make_unique<Db>();
  TADAMUN_RETURN_IF_ERROR(store->db_->Open(path, options.create_if_missing));
  if (!exists) ::chmod(path.c_str(), 0600);
  // Probe that this is a database before changing anything (a text file fails here).
  TADAMUN_RETURN_IF_ERROR(store->db_->Exec("SELECT count(*) FROM sqlite_master")
                              .WithPrefix("not a Tadamun database: " + path));
  TADAMUN_RETURN_IF_ERROR(store->db_->Exec(
      // Foreign keys document the schema but are not enforced: the store is the only writer
      // and always writes a parent row first; enforcing them costs a lookup per insert.
      "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
      "PRAGMA foreign_keys=OFF;"
      "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"));
  TADAMUN_RETURN_IF_ERROR(store->db_->Exec(std::string("BEGIN IMMEDIATE;") + kSchema + "COMMIT;"));
  // Databases made before a column existed gain it (with its value computed where needed).
  // The check runs inside the write transaction, so two processes opening an old database at
  // once add the column once.
  auto add_column = [&](const char* table, const char* column, const std::string& sql) -> Status {
    auto present = [&]() -> StatusOr<bool> {
      Statement has(*store->db_, std::string("SELECT 1 FROM pragma_table_info('") + table +
                                     "') WHERE name = '" + column + "'");
      bool found = has.Step();
      TADAMUN_RETURN_IF_ERROR(has.status());
      return found;
    };
    TADAMUN_ASSIGN_OR_RETURN(bool there, present());
    if (there) return Status::Ok();
    TADAMUN_RETURN_IF_ERROR(store->db_->Exec("BEGIN IMMEDIATE;"));
    auto again = present();
    Status s = !again.ok() ? again.status() : *again ? Status::Ok() : store->db_->Exec(sql);
    TADAMUN_RETURN_IF_ERROR(store->db_->Exec(s.ok() ? "COMMIT;" : "ROLLBACK;"));
    return s;
  };
  TADAMUN_RETURN_IF_ERROR(add_column(
      "objects", "superseded",
      "ALTER TABLE objects ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;"
      "UPDATE objects SET superseded = 1 WHERE EXISTS (SELECT 1 FROM objects x WHERE "
      "x.id_key = objects.id_key AND x.id = objects.id AND (x.v_sec, x.v_nano) > "
      "(objects.v_sec, objects.v_nano));"));
  TADAMUN_RETURN_IF_ERROR(add_column(
      "members", "token_expires",
      "ALTER TABLE members ADD COLUMN token_expires TEXT NOT NULL DEFAULT '';"));
  {
    Statement version(*store->db_, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (version.Step()) {
      if (version.ColumnText(0) != std::to_string(kSchemaVersion)) {
        return Status::FailedPrecondition("database " + path + " has schema version " +
                                          std::string(version.ColumnText(0)) +
                                          "; this build reads version " +
                                          std::to_string(kSchemaVersion));
      }
    } else {
      TADAMUN_RETURN_IF_ERROR(version.status());
      Statement set(*store->db_, "INSERT INTO meta(key, value) VALUES('schema_version', ?1)");
      set.Bind(1, std::to_string(kSchemaVersion));
      TADAMUN_RETURN_IF_ERROR(set.Run());
    }
  }
  {
    Statement secret(*store->db_, "SELECT value FROM meta WHERE key = 'id_key_secret'");
    if (secret.Step()) {
      auto key = HexDecode(secret.ColumnText(0));
      if (!key.ok() || key->size() != crypto::kShortHashKeySize) {
        return Status::DataLoss("database " + path + " has a damaged id_key_secret");
      }
      store->id_key_secret_ = *key;
    } else {
      TADAMUN_RETURN_IF_ERROR(secret.status());
      store->id_key_secret_ = crypto::NewShortHashKey();
      Statement set(*store->db_, "INSERT INTO meta(key, value) VALUES('id_key_secret', ?1)");
      set.Bind(1, HexEncode(store->id_key_secret_));
      TADAMUN_RETURN_IF_ERROR(set.Run());
    }
  }
  TADAMUN_RETURN_IF_ERROR(store->Prepare());
  return store;
}

Status AddVersionWord(std::string_view word, VersionSelection* v) {
  if (word == "last") {
    v->last = true;
  } else if (word == "first") {
    v->first = true;
  } else if (word == "all") {
    v->all = true;
  } else {
    auto t = Timestamp::Parse(word);
    if (!t.ok()) {
      return Status::InvalidArgument("'" + std::string(word.substr(0, 80)) +
                                     "' is not 'last', 'first', 'all' or a timestamp (e.g. "
                                     "2024-01-31T12:00:00.000Z)");
    }
    v->at.push_back(*t);
  }
  return Status::Ok();
}

int64_t Store::IdKey(std::string_view id) const {
  return static_cast<int64_t>(crypto::ShortHash(id_key_secret_, id));
}

Status Store::Prepare() {
  insert_object_ = std::make_unique<Statement>(
      *db_,
      "INSERT INTO objects(id_key, v_sec, v_nano, id, type, modified, spec_version, date_added, "
      "source_id, name, json) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
      "ON CONFLICT(id_key, v_sec, v_nano) DO NOTHING");
  find_version_ = std::make_unique<Statement>(
      *db_,
      "SELECT seq, json, source_id, id FROM objects WHERE id_key = ?1 AND v_sec = ?2 AND "
      "v_nano = ?3");
  count_key_ = std::make_unique<Statement>(
      *db_, "SELECT count(*) FROM objects WHERE id_key = ?1");
  sibling_versions_ = std::make_unique<Statement>(
      *db_,
      "SELECT seq, v_sec, v_nano, superseded FROM objects WHERE id_key = ?1 AND id = ?2 AND "
      "seq != ?3");
  mark_superseded_ = std::make_unique<Statement>(
      *db_, "UPDATE objects SET superseded = 1 WHERE seq = ?1");
  insert_membership_ = std::make_unique<Statement>(
      *db_,
      "INSERT INTO collection_objects(collection_id, obj_seq, date_added) VALUES(?1, ?2, ?3) "
      "ON CONFLICT(collection_id, obj_seq) DO NOTHING");
  for (auto* st : {insert_object_.get(), find_version_.get(), count_key_.get(), sibling_versions_.get(),
                   mark_superseded_.get(), insert_membership_.get()}) {
    TADAMUN_RETURN_IF_ERROR(st->status());
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<Import>> Store::BeginImport(const Source& source,
                                                     const std::string& collection) {
  if (import_open_) return Status::FailedPrecondition("an import is already open on this store");
  if (!collection.empty()) {
    auto c = GetCollection(collection);
    if (!c.ok()) return c.status();
  }
  TADAMUN_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
  std::unique_ptr<Import> import(new Import(this));
  import->open_ = true;
  import_open_ = true;
  import->collection_ = collection;
  // date_added is strictly increasing across imports, whatever the wall clock does.
  Timestamp now = clock_->Now();
  std::string added = FormatAdded(now);
  {
    // date_added grows with seq and add_seq (each import's is later than every earlier one), so
    // the newest rows hold the latest: two rowid lookups, not a scan of every row per import.
    Statement last(*db_,
                   "SELECT max(d) FROM (SELECT * FROM (SELECT date_added AS d FROM objects ORDER BY "
                   "seq DESC LIMIT 1) UNION ALL SELECT * FROM (SELECT date_added FROM "
                   "collection_objects ORDER BY add_seq DESC LIMIT 1))");
    if (last.Step() && !last.ColumnIsNull(0)) {
      std::string prev(last.ColumnText(0));
      if (added <= prev) {
        auto t = Timestamp::Parse(prev);
        if (t.ok()) added = FormatAdded(Timestamp::FromUnixMicros(t->UnixMicros() + 1));
      }
    }
    TADAMUN_RETURN_IF_ERROR(last.status());
  }
  import->date_added_ = added;
  Statement insert(*db_,
                   "INSERT INTO sources(kind, name, digest, imported_at) VALUES(?1, ?2, ?3, ?4)");
  insert.Bind(1, source.kind);
  insert.Bind(2, source.name);
  insert.Bind(3, source.digest);
  insert.Bind(4, added);
  TADAMUN_RETURN_IF_ERROR(insert.Run());
  import->source_id_ = db_->LastInsertRowid();
  return import;
}

Import::~Import() { Rollback(); }

void Import::Rollback() {
  if (!open_) return;
  open_ = false;
  store_->import_open_ = false;
  (void)store_->db_->Exec("ROLLBACK");
}

Status Import::Commit() {
  if (!open_) return Status::FailedPrecondition("import is not open");
  if (added_ > 0) {
    Statement range(*store_->db_,
                    "UPDATE sources SET first_seq = ?1, last_seq = ?2 WHERE source_id = ?3");
    range.Bind(1, first_seq_);
    range.Bind(2, last_seq_);
    range.Bind(3, source_id_);
    if (Status s = range.Run(); !s.ok()) {
      Rollback();
      return s;
    }
  }
  Status s = store_->db_->Exec("COMMIT");
  if (!s.ok()) {
    Rollback();
    return s;
  }
  open_ = false;
  store_->import_open_ = false;
  return Status::Ok();
}

Status Import::MarkSuperseded(int64_t id_key, std::string_view id, int64_t seq, int64_t v_sec,
                              int64_t v_nano) {
  // Other versions of the id: almost always none. The count reads only the index entries of
  // the id's key (the page just written); the rows are read only when there are others.
  Statement& count = *store_->count_key_;
  count.Bind(1, id_key);
  const int64_t entries = count.Step() ? count.ColumnInt(0) : -1;
  Status counted = count.status();
  count.Reset();
  TADAMUN_RETURN_IF_ERROR(counted);
  if (entries == 1) return Status::Ok();  // the new version alone
  Statement& siblings = *store_->sibling_versions_;
  siblings.Bind(1, id_key);
  siblings.BindUnowned(2, id);
  siblings.Bind(3, seq);
  std::vector<int64_t> older;  // current rows the new version supersedes
  bool newer_exists = false;
  while (siblings.Step()) {
    std::pair<int64_t, int64_t> v{siblings.ColumnInt(1), siblings.ColumnInt(2)};
    if (v > std::make_pair(v_sec, v_nano)) {
      newer_exists = true;
    } else if (siblings.ColumnInt(3) == 0) {
      older.push_back(siblings.ColumnInt(0));
    }
  }
  Status s = siblings.status();
  siblings.Reset();
  TADAMUN_RETURN_IF_ERROR(s);
  if (newer_exists) older.push_back(seq);
  for (int64_t row : older) {
    Statement& mark = *store_->mark_superseded_;
    mark.Bind(1, row);
    TADAMUN_RETURN_IF_ERROR(mark.Run());
  }
  return Status::Ok();
}

StatusOr<AddOutcome> Import::Add(const stix::Object& object) {
  if (!open_) return Status::FailedPrecondition("import is not open");
  std::optional<Timestamp> version = object.Version();
  const int64_t id_key = store_->IdKey(object.id);
  const int64_t v_sec = version ? version->unix_seconds() : kUnversioned;
  const int64_t v_nano = version ? version->nanos() : 0;
  const std::string json_text =
      object.source_json.empty() ? json::ToJson(object.json) : object.source_json;
  Statement& insert = *store_->insert_object_;
  insert.Bind(1, id_key);
  insert.Bind(2, v_sec);
  insert.Bind(3, v_nano);
  // Text bound without copies: everything bound lives until Run() has reset the statement.
  const std::string modified = version ? version->ToString() : std::string();
  const json::Value* name = object.json.Find("name");
  insert.BindUnowned(4, object.id);
  insert.BindUnowned(5, object.type);
  insert.BindUnowned(6, modified);
  insert.BindUnowned(7, object.spec_version);
  insert.BindUnowned(8, date_added_);
  insert.Bind(9, source_id_);
  insert.BindUnowned(10, name != nullptr && name->is_string() ? std::string_view(name->str())
                                                              : std::string_view());
  insert.BindUnowned(11, json_text);
  TADAMUN_RETURN_IF_ERROR(insert.Run());
  int64_t seq;
  AddOutcome outcome;
  if (store_->db_->Changes() == 1) {
    seq = store_->db_->LastInsertRowid();
    if (added_ == 0) first_seq_ = seq;
    last_seq_ = seq;
    outcome = AddOutcome::kAdded;
    ++added_;
    TADAMUN_RETURN_IF_ERROR(MarkSuperseded(id_key, object.id, seq, v_sec, v_nano));
  } else {
    Statement& find = *store_->find_version_;
    find.Bind(1, id_key);
    find.Bind(2, v_sec);
    find.Bind(3, v_nano);
    if (!find.Step()) {
      Status s = find.status();
      find.Reset();
      return s.ok() ? Status::Internal("stored version of " + object.id + " vanished") : s;
    }
    if (find.ColumnText(3) != object.id) {
      std::string other(find.ColumnText(3));
      find.Reset();
      return Status::Internal("ids " + object.id + " and " + other +
                              " share a 64-bit index key (a SipHash collision); cannot store");
    }
    seq = find.ColumnInt(0);
    std::string_view stored = find.ColumnText(1);
    int64_t stored_source = find.ColumnInt(2);
    bool same = stored == json_text;
    if (!same) {
      auto parsed = json::Parse(stored);
      same = parsed.ok() && json::Equal(*parsed, object.json);
    }
    find.Reset();
    if (!same) {
      std::string which = version ? "version " + version->ToString() : "unversioned object";
      if (stored_source == source_id_) {
        return Status::InvalidArgument(object.id + " " + which +
                                       " appears twice in this import with different content; "
                                       "expected a new 'modified' for changed content");
      }
      return Status::InvalidArgument(object.id + " " + which +
                                     " is already stored with different content; expected a "
                                     "new 'modified' for changed content");
    }
    outcome = AddOutcome::kUnchanged;
    ++unchanged_;
  }
  if (!collection_.empty()) {
    Statement& member = *store_->insert_membership_;
    member.Bind(1, collection_);
    member.Bind(2, seq);
    member.Bind(3, date_added_);
    TADAMUN_RETURN_IF_ERROR(member.Run());
  }
  return outcome;
}

Status Store::Scan(const Query& q, const std::function<Status(const Row&)>& fn) {
  const bool in_collection = !q.collection.empty();
  std::vector<std::variant<std::string, int64_t>> binds;  // values of ?1, ?2, …
  auto bind = [&](std::variant<std::string, int64_t> value) {
    binds.push_back(std::move(value));
    return "?" + std::to_string(binds.size());
  };
  auto bind_list = [&](const std::vector<std::string>& values) {
    std::string list = "(";
    for (size_t i = 0; i < values.size(); ++i) list += (i > 0 ? "," : "") + bind(values[i]);
    return list + ")";
  };
  std::string sql;
  if (in_collection) {
    sql = "SELECT c.add_seq, o.id, o.type, o.modified, c.date_added, o.spec_version, o.name, "
          "o.json FROM collection_objects c JOIN objects o ON o.seq = c.obj_seq WHERE "
          "c.collection_id = " + bind(q.collection) + " AND c.add_seq > " + bind(q.after_seq);
  } else {
    sql = "SELECT o.seq, o.id, o.type, o.modified, o.date_added, o.spec_version, o.name, o.json "
          "FROM objects o WHERE o.seq > " + bind(q.after_seq);
  }
  if (!q.ids.empty()) {
    std::string keys = "(";
    for (size_t i = 0; i < q.ids.size(); ++i) keys += (i > 0 ? "," : "") + bind(IdKey(q.ids[i]));
    sql += " AND o.id_key IN " + keys + ") AND o.id IN " + bind_list(q.ids);
  }
  if (!q.types.empty()) sql += " AND o.type IN " + bind_list(q.types);
  if (!q.spec_versions.empty()) sql += " AND o.spec_version IN " + bind_list(q.spec_versions);
  if (q.added_after) {
    sql += std::string(" AND ") + (in_collection ? "c" : "o") + ".date_added > " +
           bind(FormatAdded(*q.added_after));
  }
  const VersionSelection& v = q.versions;
  if (!v.all) {
    std::vector<std::string> terms;
    auto edge = [&](const char* order) {
      std::string sub = std::string("(o.v_sec, o.v_nano) = (SELECT x.v_sec, x.v_nano FROM objects x ");
      if (in_collection) {
        sub += "JOIN collection_objects cx ON cx.obj_seq = x.seq AND cx.collection_id = " +
               bind(q.collection) + " ";
      }
      return sub + "WHERE x.id_key = o.id_key AND x.id = o.id ORDER BY x.v_sec " + order +
             ", x.v_nano " + order + " LIMIT 1)";
    };
    // A row not superseded is the newest version in the store, so the newest of any collection
    // holding it; a superseded row can still be the newest a collection holds.
    if (v.last) {
      terms.push_back(in_collection ? "(o.superseded = 0 OR " + edge("DESC") + ")"
                                    : std::string("o.superseded = 0"));
    }
    if (v.first) terms.push_back(edge("ASC"));
    for (const Timestamp& t : v.at) {
      terms.push_back("(o.v_sec = " + bind(t.unix_seconds()) +
                      " AND o.v_nano = " + bind(static_cast<int64_t>(t.nanos())) + ")");
    }
    if (terms.empty()) return Status::Ok();  // nothing selected
    sql += " AND (";
    for (size_t i = 0; i < terms.size(); ++i) sql += (i > 0 ? " OR " : "") + terms[i];
    sql += ")";
  }
  sql += in_collection ? " ORDER BY c.add_seq" : " ORDER BY o.seq";
  if (q.limit > 0) sql += " LIMIT " + bind(static_cast<int64_t>(q.limit));
  Statement st(*db_, sql);
  TADAMUN_RETURN_IF_ERROR(st.status());
  for (size_t i = 0; i < binds.size(); ++i) {
    int index = static_cast<int>(i + 1);
    if (const auto* text = std::get_if<std::string>(&binds[i])) {
      st.Bind(index, *text);
    } else {
      st.Bind(index, std::get<int64_t>(binds[i]));
    }
  }
  Row row;
  while (st.Step()) {
    row.seq = st.ColumnInt(0);
    row.id = st.ColumnText(1);
    row.type = st.ColumnText(2);
    row.version = st.ColumnText(3);
    row.date_added = st.ColumnText(4);
    row.spec_version = st.ColumnText(5);
    row.name = st.ColumnText(6);
    row.json = st.ColumnText(7);
    TADAMUN_RETURN_IF_ERROR(fn(row));
  }
  return st.status();
}

StatusOr<std::vector<Row>> Store::Versions(const std::string& id) {
  Query q;
  q.ids = {id};
  q.versions = VersionSelection::All();
  std::vector<Row> rows;
  TADAMUN_RETURN_IF_ERROR(Scan(q, [&](const Row& r) {
    rows.push_back(r);
    return Status::Ok();
  }));
  if (rows.empty()) return Status::NotFound("no object with id " + id);
  // Oldest first; rows of one id are few, and "" (unversioned) sorts first.
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    auto ta = Timestamp::Parse(a.version), tb = Timestamp::Parse(b.version);
    if (ta.ok() != tb.ok()) return !ta.ok();
    return ta.ok() && *ta < *tb;
  });
  return rows;
}

StatusOr<std::vector<ImportRecord>> Store::UnauditedImports() {
  Statement st(*db_,
               "SELECT source_id, kind, name, digest, imported_at, first_seq, last_seq FROM "
               "sources WHERE audited = 0 ORDER BY source_id");
  std::vector<ImportRecord> out;
  while (st.Step()) {
    out.push_back({st.ColumnInt(0), std::string(st.ColumnText(1)), std::string(st.ColumnText(2)),
                   std::string(st.ColumnText(3)), std::string(st.ColumnText(4)), st.ColumnInt(5),
                   st.ColumnInt(6)});
  }
  TADAMUN_RETURN_IF_ERROR(st.status());
  return out;
}

Status Store::ForEachAddedVersion(const ImportRecord& import,
                                  const std::function<Status(std::string_view id,
                                                             std::string_view version)>& fn) {
  Statement st(*db_, "SELECT id, modified FROM objects WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq");
  st.Bind(1, import.first_seq);
  st.Bind(2, import.last_seq);
  while (st.Step()) TADAMUN_RETURN_IF_ERROR(fn(st.ColumnText(0), st.ColumnText(1)));
  return st.status();
}

Status Store::MarkAudited(int64_t source_id) {
  Statement st(*db_, "UPDATE sources SET audited = 1 WHERE source_id = ?1");
  st.Bind(1, source_id);
  return st.Run();
}

Status Store::CreateCollection(const Collection& c) {
  Statement st(*db_,
               "INSERT INTO collections(id, title, description, created) VALUES(?1, ?2, ?3, ?4)");
  st.Bind(1, c.id);
  st.Bind(2, c.title);
  st.Bind(3, c.description);
  st.Bind(4, c.created.empty() ? FormatAdded(clock_->Now()) : c.created);
  Status s = st.Run();
  if (s.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("collection " + c.id + " already exists");
  }
  return s;
}

StatusOr<std::vector<Collection>> Store::Collections() {
  Statement st(*db_, "SELECT id, title, description, created FROM collections ORDER BY created, id");
  std::vector<Collection> out;
  while (st.Step()) {
    out.push_back({std::string(st.ColumnText(0)), std::string(st.ColumnText(1)),
                   std::string(st.ColumnText(2)), std::string(st.ColumnText(3))});
  }
  TADAMUN_RETURN_IF_ERROR(st.status());
  return out;
}

StatusOr<Collection> Store::GetCollection(const std::string& id) {
  Statement st(*db_, "SELECT id, title, description, created FROM collections WHERE id = ?1");
  st.Bind(1, id);
  if (st.Step()) {
    return Collection{std::string(st.ColumnText(0)), std::string(st.ColumnText(1)),
                      std::string(st.ColumnText(2)), std::string(st.ColumnText(3))};
  }
  TADAMUN_RETURN_IF_ERROR(st.status());
  return Status::NotFound("no collection " + id);
}

StatusOr<Stats> Store::GetStats() {
  Stats stats;
  auto count = [&](const char* sql, uint64_t* out) {
    Statement st(*db_, sql);
    if (st.Step()) *out = static_cast<uint64_t>(st.ColumnInt(0));
    return st.status();
  };
  TADAMUN_RETURN_IF_ERROR(count("SELECT count(*) FROM objects", &stats.versions));
  TADAMUN_RETURN_IF_ERROR(count("SELECT count(DISTINCT id) FROM objects", &stats.objects));
  TADAMUN_RETURN_IF_ERROR(count("SELECT count(*) FROM sources", &stats.imports));
  TADAMUN_RETURN_IF_ERROR(count("SELECT count(*) FROM collections", &stats.collections));
  Statement by_type(*db_, "SELECT type, count(DISTINCT id) FROM objects GROUP BY type ORDER BY type");
  while (by_type.Step()) {
    stats.by_type.emplace_back(std::string(by_type.ColumnText(0)),
                               static_cast<uint64_t>(by_type.ColumnInt(1)));
  }
  TADAMUN_RETURN_IF_ERROR(by_type.status());
  struct stat st;
  if (::stat(path_.c_str(), &st) == 0) stats.database_bytes = static_cast<uint64_t>(st.st_size);
  std::string wal = path_ + "-wal";
  if (::stat(wal.c_str(), &st) == 0) stats.database_bytes += static_cast<uint64_t>(st.st_size);
  return stats;
}

}  // namespace tadamun::store
