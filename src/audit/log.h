// audit::Log: the node's append-only Merkle log, stored in the C2SP tlog-tiles layout and
// published as signed C2SP checkpoints.
//
// Folder layout (the node passes <node>/audit):
//   checkpoint              latest signed checkpoint note (log signature, then cosignatures)
//   checkpoints             every checkpoint ever signed, in order: records of
//                           u32be length || note || u32be length (append-only)
//   tile/entries/<N>[.p/W]  entry bundles (uint16be length-prefixed entries)
//   tile/<L>/<N>[.p/W]      hash tiles (C2SP tlog-tiles, height 8)
//   nodes                   every perfect-subtree hash, 32 bytes each, in post-order (the
//                           node at level L, index i sits at 2m - popcount(m) - 1 - (ctz(m) - L)
//                           with m = (i+1)·2^L): derived from the entries, used to make proofs
//                           with O(log n) small reads
//   cosignatures/<size>     the checkpoint of that size with every cosignature received
//   lock                    flock'd by the one writer
//
// Guarantees: Append writes entries, tiles and node hashes and fsyncs them before the
// checkpoint covering them is signed and written. The last signed size never goes backwards:
// Open refuses (DataLoss) a folder whose stored tree is smaller than its last signed
// checkpoint, or whose data does not hash to it; leftovers of an interrupted append beyond the
// signed size are discarded. Only one writer at a time (Unavailable for the second).
// Memory does not grow with the log: the writer keeps the right edge of the tree (≤ 64
// hashes), the partial tile rows (≤ 255 hashes per level) and the partial entry bundle.
//
// Thread-safety: all methods may be called from several threads. Appends are serialised;
// reads and proofs proceed during an append's fsyncs and see the previous signed size until
// the new one is published. Readers in other processes open the folder with OpenReader.
//
//   TADAMUN_ASSIGN_OR_RETURN(crypto::Signer key, crypto::LoadNodeKey(env, node + "/keys"));
//   TADAMUN_ASSIGN_OR_RETURN(std::unique_ptr<audit::Log> log,
//                            audit::Log::Open(node + "/audit", std::move(key), {}));
//   TADAMUN_ASSIGN_OR_RETURN(audit::AppendResult r, log->Append({entry1, entry2}));
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audit/checkpoint.h"
#include "audit/entry.h"
#include "audit/merkle.h"
#include "audit/proof.h"
#include "base/status.h"
#include "crypto/note.h"

namespace tadamun::audit {

struct LogOptions {
  // Create an empty log (and sign its size-0 checkpoint) when the folder has none.
  bool create_if_missing = true;
  // Most entries one Append may take.
  size_t max_batch = 1 << 20;
  // Largest note accepted in `checkpoint`, `checkpoints` and cosignature files.
  size_t max_note_bytes = 64 << 10;
};

struct AppendResult {
  uint64_t first_index = 0;  // index of the first appended entry
  SignedCheckpoint checkpoint;  // the new signed checkpoint
};

class Log {
 public:
  // Opens (or creates) the log in `dir` as its one writer, signing with `signer` (whose name
  // is the log's origin). Unavailable when another writer holds the lock; DataLoss when the
  // stored tree is below or disagrees with the last signed checkpoint; PermissionDenied when
  // the checkpoint was not signed by `signer`.
  static StatusOr<std::unique_ptr<Log>> Open(const std::string& dir, crypto::Signer signer,
                                             const LogOptions& options = {});
  // Opens the log read-only (no lock, no repair) pinned at its latest signed checkpoint,
  // verified with `verifier`.
  static StatusOr<std::unique_ptr<Log>> OpenReader(const std::string& dir,
                                                   const crypto::Verifier& verifier,
                                                   const LogOptions& options = {});
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  // Appends entries (raw bytes, each ≤ 65535) as one durable batch and signs a checkpoint.
  // Nothing is appended on error. FailedPrecondition on a reader.
  StatusOr<AppendResult> Append(const std::vector<std::string>& entries);
  // Encodes (EncodeEntry; large imports are split with SplitToFit) and appends.
  StatusOr<AppendResult> AppendEntries(const std::vector<Entry>& entries);

  // The latest signed checkpoint (with any cosignatures stored).
  SignedCheckpoint Latest() const;
  uint64_t size() const;
  const std::string& origin() const { return origin_; }
  const crypto::Verifier& verifier() const { return verifier_; }

  // Entry bytes at `index` (< size()).
  StatusOr<std::string> ReadEntry(uint64_t index) const;
  // Calls fn for entries [begin, end) in order, reading one bundle at a time.
  Status ForEachEntry(uint64_t begin, uint64_t end,
                      const std::function<Status(uint64_t, std::string_view)>& fn) const;

  // Proofs against a pinned size (≤ size()).
  StatusOr<std::vector<Hash>> ProveInclusion(uint64_t index, uint64_t tree_size) const;
  StatusOr<std::vector<Hash>> ProveConsistency(uint64_t size1, uint64_t size2) const;
  StatusOr<Hash> RootAt(uint64_t tree_size) const;

  // Verifies cosignatures received for one of this log's checkpoints (a note, or the
  // checkpoint text with extra signature lines) against the witnesses' cosigner keys, and
  // stores them (cosignatures/<size>; also `checkpoint` when it is the latest). Returns the
  // names of the witnesses whose cosignatures were new. NotFound when the note text is not a
  // checkpoint this log signed; PermissionDenied when no witness signature verifies.
  StatusOr<std::vector<std::string>> AddCosignatures(
      std::string_view note_text, const std::vector<crypto::Verifier>& witnesses);

  // Every signed checkpoint in order, from the `checkpoints` history.
  Status ForEachSignedCheckpoint(const std::function<Status(const std::string& note)>& fn) const;

 private:
  class Reader;
  struct State;
  Log();

  void MapNodes();
  Status Load(bool writer);
  Status LoadWriterState();
  StatusOr<std::string> ReadNodeBytes(uint64_t pos) const;
  StatusOr<Hash> PerfectNode(uint32_t level, uint64_t index, uint64_t limit) const;
  StatusOr<std::vector<std::string>> ReadBundle(uint64_t n, uint64_t tree_size) const;
  Status WriteDurable(const std::string& rel, std::string_view data);
  Status SignAndPublish(uint64_t size, const Hash& root, SignedCheckpoint* out);

  std::string dir_;
  LogOptions options_;
  std::string origin_;
  crypto::Verifier verifier_;
  std::optional<crypto::Signer> signer_;
  std::mutex append_mu_;   // held by Append and AddCosignatures (the writers)
  mutable std::mutex mu_;  // guards state_ for readers
  std::unique_ptr<State> state_;
  int lock_fd_ = -1;
  int nodes_fd_ = -1;
  const char* nodes_map_ = nullptr;  // read-only window over `nodes`, or null (pread)
};

// Position of a perfect node in the `nodes` file (in hashes), and how many hashes a tree of
// `size` leaves stores there.
uint64_t PostOrderPosition(uint32_t level, uint64_t index);
uint64_t StoredNodeCount(uint64_t size);

}  // namespace tadamun::audit
