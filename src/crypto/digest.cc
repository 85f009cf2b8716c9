#include "crypto/digest.h"

#include <openssl/evp.h>
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
  // OpenSSL's one-shot SHA-256 uses the CPU's SHA extensions where present (several times
  // faster than libsodium's portable code on the multi-hundred-megabyte bundles imports see).
  std::string out(kSha256Size, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

namespace {

// One digest context per thread, freed when the thread ends.
struct ThreadSha256 {
  ThreadSha256() : md(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx(EVP_MD_CTX_new()) {
    if (md == nullptr || ctx == nullptr) std::abort();  // libcrypto is unusable
  }
  ~ThreadSha256() {
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
  }
  EVP_MD* md;
  EVP_MD_CTX* ctx;
};

}  // namespace

void Sha256Concat(std::initializer_list<std::string_view> parts, unsigned char out[kSha256Size]) {
  thread_local ThreadSha256 t;
  unsigned int len = 0;
  bool ok = EVP_DigestInit_ex(t.ctx, t.md, nullptr) == 1;
  for (std::string_view p : parts) ok = ok && EVP_DigestUpdate(t.ctx, p.data(), p.size()) == 1;
  ok = ok && EVP_DigestFinal_ex(t.ctx, out, &len) == 1;
  if (!ok || len != kSha256Size) std::abort();  // cannot happen with a working libcrypto
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
