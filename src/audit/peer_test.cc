// Witnessing (tlog-witness add-checkpoint) and watching (fork/rollback detection) between two
// logs on disk.
#include <gtest/gtest.h>

#include <filesystem>

#include "audit/log.h"
#include "audit/monitor.h"
#include "audit/test_dir.h"
#include "audit/tiles.h"
#include "audit/witness.h"
#include "base/env.h"

namespace tadamun::audit {
namespace {

class PeerTest : public testing::Test {
 protected:
  void SetUp() override {
    root_ = FreshTestDir("peer");
    log_key_ = crypto::Signer::FromSeed("peer.example/log", std::string(32, '\x11')).value().verifier();
    log_ = Log::Open(root_ + "/peer", crypto::Signer::FromSeed("peer.example/log", std::string(32, '\x11')).value()).value();
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::vector<std::string> Batch(int from, int n, const std::string& tag = "") {
    std::vector<std::string> out;
    for (int i = from; i < from + n; ++i) out.push_back(tag + "entry " + std::to_string(i));
    return out;
  }
  TileFetcher LocalFetch(const std::string& dir) {
    return [dir](const std::string& path) { return Env::Default()->ReadFile(dir + "/" + path, 1 << 20); };
  }

  std::string root_;
  crypto::Verifier log_key_;
  std::unique_ptr<Log> log_;
  FakeClock clock_{1700000000000000};
};

TEST_F(PeerTest, WitnessCosignsConsistentCheckpointsOnly) {
  auto me = crypto::Signer::FromSeed("me.example/witness", std::string(32, '\x22')).value();
  auto witness = Witness::Open(root_ + "/witness", std::move(me),
                               {{"peer.example/log", {log_key_}}}, &clock_).value();
  ASSERT_TRUE(log_->Append(Batch(0, 5)).ok());
  SignedCheckpoint cp5 = log_->Latest();

  // First contact: old 0, empty proof.
  WitnessResponse r = witness->AddCheckpoint(AddCheckpointRequest(0, {}, cp5.note.Format()));
  ASSERT_EQ(r.status, 200) << r.body;
  // The response is a cosignature line; the log verifies and stores it.
  auto added = log_->AddCosignatures(cp5.note.Format() + r.body, {witness->cosigner()});
  ASSERT_TRUE(added.ok()) << added.status().ToString() << "\n" << cp5.note.Format() + r.body;
  EXPECT_EQ(added->size(), 1u);

  ASSERT_TRUE(log_->Append(Batch(5, 300)).ok());
  SignedCheckpoint cp305 = log_->Latest();
  // Wrong old size: 409 with the size we hold.
  r = witness->AddCheckpoint(AddCheckpointRequest(0, {}, cp305.note.Format()));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body, "5\n");
  EXPECT_EQ(r.content_type, "text/x.tlog.size");
  // Bad proof: 422.
  auto proof = log_->ProveConsistency(5, 305).value();
  std::vector<Hash> bad_proof = proof;
  bad_proof[0][0] ^= 1;
  EXPECT_EQ(witness->AddCheckpoint(AddCheckpointRequest(5, bad_proof, cp305.note.Format())).status, 422);
  // Good proof: 200.
  r = witness->AddCheckpoint(AddCheckpointRequest(5, proof, cp305.note.Format()));
  EXPECT_EQ(r.status, 200) << r.body;
  // Old size above the checkpoint: 400; unknown origin: 404; unsigned by the log: 403.
  EXPECT_EQ(witness->AddCheckpoint(AddCheckpointRequest(306, {}, cp305.note.Format())).status, 400);
  auto stranger = crypto::Signer::FromSeed("stranger.example", std::string(32, '\x33')).value();
  crypto::Note foreign;
  foreign.text = Checkpoint{"stranger.example", 1, HashLeaf("x"), {}}.Text();
  foreign.signatures.push_back(stranger.Sign(foreign.text));
  EXPECT_EQ(witness->AddCheckpoint(AddCheckpointRequest(0, {}, foreign.Format())).status, 404);
  crypto::Note forged;
  forged.text = Checkpoint{"peer.example/log", 400, HashLeaf("x"), {}}.Text();
  forged.signatures.push_back(stranger.Sign(forged.text));
  EXPECT_EQ(witness->AddCheckpoint(AddCheckpointRequest(305, {}, forged.Format())).status, 403);
  EXPECT_EQ(witness->AddCheckpoint("garbage").status, 400);
  // A fork at the same size: 409.
  auto fork_log = Log::Open(root_ + "/fork", crypto::Signer::FromSeed("peer.example/log", std::string(32, '\x11')).value()).value();
  ASSERT_TRUE(fork_log->Append(Batch(0, 305, "other ")).ok());
  EXPECT_EQ(witness->AddCheckpoint(AddCheckpointRequest(305, {}, fork_log->Latest().note.Format())).status, 409);
  // State survives reopening.
  auto stored = witness->LatestCosigned("peer.example/log");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_NE((*stored)->find("\n305\n"), std::string::npos);
}

TEST_F(PeerTest, MonitorRaisesForkAndRollbackWithEvidence) {
  auto monitor = Monitor::Open(root_ + "/monitor", &clock_).value();
  const std::string peer_dir = root_ + "/peer";
  auto prove_from = [&](const std::string& dir, uint64_t size) {
    return [this, dir, size](uint64_t a, uint64_t b) -> StatusOr<std::vector<Hash>> {
      TileNodeReader tiles(LocalFetch(dir), size);
      return ConsistencyProof(tiles, a, b);
    };
  };
  ASSERT_TRUE(log_->Append(Batch(0, 100)).ok());
  SignedCheckpoint cp100 = log_->Latest();
  auto r = monitor->Observe(cp100.note.Format(), {log_key_}, prove_from(peer_dir, 100));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->verdict, WatchVerdict::kFirstSeen);
  ASSERT_TRUE(log_->Append(Batch(100, 70000)).ok());
  SignedCheckpoint big = log_->Latest();
  r = monitor->Observe(big.note.Format(), {log_key_}, prove_from(peer_dir, big.checkpoint.size));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->verdict, WatchVerdict::kGrew) << r->message;
  r = monitor->Observe(big.note.Format(), {log_key_}, prove_from(peer_dir, big.checkpoint.size));
  EXPECT_EQ(r->verdict, WatchVerdict::kUnchanged);

  // Rollback: the peer presents its older checkpoint again.
  r = monitor->Observe(cp100.note.Format(), {log_key_}, prove_from(peer_dir, 100));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, WatchVerdict::kRollback);
  EXPECT_TRUE(std::filesystem::exists(r->evidence_dir + "/previous.note"));
  EXPECT_EQ(*Env::Default()->ReadFile(r->evidence_dir + "/current.note", 1 << 20), cp100.note.Format());

  // Fork: the same key signs a different history that is larger.
  const std::string fork_dir = root_ + "/fork";
  auto fork_log = Log::Open(fork_dir, crypto::Signer::FromSeed("peer.example/log", std::string(32, '\x11')).value()).value();
  ASSERT_TRUE(fork_log->Append(Batch(0, 70200, "rewritten ")).ok());
  clock_.AdvanceMicros(1000000);
  r = monitor->Observe(fork_log->Latest().note.Format(), {log_key_}, prove_from(fork_dir, 70200));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->verdict, WatchVerdict::kFork) << r->message;
  EXPECT_NE(r->message.find("FORK"), std::string::npos);
  EXPECT_EQ(*Env::Default()->ReadFile(r->evidence_dir + "/previous.note", 1 << 20), big.note.Format());
  // State was not advanced by the alarms.
  EXPECT_EQ(**monitor->Last("peer.example/log"), big.note.Format());
  // An unsigned or wrongly signed note is an error, not a verdict.
  EXPECT_FALSE(monitor->Observe("junk", {log_key_}, prove_from(peer_dir, 1)).ok());
}

TEST_F(PeerTest, TileReaderMatchesTheLogsOwnNodes) {
  ASSERT_TRUE(log_->Append(Batch(0, 66000)).ok());
  for (uint64_t size : {1ull, 255ull, 256ull, 257ull, 65536ull, 66000ull}) {
    TileNodeReader tiles(LocalFetch(root_ + "/peer"), 66000);
    auto a = RootAt(tiles, size);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_EQ(*a, *log_->RootAt(size)) << size;
  }
}

}  // namespace
}  // namespace tadamun::audit
