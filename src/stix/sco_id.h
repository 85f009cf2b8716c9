// Deterministic identifiers of STIX Cyber-observable Objects (STIX 2.1 §2.9) and the RFC 8785
// JSON Canonicalization Scheme (JCS) they are computed over.
//
// An SCO's deterministic id is `<type>--<UUIDv5>` with namespace
// 00abedb4-aa42-466c-9c01-fed23315a9b7 and, as name, the JCS text of an object holding only the
// SCO type's "ID Contributing Properties" that are present. `hashes` contributes one hash only,
// chosen in the order MD5, SHA-1, SHA-256, SHA-512, else the first one written (the order the
// OASIS reference implementation, cti-python-stix2, uses). Values are used as written
// (timestamps, references and extensions are not normalised).
//
// Pure functions; thread-safe.
//
//   auto id = stix::ComputeScoId(sco);   // "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"
//   if (id && *id != object.id) { /* producer used another id scheme (allowed) */ }
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "json/json.h"

namespace tadamun::stix {

// The ID Contributing Properties of a predefined SCO type, in the order the spec lists them;
// empty for types without any (process) and for types that are not predefined SCOs.
std::span<const std::string_view> ScoIdContributingProperties(std::string_view type);

// The deterministic id of `sco` (an object with a "type" string). std::nullopt when the type is
// not a predefined SCO type, when it has no ID Contributing Properties, when none of them is
// present (the spec then asks for a UUIDv4), or when a value cannot be canonicalised (a number
// that is not finite, nesting deeper than 64).
std::optional<std::string> ComputeScoId(const json::Value& sco);

// RFC 8785 canonical JSON of `value`: members sorted by UTF-16 code units, no whitespace,
// minimal string escapes, numbers in ECMAScript form. std::nullopt for a non-finite number or
// nesting deeper than 64.
std::optional<std::string> CanonicalJson(const json::Value& value);

// RFC 4122 version 5 UUID (SHA-1) of `name` in `namespace_uuid` (text form, lowercase).
// std::nullopt when `namespace_uuid` is not a UUID.
std::optional<std::string> Uuid5(std::string_view namespace_uuid, std::string_view name);

}  // namespace tadamun::stix
