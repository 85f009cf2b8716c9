// Push: sends a node's objects to a remote TAXII 2.1 collection with POST objects.
//
// The objects (every stored version, of one local collection or of the whole node) go in
// envelopes no larger than the API root's max_content_length. Each POST answers with a status
// resource; a "pending" one is polled (GET status) until it is complete or the wait runs out.
// Failures the server reports per object are collected in the report. An object too large for
// any envelope is reported as a failure without being sent.
//
// Thread-safety: borrows the client and the store; one thread.
//
//   federation::PushOptions o{.source = url, .api_root = root, .collection = id};
//   TADAMUN_ASSIGN_OR_RETURN(PushReport r, federation::Push(&client, &store, o));
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/store.h"
#include "taxii/client.h"

namespace tadamun::federation {

struct PushProgress {
  uint64_t envelopes = 0;
  uint64_t objects = 0;
  uint64_t bytes = 0;
};

struct PushOptions {
  std::string source;       // the remote API root's URL, for messages
  std::string api_root;     // its path on the client's transport, ending with '/'
  std::string collection;   // the remote collection id
  std::string from;         // the local collection; "" : every object of the node
  std::string added_after;  // only versions added to the node after this time ("" : all)
  // Largest envelope sent, bytes; 0: the API root's max_content_length. Never more than it.
  uint64_t max_envelope_bytes = 0;
  uint64_t max_objects_per_envelope = 10000;
  int status_poll_ms = 500;       // between GET status calls for a pending status
  int status_timeout_ms = 60000;  // give up waiting (the objects then count as pending)
  std::function<void(const PushProgress&)> progress;  // after each envelope
};

struct PushReport {
  uint64_t envelopes = 0;
  uint64_t objects = 0;  // versions sent (or refused locally as too large)
  uint64_t successes = 0;
  uint64_t failures = 0;
  uint64_t pending = 0;  // still pending when the wait ran out
  uint64_t bytes = 0;
  std::vector<taxii::StatusDetail> failure_details;  // the first 100
  std::vector<std::string> status_ids;               // of every envelope
};

// Errors: the client's (URL, HTTP status, error resource), the store's, a collection that does
// not allow writing (PermissionDenied). Per-object failures are not errors: see the report.
StatusOr<PushReport> Push(taxii::Client* client, store::Store* store, const PushOptions& options);

}  // namespace tadamun::federation
