#include "audit/verify.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "audit/log.h"
#include "audit/test_dir.h"
#include "audit/tiles.h"
#include "base/env.h"

namespace tadamun::audit {
namespace {

class VerifyTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshTestDir("verify");
    auto key = crypto::Signer::FromSeed("node.example", std::string(32, '\x05')).value();
    vkey_ = key.verifier();
    auto log = Log::Open(dir_, std::move(key)).value();
    uint64_t next = 0;
    for (size_t batch : {10, 300, 1, 70000}) {
      std::vector<std::string> entries;
      for (size_t i = 0; i < batch; ++i) entries.push_back("entry " + std::to_string(next++));
      ASSERT_TRUE(log->Append(entries).ok());
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void FlipByte(const std::string& rel, uint64_t offset) {
    std::fstream f(dir_ + "/" + rel, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset));
    char c = static_cast<char>(f.get());
    f.seekp(static_cast<std::streamoff>(offset));
    f.put(static_cast<char>(c ^ 1));
  }

  std::string dir_;
  crypto::Verifier vkey_;
};

TEST_F(VerifyTest, CleanLogVerifies) {
  auto r = VerifyLogFolder(dir_, vkey_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->ok()) << r->problem;
  EXPECT_EQ(r->entries, 70311u);
  EXPECT_EQ(r->checkpoints, 5u);  // sizes 0, 10, 310, 311, 70311
  EXPECT_GT(r->tiles, 274u);
}

TEST_F(VerifyTest, NamesTheFirstAlteredEntry) {
  // Entry 1000 sits in bundle 3 at position 232: skip 232 entries' framing to reach it.
  auto bundle = ParseBundle(*Env::Default()->ReadFile(dir_ + "/" + EntriesPath(3, 0), 1 << 20));
  ASSERT_TRUE(bundle.ok());
  uint64_t offset = 0;
  for (int i = 0; i < 232; ++i) offset += 2 + (*bundle)[i].size();
  ASSERT_EQ((*bundle)[232], "entry 1000");
  FlipByte(EntriesPath(3, 0), offset + 2 + 3);
  auto r = VerifyLogFolder(dir_, vkey_);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ok());
  ASSERT_TRUE(r->first_bad_index.has_value());
  EXPECT_EQ(*r->first_bad_index, 1000u) << r->problem;
}

TEST_F(VerifyTest, DetectsDamagedTilesAndHistory) {
  FlipByte(TilePath(1, 0, 0), 32 * 5 + 7);  // hash 5 of the first level-1 tile
  auto r = VerifyLogFolder(dir_, vkey_);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ok());
  EXPECT_EQ(*r->first_bad_index, 5u * 256) << r->problem;
  FlipByte(TilePath(1, 0, 0), 32 * 5 + 7);  // restore
  ASSERT_TRUE(VerifyLogFolder(dir_, vkey_)->ok());
  FlipByte("checkpoints", 60);  // inside the first signed note
  r = VerifyLogFolder(dir_, vkey_);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ok());
  EXPECT_NE(r->problem.find("checkpoint"), std::string::npos) << r->problem;
}

TEST_F(VerifyTest, WrongKeyIsAnError) {
  auto other = crypto::Signer::FromSeed("node.example", std::string(32, '\x06')).value();
  EXPECT_FALSE(VerifyLogFolder(dir_, other.verifier()).ok());
}

}  // namespace
}  // namespace tadamun::audit
