#include "crypto/digest.h"

#include <openssl/sha.h>
#include <sodium.h>

#include <cstdlib>

namespace tadamun::crypto {
namespace {

static_assert(sizeof(crypto_hash_sha256_state) <= 256, "state buffer too small");

void EnsureSodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) std::abort();  // libsodium cannot run safely on this system
}

crypto_hash_sha256_state* State(unsigned char* buf) {
  return reinterpret_cast<crypto_hash_sha256_state*>(buf);
}

}  // namespace

std::string Sha256(std::string_view data) {
  EnsureSodium();
  std::string out(kSha256Size, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(out.data()),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return out;
}

std::string Sha1(std::string_view data) {
  std::string out(kSha1Size, '\0');
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

Sha256Hasher::Sha256Hasher() {
  EnsureSodium();
  crypto_hash_sha256_init(State(state_));
}

Sha256Hasher::~Sha256Hasher() { sodium_memzero(state_, sizeof state_); }

void Sha256Hasher::Update(std::string_view data) {
  crypto_hash_sha256_update(State(state_), reinterpret_cast<const unsigned char*>(data.data()),
                            data.size());
}

std::string Sha256Hasher::Finish() {
  std::string out(kSha256Size, '\0');
  crypto_hash_sha256_final(State(state_), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

}  // namespace tadamun::crypto
