// Random (version 4) UUIDs from the kernel's CSPRNG, in the lowercase 8-4-4-4-12 form STIX
// and TAXII use. Thread-safe.
//
//   std::string id = "bundle--" + RandomUuid();
#pragma once

#include <string>

namespace tadamun {

// Aborts only if the kernel cannot supply randomness (getrandom(2) failing is not recoverable).
std::string RandomUuid();
// Formats 16 bytes as a UUID string.
std::string FormatUuid(const unsigned char bytes[16]);

}  // namespace tadamun
