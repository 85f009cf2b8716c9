// C2SP tlog-proof (c2sp.org/tlog-proof@v1): an offline-verifiable proof that an entry is in
// a log, made of the entry index, its inclusion proof and the signed checkpoint.
//
//   c2sp.org/tlog-proof@v1
//   extra <base64 of the entry bytes>      (Tadamun puts the entry here; unauthenticated until
//   index 73894                             the inclusion proof checks its leaf hash)
//   gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
//   ...
//   <empty line>
//   <checkpoint signed note, verbatim>
//
// Parsing is strict and bounded (TlogProofLimits); verification needs the log's key and the
// entry (given, or from `extra`), and checks the checkpoint signature, the index < size and
// the inclusion proof with the strict RFC 9162 rules.
//
// Value types and pure functions; thread-safe.
//
//   TADAMUN_ASSIGN_OR_RETURN(VerifiedTlogProof v, VerifyTlogProof(text, {log_key}, std::nullopt));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/checkpoint.h"
#include "audit/merkle.h"
#include "base/status.h"
#include "crypto/note.h"

namespace tadamun::audit {

struct TlogProofLimits {
  size_t max_bytes = 1 << 20;
  size_t max_hashes = 64;
};

struct TlogProof {
  std::optional<std::string> extra;  // decoded bytes
  uint64_t index = 0;
  std::vector<Hash> proof;
  std::string checkpoint;  // the signed note text, verbatim
};

std::string FormatTlogProof(const TlogProof& proof);
StatusOr<TlogProof> ParseTlogProof(std::string_view text, const TlogProofLimits& limits = {});

struct VerifiedTlogProof {
  TlogProof proof;
  SignedCheckpoint checkpoint;
  std::string entry;  // the entry bytes whose inclusion was proved
};

// Parses and verifies. `log_keys` must include the log's key (witness cosigner keys may be
// added; they are reported in checkpoint.verified). `entry` overrides `extra`; with neither,
// InvalidArgument. PermissionDenied when the checkpoint is not signed by a given key that is
// not a cosigner; InvalidArgument when the inclusion proof fails.
StatusOr<VerifiedTlogProof> VerifyTlogProof(std::string_view text,
                                            const std::vector<crypto::Verifier>& log_keys,
                                            std::optional<std::string_view> entry,
                                            const TlogProofLimits& limits = {});

}  // namespace tadamun::audit
