// STIX 2.1 validation: checks one object against the specification and reports every problem.
//
// Checked: the common properties (type, spec_version, id = `type--UUID`, created, modified ≥
// created, created_by_ref, revoked, labels, confidence 0–100, lang, external_references,
// object_marking_refs, granular_markings and their selectors, extensions); the required
// properties, property types, reference targets, ranges and cross-property rules of all 19
// SDOs, both SROs, marking-definition (the nine predefined TLP 1.0/2.0 markings must be exactly
// the published objects, see tlp.h), language-content, extension-definition, and the 18 SCOs
// (ipv4-addr, ipv6-addr, domain-name, url, file, email-addr, email-message, network-traffic,
// x509-certificate, autonomous-system, mac-addr, user-account, process, software, mutex,
// directory, artifact, windows-registry-key) with their predefined extensions.
// Custom objects (`x-…` types), custom properties (`x_…`, extension properties, unknown
// properties) and custom extensions are accepted and preserved; they produce warnings, never
// errors. An SCO whose id is not its deterministic id (sco_id.h) is a warning. Indicator
// `pattern` values are kept as written (the pattern module validates their language).
//
// Cost: one pass over the object's members against a static table keyed by type; no regexes
// and no per-property allocation on valid input (about 1 µs for a typical indicator; SCOs also
// pay for their deterministic id: canonical JSON and SHA-1).
//
// Thread-safe (no shared state).
//
//   std::vector<Issue> issues;
//   std::optional<Object> obj = ValidateObject(std::move(value), "/objects/3", &issues);
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "json/json.h"
#include "stix/object.h"

namespace tadamun::stix {

enum class Severity { kError, kWarning };

// One problem found in an input. `pointer` is an RFC 6901 JSON Pointer into the input
// document (e.g. "/objects/3/created"); `offset` is the byte offset of the offending value in
// the input text (from json::Value::offset()); line and column are filled in by the reader
// that owns the text (0 when unknown).
struct Issue {
  Severity severity = Severity::kError;
  std::string object_id;  // empty when the object has no usable id
  std::string pointer;
  uint64_t offset = 0;
  uint64_t line = 0;
  uint64_t column = 0;
  std::string message;  // what is wrong and what was expected

  // "file:line:column: error: <object_id> <pointer>: message"
  std::string ToString(std::string_view source_name) const;
};

struct ValidationOptions {
  // Report custom and unknown properties and custom object types as warnings.
  bool warn_custom = true;
  // Warn when an SCO's id is not its deterministic UUIDv5 id (STIX 2.1 §2.9). Never an error:
  // producers may use UUIDv4.
  bool check_sco_ids = true;
  // Checks the `pattern` of an indicator whose pattern_type is "stix" (the stix module cannot
  // depend on the pattern engine, which sits above it; the node plugs pattern::Check in).
  // A non-OK status becomes an error at /pattern with the status message. Unset: patterns are
  // kept as written without checking their language.
  std::function<Status(std::string_view pattern)> check_stix_pattern;
};

// Validates `value` as one STIX 2.1 object located at `pointer` in its document. Appends every
// problem found to `issues` (never clears it). Returns the Object when there was no error
// (warnings allowed), std::nullopt otherwise.
std::optional<Object> ValidateObject(json::Value value, std::string_view pointer,
                                     std::vector<Issue>* issues,
                                     const ValidationOptions& options = {});

// True when `text` is `type--` followed by an RFC 4122 UUID (lowercase hex, 8-4-4-4-12).
bool IsValidId(std::string_view text, std::string_view expected_type = {});

}  // namespace tadamun::stix
