#include "crypto/ed25519.h"

#include <sodium.h>

#include <cstdlib>

namespace tadamun::crypto {
namespace {

void EnsureSodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) std::abort();  // libsodium cannot run safely on this system
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

static_assert(crypto_sign_SECRETKEYBYTES == 64 && crypto_sign_PUBLICKEYBYTES == 32 &&
                  crypto_sign_SEEDBYTES == 32 && crypto_sign_BYTES == 64,
              "unexpected libsodium Ed25519 sizes");

StatusOr<Ed25519KeyPair> Ed25519KeyPair::Generate() {
  EnsureSodium();
  Ed25519KeyPair key;
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  if (crypto_sign_keypair(pk, key.secret_.data()) != 0) {
    return Status::Internal("libsodium could not generate an Ed25519 key pair");
  }
  return key;
}

StatusOr<Ed25519KeyPair> Ed25519KeyPair::FromSeed(std::string_view seed) {
  EnsureSodium();
  if (seed.size() != kEd25519SeedSize) {
    return Status::InvalidArgument("Ed25519 seed is " + std::to_string(seed.size()) +
                                   " bytes, expected 32");
  }
  Ed25519KeyPair key;
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  if (crypto_sign_seed_keypair(pk, key.secret_.data(), Bytes(seed)) != 0) {
    return Status::Internal("libsodium could not derive an Ed25519 key pair");
  }
  return key;
}

Ed25519KeyPair::Ed25519KeyPair(Ed25519KeyPair&& other) noexcept : secret_(other.secret_) {
  sodium_memzero(other.secret_.data(), other.secret_.size());
}

Ed25519KeyPair& Ed25519KeyPair::operator=(Ed25519KeyPair&& other) noexcept {
  if (this != &other) {
    secret_ = other.secret_;
    sodium_memzero(other.secret_.data(), other.secret_.size());
  }
  return *this;
}

Ed25519KeyPair::~Ed25519KeyPair() { sodium_memzero(secret_.data(), secret_.size()); }

std::string Ed25519KeyPair::public_key() const {
  return std::string(reinterpret_cast<const char*>(secret_.data()) + 32, 32);
}

std::string Ed25519KeyPair::seed() const {
  return std::string(reinterpret_cast<const char*>(secret_.data()), 32);
}

std::string Ed25519KeyPair::Sign(std::string_view message) const {
  std::string sig(kEd25519SignatureSize, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr, Bytes(message),
                       message.size(), secret_.data());
  return sig;
}

bool VerifyEd25519(std::string_view public_key, std::string_view message,
                   std::string_view signature) {
  EnsureSodium();
  if (public_key.size() != kEd25519PublicKeySize || signature.size() != kEd25519SignatureSize) {
    return false;
  }
  return crypto_sign_verify_detached(Bytes(signature), Bytes(message), message.size(),
                                     Bytes(public_key)) == 0;
}

void Wipe(std::string* secret) {
  if (secret == nullptr || secret->empty()) return;
  sodium_memzero(secret->data(), secret->size());
  secret->clear();
}

}  // namespace tadamun::crypto
