// The audit endpoints between real node folders, in process (no sockets): serving the
// checkpoint and tiles, refusing every other path, a node witnessing another's log through
// add-checkpoint, and watching a peer (first sight, growth, rollback).
#include "node/audit_http.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "audit/checkpoint.h"
#include "audit/node_audit.h"
#include "audit/tiles.h"
#include "base/env.h"
#include "crypto/node_key.h"
#include "node/node.h"

namespace tadamun::node {
namespace {

class AuditHttpTest : public testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::TempDir() + "/audit_http_" + std::to_string(::getpid()) + "_" +
            testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
    ASSERT_TRUE(Node::Init(root_ + "/a", {"node-a.example"}).ok());
    ASSERT_TRUE(Node::Init(root_ + "/b", {"node-b.example"}).ok());
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::unique_ptr<AuditEndpoints> Endpoints(const std::string& node) {
    auto e = AuditEndpoints::Open(root_ + "/" + node, &clock_);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? std::move(*e) : nullptr;
  }
  static taxii::Response Get(AuditEndpoints& e, const std::string& path) {
    taxii::Request r;
    r.path = path;
    return e.Handle(r);
  }
  // A fetcher over a node's endpoints, as `audit watch` has over HTTP.
  static AuditFetcher Fetcher(AuditEndpoints& e) {
    return [&e](const std::string& path) -> StatusOr<std::string> {
      taxii::Response r = Get(e, "/audit/" + path);
      if (r.status == 404) return Status::NotFound(path);
      if (r.status != 200) return Status::Unavailable(std::to_string(r.status));
      return r.body;
    };
  }
  crypto::Verifier Key(const std::string& node) {
    return crypto::LoadNodeVerifier(Env::Default(), audit::NodeKeysDir(root_ + "/" + node)).value();
  }
  void Append(const std::string& node, int n) {
    auto log = audit::OpenNodeAudit(Env::Default(), root_ + "/" + node).value();
    std::vector<std::string> entries;
    for (int i = 0; i < n; ++i) entries.push_back("test entry " + std::to_string(i));
    ASSERT_TRUE(log->Append(entries).ok());
  }

  std::string root_;
  FakeClock clock_{1764000000000000};
};

TEST_F(AuditHttpTest, ServesCheckpointAndTilesOnly) {
  Append("a", 300);  // 301 entries with the key entry: one full tile and a partial one
  auto a = Endpoints("a");
  taxii::Response cp = Get(*a, "/audit/checkpoint");
  ASSERT_EQ(cp.status, 200);
  EXPECT_EQ(cp.Header("Content-Type"), "text/plain; charset=utf-8");
  auto signed_cp = audit::OpenCheckpoint(cp.body, {Key("a")});
  ASSERT_TRUE(signed_cp.ok()) << signed_cp.status().ToString();
  EXPECT_EQ(signed_cp->checkpoint.size, 301u);

  taxii::Response full = Get(*a, "/audit/tile/0/000");
  ASSERT_EQ(full.status, 200);
  EXPECT_EQ(full.body.size(), 256u * 32);
  EXPECT_EQ(full.Header("Cache-Control"), "public, max-age=31536000, immutable");
  taxii::Response partial = Get(*a, "/audit/tile/0/001.p/45");
  ASSERT_EQ(partial.status, 200);
  EXPECT_EQ(partial.body.size(), 45u * 32);
  EXPECT_EQ(partial.Header("Cache-Control"), "no-cache");
  taxii::Response bundle = Get(*a, "/audit/tile/entries/001.p/45");
  ASSERT_EQ(bundle.status, 200);
  auto entries = audit::ParseBundle(bundle.body);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 45u);
  EXPECT_EQ((*entries)[44], "test entry 299");

  // Tiles that do not exist, and everything that is not a tile or the checkpoint.
  EXPECT_EQ(Get(*a, "/audit/tile/0/002").status, 404);
  for (const char* path :
       {"/audit/", "/audit", "/audit/checkpoints", "/audit/nodes", "/audit/lock",
        "/audit/tile/0/../../keys/node.key", "/audit/../keys/node.key",
        "/audit/tile/entries/../../config.json", "/audit/tile/0/000/", "/audit/tile/0/0",
        "/audit/cosignatures/301", "/audit/tile/0/%2e%2e"}) {
    taxii::Response r = Get(*a, path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body.find("PRIVATE"), std::string::npos) << path;
  }
  taxii::Request post;
  post.method = "POST";
  post.path = "/audit/checkpoint";
  EXPECT_EQ(a->Handle(post).status, 405);
  EXPECT_TRUE(a->Owns("/audit/tile/0/000"));
  EXPECT_TRUE(a->Owns("/audit"));
  EXPECT_FALSE(a->Owns("/auditx"));
  EXPECT_FALSE(a->Owns("/taxii2/"));
}

TEST_F(AuditHttpTest, NodeWitnessesATrustedPeersLog) {
  const crypto::Verifier a_key = Key("a");
  std::string a_vkey = crypto::LoadNodeVerifier(Env::Default(), audit::NodeKeysDir(root_ + "/a"))
                           .value()
                           .ToString();
  ASSERT_TRUE(TrustLogForWitnessing(root_ + "/b", a_vkey).ok());
  ASSERT_TRUE(TrustLogForWitnessing(root_ + "/b", a_vkey).ok());  // idempotent
  auto logs = LoadWitnessedLogs(root_ + "/b");
  ASSERT_TRUE(logs.ok());
  ASSERT_EQ(logs->size(), 1u);
  EXPECT_EQ((*logs)[0].origin, "node-a.example");
  EXPECT_FALSE(TrustLogForWitnessing(root_ + "/b", "not a key").ok());

  auto b = Endpoints("b");
  const crypto::Verifier b_cosigner = Key("b").AsCosignatureV1().value();
  auto post_to_b = [&](const std::string& body) -> StatusOr<std::pair<int, std::string>> {
    taxii::Request r;
    r.method = "POST";
    r.path = "/audit/add-checkpoint";
    r.body = body;
    taxii::Response resp = b->Handle(r);
    return std::make_pair(resp.status, resp.body);
  };
  auto log = audit::OpenNodeAudit(Env::Default(), root_ + "/a").value();
  auto size = RequestCosignature(root_ + "/a", *log, b_cosigner, post_to_b);
  ASSERT_TRUE(size.ok()) << size.status().ToString();
  EXPECT_EQ(*size, 1u);
  ASSERT_TRUE(log->Append({"one", "two", "three"}).ok());
  size = RequestCosignature(root_ + "/a", *log, b_cosigner, post_to_b);  // with a proof 1 → 4
  ASSERT_TRUE(size.ok()) << size.status().ToString();
  EXPECT_EQ(*size, 4u);
  // The served checkpoint now carries B's cosignature, which verifies.
  auto a = Endpoints("a");
  auto cp = audit::OpenCheckpoint(Get(*a, "/audit/checkpoint").body, {a_key, b_cosigner});
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ(cp->verified.size(), 2u);

  // A forgets what B holds (state lost): the 409 tells it, the retry succeeds.
  std::filesystem::remove_all(root_ + "/a/witnesses");
  ASSERT_TRUE(log->Append({"four"}).ok());
  size = RequestCosignature(root_ + "/a", *log, b_cosigner, post_to_b);
  ASSERT_TRUE(size.ok()) << size.status().ToString();
  EXPECT_EQ(*size, 5u);

  // B does not witness itself or unknown logs: its own checkpoint is refused (404 origin).
  auto b_log = audit::OpenNodeAudit(Env::Default(), root_ + "/b").value();
  auto refused = RequestCosignature(root_ + "/b", *b_log, b_cosigner, post_to_b);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("404"), std::string::npos);
  // Garbage bodies: 400, and the endpoint keeps working.
  auto garbage = post_to_b("old x\n\nnot a checkpoint");
  EXPECT_EQ(garbage->first, 400);
}

TEST_F(AuditHttpTest, WatchSeesGrowthAndRaisesRollback) {
  auto a = Endpoints("a");
  auto first = WatchPeer(root_ + "/b", Fetcher(*a), {Key("a")}, &clock_);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->verdict, audit::WatchVerdict::kFirstSeen);
  const std::string old_note = Get(*a, "/audit/checkpoint").body;

  Append("a", 700);
  auto grew = WatchPeer(root_ + "/b", Fetcher(*a), {Key("a")}, &clock_);
  ASSERT_TRUE(grew.ok()) << grew.status().ToString();
  EXPECT_EQ(grew->verdict, audit::WatchVerdict::kGrew) << grew->message;
  auto same = WatchPeer(root_ + "/b", Fetcher(*a), {Key("a")}, &clock_);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->verdict, audit::WatchVerdict::kUnchanged);

  // Without --key: the trusted file is used, and a missing entry is a clear error.
  auto untrusted = WatchPeer(root_ + "/b", Fetcher(*a), {}, &clock_);
  ASSERT_FALSE(untrusted.ok());
  EXPECT_NE(untrusted.status().message().find("audit trust"), std::string::npos);

  // The peer serves its old checkpoint again: a rollback, with both notes as evidence.
  AuditFetcher rolled_back = [&](const std::string& path) -> StatusOr<std::string> {
    if (path == "checkpoint") return old_note;
    return Fetcher(*a)(path);
  };
  auto alarm = WatchPeer(root_ + "/b", rolled_back, {Key("a")}, &clock_);
  ASSERT_TRUE(alarm.ok()) << alarm.status().ToString();
  EXPECT_EQ(alarm->verdict, audit::WatchVerdict::kRollback);
  ASSERT_FALSE(alarm->evidence_dir.empty());
  EXPECT_TRUE(std::filesystem::exists(alarm->evidence_dir));

  // A checkpoint signed by another key: an error, nothing stored.
  auto wrong_key = WatchPeer(root_ + "/b", Fetcher(*a), {Key("b")}, &clock_);
  EXPECT_FALSE(wrong_key.ok());
}

}  // namespace
}  // namespace tadamun::node
