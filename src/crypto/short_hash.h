// Keyed 64-bit hashes (SipHash-2-4, libsodium's crypto_shorthash) for index keys and hash
// tables fed with outside data: without the secret key nobody can make two inputs collide on
// purpose. Not a message digest (use Sha256 for anything that must be collision-free).
//
// Thread-safe; pure functions of their arguments.
//
//   std::string key = NewShortHashKey();         // keep it with the table it protects
//   uint64_t h = ShortHash(key, "indicator--…");
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tadamun::crypto {

constexpr size_t kShortHashKeySize = 16;

// 16 random bytes from the system CSPRNG.
std::string NewShortHashKey();
// Precondition: key.size() == kShortHashKeySize.
uint64_t ShortHash(std::string_view key, std::string_view data);

}  // namespace tadamun::crypto
