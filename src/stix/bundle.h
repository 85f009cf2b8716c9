// Reading STIX documents: a bundle, a JSON array of objects, or a single object.
//
// ReadObjects() parses the text with bounded memory (objects are validated and handed over
// one at a time, never all kept), validates each object, and reports every problem as an Issue
// with the object's id, a JSON Pointer, and the line and column in the text. The caller decides
// what "all or nothing" means (the store rolls its transaction back when any error was found).
//
// Thread-compatible; the callback runs on the calling thread.
//
//   std::vector<stix::Issue> issues;
//   stix::ReadSummary summary;
//   Status s = stix::ReadObjects(&text, {}, [&](stix::Object&& o) { ...; return Status::Ok(); },
//                                &issues, &summary);
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "json/json.h"
#include "stix/object.h"
#include "stix/validate.h"

namespace tadamun::stix {

struct ReadOptions {
  json::ParseOptions json;
  ValidationOptions validation;
  // Stop collecting issues after this many (the summary still counts them all).
  uint64_t max_issues = 100;
  // Detect the same id and version twice with different content by keeping a digest of every
  // object read (memory grows with the input; the store does this check itself on import).
  bool check_duplicates = true;
};

struct ReadSummary {
  uint64_t objects = 0;   // objects read (valid or not)
  uint64_t valid = 0;     // objects passed to the callback
  uint64_t errors = 0;    // error issues, including those not kept
  uint64_t warnings = 0;  // warning issues, including those not kept
};

using ObjectFn = std::function<Status(Object&& object)>;

// Reads every object in `text` (may be reallocated for parser padding, contents unchanged).
// Returns non-OK only when reading had to stop: malformed JSON or a limit (the status message
// has line and column), or an error returned by `on_object`. Validation problems are appended
// to `issues` and counted in `summary`; objects with errors are not passed to `on_object`.
Status ReadObjects(std::string* text, const ReadOptions& options, const ObjectFn& on_object,
                   std::vector<Issue>* issues, ReadSummary* summary);

// Builds a bundle document around already-serialised objects: {"type":"bundle","id":...,
// "objects":[...]}. `bundle_id` must be "bundle--<uuid>".
void AppendBundleStart(const std::string& bundle_id, std::string* out);
void AppendBundleEnd(std::string* out);

}  // namespace tadamun::stix
