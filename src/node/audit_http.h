// The node's audit log on the network: serving it read-only to members, witnessing partners'
// logs (c2sp.org/tlog-witness), watching a partner's log, and asking partners to witness ours.
//
// AuditEndpoints answers, under its prefix (default "/audit/"):
//   GET  <prefix>checkpoint                the latest signed checkpoint with its cosignatures
//                                          (text/plain; charset=utf-8; no-cache)
//   GET  <prefix>tile/<L>/<N>[.p/<W>]      hash tiles          (c2sp.org/tlog-tiles; full tiles
//   GET  <prefix>tile/entries/<N>[.p/<W>]  entry bundles        are immutable and cacheable)
//   POST <prefix>add-checkpoint            tlog-witness: cosign a checkpoint of a log this node
//                                          witnesses (the logs listed in <node>/witness/trusted)
// Paths are parsed with the strict tile grammar (audit::ParseTilePath) before any file is
// touched, so nothing outside the log's tile folder is reachable. Authentication is the
// caller's: the node server answers 401 before calling Handle for a request without a member.
// Errors are plain text with the status, as the C2SP specs use.
//
// WatchPeer is `tadamun audit watch`: fetch a partner's checkpoint and tiles (through a fetch
// function, HTTP in the CLI), check consistency with the last checkpoint seen from it (kept in
// <node>/watch/) and report fork or rollback with both signed notes kept as evidence.
// RequestCosignature is the other side of add-checkpoint: send this node's latest checkpoint
// to a witness and store the cosignature it returns.
//
// Thread-safety: AuditEndpoints::Handle may be called from several threads at once.
//
//   TADAMUN_ASSIGN_OR_RETURN(auto audit, AuditEndpoints::Open(node_dir, Clock::System()));
//   if (audit->Owns(request.path)) return audit->Handle(request);
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "audit/log.h"
#include "audit/monitor.h"
#include "audit/witness.h"
#include "base/clock.h"
#include "base/status.h"
#include "crypto/note.h"
#include "taxii/request.h"

namespace tadamun::node {

struct AuditHttpOptions {
  std::string prefix = "/audit/";         // absolute, ends with '/'
  uint64_t max_tile_bytes = 1 << 24;      // entry bundles: ≤ 256 entries of ≤ 64 KiB
  audit::WitnessOptions witness;          // request size and proof-line limits
};

// The logs this node witnesses: <node>/witness/trusted, one "<origin> <vkey>" per line
// ('#' comments allowed). Empty when the file does not exist.
StatusOr<std::vector<audit::WitnessedLog>> LoadWitnessedLogs(const std::string& node_dir);
// Adds (or extends with another key) a log this node witnesses; the origin defaults to the
// key's name. InvalidArgument for a vkey that does not parse.
Status TrustLogForWitnessing(const std::string& node_dir, std::string_view vkey,
                             std::string_view origin = "");

class AuditEndpoints {
 public:
  static StatusOr<std::unique_ptr<AuditEndpoints>> Open(const std::string& node_dir,
                                                        Clock* clock,
                                                        const AuditHttpOptions& options = {});

  // Whether `path` is under the prefix (with or without its trailing '/').
  bool Owns(std::string_view path) const;
  taxii::Response Handle(const taxii::Request& request);

 private:
  AuditEndpoints(std::string node_dir, AuditHttpOptions options)
      : node_dir_(std::move(node_dir)), options_(std::move(options)) {}
  std::string node_dir_;
  AuditHttpOptions options_;
  std::unique_ptr<audit::Witness> witness_;
};

// Fetches "checkpoint" or a tile path relative to a peer's audit prefix; NotFound when the
// peer answers 404.
using AuditFetcher = audit::TileFetcher;

// Fetches the peer's checkpoint, verifies it with `peer_keys` (when empty: the keys of the
// log's origin in <node>/witness/trusted), and compares it with the last one seen from that
// origin (<node>/watch/). A larger tree is checked with a consistency proof computed here
// from the peer's tiles. Fork and rollback come back as verdicts with evidence_dir set.
StatusOr<audit::WatchResult> WatchPeer(const std::string& node_dir, const AuditFetcher& fetch,
                                       std::vector<crypto::Verifier> peer_keys, Clock* clock);

// Posts an add-checkpoint body, returns (HTTP status, body).
using WitnessPoster =
    std::function<StatusOr<std::pair<int, std::string>>(const std::string& body)>;

// Sends the log's latest checkpoint to a witness whose cosigner key is `witness_key`
// (`tadamun key show --cosigner` on the witness's node). Starts from the size this node last
// had cosigned by that witness (<node>/witnesses/), and on 409 retries once from the size the
// witness reports. Stores the returned cosignature in the log. Returns the cosigned size.
StatusOr<uint64_t> RequestCosignature(const std::string& node_dir, audit::Log& log,
                                      const crypto::Verifier& witness_key,
                                      const WitnessPoster& post);

}  // namespace tadamun::node
