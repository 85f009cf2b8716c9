// Message digests: SHA-256 for everything Tadamun secures (one-shot through OpenSSL's
// libcrypto, which uses the CPU's SHA instructions; incremental through libsodium), and SHA-1
// only where a standard mandates it (STIX UUIDv5 ids, RFC 4122). This module is the only place
// that includes libsodium or libcrypto.
//
// Pure functions; thread-safe. Digests are returned as raw bytes.
//
//   std::string d = crypto::Sha256("abc");   // 32 bytes
//   HexEncode(d) == "ba7816bf..."
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace tadamun::crypto {

constexpr size_t kSha256Size = 32;
constexpr size_t kSha1Size = 20;

std::string Sha256(std::string_view data);
std::string Sha1(std::string_view data);

// SHA-256 of the concatenation of `parts`, written to out[0..32). The fast path for small
// messages hashed in bulk (Merkle trees): it reuses one OpenSSL digest context per thread,
// so it uses the CPU's SHA extensions where present. Same result as Sha256(a + b + ...).
void Sha256Concat(std::initializer_list<std::string_view> parts, unsigned char out[kSha256Size]);

// Incremental SHA-256 for data that arrives in pieces.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(std::string_view data);
  // Returns the digest; the hasher must not be used afterwards.
  std::string Finish();

 private:
  alignas(64) unsigned char state_[256];
};

}  // namespace tadamun::crypto
