// Ed25519 (RFC 8032) key pairs, signatures and verification, over libsodium.
//
// Ed25519KeyPair owns a secret key: it cannot be copied, only moved, and wipes the secret
// (sodium_memzero) when destroyed. Signing is deterministic: the same key and message always
// give the same 64 bytes. Verification is a free function over the 32-byte public key.
//
// Thread-safety: a const key pair may sign from many threads at once; VerifyEd25519 is pure.
//
//   TADAMUN_ASSIGN_OR_RETURN(Ed25519KeyPair key, Ed25519KeyPair::Generate());
//   std::string sig = key.Sign("message");                       // 64 bytes
//   bool ok = VerifyEd25519(key.public_key(), "message", sig);   // true
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tadamun::crypto {

constexpr size_t kEd25519PublicKeySize = 32;
constexpr size_t kEd25519SeedSize = 32;
constexpr size_t kEd25519SignatureSize = 64;

class Ed25519KeyPair {
 public:
  // A fresh key pair from the operating system's random source.
  static StatusOr<Ed25519KeyPair> Generate();
  // The key pair derived from a 32-byte seed (RFC 8032 private key). InvalidArgument when the
  // seed is not 32 bytes.
  static StatusOr<Ed25519KeyPair> FromSeed(std::string_view seed);

  Ed25519KeyPair(Ed25519KeyPair&& other) noexcept;
  Ed25519KeyPair& operator=(Ed25519KeyPair&& other) noexcept;
  Ed25519KeyPair(const Ed25519KeyPair&) = delete;
  Ed25519KeyPair& operator=(const Ed25519KeyPair&) = delete;
  ~Ed25519KeyPair();

  // The 32-byte public key.
  std::string public_key() const;
  // The 32-byte seed. Secret: the caller must wipe its copy (sodium-free callers can use
  // crypto::Wipe) and must never log it.
  std::string seed() const;
  // The 64-byte signature of `message`.
  std::string Sign(std::string_view message) const;

 private:
  Ed25519KeyPair() = default;
  std::array<unsigned char, 64> secret_{};  // libsodium layout: seed || public key
};

// True when `signature` (64 bytes) is a valid Ed25519 signature of `message` under
// `public_key` (32 bytes). Wrong lengths are simply invalid.
bool VerifyEd25519(std::string_view public_key, std::string_view message,
                   std::string_view signature);

// Overwrites a buffer that held secret bytes, in a way the compiler cannot drop.
void Wipe(std::string* secret);

}  // namespace tadamun::crypto
