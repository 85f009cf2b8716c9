// Unicode normalisation for pattern matching: the one place that includes utf8proc.
//
// LIKE and MATCHES compare text in Normalization Form C (Unicode NFC), as STIX 2.1 §9
// requires, so "ḍ̇" written precomposed or decomposed matches the same patterns.
// Pure functions; thread-safe.
//
//   std::string n = pattern::NormalizeNfc("d\u0323\u0307");   // "\u1e0d\u0307"
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tadamun::pattern {

// NFC form of UTF-8 `text`; std::nullopt when `text` is not valid UTF-8.
std::optional<std::string> NormalizeNfc(std::string_view text);

// The bytes of `text` when every code point is below 256 (each becomes one byte, as STIX
// compares strings with binary values); std::nullopt otherwise or for invalid UTF-8.
std::optional<std::string> Latin1Bytes(std::string_view text);

}  // namespace tadamun::pattern
