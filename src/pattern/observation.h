// Observations: what a STIX pattern is evaluated against.
//
// STIX 2.1 §9: each observed-data SDO is `number_observed` observations, all taking place
// somewhere in [first_observed, last_observed], of the SCOs it lists in `object_refs`. Input
// is a JSON list whose elements are STIX 2.1 bundles (each observed-data in a bundle refers to
// SCOs in the same bundle) or bare observed-data objects (the deprecated embedded `objects`
// dictionary, as STIX 2.0 had; used only when `object_refs` is absent). `_ref`/`_refs` properties of those SCOs resolve against the
// same bundle (or the same `objects` dictionary); references that do not resolve select
// nothing.
//
// Observations borrow the JSON they were built from: the json::Value passed in must outlive
// them. Immutable after construction; safe to share between threads.
//
//   TADAMUN_ASSIGN_OR_RETURN(json::Value doc, json::Parse(text));
//   TADAMUN_ASSIGN_OR_RETURN(auto observations, pattern::ObservationsFromJson(doc, {}));
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "base/timestamp.h"
#include "json/json.h"

namespace tadamun::pattern {

// Object id -> object, for dereferencing `_ref`/`_refs`.
using ObjectIndex = std::unordered_map<std::string_view, const json::Value*>;

struct Observation {
  std::string id;  // the observed-data id ("" when it has none)
  Timestamp first_observed;
  Timestamp last_observed;
  int64_t number_observed = 1;
  std::vector<const json::Value*> objects;  // the SCOs observed (pattern roots)
  // Shared by the observations of one bundle (one index per bundle, not one per observation).
  std::shared_ptr<const ObjectIndex> index;
};

struct ObservationOptions {
  // Most observed-data objects accepted (before number_observed expansion).
  uint64_t max_observed_data = 100000;
};

// Errors: InvalidArgument naming the list element and observed-data id and what was expected
// (missing or malformed first_observed/last_observed, number_observed < 1, first after last,
// elements that are neither bundles nor observed-data); ResourceExhausted past the limit.
StatusOr<std::vector<Observation>> ObservationsFromJson(const json::Value& list,
                                                        const ObservationOptions& options = {});

}  // namespace tadamun::pattern
