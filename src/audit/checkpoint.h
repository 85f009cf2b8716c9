// C2SP tlog-checkpoint note texts (c2sp.org/tlog-checkpoint): origin, tree size, root hash,
// optional extension lines, as the text of a signed note.
//
//   example.com/behind-the-sofa
//   20852163
//   CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
//
// Parsing is strict: at least three non-empty lines, decimal size without leading zeros (and
// at most 2^63-1), canonical base64 of exactly 32 bytes, non-empty extension lines.
// OpenCheckpoint parses a whole signed note and verifies it (crypto::VerifyNote rules) before
// trusting the text.
//
// Value types; thread-compatible.
//
//   TADAMUN_ASSIGN_OR_RETURN(SignedCheckpoint cp, OpenCheckpoint(note_text, {log_key}));
//   cp.checkpoint.size; cp.checkpoint.root;
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audit/merkle.h"
#include "base/status.h"
#include "crypto/note.h"

namespace tadamun::audit {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;

  // The note text, each line ending in '\n'.
  std::string Text() const;
};

// Parses a checkpoint note text (the part before the signatures).
StatusOr<Checkpoint> ParseCheckpoint(std::string_view text);

// Parses an unsigned decimal without leading zeros, at most 2^63-1.
StatusOr<uint64_t> ParseDecimal(std::string_view text, std::string_view what);

struct SignedCheckpoint {
  Checkpoint checkpoint;
  crypto::Note note;  // the whole note, every signature line kept (evidence, cosignatures)
  std::vector<crypto::VerifiedSignature> verified;
};

// Parses and verifies a signed checkpoint note. The origin must equal `expected_origin` when
// that is non-empty. PermissionDenied when no known key signed it.
StatusOr<SignedCheckpoint> OpenCheckpoint(std::string_view note_text,
                                          const std::vector<crypto::Verifier>& known,
                                          std::string_view expected_origin = "",
                                          const crypto::NoteLimits& limits = {});

}  // namespace tadamun::audit
