// The predefined Traffic Light Protocol marking definitions: TLP 1.0 (STIX 2.1 §7.2.1.4, four
// objects with definition_type "tlp") and TLP 2.0 (the OASIS TLP 2.0 property extension,
// extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d, five objects). Their ids are
// fixed; an object carrying one of these ids must be exactly the published object.
//
// Pure functions over static tables; thread-safe.
//
//   if (auto name = stix::TlpName(ref)) { /* *name == "TLP:AMBER" */ }
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "json/json.h"

namespace tadamun::stix {

struct TlpMarking {
  std::string_view id;     // "marking-definition--…"
  int version;             // 1 (STIX 2.1 §7.2.1.4) or 2 (TLP 2.0 extension)
  std::string_view level;  // "white" | "clear" | "green" | "amber" | "amber+strict" | "red"
  std::string_view name;   // "TLP:WHITE", "TLP:AMBER+STRICT", …
};

// All nine predefined TLP markings.
std::span<const TlpMarking> TlpMarkings();
// The predefined marking with this id, or nullptr.
const TlpMarking* FindTlpMarking(std::string_view marking_id);
// "TLP:GREEN" etc. for a predefined TLP marking id, std::nullopt otherwise.
std::optional<std::string_view> TlpName(std::string_view marking_id);

// The published JSON of a predefined marking (with its "name").
json::Value PredefinedTlpObject(const TlpMarking& marking);

// Whether `object` is the published object of `marking`: the same properties and values, except
// that "name" may be absent (TLP 1.0 objects published before names were added lack it) and
// "spec_version" may be absent for TLP 1.0. On mismatch `why` says what differs.
bool MatchesPredefinedTlp(const json::Value& object, const TlpMarking& marking,
                          std::string* why);

}  // namespace tadamun::stix
