// Store: the node's embedded database of STIX objects (SQLite in WAL mode, one file).
//
// Every version of every object is kept: a version is (id, modified) — or (id, created), or
// (id, "") for unversioned objects such as SCOs — with the date it was first added and the
// provenance of the import that brought it (source kind and name, input digest). Objects can
// belong to collections (TAXII's unit of sharing), each membership with its own date_added.
//
// Durability: the database runs in WAL mode with synchronous=FULL, so a committed import
// survives a process crash, a kill -9 and a power loss (SQLite fsyncs the WAL on commit); an
// import that did not commit leaves no trace. Imports are all-or-nothing: an Import is one
// transaction, rolled back unless Commit() succeeds.
//
// Thread-safety: a Store is a connection; use it from one thread at a time. Several processes
// may open the same file (SQLite locking; one writer at a time, writers wait up to 10 s).
//
//   TADAMUN_ASSIGN_OR_RETURN(auto store, Store::Open(path, {}));
//   TADAMUN_ASSIGN_OR_RETURN(auto import, store->BeginImport({"file", "demo.json", digest}, ""));
//   for (auto& o : objects) TADAMUN_RETURN_IF_ERROR(import->Add(o).status());
//   TADAMUN_RETURN_IF_ERROR(import->Commit());
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "stix/object.h"

namespace tadamun::store {

class Db;
class Statement;

struct StoreOptions {
  bool create_if_missing = false;
  Clock* clock = nullptr;  // default: Clock::System()
};

// Where an import came from (recorded with every version it adds).
struct Source {
  std::string kind;    // "file", "stdin", "taxii", "peer", …
  std::string name;    // file path, member name, peer URL
  std::string digest;  // hex SHA-256 of the input bytes, when known
};

enum class AddOutcome { kAdded, kUnchanged };

class Store;

// One import transaction. Destroying it without Commit() rolls everything back.
class Import {
 public:
  ~Import();
  Import(const Import&) = delete;
  Import& operator=(const Import&) = delete;

  // Adds one object version (and its membership in the import's collection, if any).
  // kUnchanged when that exact version is already stored with the same content.
  // InvalidArgument when the version is stored with different content (the message says
  // whether the clash is inside this import or with an earlier one).
  StatusOr<AddOutcome> Add(const stix::Object& object);

  Status Commit();
  void Rollback();

  uint64_t added() const { return added_; }
  uint64_t unchanged() const { return unchanged_; }
  const std::string& date_added() const { return date_added_; }

 private:
  friend class Store;
  explicit Import(Store* store) : store_(store) {}
  // Keeps objects.superseded true for exactly the versions with a newer one of the same id.
  Status MarkSuperseded(int64_t id_key, std::string_view id, int64_t seq, int64_t v_sec,
                        int64_t v_nano);
  Store* store_;
  int64_t source_id_ = 0;
  std::string collection_;
  std::string date_added_;
  uint64_t added_ = 0;
  uint64_t unchanged_ = 0;
  int64_t first_seq_ = 0;
  int64_t last_seq_ = -1;
  bool open_ = false;
};

// Which versions of each object a query returns (TAXII match[version]): the union of the
// selected kinds. The default is the latest version only.
struct VersionSelection {
  bool last = true;
  bool first = false;
  bool all = false;           // every version (overrides the others)
  std::vector<Timestamp> at;  // these exact versions
  static VersionSelection All() { return {false, false, true, {}}; }
};

// Adds one version word — "last", "first", "all" or a version timestamp, as in TAXII's
// match[version] and the CLI's --version — to *selection. InvalidArgument names the word and
// what was expected.
Status AddVersionWord(std::string_view word, VersionSelection* selection);

struct Query {
  std::vector<std::string> ids;    // empty: any
  std::vector<std::string> types;  // empty: any
  std::optional<Timestamp> added_after;
  VersionSelection versions;
  std::vector<std::string> spec_versions;  // empty: any
  std::string collection;                  // empty: the whole store
  uint64_t limit = 0;                      // 0: no limit
  int64_t after_seq = 0;                   // paging cursor: rows with seq greater than this
};

struct Row {
  int64_t seq = 0;         // insertion order, the paging cursor
  std::string id;
  std::string type;
  std::string version;     // the version timestamp as written ("" when unversioned)
  std::string date_added;  // RFC 3339, microseconds
  std::string spec_version;
  std::string name;
  std::string json;        // the object, compact JSON
};

// A committed import as the provenance table records it.
struct ImportRecord {
  int64_t source_id = 0;
  std::string kind;
  std::string name;
  std::string digest;       // hex SHA-256 of the document
  std::string imported_at;  // its date_added
  int64_t first_seq = 0;    // the versions it added: objects seq first_seq..last_seq
  int64_t last_seq = -1;
};

struct Collection {
  std::string id;  // a UUID
  std::string title;
  std::string description;
  std::string created;
};

// Where a pull from one source resumes (federation's cursors, store/cursors.cc): the source is
// a remote API root URL and one of its collections.
struct SyncCursor {
  std::string source;        // the remote API root URL
  std::string collection;    // the remote collection id
  std::string added_after;   // start the next run with added_after=this ("" : from the start)
  // The `next` token of a run that stopped before the end, and the added_after it belongs to
  // ("" when the last run finished); a resumed run tries it first.
  std::string next;
  std::string next_added_after;
  uint64_t objects = 0;      // objects received from this source in all runs
  std::string updated;       // RFC 3339, when the cursor last moved
};

// A member of the node's TAXII server: a partner that authenticates with an API token.
struct Member {
  std::string name;        // 1-64 letters, digits, '.', '-', '_'
  std::string created;     // RFC 3339
  std::string revoked_at;  // RFC 3339; "" while the member is active
  std::string token_expires;  // RFC 3339; "" when the token does not expire
  bool token_expired = false;  // token_expires has passed (by the store's clock, when read)
  bool active() const { return revoked_at.empty(); }
};

// A member's rights on one collection (TAXII can_read / can_write). No rights: both false.
struct Rights {
  bool can_read = false;
  bool can_write = false;
  friend bool operator==(const Rights&, const Rights&) = default;
};

struct MemberRights {
  std::string member;
  std::string collection;
  Rights rights;
};

// Whether `name` is a valid member name (1-64 letters, digits, '.', '-', '_').
bool IsValidMemberName(std::string_view name);
// The value stored for an API token: lowercase hex SHA-256 of its bytes.
std::string TokenHash(std::string_view token);

// A TAXII status resource as stored (store/status.cc): the JSON the status endpoint answers,
// readable only by the member that made the request.
struct TaxiiStatus {
  std::string id;       // a UUID
  std::string member;   // who made the request ("" when unauthenticated)
  std::string created;  // RFC 3339, when it was stored
  std::string json;     // the status resource, compact JSON
};

// One version removed from a collection by a deletion.
struct RemovedVersion {
  std::string id;
  std::string version;  // as stored ("" when unversioned)
};

// A committed deletion (removal of versions from a collection) as the store records it, until
// the node has written it to its audit log (like ImportRecord).
struct DeletionRecord {
  int64_t deletion_id = 0;
  std::string collection;
  std::string actor;       // who asked for it, e.g. "taxii:<member>"
  std::string deleted_at;  // RFC 3339, microseconds
};

struct Stats {
  uint64_t objects = 0;   // distinct ids
  uint64_t versions = 0;  // stored versions
  uint64_t imports = 0;
  std::vector<std::pair<std::string, uint64_t>> by_type;  // distinct ids per type
  uint64_t collections = 0;
  uint64_t database_bytes = 0;
};

class Store {
 public:
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Opens the database file, creating the schema when `create_if_missing`.
  // NotFound when the file does not exist and creation was not asked for.
  static StatusOr<std::unique_ptr<Store>> Open(const std::string& path,
                                               const StoreOptions& options);

  // Starts an import transaction. `collection` may be empty; otherwise it must exist.
  // Only one Import may be open per Store at a time.
  StatusOr<std::unique_ptr<Import>> BeginImport(const Source& source,
                                                const std::string& collection);

  // Calls `fn` for each row matching `query`, in seq order, streaming (constant memory).
  // Stops and returns the first non-OK status from `fn`.
  Status Scan(const Query& query, const std::function<Status(const Row&)>& fn);
  // Every stored version of `id`, oldest first. NotFound when none.
  StatusOr<std::vector<Row>> Versions(const std::string& id);

  // Imports not yet recorded in the node's audit log, oldest first, and the mark that they are.
  // The node records every import after it commits; a crash in between leaves it here, to be
  // recorded on the next write (at least once: a crash after recording but before marking
  // records it twice, with the same digest and time).
  StatusOr<std::vector<ImportRecord>> UnauditedImports();
  Status MarkAudited(int64_t source_id);
  // The versions `import` added, in order (streaming).
  Status ForEachAddedVersion(
      const ImportRecord& import,
      const std::function<Status(std::string_view id, std::string_view version)>& fn);

  // TAXII status resources (store/status.cc). PutTaxiiStatus inserts (AlreadyExists for a
  // reused id); when an Import is open on this Store it joins that transaction, so a POST's
  // objects and its status commit together. GetTaxiiStatus: NotFound when absent.
  Status PutTaxiiStatus(const TaxiiStatus& status);
  StatusOr<TaxiiStatus> GetTaxiiStatus(const std::string& id);

  // Removes from `collection` the versions of object `id` that `versions` and `spec_versions`
  // (empty: any) select, in one transaction that also records the deletion for the audit log
  // (UnauditedDeletions). The versions stay in the store (other collections, provenance, the
  // audit log refer to them); only their membership in the collection goes. Returns the
  // versions removed, oldest membership first; empty when none matched (nothing recorded).
  // FailedPrecondition while an Import is open on this Store.
  StatusOr<std::vector<RemovedVersion>> RemoveFromCollection(
      const std::string& collection, const std::string& id, const VersionSelection& versions,
      const std::vector<std::string>& spec_versions, const std::string& actor);
  // Deletions not yet recorded in the audit log, oldest first, their versions, and the mark.
  StatusOr<std::vector<DeletionRecord>> UnauditedDeletions();
  Status ForEachRemovedVersion(const DeletionRecord& deletion,
                               const std::function<Status(const RemovedVersion&)>& fn);
  Status MarkDeletionAudited(int64_t deletion_id);

  Status CreateCollection(const Collection& collection);
  StatusOr<std::vector<Collection>> Collections();
  StatusOr<Collection> GetCollection(const std::string& id);

  StatusOr<Stats> GetStats();

  // Pull cursors (store/cursors.cc). GetSyncCursor: nullopt when none is stored yet.
  // PutSyncCursor inserts or replaces the cursor of (source, collection), setting `updated`.
  StatusOr<std::optional<SyncCursor>> GetSyncCursor(const std::string& source,
                                                    const std::string& collection);
  Status PutSyncCursor(const SyncCursor& cursor);
  StatusOr<std::vector<SyncCursor>> SyncCursors();

  // Members and their rights (members.cc). An API token is "tdm_" + base64url of 32 random
  // bytes from getrandom(2); only TokenHash(token) is stored, so AddMember's result is the one
  // time the token exists in the clear. InvalidArgument for a bad name; AlreadyExists when the
  // name is taken, also by a revoked member (a name means one member in the audit log forever).
  // `token_expires`, if given, is when the token stops authenticating.
  StatusOr<std::string> AddMember(const std::string& name,
                                  std::optional<Timestamp> token_expires = std::nullopt);
  // Marks the member revoked (its token stops authenticating; its rights stay listed).
  // NotFound for an unknown member; FailedPrecondition when it is already revoked.
  Status RevokeMember(const std::string& name);
  // Gives an active member a new API token (returned, shown once) in place of its current one,
  // which stops authenticating. NotFound; FailedPrecondition for a revoked member.
  StatusOr<std::string> RotateToken(const std::string& name,
                                    std::optional<Timestamp> token_expires = std::nullopt);
  StatusOr<std::vector<Member>> Members();              // ordered by name
  StatusOr<Member> GetMember(const std::string& name);  // NotFound
  // The member holding `token`, revoked or not (check active()); one index lookup on the hash.
  // NotFound (without the token in the message) when no member holds it.
  StatusOr<Member> MemberByToken(std::string_view token);
  // Replaces `member`'s rights on `collection`; {false, false} removes them. NotFound when the
  // member or the collection does not exist.
  Status SetRights(const std::string& member, const std::string& collection, Rights rights);
  // `member`'s rights on `collection` ({false, false} when none, or either is unknown).
  StatusOr<Rights> GetRights(const std::string& member, const std::string& collection);
  // Rights rows ordered by member then collection; only `member`'s when it is not empty.
  StatusOr<std::vector<MemberRights>> ListRights(const std::string& member = "");

 private:
  friend class Import;
  Store() = default;
  Status Prepare();
  // The compact index key of an object id (keyed SipHash; see the schema in store.cc).
  int64_t IdKey(std::string_view id) const;

  std::unique_ptr<Db> db_;
  Clock* clock_ = nullptr;
  std::string path_;
  std::string id_key_secret_;
  bool import_open_ = false;
  std::unique_ptr<Statement> insert_object_;
  std::unique_ptr<Statement> find_version_;
  std::unique_ptr<Statement> count_key_;
  std::unique_ptr<Statement> sibling_versions_;
  std::unique_ptr<Statement> mark_superseded_;
  std::unique_ptr<Statement> insert_membership_;
};

}  // namespace tadamun::store
