#include "audit/node_audit.h"

#include "crypto/node_key.h"

namespace tadamun::audit {

std::string NodeKeysDir(const std::string& node_dir) { return node_dir + "/keys"; }
std::string NodeAuditDir(const std::string& node_dir) { return node_dir + "/audit"; }

StatusOr<std::unique_ptr<Log>> CreateNodeAudit(Env* env, const std::string& node_dir,
                                               std::string_view name, Clock* clock) {
  TADAMUN_ASSIGN_OR_RETURN(crypto::Signer key, crypto::CreateNodeKey(env, NodeKeysDir(node_dir), name));
  const std::string vkey = key.verifier().ToString();
  TADAMUN_ASSIGN_OR_RETURN(std::unique_ptr<Log> log, Log::Open(NodeAuditDir(node_dir), std::move(key)));
  Entry created = Entry::Key(clock->Now().ToString(), "create", vkey);
  TADAMUN_RETURN_IF_ERROR(log->AppendEntries({created}).status());
  return log;
}

StatusOr<std::unique_ptr<Log>> OpenNodeAudit(Env* env, const std::string& node_dir,
                                             const LogOptions& options) {
  TADAMUN_ASSIGN_OR_RETURN(crypto::Signer key, crypto::LoadNodeKey(env, NodeKeysDir(node_dir)));
  return Log::Open(NodeAuditDir(node_dir), std::move(key), options);
}

StatusOr<std::unique_ptr<Log>> OpenNodeAuditReader(Env* env, const std::string& node_dir) {
  auto key = crypto::LoadNodeVerifier(env, NodeKeysDir(node_dir));
  if (!key.ok()) {
    if (key.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("no node key in " + NodeKeysDir(node_dir) + "; run 'tadamun init' first");
    }
    return key.status();
  }
  return Log::OpenReader(NodeAuditDir(node_dir), *key);
}

}  // namespace tadamun::audit
