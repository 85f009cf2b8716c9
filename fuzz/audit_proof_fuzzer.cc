// Fuzz target: C2SP tlog-proof files (tadamun audit verify-proof) and audit entry bytes.
// Parsing must never crash, a parsed proof must format back to the same bytes, and
// verification with a fixed key must fail.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "audit/entry.h"
#include "audit/tlog_proof.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tadamun;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const crypto::Verifier verifier =
      crypto::Signer::FromSeed("fuzz.example/log", std::string(32, '\x01')).value().verifier();
  auto proof = audit::ParseTlogProof(text);
  if (proof.ok() && audit::FormatTlogProof(*proof) != text) std::abort();
  if (audit::VerifyTlogProof(text, {verifier}, std::nullopt).ok()) std::abort();
  auto entry = audit::DecodeEntry(text);
  if (entry.ok()) {
    auto again = audit::EncodeEntry(*entry);
    if (!again.ok() || *again != text) std::abort();  // only canonical bytes decode
  }
  return 0;
}
