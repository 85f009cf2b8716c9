// Importing STIX documents into a node's store: validate, then store all or nothing.
//
// ImportDocument streams the document (bounded memory: the text plus one object), validates
// every object with the stix module, and adds valid objects to one store transaction. If any
// object has an error (validation, or a clash with a stored version), the transaction is
// rolled back and nothing is stored; the report lists every problem (up to max_issues) with
// object id, JSON pointer, line and column.
//
// Not thread-safe with other writers on the same Store object.
//
//   std::string text = ...;
//   TADAMUN_ASSIGN_OR_RETURN(ImportReport r, ImportDocument(&node->store(), &text, options));
//   if (!r.committed) PrintIssues(r.issues);
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "stix/bundle.h"
#include "store/store.h"

namespace tadamun::node {

// The validation every node applies: the stix module's rules plus the pattern engine's check
// of every STIX indicator pattern.
stix::ValidationOptions NodeValidation();

struct ImportOptions {
  std::string collection;           // empty: no collection
  std::string source_kind = "file"; // provenance: "file", "stdin", "taxii", …
  std::string source_name;          // file path, member, peer
  stix::ReadOptions read = {.validation = NodeValidation()};  // limits, issue cap, checks
  // Called now and then with the byte offset reached and the number of objects read.
  std::function<void(uint64_t offset, uint64_t objects)> progress;
};

struct ImportReport {
  bool committed = false;
  stix::ReadSummary summary;
  std::vector<stix::Issue> issues;  // errors and warnings, up to read.max_issues
  uint64_t added = 0;               // versions new to the store
  uint64_t unchanged = 0;           // versions already stored, identical
  std::string digest;               // hex SHA-256 of the document
  std::string date_added;           // date_added given to this import's objects
};

// Returns a non-OK status when reading had to stop (malformed JSON or a limit: message with
// line and column) or the store failed; nothing is stored then either.
StatusOr<ImportReport> ImportDocument(store::Store* store, std::string* text,
                                      const ImportOptions& options);

}  // namespace tadamun::node
