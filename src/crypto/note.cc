#include "crypto/note.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

#include "base/encoding.h"
#include "crypto/digest.h"

namespace tadamun::crypto {
namespace {

constexpr std::string_view kDash = "\xE2\x80\x94 ";  // U+2014 and a space
constexpr uint64_t kMaxTimestamp = (uint64_t{1} << 63) - 1;

// Decodes one UTF-8 code point at s[*i]; returns -1 when invalid (overlong, surrogate, > 10FFFF).
int32_t DecodeUtf8(std::string_view s, size_t* i) {
  unsigned char c = static_cast<unsigned char>(s[*i]);
  int len;
  int32_t cp;
  if (c < 0x80) {
    ++*i;
    return c;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07;
  } else {
    return -1;
  }
  if (*i + len > s.size()) return -1;
  for (int k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[*i + k]);
    if ((cc & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr int32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  *i += len;
  return cp;
}

bool IsUnicodeSpace(int32_t cp) {
  return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

// OK when `data` is UTF-8 without control characters other than '\n'.
Status CheckNoteText(std::string_view data) {
  size_t line = 1;
  for (size_t i = 0; i < data.size();) {
    size_t at = i;
    int32_t cp = DecodeUtf8(data, &i);
    if (cp < 0) {
      return Status::InvalidArgument("signed note: invalid UTF-8 at byte offset " +
                                     std::to_string(at) + " (line " + std::to_string(line) + ")");
    }
    if (cp == '\n') {
      ++line;
    } else if (cp < 0x20 || cp == 0x7F) {
      return Status::InvalidArgument("signed note: control character " + std::to_string(cp) +
                                     " at byte offset " + std::to_string(at) + " (line " +
                                     std::to_string(line) + "); only newline is allowed");
    }
  }
  return Status::Ok();
}

uint32_t BigEndian32(std::string_view b) {
  return (uint32_t{static_cast<unsigned char>(b[0])} << 24) |
         (uint32_t{static_cast<unsigned char>(b[1])} << 16) |
         (uint32_t{static_cast<unsigned char>(b[2])} << 8) | uint32_t{static_cast<unsigned char>(b[3])};
}

std::string PutBigEndian(uint64_t v, int bytes) {
  std::string out(bytes, '\0');
  for (int i = bytes - 1; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xFF);
  return out;
}

std::string KeyIdHex(uint32_t id) { return HexEncode(PutBigEndian(id, 4)); }

bool VerifyEcdsa(std::string_view spki, std::string_view text, std::string_view sig) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(spki.data());
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())), EVP_PKEY_free);
  if (!key || EVP_PKEY_base_id(key.get()) != EVP_PKEY_EC) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()),
                          sig.size(), reinterpret_cast<const unsigned char*>(text.data()),
                          text.size()) == 1;
}

bool IsEcdsaKey(std::string_view spki) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(spki.data());
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())), EVP_PKEY_free);
  return key && EVP_PKEY_base_id(key.get()) == EVP_PKEY_EC &&
         p == reinterpret_cast<const unsigned char*>(spki.data()) + spki.size();
}

}  // namespace

uint32_t KeyId(std::string_view name, SignatureType type, std::string_view key) {
  std::string data(name);
  data += '\n';
  data += static_cast<char>(type);
  data += key;
  return BigEndian32(Sha256(data));
}

bool IsValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size();) {
    int32_t cp = DecodeUtf8(name, &i);
    if (cp < 0 || cp < 0x20 || cp == 0x7F || cp == '+' || IsUnicodeSpace(cp)) return false;
  }
  return true;
}

std::string NoteSignature::Line() const {
  std::string line(kDash);
  line += name;
  line += ' ';
  line += Base64Encode(PutBigEndian(key_id, 4) + signature);
  line += '\n';
  return line;
}

std::string Note::Format() const {
  std::string out = text;
  out += '\n';
  for (const NoteSignature& s : signatures) out += s.Line();
  return out;
}

StatusOr<std::vector<NoteSignature>> ParseSignatureLines(std::string_view data,
                                                         const NoteLimits& limits) {
  if (data.size() > limits.max_bytes) {
    return Status::ResourceExhausted("signature lines are " + std::to_string(data.size()) +
                                     " bytes, over the limit of " +
                                     std::to_string(limits.max_bytes));
  }
  TADAMUN_RETURN_IF_ERROR(CheckNoteText(data));
  if (data.empty()) return Status::InvalidArgument("signed note: no signature lines");
  if (data.back() != '\n') {
    return Status::InvalidArgument("signed note: the last signature line does not end in a newline");
  }
  std::vector<NoteSignature> sigs;
  size_t pos = 0, line_no = 0;
  while (pos < data.size()) {
    ++line_no;
    size_t end = data.find('\n', pos);
    std::string_view line = data.substr(pos, end - pos);
    pos = end + 1;
    std::string where = "signature line " + std::to_string(line_no);
    if (sigs.size() >= limits.max_signatures) {
      return Status::ResourceExhausted("signed note: more than " +
                                       std::to_string(limits.max_signatures) + " signatures");
    }
    if (line.substr(0, kDash.size()) != kDash) {
      return Status::InvalidArgument(where + ": expected it to start with \"\xE2\x80\x94 \" (U+2014, space)");
    }
    line.remove_prefix(kDash.size());
    size_t space = line.find(' ');
    if (space == std::string_view::npos) {
      return Status::InvalidArgument(where + ": expected \"<key name> <base64 signature>\"");
    }
    std::string_view name = line.substr(0, space), b64 = line.substr(space + 1);
    if (!IsValidKeyName(name)) {
      return Status::InvalidArgument(where + ": invalid key name (empty, or has a space or '+')");
    }
    auto raw = Base64Decode(b64);
    if (!raw.ok()) return Status::InvalidArgument(where + ": signature is not canonical base64");
    if (raw->size() < 5) {
      return Status::InvalidArgument(where + ": signature has " + std::to_string(raw->size()) +
                                     " bytes, expected a 4-byte key id and a signature");
    }
    NoteSignature sig;
    sig.name = std::string(name);
    sig.key_id = BigEndian32(*raw);
    sig.signature = raw->substr(4);
    sigs.push_back(std::move(sig));
  }
  return sigs;
}

StatusOr<Note> ParseNote(std::string_view data, const NoteLimits& limits) {
  if (data.size() > limits.max_bytes) {
    return Status::ResourceExhausted("signed note is " + std::to_string(data.size()) +
                                     " bytes, over the limit of " +
                                     std::to_string(limits.max_bytes));
  }
  TADAMUN_RETURN_IF_ERROR(CheckNoteText(data));
  size_t split = data.rfind("\n\n");
  if (split == std::string_view::npos) {
    return Status::InvalidArgument(
        "signed note: no blank line separating the text from the signature lines");
  }
  Note note;
  note.text = std::string(data.substr(0, split + 1));
  TADAMUN_ASSIGN_OR_RETURN(note.signatures, ParseSignatureLines(data.substr(split + 2), limits));
  return note;
}

StatusOr<Verifier> Verifier::Ed25519(std::string_view name, std::string_view public_key) {
  if (!IsValidKeyName(name)) return Status::InvalidArgument("invalid key name '" + std::string(name) + "'");
  if (public_key.size() != kEd25519PublicKeySize) {
    return Status::InvalidArgument("Ed25519 public key must be 32 bytes");
  }
  Verifier v;
  v.name_ = std::string(name);
  v.type_ = SignatureType::kEd25519;
  v.key_ = std::string(public_key);
  v.key_id_ = KeyId(name, v.type_, public_key);
  return v;
}

StatusOr<Verifier> Verifier::CosignatureV1(std::string_view name, std::string_view public_key) {
  TADAMUN_ASSIGN_OR_RETURN(Verifier v, Ed25519(name, public_key));
  v.type_ = SignatureType::kCosignatureV1;
  v.key_id_ = KeyId(name, v.type_, public_key);
  return v;
}

StatusOr<Verifier> Verifier::AsCosignatureV1() const {
  if (type_ == SignatureType::kEcdsa) {
    return Status::FailedPrecondition("an ECDSA key cannot make cosignature/v1 signatures");
  }
  return CosignatureV1(name_, key_);
}

StatusOr<Verifier> Verifier::Parse(std::string_view vkey) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("verifier key '" + std::string(vkey.substr(0, 200)) + "': " + why);
  };
  size_t p1 = vkey.find('+');
  if (p1 == std::string_view::npos) return bad("expected name+hex(keyid)+base64(key)");
  size_t p2 = vkey.find('+', p1 + 1);
  if (p2 == std::string_view::npos) return bad("expected name+hex(keyid)+base64(key)");
  std::string_view name = vkey.substr(0, p1), hex = vkey.substr(p1 + 1, p2 - p1 - 1);
  if (!IsValidKeyName(name)) return bad("invalid key name");
  if (hex.size() != 8 || !IsHex(hex)) return bad("key id must be 8 hex digits");
  auto id = HexDecode(hex);
  auto raw = Base64Decode(vkey.substr(p2 + 1));
  if (!id.ok() || !raw.ok()) return bad("key is not canonical base64");
  if (raw->empty()) return bad("empty key");
  auto type = static_cast<unsigned char>((*raw)[0]);
  std::string key = raw->substr(1);
  Verifier v;
  if (type == 0x01 || type == 0x04) {
    if (key.size() != kEd25519PublicKeySize) return bad("Ed25519 key must be 32 bytes");
    auto made = type == 0x01 ? Ed25519(name, key) : CosignatureV1(name, key);
    if (!made.ok()) return bad(made.status().message());
    v = std::move(made).value();
  } else if (type == 0x02) {
    if (!IsEcdsaKey(key)) return bad("not a DER SubjectPublicKeyInfo ECDSA key");
    v.name_ = std::string(name);
    v.type_ = SignatureType::kEcdsa;
    v.key_ = key;
    v.key_id_ = BigEndian32(Sha256(key));
  } else {
    return bad("unsupported signature type " + std::to_string(type) +
               " (supported: 0x01 Ed25519, 0x02 ECDSA, 0x04 cosignature/v1)");
  }
  if (v.key_id_ != BigEndian32(*id)) return bad("key id does not match the key");
  return v;
}

std::string Verifier::ToString() const {
  std::string raw(1, static_cast<char>(type_));
  raw += key_;
  return name_ + "+" + KeyIdHex(key_id_) + "+" + Base64Encode(raw);
}

std::string CosignatureMessage(std::string_view text, uint64_t timestamp) {
  std::string msg = "cosignature/v1\ntime " + std::to_string(timestamp) + "\n";
  msg += text;
  return msg;
}

bool Verifier::Verify(std::string_view text, std::string_view signature,
                      uint64_t* timestamp) const {
  switch (type_) {
    case SignatureType::kEd25519:
      return VerifyEd25519(key_, text, signature);
    case SignatureType::kEcdsa:
      return VerifyEcdsa(key_, text, signature);
    case SignatureType::kCosignatureV1: {
      if (signature.size() != 8 + kEd25519SignatureSize) return false;
      uint64_t t = (uint64_t{BigEndian32(signature)} << 32) | BigEndian32(signature.substr(4));
      if (t > kMaxTimestamp) return false;
      if (!VerifyEd25519(key_, CosignatureMessage(text, t), signature.substr(8))) return false;
      if (timestamp != nullptr) *timestamp = t;
      return true;
    }
  }
  return false;
}

StatusOr<std::vector<VerifiedSignature>> VerifyNote(const Note& note,
                                                    const std::vector<Verifier>& known) {
  std::vector<VerifiedSignature> verified;
  for (size_t i = 0; i < note.signatures.size(); ++i) {
    const NoteSignature& sig = note.signatures[i];
    const Verifier* match = nullptr;
    for (const Verifier& v : known) {
      if (v.name() == sig.name && v.key_id() == sig.key_id) match = &v;
    }
    if (match == nullptr) continue;  // unknown keys are ignored
    for (const VerifiedSignature& seen : verified) {
      if (seen.name == sig.name && seen.key_id == sig.key_id) {
        return Status::InvalidArgument("signed note: key " + sig.name + "+" + KeyIdHex(sig.key_id) +
                                       " signed more than once");
      }
    }
    uint64_t t = 0;
    if (!match->Verify(note.text, sig.signature, &t)) {
      return Status::PermissionDenied("signed note: signature " + std::to_string(i + 1) + " by " +
                                      sig.name + "+" + KeyIdHex(sig.key_id) +
                                      " does not verify over the note text");
    }
    VerifiedSignature vs{sig.name, sig.key_id, match->type(), std::nullopt};
    if (match->type() == SignatureType::kCosignatureV1) vs.timestamp = t;
    verified.push_back(std::move(vs));
  }
  if (verified.empty()) {
    return Status::PermissionDenied("signed note: no signature from a known key");
  }
  return verified;
}

Signer::Signer(std::string name, Ed25519KeyPair key)
    : name_(std::move(name)), key_(std::move(key)) {
  key_id_ = KeyId(name_, SignatureType::kEd25519, key_.public_key());
}

StatusOr<Signer> Signer::Generate(std::string_view name) {
  if (!IsValidKeyName(name)) {
    return Status::InvalidArgument("invalid key name '" + std::string(name) +
                                   "': it must be non-empty, without spaces or '+'");
  }
  TADAMUN_ASSIGN_OR_RETURN(Ed25519KeyPair key, Ed25519KeyPair::Generate());
  return Signer(std::string(name), std::move(key));
}

StatusOr<Signer> Signer::FromSeed(std::string_view name, std::string_view seed) {
  if (!IsValidKeyName(name)) {
    return Status::InvalidArgument("invalid key name '" + std::string(name) + "'");
  }
  TADAMUN_ASSIGN_OR_RETURN(Ed25519KeyPair key, Ed25519KeyPair::FromSeed(seed));
  return Signer(std::string(name), std::move(key));
}

StatusOr<Signer> Signer::ParsePrivateKey(std::string_view skey) {
  // Error messages never quote the text: it holds the secret.
  constexpr std::string_view kPrefix = "PRIVATE+KEY+";
  if (skey.substr(0, kPrefix.size()) != kPrefix) {
    return Status::InvalidArgument("private key: expected PRIVATE+KEY+name+keyid+base64");
  }
  skey.remove_prefix(kPrefix.size());
  size_t p1 = skey.find('+');
  size_t p2 = p1 == std::string_view::npos ? p1 : skey.find('+', p1 + 1);
  if (p2 == std::string_view::npos) {
    return Status::InvalidArgument("private key: expected PRIVATE+KEY+name+keyid+base64");
  }
  std::string_view name = skey.substr(0, p1), hex = skey.substr(p1 + 1, p2 - p1 - 1);
  auto raw = Base64Decode(skey.substr(p2 + 1));
  if (hex.size() != 8 || !IsHex(hex) || !raw.ok() || raw->size() != 33 || (*raw)[0] != 0x01) {
    if (raw.ok()) Wipe(&raw.value());
    return Status::InvalidArgument("private key: malformed key id or Ed25519 seed");
  }
  auto signer = FromSeed(name, std::string_view(*raw).substr(1));
  Wipe(&raw.value());
  if (!signer.ok()) return signer.status().WithPrefix("private key");
  if (KeyIdHex(signer->key_id()) != hex) {
    return Status::InvalidArgument("private key: key id does not match the key");
  }
  return signer;
}

Verifier Signer::verifier() const { return Verifier::Ed25519(name_, key_.public_key()).value(); }

Verifier Signer::cosigner_verifier() const {
  return Verifier::CosignatureV1(name_, key_.public_key()).value();
}

std::string Signer::PrivateKeyText() const {
  std::string raw(1, '\x01');
  raw += key_.seed();
  std::string text = "PRIVATE+KEY+" + name_ + "+" + KeyIdHex(key_id_) + "+" + Base64Encode(raw);
  Wipe(&raw);
  return text;
}

NoteSignature Signer::Sign(std::string_view text) const {
  return NoteSignature{name_, key_id_, key_.Sign(text)};
}

NoteSignature Signer::Cosign(std::string_view text, uint64_t timestamp) const {
  std::string sig = PutBigEndian(timestamp, 8);
  sig += key_.Sign(CosignatureMessage(text, timestamp));
  return NoteSignature{name_, KeyId(name_, SignatureType::kCosignatureV1, key_.public_key()),
                       std::move(sig)};
}

}  // namespace tadamun::crypto
