// PDQ hashes as STIX 2.1 intelligence (see docs/media.md).
//
// A PDQ hash travels like any other indicator: an `indicator` with pattern_type "stix" and a
// comparison on the file hash named "PDQ" (a custom entry of the open hashing-algorithm
// vocabulary), the hash as 64 lowercase hex digits, and its quality in the custom property
// `x_tadamun_pdq_quality`:
//
//   {"type": "indicator", "spec_version": "2.1", "id": "indicator--…",
//    "pattern": "[file:hashes.PDQ = 'd8f8f0ce…9b22']", "pattern_type": "stix",
//    "x_tadamun_pdq_quality": 100, …}
//
// The same hash as an observable is a `file` SCO with `"hashes": {"PDQ": "d8f8…"}`.
// ExtractPdqHashes reads both forms (and observed-data embedding file objects), so hashes
// shared by other tools in these shapes are matched too.
//
// Thread-safety: pure functions.
//
//   TADAMUN_ASSIGN_OR_RETURN(std::vector<media::StixPdqHash> hashes,
//                            media::ExtractPdqHashes(indicator_json));
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/timestamp.h"
#include "json/json.h"
#include "media/pdq.h"

namespace tadamun::media {

// Name of the custom property carrying the quality (0..100) of the hash of an object.
inline constexpr const char* kPdqQualityProperty = "x_tadamun_pdq_quality";

struct StixPdqHash {
  PdqHash hash;
  std::optional<int> quality;  // from x_tadamun_pdq_quality, when present and valid
};

// PDQ hashes carried by one STIX object:
//  * indicator with pattern_type "stix": every `file:hashes.PDQ = '<hex>'` comparison and
//    every string of `file:hashes.PDQ IN (…)` (the hash name in any case, quoted or not); other
//    comparisons, `!=`, and text inside string literals are ignored;
//  * file SCO: hashes.PDQ;
//  * observed-data: hashes.PDQ of each embedded file object (`objects`).
// Any other object yields no hashes. A PDQ value that is not 64 hex digits is InvalidArgument
// naming the object id and the offending text; an empty result is not an error.
StatusOr<std::vector<StixPdqHash>> ExtractPdqHashes(const json::Value& object);

struct PdqIndicatorSpec {
  PdqHash hash;
  int quality = 0;
  std::string id;    // "indicator--<uuid>"; the caller chooses it (e.g. RandomUuid())
  std::string name;  // e.g. the file name; omitted when empty
  Timestamp created;  // also modified and valid_from
  std::string created_by_ref;  // optional identity id
  std::string description;     // optional
};

// An indicator object as described above (indicator_types ["malicious-activity"]).
json::Value MakePdqIndicator(const PdqIndicatorSpec& spec);
// The STIX pattern for one hash: "[file:hashes.PDQ = '<hex>']".
std::string PdqPattern(const PdqHash& hash);

}  // namespace tadamun::media
