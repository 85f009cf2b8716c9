// The node's identity key on disk: one Ed25519 note signer whose name is the node's name
// (and its audit log's origin).
//
// Files, in the folder the caller passes (the node uses <node>/keys):
//   node.key  mode 0600, "PRIVATE+KEY+<name>+<keyid>+<base64(0x01||seed)>\n" (golang.org/x/mod
//             sumdb/note private key text), written atomically
//   node.pub  mode 0644, the C2SP verifier key "<name>+<keyid>+<base64(0x01||pub)>\n"
// Secrets are wiped from memory after use and never appear in error messages.
//
// Thread-safety: stateless functions; concurrent CreateNodeKey calls on one folder race (the
// node's own lock serialises `init`).
//
//   TADAMUN_ASSIGN_OR_RETURN(crypto::Signer key,
//                            crypto::CreateNodeKey(Env::Default(), node + "/keys", "cert.example/node"));
//   std::string vkey = key.verifier().ToString();   // what `tadamun key show` prints
#pragma once

#include <string>
#include <string_view>

#include "base/env.h"
#include "base/status.h"
#include "crypto/note.h"

namespace tadamun::crypto {

inline constexpr char kNodeKeyFile[] = "node.key";
inline constexpr char kNodePubFile[] = "node.pub";

// Generates a key named `name` and writes node.key and node.pub under `dir` (created 0700 if
// missing). AlreadyExists when node.key is already there (a key is never overwritten);
// InvalidArgument for an invalid name.
StatusOr<Signer> CreateNodeKey(Env* env, const std::string& dir, std::string_view name);

// Reads node.key from `dir`. NotFound when missing (run `tadamun init`); DataLoss when the file
// is not a valid private key, or node.pub names a different key.
StatusOr<Signer> LoadNodeKey(Env* env, const std::string& dir);

// Reads node.pub from `dir` (no secret needed).
StatusOr<Verifier> LoadNodeVerifier(Env* env, const std::string& dir);

}  // namespace tadamun::crypto
