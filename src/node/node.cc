#include "node/node.h"

#include <sys/stat.h>

#include <chrono>
#include <thread>

#include "audit/node_audit.h"
#include "json/json.h"
#include "node/server.h"

namespace tadamun::node {
namespace {

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

StatusOr<NodeConfig> ParseConfig(std::string_view text) {
  auto doc = json::Parse(text);
  if (!doc.ok()) return doc.status();
  if (!doc->is_object()) return Status::InvalidArgument("config must be a JSON object");
  NodeConfig config;
  for (const json::Member& m : doc->members()) {
    const std::string where = json::DescribePosition(text, m.value.offset()) + ": \"" + m.key + "\"";
    if (m.key == "name") {
      if (!m.value.is_string() || !ValidName(m.value.str())) {
        return Status::InvalidArgument(where + " must be a name of letters, digits, '.', '-', '_'");
      }
      config.name = m.value.str();
    } else if (m.key == "max_import_bytes" || m.key == "max_json_depth") {
      auto n = m.value.AsInt64();
      if (!n || *n <= 0) return Status::InvalidArgument(where + " must be a positive integer");
      if (m.key == "max_import_bytes") {
        config.max_import_bytes = static_cast<uint64_t>(*n);
      } else {
        if (*n > 1000) return Status::InvalidArgument(where + " must be at most 1000");
        config.max_json_depth = static_cast<uint32_t>(*n);
      }
    } else if (m.key == "listen") {
      std::string host;
      int port = 0;
      if (!m.value.is_string() || !ParseListenAddress(m.value.str(), &host, &port).ok()) {
        return Status::InvalidArgument(where + " must be \"ADDR:PORT\" (e.g. 127.0.0.1:8443, "
                                       "[::1]:8443, 0.0.0.0:443)");
      }
      config.listen = m.value.str();
    } else if (m.key == "tls_cert_file" || m.key == "tls_key_file") {
      if (!m.value.is_string()) return Status::InvalidArgument(where + " must be a file path");
      (m.key == "tls_cert_file" ? config.tls_cert_file : config.tls_key_file) = m.value.str();
    } else {
      return Status::InvalidArgument(where + " is not a known setting (expected name, "
                                     "max_import_bytes, max_json_depth, listen, tls_cert_file, "
                                     "tls_key_file)");
    }
  }
  return config;
}

std::string FormatConfig(const NodeConfig& config) {
  json::Value v = json::Value::Object();
  v.Set("name", json::Value::String(config.name));
  v.Set("max_import_bytes", json::Value::Int(static_cast<int64_t>(config.max_import_bytes)));
  v.Set("max_json_depth", json::Value::Int(config.max_json_depth));
  v.Set("listen", json::Value::String(config.listen));
  if (!config.tls_cert_file.empty()) {
    v.Set("tls_cert_file", json::Value::String(config.tls_cert_file));
  }
  if (!config.tls_key_file.empty()) {
    v.Set("tls_key_file", json::Value::String(config.tls_key_file));
  }
  return json::ToPrettyJson(v) + "\n";
}

Node::~Node() = default;

Status Node::Init(const std::string& dir, const InitOptions& options) {
  Env* env = Env::Default();
  if (!ValidName(options.name)) {
    return Status::InvalidArgument("node name '" + options.name +
                                   "' must be 1-64 letters, digits, '.', '-' or '_'");
  }
  if (env->Exists(ConfigPath(dir)) || env->Exists(DatabasePath(dir))) {
    return Status::AlreadyExists(dir + " already holds a Tadamun node");
  }
  TADAMUN_RETURN_IF_ERROR(env->CreateDirs(dir, 0700));
  ::chmod(dir.c_str(), 0700);
  TADAMUN_RETURN_IF_ERROR(env->CreateDirs(KeysDir(dir), 0700));
  NodeConfig config;
  config.name = options.name;
  store::StoreOptions store_options;
  store_options.create_if_missing = true;
  TADAMUN_ASSIGN_OR_RETURN(auto store, store::Store::Open(DatabasePath(dir), store_options));
  store.reset();
  TADAMUN_ASSIGN_OR_RETURN(auto log,
                           audit::CreateNodeAudit(env, dir, options.name, Clock::System()));
  log.reset();
  // The config is written last: a folder without config.json is not a node yet.
  return env->WriteFileAtomic(ConfigPath(dir), FormatConfig(config), 0600);
}

StatusOr<std::unique_ptr<Node>> Node::Open(const std::string& dir) {
  Env* env = Env::Default();
  auto text = env->ReadFile(ConfigPath(dir), 1 << 20);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("no Tadamun node at " + dir +
                              " (run 'tadamun init --node " + dir + "' to create one)");
    }
    return text.status();
  }
  auto config = ParseConfig(*text);
  if (!config.ok()) return config.status().WithPrefix(ConfigPath(dir));
  std::unique_ptr<Node> node(new Node());
  node->dir_ = dir;
  node->config_ = *config;
  TADAMUN_ASSIGN_OR_RETURN(node->store_, store::Store::Open(DatabasePath(dir), {}));
  return node;
}

StatusOr<ImportReport> Node::Import(std::string* text, const ImportOptions& options) {
  TADAMUN_ASSIGN_OR_RETURN(ImportReport report, ImportDocument(store_.get(), text, options));
  if (report.committed) {
    TADAMUN_RETURN_IF_ERROR(
        RecordPendingImports().WithPrefix("stored, but not yet in the audit log (it will be "
                                          "recorded by the next import)"));
  }
  return report;
}

Status Node::RecordPendingImports() {
  TADAMUN_ASSIGN_OR_RETURN(auto pending, store_->UnauditedImports());
  if (pending.empty()) return RecordPendingDeletions();
  TADAMUN_ASSIGN_OR_RETURN(auto log, audit::OpenNodeAudit(Env::Default(), dir_));
  // Entries carry the versions each import added, in parts of bounded size.
  constexpr size_t kRefsPerAppend = 50000;
  for (const store::ImportRecord& import : pending) {
    const std::string digest = "sha256:" + import.digest;
    const std::string source = import.kind + ":" + import.name;
    std::vector<audit::ObjectRef> refs;
    bool appended = false;
    auto flush = [&]() -> Status {
      TADAMUN_RETURN_IF_ERROR(
          log->AppendEntries({audit::Entry::Import(import.imported_at, digest, source,
                                                   std::move(refs))})
              .status());
      refs.clear();
      appended = true;
      return Status::Ok();
    };
    TADAMUN_RETURN_IF_ERROR(store_->ForEachAddedVersion(
        import, [&](std::string_view id, std::string_view version) -> Status {
          refs.push_back({std::string(id), version.empty() ? "-" : std::string(version)});
          return refs.size() == kRefsPerAppend ? flush() : Status::Ok();
        }));
    if (!refs.empty() || !appended) TADAMUN_RETURN_IF_ERROR(flush());
    TADAMUN_RETURN_IF_ERROR(store_->MarkAudited(import.source_id));
  }
  return RecordPendingDeletions();
}

Status Node::RecordPendingDeletions() {
  TADAMUN_ASSIGN_OR_RETURN(auto pending, store_->UnauditedDeletions());
  if (pending.empty()) return Status::Ok();
  TADAMUN_ASSIGN_OR_RETURN(auto log, audit::OpenNodeAudit(Env::Default(), dir_));
  for (const store::DeletionRecord& deletion : pending) {
    std::vector<audit::ObjectRef> refs;
    TADAMUN_RETURN_IF_ERROR(
        store_->ForEachRemovedVersion(deletion, [&](const store::RemovedVersion& r) -> Status {
          refs.push_back({r.id, r.version.empty() ? "-" : r.version});
          return Status::Ok();
        }));
    if (!refs.empty()) {  // a deletion always removes at least one version
      audit::Entry entry = audit::Entry::Delete(deletion.deleted_at, deletion.actor,
                                                "collection:" + deletion.collection,
                                                std::move(refs));
      TADAMUN_RETURN_IF_ERROR(log->AppendEntries({std::move(entry)}).status());  // splits
    }
    TADAMUN_RETURN_IF_ERROR(store_->MarkDeletionAudited(deletion.deletion_id));
  }
  return Status::Ok();
}

namespace {

std::string AuditNow() { return Clock::System()->Now().ToString(); }

// The audit log's writer for a member change. The log has one writer at a time (a flock that
// is not waited for) and a running server takes it briefly after each write, so a change made
// from the CLI while the node serves retries for up to 10 s before giving up.
StatusOr<std::unique_ptr<audit::Log>> OpenAuditForChange(const std::string& dir) {
  for (int attempt = 0;; ++attempt) {
    auto log = audit::OpenNodeAudit(Env::Default(), dir);
    if (log.ok() || log.status().code() != StatusCode::kUnavailable || attempt == 200) return log;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string DescribeRights(const std::string& collection, store::Rights rights) {
  std::string what = rights.can_read && rights.can_write ? "read write"
                     : rights.can_read                   ? "read"
                     : rights.can_write                  ? "write"
                                                         : "none";
  return "collection " + collection + " rights " + what;
}

}  // namespace

StatusOr<std::string> Node::AddMember(const std::string& name,
                                      std::optional<Timestamp> token_expires) {
  if (!store::IsValidMemberName(name)) return store_->AddMember(name);  // its error
  auto existing = store_->GetMember(name);
  if (existing.ok()) {
    return Status::AlreadyExists("member " + name +
                                 " already exists (names are never reused, even after a revoke)");
  }
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();
  TADAMUN_ASSIGN_OR_RETURN(auto log, OpenAuditForChange(dir_));
  audit::Entry entry = audit::Entry::Member(AuditNow(), "add", name);
  if (token_expires) entry.note = "API token expires " + token_expires->WithDigits(6).ToString();
  TADAMUN_RETURN_IF_ERROR(log->AppendEntries({std::move(entry)}).status());
  return store_->AddMember(name, token_expires);
}

Status Node::RevokeMember(const std::string& name) {
  TADAMUN_RETURN_IF_ERROR(store_->RevokeMember(name));
  auto log = OpenAuditForChange(dir_);
  Status s = log.ok() ? (*log)->AppendEntries({audit::Entry::Member(AuditNow(), "remove", name)})
                            .status()
                      : log.status();
  return s.WithPrefix("member " + name + " is revoked, but the audit log could not record it");
}

StatusOr<std::string> Node::RotateToken(const std::string& name,
                                        std::optional<Timestamp> token_expires) {
  TADAMUN_ASSIGN_OR_RETURN(store::Member m, store_->GetMember(name));
  if (!m.active()) return store_->RotateToken(name);  // its FailedPrecondition
  TADAMUN_ASSIGN_OR_RETURN(auto log, OpenAuditForChange(dir_));
  audit::Entry entry = audit::Entry::Member(AuditNow(), "update", name);
  entry.note = "new API token; the previous one no longer authenticates";
  if (token_expires) entry.note += "; it expires " + token_expires->WithDigits(6).ToString();
  TADAMUN_RETURN_IF_ERROR(log->AppendEntries({std::move(entry)}).status());
  return store_->RotateToken(name, token_expires);
}

Status Node::SetRights(const std::string& member, const std::string& collection,
                       store::Rights rights) {
  TADAMUN_ASSIGN_OR_RETURN(store::Member m, store_->GetMember(member));
  TADAMUN_RETURN_IF_ERROR(store_->GetCollection(collection).status());
  if (!m.active() && (rights.can_read || rights.can_write)) {
    return Status::FailedPrecondition("member " + member + " was revoked at " + m.revoked_at +
                                      "; rights cannot be granted to it");
  }
  TADAMUN_ASSIGN_OR_RETURN(store::Rights current, store_->GetRights(member, collection));
  if (current == rights) return Status::Ok();
  TADAMUN_ASSIGN_OR_RETURN(auto log, OpenAuditForChange(dir_));
  audit::Entry entry = audit::Entry::Member(AuditNow(), "update", member);
  entry.note = DescribeRights(collection, rights);
  TADAMUN_RETURN_IF_ERROR(log->AppendEntries({std::move(entry)}).status());
  return store_->SetRights(member, collection, rights);
}

}  // namespace tadamun::node
