// tadamun key show, tadamun key create: the node's Ed25519 identity key (crypto/node_key.h).
#include <cstdio>

#include "command.h"
#include "audit/node_audit.h"
#include "base/clock.h"
#include "crypto/node_key.h"

namespace tadamun::cli {
namespace {

std::string KeysDir(const Invocation& inv) { return inv.node_dir + "/keys"; }

int RunKeyShow(const Invocation& inv) {
  if (!inv.positionals.empty()) return UsageError(inv, "takes no arguments");
  auto key = crypto::LoadNodeVerifier(Env::Default(), KeysDir(inv));
  if (!key.ok()) {
    if (key.status().code() == StatusCode::kNotFound) {
      return Fail("no node key in " + KeysDir(inv) + "; run 'tadamun init' (or 'tadamun key create')");
    }
    return Fail(key.status());
  }
  if (inv.Has("cosigner")) {
    auto cosigner = key->AsCosignatureV1();
    if (!cosigner.ok()) return Fail(cosigner.status());
    std::printf("%s\n", cosigner->ToString().c_str());
  } else {
    std::printf("%s\n", key->ToString().c_str());
  }
  return 0;
}

int RunKeyCreate(const Invocation& inv) {
  if (!inv.positionals.empty()) return UsageError(inv, "takes no arguments");
  std::string name;
  if (auto n = inv.Value("name")) {
    name = *n;
  } else {
    auto node = OpenNode(inv);
    if (!node) return 1;
    name = node->config().name;
  }
  // The key, the node's audit log (its size-0 checkpoint) and a `key create` entry.
  auto log = audit::CreateNodeAudit(Env::Default(), inv.node_dir, name, Clock::System());
  if (!log.ok()) return Fail(log.status());
  std::printf("%s\n", (*log)->verifier().ToString().c_str());
  return 0;
}

const Registration kKeyShow({
    .name = "key show",
    .summary = "print the node's public verifier key (C2SP name+keyid+base64)",
    .help = "Prints the C2SP signed-note verifier key of the node's Ed25519 key, the key that\n"
            "signs its audit checkpoints. Partners pin it to verify the node's log, e.g. with\n"
            "'tadamun audit verify-proof FILE --key VKEY' or any C2SP/sumdb note tool.\n"
            "With --cosigner, prints the same key as a cosignature/v1 verifier (type 0x04), which\n"
            "logs use to check this node's witness cosignatures.",
    .flags = {{"cosigner", "", "print the cosignature/v1 form of the key"}},
    .run = RunKeyShow,
});

const Registration kKeyCreate({
    .name = "key create",
    .summary = "create the node's Ed25519 key and audit log if it has none",
    .help = "Writes keys/node.key (mode 0600) and keys/node.pub, creates the audit log (its\n"
            "size-0 checkpoint signed) and records the key's creation in it. Never overwrites a\n"
            "key. The key name is the node's name from config.json unless --name is given.",
    .flags = {{"name", "NAME", "the key name (default: the node's name)"}},
    .run = RunKeyCreate,
});

}  // namespace
}  // namespace tadamun::cli
