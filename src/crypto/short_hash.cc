#include "crypto/short_hash.h"

#include <sodium.h>

#include <cassert>
#include <cstdlib>
#include <cstring>

namespace tadamun::crypto {

static_assert(crypto_shorthash_KEYBYTES == kShortHashKeySize);
static_assert(crypto_shorthash_BYTES == sizeof(uint64_t));

std::string NewShortHashKey() {
  if (sodium_init() < 0) std::abort();  // libsodium cannot run safely on this system
  std::string key(kShortHashKeySize, '\0');
  crypto_shorthash_keygen(reinterpret_cast<unsigned char*>(key.data()));
  return key;
}

uint64_t ShortHash(std::string_view key, std::string_view data) {
  assert(key.size() == kShortHashKeySize);
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                   reinterpret_cast<const unsigned char*>(key.data()));
  uint64_t h;
  std::memcpy(&h, out, sizeof h);
  return h;
}

}  // namespace tadamun::crypto
