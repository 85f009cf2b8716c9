// Pull: copies a remote TAXII 2.1 collection into the node, page by page, resuming where the
// previous run stopped.
//
// A run asks GET objects (every version: match[version]=all) with the remembered added_after
// cursor and follows `next` from page to page. Each page is stored through `PageImporter` (the
// node's import: validation with the pattern check, one all-or-nothing transaction per batch of
// whole pages (PullOptions::batch_objects), provenance kind "taxii" with the collection's URL as
// name, audit log). Only after a batch's import has committed does the cursor move
// (store::SyncCursor of (API root URL, remote collection)):
//   - added_after becomes the latest date_added such that every object added up to it has
//     been received: X-TAXII-Date-Added-Last of the last page, or just below the Last header
//     of a batch's last page when more follow (objects sharing that date_added may continue on
//     the next page). Pulling again therefore asks only for what was added since;
//   - while a run is under way, the last stored page's `next` token is remembered too, so a run
//     that was interrupted resumes at the following page (when the server refuses the old
//     token, the run starts again from added_after; re-imported objects are "already stored").
// Pages that arrived before an error (network, server) are stored before it is returned. A
// crash between a batch's commit and the cursor's move pulls that batch again: at least once,
// and idempotent because importing a stored version changes nothing.
//
// While a batch is stored, the following pages are already fetched on a second thread (at most
// two ahead), so the remote server's work and the transfer overlap with the import.
//
// Thread-safety: borrows the client and the store for the duration of the call; the client
// is used from the helper thread meanwhile, the store and the importer from the caller's.
//
//   federation::PullOptions o{.source = url.ToString(), .api_root = root, .collection = id};
//   TADAMUN_ASSIGN_OR_RETURN(PullReport r, federation::Pull(&client, &store, importer, o));
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"
#include "store/store.h"
#include "taxii/client.h"

namespace tadamun::federation {

// The outcome of storing one page.
struct PageResult {
  bool committed = false;
  uint64_t added = 0;       // versions new to the node
  uint64_t unchanged = 0;   // versions it already had
  uint64_t errors = 0;      // problems that rejected the page (then nothing was stored)
  std::string first_error;  // the first of them, for the message
};

struct PageImport {
  std::string* objects;     // JSON array text of the page's objects (may be modified)
  std::string collection;   // the local collection to add them to
  std::string source_name;  // provenance name: the remote collection's URL
};
// Stores one page all or nothing; a non-OK status means the store failed (nothing stored).
using PageImporter = std::function<StatusOr<PageResult>(const PageImport& page)>;

struct PullProgress {
  uint64_t pages = 0;
  uint64_t objects = 0;
  uint64_t bytes = 0;  // JSON bytes of the objects received
};

struct PullOptions {
  std::string source;         // the remote API root's URL: the cursor's key
  std::string api_root;       // its path on the client's transport, ending with '/'
  std::string collection;     // the remote collection id
  std::string into;           // the local collection; "" : the remote collection's id. Created
                              // (with the remote title and description) when missing.
  uint64_t page_size = 1000;  // `limit` asked for (the server may send fewer)
  uint64_t max_pages = 0;     // stop after this many pages; 0: until the end
  // Pages are stored in batches: a batch is imported (one all-or-nothing transaction) once it
  // holds this many objects, at the last page, and before an error is returned. Fewer, larger
  // transactions are much cheaper (each commit rewrites the index pages it touched); 1 stores
  // page by page. A page is never split.
  uint64_t batch_objects = 50000;
  std::function<void(const PullProgress&)> progress;  // after each committed page
};

struct PullReport {
  uint64_t pages = 0;
  uint64_t objects = 0;
  uint64_t added = 0;
  uint64_t unchanged = 0;
  uint64_t bytes = 0;
  bool finished = false;           // reached the last page (more = false)
  bool resumed = false;            // continued an interrupted run with its `next` token
  bool restarted = false;          // the server refused that token; started from added_after
  bool missing_dates = false;      // pages without X-TAXII-Date-Added-* headers (cursor kept)
  std::string added_after_before;  // the cursor at the start ("" : from the beginning)
  std::string added_after_after;   // and at the end
  std::string into;                // the local collection
  double fetch_seconds = 0;        // waiting for pages (fetching overlaps storing)
  double import_seconds = 0;       // storing them
};

// Errors: the client's (URL, HTTP status, the server's error title and description), a page
// rejected by validation (FailedPrecondition with the page number and the first problem), the
// store's. Pages committed before the error stay committed and the cursor stands after them.
StatusOr<PullReport> Pull(taxii::Client* client, store::Store* store, const PageImporter& import,
                          const PullOptions& options);

// The cursor to remember after a committed batch: the later of `current` and its last page's safe
// point (see above). `more`: whether the page had more after it. Exposed for tests.
std::string NextAddedAfter(const std::string& current, const std::string& date_added_last,
                           bool more);

}  // namespace tadamun::federation
