#include "audit/tlog_proof.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "audit/log.h"
#include "audit/test_dir.h"
#include "base/encoding.h"

namespace tadamun::audit {
namespace {

TEST(TlogProofTest, ProveAndVerifyAgainstARealLog) {
  std::string dir = FreshTestDir("tlogproof");
  auto key = crypto::Signer::FromSeed("node.example", std::string(32, '\x03')).value();
  crypto::Verifier vkey = key.verifier();
  auto log = Log::Open(dir, std::move(key)).value();
  std::vector<std::string> entries;
  for (int i = 0; i < 1000; ++i) entries.push_back("e" + std::to_string(i));
  ASSERT_TRUE(log->Append(entries).ok());
  SignedCheckpoint cp = log->Latest();
  for (uint64_t index : {0, 1, 511, 999}) {
    TlogProof p;
    p.extra = entries[index];
    p.index = index;
    p.proof = log->ProveInclusion(index, cp.checkpoint.size).value();
    p.checkpoint = cp.note.Format();
    std::string text = FormatTlogProof(p);
    EXPECT_EQ(text.rfind("c2sp.org/tlog-proof@v1\nextra ", 0), 0u);
    auto parsed = ParseTlogProof(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(FormatTlogProof(*parsed), text);
    auto v = VerifyTlogProof(text, {vkey}, std::nullopt);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(v->entry, entries[index]);
    // Another entry, another index, another key: all rejected.
    EXPECT_FALSE(VerifyTlogProof(text, {vkey}, std::string_view("forged")).ok());
    TlogProof moved = p;
    moved.index = index ^ 1;
    EXPECT_FALSE(VerifyTlogProof(FormatTlogProof(moved), {vkey}, std::nullopt).ok());
    auto other = crypto::Signer::FromSeed("node.example", std::string(32, '\x04')).value();
    EXPECT_EQ(VerifyTlogProof(text, {other.verifier()}, std::nullopt).status().code(),
              StatusCode::kPermissionDenied);
    TlogProof no_extra = p;
    no_extra.extra.reset();
    EXPECT_EQ(VerifyTlogProof(FormatTlogProof(no_extra), {vkey}, std::nullopt).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_TRUE(VerifyTlogProof(FormatTlogProof(no_extra), {vkey}, std::string_view(entries[index])).ok());
  }
  std::filesystem::remove_all(dir);
}

TEST(TlogProofTest, ParsesTheSpecExampleShapeAndRejectsMalformed) {
  const std::string cp =
      "example.com/fancylog\n109482\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n\n"
      "\xE2\x80\x94 example.com/fancylog hI2DJwAAAAA=\n";
  const std::string good = "c2sp.org/tlog-proof@v1\nextra YWJj\nindex 73894\n"
                           "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n\n" + cp;
  auto p = ParseTlogProof(good);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(*p->extra, "abc");
  EXPECT_EQ(p->index, 73894u);
  EXPECT_EQ(p->proof.size(), 1u);
  EXPECT_EQ(p->checkpoint, cp);
  for (const std::string& bad : {
           std::string("c2sp.org/tlog-proof@v2\nindex 1\n\n") + cp,
           std::string("c2sp.org/tlog-proof@v1\nindex 01\n\n") + cp,
           std::string("c2sp.org/tlog-proof@v1\nindex -1\n\n") + cp,
           std::string("c2sp.org/tlog-proof@v1\nextra !!\nindex 1\n\n") + cp,
           std::string("c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\n") + cp,
           std::string("c2sp.org/tlog-proof@v1\nindex 1\n"),
           std::string("c2sp.org/tlog-proof@v1\nindex 1\n\n"),
       }) {
    EXPECT_FALSE(ParseTlogProof(bad).ok()) << bad;
  }
  std::string many = "c2sp.org/tlog-proof@v1\nindex 1\n";
  for (int i = 0; i < 65; ++i) many += "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n";
  EXPECT_EQ(ParseTlogProof(many + "\n" + cp).status().code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace tadamun::audit
