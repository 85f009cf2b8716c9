// Full verification of a stored audit log: recompute everything from the entries.
//
// VerifyLogFolder streams every entry bundle, recomputes leaf and node hashes, and checks
// them against the `nodes` file, every full hash tile and the latest partial tiles, and the
// root of every checkpoint in the signed history (each must verify under the log's key,
// sizes never decrease). The first problem stops the walk and is reported with the first bad
// entry index. Memory stays bounded (one bundle, ≤ 255 hashes per tile level).
//
// Thread-safety: reads only; safe while a writer appends (it checks the signed size it
// opened at).
//
//   TADAMUN_ASSIGN_OR_RETURN(VerifyReport r, VerifyLogFolder(node + "/audit", key));
//   if (!r.ok()) printf("first bad entry: %llu\n", r.first_bad_index);
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"
#include "crypto/note.h"

namespace tadamun::audit {

struct VerifyReport {
  uint64_t entries = 0;      // entries recomputed
  uint64_t checkpoints = 0;  // signed checkpoints whose roots were checked
  uint64_t tiles = 0;        // hash tiles compared
  std::optional<uint64_t> first_bad_index;  // set with `problem`
  std::string problem;       // empty when everything checks out
  bool ok() const { return problem.empty(); }
};

// Returns a report (problem set when the log is inconsistent); an error Status only when the
// folder cannot be read at all or is not a log signed by `key`.
StatusOr<VerifyReport> VerifyLogFolder(const std::string& dir, const crypto::Verifier& key);

}  // namespace tadamun::audit
