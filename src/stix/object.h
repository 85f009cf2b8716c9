// stix::Object: one validated STIX 2.1 object (SDO, SRO, SCO, marking definition, language
// content, or a custom object), with the properties every layer above needs pulled out.
//
// `json` holds the object exactly as the producer sent it: every property, custom (`x_…`),
// extension and unknown ones included, member order kept, numbers as written. Nothing a
// producer sent is dropped; `ToJson(object.json)` is what the store keeps and exports.
//
// Value type; thread-compatible.
#pragma once

#include <optional>
#include <string>

#include "base/timestamp.h"
#include "json/json.h"

namespace tadamun::stix {

enum class Kind {
  kDomainObject,        // SDO (attack-pattern … vulnerability, and the deprecated-free 19)
  kRelationshipObject,  // SRO: relationship, sighting
  kCyberObservable,     // SCO: ipv4-addr, file, …
  kMarkingDefinition,
  kLanguageContent,
  kExtensionDefinition,
  kCustom,  // a custom object type (`x-…` or any type this version does not define)
};

struct Object {
  std::string id;    // "type--uuid"
  std::string type;  // the "type" property
  Kind kind = Kind::kCustom;
  std::string spec_version;  // "2.1", or empty when absent (allowed for SCOs)
  std::optional<Timestamp> created;
  std::optional<Timestamp> modified;
  bool revoked = false;
  json::Value json;  // the whole object as received
  // The object's text as received, minified (tokens exactly as written), when it was read
  // from a document; empty for objects built in memory. The store keeps this text.
  std::string source_json;

  // The version identity used by the store and TAXII: `modified`, else `created`, else none
  // (unversioned objects such as SCOs).
  std::optional<Timestamp> Version() const { return modified ? modified : created; }
  // The "name" property when it is a string, else empty (for listings).
  std::string Name() const;
};

}  // namespace tadamun::stix
