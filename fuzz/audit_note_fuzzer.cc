// Fuzz target: C2SP signed notes, checkpoints and verifier keys from outside (peers'
// checkpoints, witness responses, key texts). Checks that parsing never crashes, that a
// parsed note formats back to the same bytes, and that verification with a fixed key never
// accepts a note it did not sign.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "audit/checkpoint.h"
#include "crypto/note.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tadamun;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const crypto::Signer* signer =
      new crypto::Signer(crypto::Signer::FromSeed("fuzz.example/log", std::string(32, '\x01')).value());
  static const crypto::Verifier verifier = signer->verifier();
  static const crypto::Verifier cosigner = signer->cosigner_verifier();

  auto note = crypto::ParseNote(text);
  if (note.ok()) {
    if (note->Format() != text) std::abort();  // parse/format must round-trip byte for byte
    auto verified = crypto::VerifyNote(*note, {verifier, cosigner});
    if (verified.ok()) {
      // Only possible if the fuzzer found a real signature by our key: it cannot.
      std::abort();
    }
    auto cp = audit::ParseCheckpoint(note->text);
    if (cp.ok() && cp->Text() != note->text) std::abort();
  }
  (void)audit::OpenCheckpoint(text, {verifier});
  (void)crypto::ParseSignatureLines(text);
  (void)crypto::Verifier::Parse(text);
  (void)crypto::Signer::ParsePrivateKey(text);
  return 0;
}
