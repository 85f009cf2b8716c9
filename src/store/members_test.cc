// Members, tokens and rights: round trips through a reopened database, what is stored for a
// token (its SHA-256, never the token: checked on the raw file bytes), revocation, rights.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "base/encoding.h"
#include "crypto/digest.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace tadamun::store {
namespace {

constexpr char kC1[] = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
constexpr char kC2[] = "52892447-4d7e-4f70-b94d-d7f22742ff63";

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class MembersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/members_test_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Reopen(true);
    ASSERT_TRUE(store_->CreateCollection({kC1, "One", "", ""}).ok());
    ASSERT_TRUE(store_->CreateCollection({kC2, "Two", "", ""}).ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen(bool create = false) {
    store_.reset();
    StoreOptions options;
    options.create_if_missing = create;
    options.clock = &clock_;
    auto s = Store::Open(path(), options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  std::string path() const { return dir_ + "/node.db"; }

  std::string dir_;
  FakeClock clock_{1700000000000000};
  std::unique_ptr<Store> store_;
};

TEST_F(MembersTest, AddListGetRoundTrip) {
  auto alice = store_->AddMember("alice");
  ASSERT_TRUE(alice.ok()) << alice.status().ToString();
  clock_.AdvanceMicros(1000000);
  auto bob = store_->AddMember("cert-bob_2.x");
  ASSERT_TRUE(bob.ok()) << bob.status().ToString();
  Reopen();
  auto members = store_->Members();
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0].name, "alice");
  EXPECT_EQ((*members)[0].created, "2023-11-14T22:13:20.000000Z");
  EXPECT_EQ((*members)[1].name, "cert-bob_2.x");
  EXPECT_EQ((*members)[1].created, "2023-11-14T22:13:21.000000Z");
  EXPECT_TRUE((*members)[0].active());
  auto got = store_->GetMember("cert-bob_2.x");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->revoked_at, "");
  EXPECT_EQ(store_->GetMember("carol").status().code(), StatusCode::kNotFound);
  // The token finds its member after a reopen; the other token finds the other member.
  EXPECT_EQ(store_->MemberByToken(*alice)->name, "alice");
  EXPECT_EQ(store_->MemberByToken(*bob)->name, "cert-bob_2.x");
}

TEST_F(MembersTest, TokenShapeAndUniqueness) {
  std::set<std::string> tokens;
  for (int i = 0; i < 20; ++i) {
    auto t = store_->AddMember("m" + std::to_string(i));
    ASSERT_TRUE(t.ok());
    ASSERT_EQ(t->substr(0, 4), "tdm_") << *t;
    auto raw = Base64UrlDecode(t->substr(4));
    ASSERT_TRUE(raw.ok()) << *t;
    EXPECT_EQ(raw->size(), 32u);
    tokens.insert(*t);
  }
  EXPECT_EQ(tokens.size(), 20u);
}

TEST_F(MembersTest, OnlyTheTokenHashIsStored) {
  auto token = store_->AddMember("alice");
  ASSERT_TRUE(token.ok());
  const std::string raw = *Base64UrlDecode(token->substr(4));
  {
    Db db;
    ASSERT_TRUE(db.Open(path(), false).ok());
    Statement st(db, "SELECT token_sha256 FROM members WHERE name = 'alice'");
    ASSERT_TRUE(st.Step());
    std::string stored(st.ColumnText(0));
    EXPECT_NE(stored, *token);
    // SHA-256 of the token text, spelled out independently of TokenHash().
    EXPECT_EQ(stored, HexEncode(crypto::Sha256(*token)));
    EXPECT_EQ(stored.size(), 64u);
  }
  store_.reset();  // checkpoint the WAL into the file
  std::string bytes = Slurp(path()) + Slurp(path() + "-wal");
  ASSERT_NE(bytes.find("alice"), std::string::npos);  // the file is readable as expected
  EXPECT_EQ(bytes.find(*token), std::string::npos);
  EXPECT_EQ(bytes.find(token->substr(4)), std::string::npos);
  EXPECT_EQ(bytes.find(raw), std::string::npos);
}

TEST_F(MembersTest, LookupByTokenIsAnIndexLookup) {
  ASSERT_TRUE(store_->AddMember("alice").ok());
  Db db;
  ASSERT_TRUE(db.Open(path(), false).ok());
  Statement plan(db,
                 "EXPLAIN QUERY PLAN SELECT name, created, revoked_at, token_sha256 FROM members "
                 "WHERE token_sha256 = ?1");
  plan.Bind(1, std::string(64, 'a'));
  std::string details;
  while (plan.Step()) details += std::string(plan.ColumnText(3)) + "\n";
  ASSERT_TRUE(plan.status().ok()) << plan.status().ToString();
  EXPECT_NE(details.find("USING"), std::string::npos) << details;
  EXPECT_NE(details.find("INDEX"), std::string::npos) << details;
  EXPECT_EQ(details.find("SCAN"), std::string::npos) << details;
}

TEST_F(MembersTest, UnknownAndAlmostRightTokensFindNothing) {
  auto token = store_->AddMember("alice");
  ASSERT_TRUE(token.ok());
  std::string flipped = *token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  for (const std::string& t : {std::string(), std::string("tdm_"), flipped,
                               token->substr(0, token->size() - 1), *token + "A",
                               TokenHash(*token)}) {
    auto m = store_->MemberByToken(t);
    EXPECT_EQ(m.status().code(), StatusCode::kNotFound) << t;
    // The message never echoes what was presented.
    if (!t.empty()) {
      EXPECT_EQ(m.status().message().find(t), std::string::npos);
    }
  }
}

TEST_F(MembersTest, BadAndDuplicateNames) {
  for (const std::string& bad : {std::string(), std::string("a b"), std::string("a:b"),
                                 std::string("é"), std::string(65, 'x'), std::string("a/b")}) {
    EXPECT_EQ(store_->AddMember(bad).status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_FALSE(IsValidMemberName(bad)) << bad;
  }
  EXPECT_TRUE(IsValidMemberName(std::string(64, 'x')));
  ASSERT_TRUE(store_->AddMember("alice").ok());
  auto again = store_->AddMember("alice");
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(store_->RevokeMember("alice").ok());
  EXPECT_EQ(store_->AddMember("alice").status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->Members()->size(), 1u);
}

TEST_F(MembersTest, Revoke) {
  auto token = store_->AddMember("alice");
  ASSERT_TRUE(token.ok());
  clock_.AdvanceMicros(5000000);
  ASSERT_TRUE(store_->RevokeMember("alice").ok());
  EXPECT_EQ(store_->RevokeMember("alice").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->RevokeMember("bob").code(), StatusCode::kNotFound);
  Reopen();
  auto m = store_->MemberByToken(*token);
  ASSERT_TRUE(m.ok());  // the store still knows whose token it was ...
  EXPECT_FALSE(m->active());  // ... and that it is revoked
  EXPECT_EQ(m->revoked_at, "2023-11-14T22:13:25.000000Z");
}

TEST_F(MembersTest, TokenLifetime) {
  const Timestamp start = clock_.Now();
  auto token = store_->AddMember("alice", Timestamp::FromUnixMicros((start.unix_seconds() + 3600) * 1000000));
  ASSERT_TRUE(token.ok());
  auto m = store_->MemberByToken(*token);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->token_expires, "2023-11-14T23:13:20.000000Z");
  EXPECT_FALSE(m->token_expired);
  clock_.AdvanceMicros(int64_t{3600} * 1000000);  // exactly at the expiry: expired
  Reopen();
  EXPECT_TRUE(store_->MemberByToken(*token)->token_expired);
  EXPECT_TRUE(store_->GetMember("alice")->token_expired);
  EXPECT_TRUE((*store_->Members())[0].token_expired);
  // A rotation without a lifetime gives a token that does not expire.
  auto fresh = store_->RotateToken("alice");
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(store_->MemberByToken(*fresh)->token_expires, "");
  EXPECT_FALSE(store_->MemberByToken(*fresh)->token_expired);
  auto plain = store_->AddMember("bob");
  ASSERT_TRUE(plain.ok());
  clock_.AdvanceMicros(int64_t{1} << 50);
  EXPECT_FALSE(store_->MemberByToken(*plain)->token_expired);
}

TEST_F(MembersTest, RotateReplacesTheToken) {
  auto old_token = store_->AddMember("alice");
  ASSERT_TRUE(old_token.ok());
  auto new_token = store_->RotateToken("alice");
  ASSERT_TRUE(new_token.ok()) << new_token.status().ToString();
  EXPECT_NE(*new_token, *old_token);
  EXPECT_EQ(new_token->rfind("tdm_", 0), 0u);
  Reopen();
  EXPECT_EQ(store_->MemberByToken(*old_token).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->MemberByToken(*new_token)->name, "alice");
  EXPECT_EQ(store_->RotateToken("bob").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->RevokeMember("alice").ok());
  EXPECT_EQ(store_->RotateToken("alice").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(store_->MemberByToken(*new_token)->active());
}

TEST_F(MembersTest, RightsRoundTrip) {
  ASSERT_TRUE(store_->AddMember("alice").ok());
  ASSERT_TRUE(store_->AddMember("bob").ok());
  EXPECT_EQ(*store_->GetRights("alice", kC1), (Rights{false, false}));
  ASSERT_TRUE(store_->SetRights("alice", kC1, {true, false}).ok());
  ASSERT_TRUE(store_->SetRights("alice", kC2, {true, true}).ok());
  ASSERT_TRUE(store_->SetRights("bob", kC1, {false, true}).ok());
  Reopen();
  EXPECT_EQ(*store_->GetRights("alice", kC1), (Rights{true, false}));
  EXPECT_EQ(*store_->GetRights("alice", kC2), (Rights{true, true}));
  EXPECT_EQ(*store_->GetRights("bob", kC1), (Rights{false, true}));
  EXPECT_EQ(*store_->GetRights("bob", kC2), (Rights{false, false}));
  EXPECT_EQ(*store_->GetRights("nobody", kC2), (Rights{false, false}));
  auto all = store_->ListRights();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].member, "alice");
  EXPECT_EQ((*all)[0].collection, kC2);  // ordered by collection id within a member
  EXPECT_EQ((*all)[2].member, "bob");
  EXPECT_EQ(store_->ListRights("bob")->size(), 1u);
  // Replacing and removing.
  ASSERT_TRUE(store_->SetRights("alice", kC1, {true, true}).ok());
  EXPECT_EQ(*store_->GetRights("alice", kC1), (Rights{true, true}));
  ASSERT_TRUE(store_->SetRights("alice", kC1, {false, false}).ok());
  EXPECT_EQ(*store_->GetRights("alice", kC1), (Rights{false, false}));
  EXPECT_EQ(store_->ListRights("alice")->size(), 1u);
  // Unknown member or collection.
  EXPECT_EQ(store_->SetRights("carol", kC1, {true, false}).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->SetRights("alice", "nope", {true, false}).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace tadamun::store
