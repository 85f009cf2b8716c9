#include "crypto/note.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "base/encoding.h"
#include "json/json.h"

namespace tadamun::crypto {
namespace {

json::Value LoadVectors() {
  std::ifstream in(std::string(TADAMUN_TEST_DATA_DIR) + "/merkle/merkle-vectors.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = json::Parse(ss.str());
  EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  return doc.ok() ? *doc : json::Value();
}

StatusOr<Verifier> VerifierFor(const json::Value& v) {
  TADAMUN_ASSIGN_OR_RETURN(Verifier parsed, Verifier::Parse(v.Find("vkey")->str()));
  if (v.Find("as")->str().rfind("cosignature/v1", 0) == 0) return parsed.AsCosignatureV1();
  return parsed;
}

TEST(NoteVectorsTest, SignedNotesVerify) {
  json::Value doc = LoadVectors();
  const json::Value* notes = doc.Find("signed_notes");
  ASSERT_NE(notes, nullptr);
  ASSERT_EQ(notes->items().size(), 6u);
  int checked = 0;
  for (const json::Value& item : notes->items()) {
    SCOPED_TRACE(item.Find("id")->str());
    const std::string text = item.Find("note")->str();
    auto note = ParseNote(text);
    ASSERT_TRUE(note.ok()) << note.status().ToString();
    EXPECT_EQ(note->Format(), text);  // parse/format round trip is byte-exact
    std::vector<Verifier> known;
    for (const json::Value& v : item.Find("verifiers")->items()) {
      auto verifier = VerifierFor(v);
      ASSERT_TRUE(verifier.ok()) << verifier.status().ToString();
      known.push_back(*verifier);
    }
    auto verified = VerifyNote(*note, known);
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    for (const json::Member& m : item.Find("expect")->members()) {
      bool found = false;
      for (const VerifiedSignature& s : *verified) found |= s.name == m.key;
      EXPECT_TRUE(found) << m.key << " did not verify";
    }
    EXPECT_EQ(verified->size(), item.Find("expect")->members().size());
    if (const json::Value* ts = item.Find("expect_cosig_timestamps")) {
      for (const json::Member& m : ts->members()) {
        bool found = false;
        for (const VerifiedSignature& s : *verified) {
          if (s.name == m.key) {
            found = true;
            ASSERT_TRUE(s.timestamp.has_value());
            EXPECT_EQ(static_cast<int64_t>(*s.timestamp), *m.value.AsInt64());
          }
        }
        EXPECT_TRUE(found);
      }
    }
    // Any change to the text must make every listed signature fail.
    for (size_t pos : {size_t{0}, note->text.size() / 2, note->text.size() - 2}) {
      Note tampered = *note;
      tampered.text[pos] = tampered.text[pos] == 'A' ? 'B' : 'A';
      for (const Verifier& v : known) {
        EXPECT_FALSE(VerifyNote(tampered, {v}).ok()) << v.name() << " at " << pos;
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked, 6);
}

TEST(NoteVectorsTest, PublishedTestKeySignsByteIdentically) {
  json::Value doc = LoadVectors();
  const json::Value& kg = doc.Find("keygen")->items().at(0);
  auto signer = Signer::ParsePrivateKey(kg.Find("skey")->str());
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  EXPECT_EQ(signer->verifier().ToString(), kg.Find("expect_vkey")->str());
  EXPECT_EQ(signer->Sign(kg.Find("sign_text")->str()).Line(),
            kg.Find("expect_signature_line")->str() + "\n");
  EXPECT_EQ(signer->PrivateKeyText(), kg.Find("skey")->str());
}

TEST(NoteTest, SignCosignRoundTrip) {
  auto log = Signer::Generate("log.example/a");
  auto witness = Signer::Generate("witness.example/w1");
  ASSERT_TRUE(log.ok() && witness.ok());
  Note note;
  note.text = "log.example/a\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
  note.signatures.push_back(log->Sign(note.text));
  note.signatures.push_back(witness->Cosign(note.text, 1700000000));
  auto parsed = ParseNote(note.Format());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  auto verified = VerifyNote(*parsed, {log->verifier(), witness->cosigner_verifier()});
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  ASSERT_EQ(verified->size(), 2u);
  EXPECT_EQ(verified->at(1).timestamp, 1700000000u);
  // The witness key as a plain Ed25519 verifier has another key id: the cosignature is unknown.
  EXPECT_EQ(VerifyNote(*parsed, {witness->verifier()}).status().code(),
            StatusCode::kPermissionDenied);
  // Vkey text round trip, both types.
  for (const Verifier& v : {log->verifier(), witness->cosigner_verifier()}) {
    auto again = Verifier::Parse(v.ToString());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->ToString(), v.ToString());
    EXPECT_EQ(again->type(), v.type());
  }
  // A signature from a known key that fails rejects the note even if another one verifies.
  Note bad = *parsed;
  bad.signatures[1].signature[20] ^= 1;
  EXPECT_EQ(VerifyNote(bad, {log->verifier(), witness->cosigner_verifier()}).status().code(),
            StatusCode::kPermissionDenied);
  // The same known key twice is rejected.
  Note twice = *parsed;
  twice.signatures.push_back(twice.signatures[0]);
  EXPECT_FALSE(VerifyNote(twice, {log->verifier()}).ok());
}

TEST(NoteTest, RejectsMalformedNotes) {
  auto log = Signer::Generate("log.example/a");
  ASSERT_TRUE(log.ok());
  std::string text = "hello\n";
  std::string line = log->Sign(text).Line();
  ASSERT_TRUE(ParseNote(text + "\n" + line).ok());
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"no blank line", text + line},
      {"no signatures", text + "\n"},
      {"no final newline", text + "\n" + line.substr(0, line.size() - 1)},
      {"control character", "hel\x01lo\n\n" + line},
      {"carriage return", "hello\r\n\n" + line},
      {"invalid utf-8", "hel\xC3lo\n\n" + line},
      {"overlong utf-8", "hel\xC0\xAFlo\n\n" + line},
      {"plain dash", text + "\n- log.example/a AAAAAAAA\n"},
      {"bad base64", text + "\n\xE2\x80\x94 log.example/a AAAA*AAA\n"},
      {"short signature", text + "\n\xE2\x80\x94 log.example/a AAAAAA==\n"},
      {"plus in name", text + "\n\xE2\x80\x94 a+b AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"},
      {"no space", text + "\n\xE2\x80\x94 log.example/a\n"},
      {"blank line after signatures", text + "\n" + line + "\n"},
  };
  for (const auto& [why, data] : bad) {
    EXPECT_EQ(ParseNote(data).status().code(), StatusCode::kInvalidArgument) << why;
  }
  NoteLimits small;
  small.max_signatures = 2;
  EXPECT_EQ(ParseNote(text + "\n" + line + line + line, small).status().code(),
            StatusCode::kResourceExhausted);
  small.max_bytes = 10;
  EXPECT_EQ(ParseNote(text + "\n" + line, small).status().code(), StatusCode::kResourceExhausted);
}

TEST(NoteTest, KeyNamesAndVerifierKeys) {
  EXPECT_TRUE(IsValidKeyName("example.com/foo"));
  EXPECT_TRUE(IsValidKeyName("caf\xC3\xA9"));
  EXPECT_FALSE(IsValidKeyName(""));
  EXPECT_FALSE(IsValidKeyName("a b"));
  EXPECT_FALSE(IsValidKeyName("a+b"));
  EXPECT_FALSE(IsValidKeyName("a\xC2\xA0" "b"));  // NO-BREAK SPACE
  EXPECT_FALSE(IsValidKeyName("a\xE3\x80\x80" "b"));  // IDEOGRAPHIC SPACE
  EXPECT_FALSE(Verifier::Parse("example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k").ok());
  EXPECT_FALSE(Verifier::Parse("example.com/foo+530d903a+BekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k").ok());
  EXPECT_FALSE(Verifier::Parse("example.com/foo+530d903a").ok());
  EXPECT_FALSE(Verifier::Parse("example.com/foo+530d903a+AQ==").ok());
  EXPECT_TRUE(Verifier::Parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k").ok());
  EXPECT_FALSE(Signer::ParsePrivateKey("PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz").ok());
  EXPECT_FALSE(Signer::ParsePrivateKey("PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz").ok());
}

TEST(Ed25519Test, SignVerify) {
  auto key = Ed25519KeyPair::Generate();
  ASSERT_TRUE(key.ok());
  std::string sig = key->Sign("message");
  EXPECT_TRUE(VerifyEd25519(key->public_key(), "message", sig));
  EXPECT_FALSE(VerifyEd25519(key->public_key(), "messagf", sig));
  EXPECT_FALSE(VerifyEd25519(key->public_key(), "message", sig.substr(1)));
  auto again = Ed25519KeyPair::FromSeed(key->seed());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->public_key(), key->public_key());
  EXPECT_EQ(again->Sign("message"), sig);
  EXPECT_FALSE(Ed25519KeyPair::FromSeed("short").ok());
}

}  // namespace
}  // namespace tadamun::crypto
