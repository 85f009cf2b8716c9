// Witnessing peers' logs: the node as a C2SP tlog-witness cosigner (add-checkpoint), without
// the HTTP layer.
//
// Witness keeps, per trusted log origin, the latest checkpoint it cosigned (folder `dir`, one
// file per origin named by the hex SHA-256 of the origin). AddCheckpoint takes the body of an
// add-checkpoint request and returns what the HTTP endpoint must answer, following
// c2sp.org/tlog-witness: 404 unknown origin, 403 no trusted signature, 400 malformed or old
// size above the checkpoint size, 409 (body "<size>\n", text/x.tlog.size) when the old size
// is not the latest cosigned one or equal sizes disagree on the root, 422 when the
// consistency proof fails, 200 with a cosignature/v1 signature line once the new checkpoint
// is durable. Checking and storing are atomic (a mutex plus an flock on `dir`/lock).
//
// Thread-safety: all methods may be called concurrently.
//
//   auto w = Witness::Open(node + "/witness", std::move(key), {{"peer.example", {peer_key}}},
//                          Clock::System());
//   WitnessResponse r = (*w)->AddCheckpoint(request_body);   // r.status, r.content_type, r.body
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/checkpoint.h"
#include "base/clock.h"
#include "base/status.h"
#include "crypto/note.h"

namespace tadamun::audit {

struct WitnessResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

struct WitnessOptions {
  size_t max_request_bytes = 256 << 10;
  size_t max_proof_lines = 63;  // the protocol's limit
};

// A log this witness cosigns: its checkpoint origin and the keys trusted to sign it (the key
// name need not equal the origin, e.g. sum.golang.org signs "go.sum database tree").
struct WitnessedLog {
  std::string origin;
  std::vector<crypto::Verifier> keys;
};

class Witness {
 public:
  // `clock` must outlive the Witness.
  static StatusOr<std::unique_ptr<Witness>> Open(const std::string& dir, crypto::Signer signer,
                                                 std::vector<WitnessedLog> logs,
                                                 Clock* clock, const WitnessOptions& options = {});

  WitnessResponse AddCheckpoint(std::string_view body);

  // The latest checkpoint cosigned for `origin` (note text with our cosignature), if any.
  StatusOr<std::optional<std::string>> LatestCosigned(std::string_view origin);

  // This witness's cosigner key (type 0x04), for logs to verify our cosignatures.
  crypto::Verifier cosigner() const { return signer_.cosigner_verifier(); }

 private:
  Witness(std::string dir, crypto::Signer signer, std::vector<WitnessedLog> logs, Clock* clock,
          const WitnessOptions& options);
  std::string StatePath(std::string_view origin) const;

  std::string dir_;
  crypto::Signer signer_;
  std::vector<WitnessedLog> logs_;
  Clock* clock_;
  WitnessOptions options_;
  std::mutex mu_;
};

// Builds an add-checkpoint request body: "old <size>\n", proof lines, blank line, checkpoint.
std::string AddCheckpointRequest(uint64_t old_size, const std::vector<Hash>& proof,
                                 std::string_view checkpoint_note);

}  // namespace tadamun::audit
