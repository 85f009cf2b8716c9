// C2SP signed notes (c2sp.org/signed-note), verifier keys, Ed25519 note signers and
// cosignature/v1 witness cosignatures (c2sp.org/tlog-cosignature).
//
// A signed note is a UTF-8 text ending in '\n', a blank line, then signature lines
// "— <key name> base64(key id[4] || signature)\n". The signature covers the text including its
// final '\n'. Keys are named and identified by a 4-byte key id:
//   Ed25519        type 0x01  id = SHA-256(name || '\n' || 0x01 || pub)[:4], sig over the text
//   cosignature/v1 type 0x04  id = SHA-256(name || '\n' || 0x04 || pub)[:4], sig = 8-byte
//                  big-endian time || Ed25519 over "cosignature/v1\ntime <T>\n" || text
//   ECDSA          type 0x02  id = SHA-256(DER SPKI)[:4], ASN.1 DER sig over SHA-256(text)
//                  (verification only, for witnesses and logs that use it)
// A verifier key ("vkey") is the text name+hex(key id)+base64(type || public key).
// A private key ("skey") is PRIVATE+KEY+name+hex(key id)+base64(0x01 || 32-byte seed), the
// golang.org/x/mod/sumdb/note format.
//
// Parsing is bounded (NoteLimits) and strict: valid UTF-8, no control characters but '\n',
// well-formed signature lines. VerifyNote follows the spec: signatures from unknown keys are
// ignored; a signature from a known key that fails rejects the whole note; a note with no
// verified signature is rejected.
//
// Value types; thread-compatible. Signer holds a secret and is move-only.
//
//   TADAMUN_ASSIGN_OR_RETURN(Note note, ParseNote(text));
//   TADAMUN_ASSIGN_OR_RETURN(Verifier v, Verifier::Parse("example.com/foo+530d903a+Aeky..."));
//   TADAMUN_ASSIGN_OR_RETURN(auto verified, VerifyNote(note, {v}));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "crypto/ed25519.h"

namespace tadamun::crypto {

enum class SignatureType : uint8_t {
  kEd25519 = 0x01,
  kEcdsa = 0x02,
  kCosignatureV1 = 0x04,
};

struct NoteLimits {
  size_t max_bytes = 1 << 20;  // whole note; ResourceExhausted above it
  size_t max_signatures = 100;  // the spec requires accepting at least 16
};

struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  std::string signature;  // the bytes after the key id

  // "— <name> <base64(key id || signature)>\n"
  std::string Line() const;
};

struct Note {
  std::string text;  // includes the final '\n'
  std::vector<NoteSignature> signatures;

  // The note as served: text, blank line, signature lines.
  std::string Format() const;
};

// True when `name` is a valid key name: non-empty UTF-8 without Unicode spaces or '+'.
bool IsValidKeyName(std::string_view name);

// Parses a whole signed note. InvalidArgument names the byte offset or line that is wrong.
StatusOr<Note> ParseNote(std::string_view data, const NoteLimits& limits = {});

// Parses a block of signature lines only (a tlog-witness add-checkpoint response).
StatusOr<std::vector<NoteSignature>> ParseSignatureLines(std::string_view data,
                                                         const NoteLimits& limits = {});

// A public key that checks note signatures.
class Verifier {
 public:
  // Parses a vkey (name+hex(keyid)+base64(type||key)), checking the key id matches the key.
  static StatusOr<Verifier> Parse(std::string_view vkey);
  static StatusOr<Verifier> Ed25519(std::string_view name, std::string_view public_key);
  static StatusOr<Verifier> CosignatureV1(std::string_view name, std::string_view public_key);

  // The same Ed25519 key as a cosignature/v1 verifier (key id with type 0x04); a verifier that
  // is already cosignature/v1 is returned unchanged. FailedPrecondition for ECDSA keys.
  StatusOr<Verifier> AsCosignatureV1() const;

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  SignatureType type() const { return type_; }
  const std::string& public_key() const { return key_; }  // raw key (DER SPKI for ECDSA)
  std::string ToString() const;                            // the vkey text

  // True when `signature` (after the key id) is valid over `text`. For cosignatures,
  // *timestamp receives the signed time.
  bool Verify(std::string_view text, std::string_view signature,
              uint64_t* timestamp = nullptr) const;

 private:
  std::string name_;
  uint32_t key_id_ = 0;
  SignatureType type_ = SignatureType::kEd25519;
  std::string key_;
};

struct VerifiedSignature {
  std::string name;
  uint32_t key_id = 0;
  SignatureType type = SignatureType::kEd25519;
  std::optional<uint64_t> timestamp;  // cosignatures only
};

// Verifies `note` against the known keys (see the file comment for the rules). On success
// returns the verified signatures in note order. PermissionDenied when a known key's
// signature fails or none verifies; InvalidArgument when a known key signed twice.
StatusOr<std::vector<VerifiedSignature>> VerifyNote(const Note& note,
                                                    const std::vector<Verifier>& known);

// The cosignature/v1 signed message for a note text.
std::string CosignatureMessage(std::string_view text, uint64_t timestamp);

// An Ed25519 note signer: a key name plus a key pair. Move-only; wipes its secret.
class Signer {
 public:
  static StatusOr<Signer> Generate(std::string_view name);
  static StatusOr<Signer> FromSeed(std::string_view name, std::string_view seed);
  // Parses a PRIVATE+KEY+... text. The caller should wipe its copy of the text.
  static StatusOr<Signer> ParsePrivateKey(std::string_view skey);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  std::string public_key() const { return key_.public_key(); }
  // The vkey for note signatures (type 0x01) and for cosignatures (type 0x04).
  Verifier verifier() const;
  Verifier cosigner_verifier() const;
  // The secret PRIVATE+KEY+... text. Never log it; wipe copies with Wipe().
  std::string PrivateKeyText() const;

  NoteSignature Sign(std::string_view text) const;
  NoteSignature Cosign(std::string_view text, uint64_t timestamp) const;

 private:
  Signer(std::string name, Ed25519KeyPair key);
  std::string name_;
  uint32_t key_id_ = 0;
  Ed25519KeyPair key_;
};

// SHA-256(name || '\n' || type || key)[:4] as a big-endian number.
uint32_t KeyId(std::string_view name, SignatureType type, std::string_view key);

}  // namespace tadamun::crypto
