// Node: one member's Tadamun node on disk — its folder, configuration and store — and the
// operations the CLI and the server run against it.
//
// Layout of a node folder (created 0700 by Init):
//   config.json   the node's configuration (name, limits), 0600
//   node.db       the SQLite store (plus node.db-wal / node.db-shm while open), 0600
//   keys/         the node's keys (audit module), 0700
//   audit/        the audit log (audit module)
//   media/        the PDQ index (media module: pdq.idx, .records, .meta)
//
// Thread-safety: a Node is used from one thread at a time (its Store is one connection).
//
//   TADAMUN_RETURN_IF_ERROR(Node::Init(dir, {.name = "cert-example"}));
//   TADAMUN_ASSIGN_OR_RETURN(auto node, Node::Open(dir));
//   node->store().GetStats();
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/env.h"
#include "base/status.h"
#include "node/import.h"
#include "store/store.h"

namespace tadamun::node {

struct NodeConfig {
  // The node's name: shown to partners, used in audit checkpoints and key names.
  std::string name = "tadamun-node";
  // Largest document accepted by import (CLI and server), in bytes.
  uint64_t max_import_bytes = uint64_t{1} << 30;
  // Deepest JSON nesting accepted in imported documents.
  uint32_t max_json_depth = 64;
  // `tadamun serve` (node/server.h; its flags override these): the address and port to listen
  // on, and the PEM certificate and key for HTTPS (relative paths are relative to the node
  // folder; both empty: plain HTTP, loopback only unless forced).
  std::string listen = "127.0.0.1:8443";
  std::string tls_cert_file;
  std::string tls_key_file;
};

struct InitOptions {
  std::string name = "tadamun-node";
};

class Node {
 public:
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Creates a node folder with its configuration, an empty store, the node's Ed25519 key and
  // its audit log (the key's creation is the log's first entry). AlreadyExists when `dir`
  // already holds a node; InvalidArgument for a bad name (letters, digits, '.', '-', '_').
  static Status Init(const std::string& dir, const InitOptions& options);

  // Opens an existing node. NotFound (with a hint to run `tadamun init`) when `dir` is not one.
  static StatusOr<std::unique_ptr<Node>> Open(const std::string& dir);

  // Imports a document (see node/import.h: validated, all or nothing) and, once it is
  // committed, records it in the node's audit log.
  StatusOr<ImportReport> Import(std::string* text, const ImportOptions& options);

  // Records in the audit log every committed import not yet recorded there (left over by a
  // crash between the store's commit and the log's append), then every pending deletion
  // (RecordPendingDeletions). Import() calls it; so does the server after a TAXII POST/DELETE.
  Status RecordPendingImports();
  // Records in the audit log every committed removal of object versions from a collection
  // (TAXII DELETE, store::Store::RemoveFromCollection) not yet recorded there, as `delete`
  // entries; at least once, like imports.
  Status RecordPendingDeletions();

  // The members of the node's TAXII server (store/members.cc), every change recorded in the
  // audit log as a `member` entry: action add, remove (a revocation) or update (rights; the
  // note says which). The entry of an addition or a grant is appended before the store
  // changes, so no member or right exists without its entry (a failed store write after it
  // leaves an entry that the member list contradicts, visibly); a revocation changes the store
  // first, so it takes effect even when the log cannot be written (the error says so).
  // AddMember returns the member's API token, the only time it exists in the clear.
  StatusOr<std::string> AddMember(const std::string& name,
                                  std::optional<Timestamp> token_expires = std::nullopt);
  Status RevokeMember(const std::string& name);
  // A new API token for an active member (returned once); the previous one stops working.
  // Recorded as action update, note "new API token", before the store changes.
  StatusOr<std::string> RotateToken(const std::string& name,
                                    std::optional<Timestamp> token_expires = std::nullopt);
  // Sets `member`'s rights on `collection` ({false, false} removes them); no entry when they
  // are already so. FailedPrecondition for a revoked member, NotFound for unknown names.
  Status SetRights(const std::string& member, const std::string& collection,
                   store::Rights rights);

  const std::string& dir() const { return dir_; }
  const NodeConfig& config() const { return config_; }
  store::Store& store() { return *store_; }

  static std::string ConfigPath(const std::string& dir) { return dir + "/config.json"; }
  static std::string DatabasePath(const std::string& dir) { return dir + "/node.db"; }
  static std::string KeysDir(const std::string& dir) { return dir + "/keys"; }
  static std::string AuditDir(const std::string& dir) { return dir + "/audit"; }

 private:
  Node() = default;
  std::string dir_;
  NodeConfig config_;
  std::unique_ptr<store::Store> store_;
};

// Parses config.json text; unknown keys are errors (a typo must not be silently ignored).
StatusOr<NodeConfig> ParseConfig(std::string_view text);
std::string FormatConfig(const NodeConfig& config);

}  // namespace tadamun::node
