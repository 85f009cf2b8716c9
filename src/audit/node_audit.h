// The node's audit log as a node opens it: the identity key in <node>/keys (crypto/node_key.h)
// and the log in <node>/audit (audit/log.h). The calls `tadamun init`, the import path and the
// server make.
//
// Thread-safety: as Log (one writer per node folder, enforced by its lock).
//
//   // tadamun init, after creating the node folder:
//   TADAMUN_RETURN_IF_ERROR(audit::CreateNodeAudit(Env::Default(), dir, config.name, clock).status());
//   // import path, after the store committed:
//   TADAMUN_ASSIGN_OR_RETURN(auto log, audit::OpenNodeAudit(Env::Default(), dir));
//   TADAMUN_RETURN_IF_ERROR(log->AppendEntries({audit::Entry::Import(now, digest, source, refs)}).status());
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "audit/log.h"
#include "base/clock.h"
#include "base/env.h"

namespace tadamun::audit {

std::string NodeKeysDir(const std::string& node_dir);   // <node>/keys
std::string NodeAuditDir(const std::string& node_dir);  // <node>/audit

// Creates the node key named `name` (AlreadyExists if there is one), creates the log (its
// size-0 checkpoint signed) and records a `key create` entry. Returns the open writer.
StatusOr<std::unique_ptr<Log>> CreateNodeAudit(Env* env, const std::string& node_dir,
                                               std::string_view name, Clock* clock);

// Loads the node key and opens the log as its one writer (creating an empty log if the node
// has a key but no log yet). NotFound when the node has no key.
StatusOr<std::unique_ptr<Log>> OpenNodeAudit(Env* env, const std::string& node_dir,
                                             const LogOptions& options = {});

// Opens the log read-only with the node's public key (no lock).
StatusOr<std::unique_ptr<Log>> OpenNodeAuditReader(Env* env, const std::string& node_dir);

}  // namespace tadamun::audit
