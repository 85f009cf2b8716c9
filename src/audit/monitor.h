// Watching a peer's log: check each checkpoint it publishes against the last one we saw, and
// raise a clear alarm, with evidence, on a fork or a rollback. The fetching (HTTP) is the
// caller's; this is what `tadamun audit watch URL` runs once it has fetched.
//
// TileNodeReader computes Merkle nodes from a log's C2SP tiles (as served, or on disk),
// fetched through a caller-provided function and pinned at a tree size, so consistency proofs
// can be built on the watcher's side without trusting the peer to compute them.
//
// Monitor keeps, per origin, the last checkpoint that passed (folder `dir`, files named by the
// hex SHA-256 of the origin) and writes evidence of alarms under `dir`/evidence/: the previous
// and the offending signed notes, and a reason. On an alarm the stored state is not advanced.
//
// Thread-safety: TileNodeReader is not thread-safe (a small tile cache); Monitor methods may
// be called concurrently (internal mutex).
//
//   TileNodeReader tiles(fetch_from_peer, new_size);
//   auto r = monitor->Observe(note, {peer_key}, [&](uint64_t a, uint64_t b) {
//     return ConsistencyProof(tiles, a, b); });
//   if (r->verdict == WatchVerdict::kFork) Alarm(r->message, r->evidence_dir);
#pragma once

#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/checkpoint.h"
#include "audit/proof.h"
#include "base/clock.h"
#include "base/status.h"

namespace tadamun::audit {

// Fetches a tile or entry bundle by its path relative to the log prefix ("tile/0/001.p/7").
// NotFound when absent.
using TileFetcher = std::function<StatusOr<std::string>(const std::string& path)>;

class TileNodeReader final : public NodeReader {
 public:
  TileNodeReader(TileFetcher fetch, uint64_t tree_size, size_t cache_tiles = 8)
      : fetch_(std::move(fetch)), size_(tree_size), cache_tiles_(cache_tiles) {}
  StatusOr<Hash> PerfectNode(uint32_t level, uint64_t index) override;

 private:
  StatusOr<const std::vector<Hash>*> Tile(uint32_t tile_level, uint64_t n);
  TileFetcher fetch_;
  uint64_t size_;
  size_t cache_tiles_;
  struct Cached {
    uint32_t level;
    uint64_t n;
    std::vector<Hash> hashes;
  };
  std::list<Cached> cache_;  // most recent first, at most cache_tiles_
};

enum class WatchVerdict {
  kFirstSeen,  // nothing stored before: trust on first use
  kUnchanged,  // same size and root as before
  kGrew,       // larger and consistent with the previous one
  kFork,       // same size with another root, or an inconsistent larger tree
  kRollback,   // smaller than a checkpoint the log signed before
};

std::string_view WatchVerdictName(WatchVerdict v);

struct WatchResult {
  WatchVerdict verdict = WatchVerdict::kFirstSeen;
  std::string message;
  std::string evidence_dir;  // set on kFork and kRollback
  SignedCheckpoint checkpoint;
};

class Monitor {
 public:
  using ConsistencyFn = std::function<StatusOr<std::vector<Hash>>(uint64_t size1, uint64_t size2)>;

  // `clock` (for evidence folder names) must outlive the Monitor.
  static StatusOr<std::unique_ptr<Monitor>> Open(const std::string& dir, Clock* clock);

  // Verifies `note` with `peer_keys` (an error Status when it does not verify: nothing is
  // compared or stored), then compares it with the last checkpoint seen for its origin.
  // `prove` is asked for a consistency proof when the tree grew.
  StatusOr<WatchResult> Observe(std::string_view note,
                                const std::vector<crypto::Verifier>& peer_keys,
                                const ConsistencyFn& prove);

  // The last checkpoint note that passed for `origin`, if any.
  StatusOr<std::optional<std::string>> Last(std::string_view origin);

 private:
  Monitor(std::string dir, Clock* clock) : dir_(std::move(dir)), clock_(clock) {}
  StatusOr<std::string> SaveEvidence(std::string_view origin, std::string_view previous,
                                     std::string_view current, std::string_view reason);
  std::string dir_;
  Clock* clock_;
  std::mutex mu_;
};

}  // namespace tadamun::audit
