#include "audit/log.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "audit/tiles.h"
#include "audit/verify.h"
#include "base/env.h"

namespace tadamun::audit {
namespace {

namespace fs = std::filesystem;

class LogTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "/audit_log_test_" + std::to_string(::getpid()) + "_" +
           testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    seed_ = std::string(32, '\x07');
  }
  void TearDown() override { fs::remove_all(dir_); }

  crypto::Signer Key(const std::string& name = "node.example/audit") {
    return crypto::Signer::FromSeed(name, seed_).value();
  }
  std::unique_ptr<Log> OpenLog() {
    auto log = Log::Open(dir_, Key());
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? std::move(log).value() : nullptr;
  }
  static std::string EntryBytes(uint64_t i) {
    return "entry " + std::to_string(i) + std::string(i % 7, '*');
  }
  std::string ReadRaw(const std::string& rel) {
    auto text = Env::Default()->ReadFile(dir_ + "/" + rel, 1 << 30);
    return text.ok() ? *text : "<missing>";
  }

  std::string dir_;
  std::string seed_;
};

// Appends batches, then checks roots, proofs and every tile and bundle on disk against the
// in-memory reference.
TEST_F(LogTest, AppendsMatchReferenceAndTilesOnDisk) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->size(), 0u);
  EXPECT_EQ(log->Latest().checkpoint.root, EmptyRoot());
  std::vector<Hash> leaves;
  std::vector<uint64_t> checkpoint_sizes = {0};
  uint64_t next = 0;
  for (size_t batch : {1, 1, 254, 1, 255, 513, 3, 70000 - 1028}) {
    std::vector<std::string> entries;
    for (size_t i = 0; i < batch; ++i) {
      entries.push_back(EntryBytes(next));
      leaves.push_back(HashLeaf(EntryBytes(next)));
      ++next;
    }
    auto r = log->Append(entries);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->first_index, next - batch);
    EXPECT_EQ(r->checkpoint.checkpoint.size, next);
    EXPECT_EQ(r->checkpoint.checkpoint.root, ReferenceRoot(leaves));
    checkpoint_sizes.push_back(next);
  }
  ASSERT_EQ(log->size(), 70000u);
  MemoryNodeReader reference(leaves);
  // Tiles: the layout for 70000 is 273 full + 112 partial at level 0, 1 full + 17 at level 1,
  // 1 partial at level 2 (C2SP example).
  for (uint32_t t = 0; t < 3; ++t) {
    TileCount tc = TilesAt(70000, t);
    for (uint64_t n = 0; n <= tc.full; ++n) {
      uint32_t width = n < tc.full ? 256 : tc.partial_width;
      if (width == 0) continue;
      std::string expect;
      for (uint32_t j = 0; j < width; ++j) {
        expect += HashBytes(*reference.PerfectNode(8 * t, n * 256 + j));
      }
      ASSERT_EQ(ReadRaw(TilePath(t, n, width)), expect) << TilePath(t, n, width);
    }
  }
  // Partial tiles of superseded sizes are gone once their full tile exists; the latest stays.
  EXPECT_FALSE(fs::exists(dir_ + "/tile/0/000.p"));
  EXPECT_TRUE(fs::exists(dir_ + "/" + TilePath(0, 273, 112)));
  EXPECT_TRUE(fs::exists(dir_ + "/" + EntriesPath(273, 112)));
  // Entries.
  auto e = log->ReadEntry(69999);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*e, EntryBytes(69999));
  EXPECT_EQ(*log->ReadEntry(300), EntryBytes(300));
  EXPECT_EQ(log->ReadEntry(70000).status().code(), StatusCode::kNotFound);
  uint64_t seen = 0;
  ASSERT_TRUE(log->ForEachEntry(250, 800, [&](uint64_t i, std::string_view bytes) {
                     EXPECT_EQ(bytes, EntryBytes(i));
                     ++seen;
                     return Status::Ok();
                   }).ok());
  EXPECT_EQ(seen, 550u);
  // Proofs against pinned sizes equal the RFC reference and verify.
  std::mt19937_64 rng(42);
  for (int k = 0; k < 200; ++k) {
    uint64_t size = 1 + rng() % 70000;
    if (k < 20) size = checkpoint_sizes[1 + k % (checkpoint_sizes.size() - 1)];
    uint64_t index = rng() % size;
    auto proof = log->ProveInclusion(index, size);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    ASSERT_EQ(*proof, *InclusionProof(reference, index, size));
    Hash root = *log->RootAt(size);
    ASSERT_TRUE(VerifyInclusion(index, size, leaves[index], *proof, root).ok());
    uint64_t old_size = 1 + rng() % size;
    auto cproof = log->ProveConsistency(old_size, size);
    ASSERT_TRUE(cproof.ok());
    ASSERT_EQ(*cproof, *ConsistencyProof(reference, old_size, size));
    ASSERT_TRUE(VerifyConsistency(old_size, size, *cproof, *log->RootAt(old_size), root).ok());
  }
  EXPECT_FALSE(log->ProveInclusion(5, 70001).ok());
  // Every signed checkpoint is in the history, in order.
  std::vector<uint64_t> history;
  ASSERT_TRUE(log->ForEachSignedCheckpoint([&](const std::string& note) {
                     auto cp = OpenCheckpoint(note, {log->verifier()});
                     EXPECT_TRUE(cp.ok());
                     history.push_back(cp->checkpoint.size);
                     return Status::Ok();
                   }).ok());
  EXPECT_EQ(history, checkpoint_sizes);
}

// Proofs and reads from other threads while batches are appended: every proof is against a
// signed checkpoint and verifies.
TEST_F(LogTest, ReadersRunDuringAppends) {
  auto log = OpenLog();
  std::atomic<bool> done{false};
  std::thread writer([&] {
    uint64_t next = 0;
    for (int b = 0; b < 40; ++b) {
      std::vector<std::string> batch;
      for (int i = 0; i < 97; ++i) batch.push_back(EntryBytes(next++));
      ASSERT_TRUE(log->Append(batch).ok());
    }
    done = true;
  });
  std::mt19937_64 rng(5);
  int checked = 0;
  while (!done || checked < 50) {
    SignedCheckpoint cp = log->Latest();
    uint64_t size = cp.checkpoint.size;
    if (size == 0) continue;
    uint64_t index = rng() % size;
    auto entry = log->ReadEntry(index);
    ASSERT_TRUE(entry.ok()) << entry.status().ToString();
    ASSERT_EQ(*entry, EntryBytes(index));
    auto proof = log->ProveInclusion(index, size);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    ASSERT_TRUE(VerifyInclusion(index, size, HashLeaf(*entry), *proof, cp.checkpoint.root).ok());
    ++checked;
  }
  writer.join();
  EXPECT_EQ(log->size(), 40u * 97);
}

TEST_F(LogTest, ReopenContinuesAndReaderSeesSignedSize) {
  std::vector<Hash> leaves;
  {
    auto log = OpenLog();
    std::vector<std::string> batch;
    for (int i = 0; i < 300; ++i) {
      batch.push_back(EntryBytes(i));
      leaves.push_back(HashLeaf(EntryBytes(i)));
    }
    ASSERT_TRUE(log->Append(batch).ok());
    // One writer at a time; readers need no lock.
    EXPECT_EQ(Log::Open(dir_, Key()).status().code(), StatusCode::kUnavailable);
    auto reader = Log::OpenReader(dir_, Key().verifier());
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->size(), 300u);
    EXPECT_EQ((*reader)->Append({"x"}).status().code(), StatusCode::kFailedPrecondition);
  }
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->size(), 300u);
  for (int i = 300; i < 600; ++i) leaves.push_back(HashLeaf(EntryBytes(i)));
  std::vector<std::string> batch;
  for (int i = 300; i < 600; ++i) batch.push_back(EntryBytes(i));
  auto r = log->Append(batch);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->checkpoint.checkpoint.root, ReferenceRoot(leaves));
  EXPECT_EQ(*log->ReadEntry(299), EntryBytes(299));
  EXPECT_EQ(*log->ReadEntry(599), EntryBytes(599));
  // Wrong key: the stored checkpoint does not verify.
  log.reset();
  seed_ = std::string(32, '\x09');
  EXPECT_EQ(Log::Open(dir_, Key()).status().code(), StatusCode::kDataLoss);
}

TEST_F(LogTest, RefusesRollbackAndDamage) {
  {
    auto log = OpenLog();
    std::vector<std::string> batch;
    for (int i = 0; i < 40; ++i) batch.push_back(EntryBytes(i));
    ASSERT_TRUE(log->Append(batch).ok());
  }
  const std::string nodes = dir_ + "/nodes";
  uint64_t full = fs::file_size(nodes);
  ASSERT_EQ(full, StoredNodeCount(40) * 32);
  // The stored tree is smaller than the signed checkpoint: refuse.
  fs::resize_file(nodes, full - 32);
  auto status = Log::Open(dir_, Key()).status();
  EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
  EXPECT_NE(status.message().find("rolled back"), std::string::npos) << status.message();
  EXPECT_EQ(Log::OpenReader(dir_, Key().verifier()).status().code(), StatusCode::kDataLoss);
  // A damaged hash: the tree no longer hashes to the signed root.
  fs::resize_file(nodes, full);
  {
    std::fstream f(nodes, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(full - 32));
    f.put('\x55');
  }
  status = Log::Open(dir_, Key()).status();
  EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
}

TEST_F(LogTest, InterruptedAppendLeftoversAreDiscarded) {
  {
    auto log = OpenLog();
    ASSERT_TRUE(log->Append({"a", "b", "c"}).ok());
  }
  // An append that wrote hashes and half a history record, then crashed before signing.
  {
    std::ofstream n(dir_ + "/nodes", std::ios::app | std::ios::binary);
    n << std::string(96, 'z');
    std::ofstream h(dir_ + "/checkpoints", std::ios::app | std::ios::binary);
    h << std::string("\0\0\0\x50partial", 11);
  }
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->size(), 3u);
  EXPECT_EQ(fs::file_size(dir_ + "/nodes"), StoredNodeCount(3) * 32);
  auto r = log->Append({"d"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<Hash> leaves = {HashLeaf("a"), HashLeaf("b"), HashLeaf("c"), HashLeaf("d")};
  EXPECT_EQ(r->checkpoint.checkpoint.root, ReferenceRoot(leaves));
  int records = 0;
  ASSERT_TRUE(log->ForEachSignedCheckpoint([&](const std::string&) {
                     ++records;
                     return Status::Ok();
                   }).ok());
  EXPECT_EQ(records, 3);  // sizes 0, 3, 4
}

// A batch that failed after writing a full bundle leaves a file with unsigned entries; reads
// at the signed size use the bundle of exactly that width.
TEST_F(LogTest, StaleFullBundleOfAFailedBatchIsNotRead) {
  auto log = OpenLog();
  ASSERT_TRUE(log->Append({"a", "b", "c"}).ok());
  std::string stale;
  for (int i = 0; i < 256; ++i) ASSERT_TRUE(AppendToBundle(i < 3 ? std::string(1, 'a' + i) : "unsigned", &stale).ok());
  ASSERT_TRUE(Env::Default()->WriteFileAtomic(dir_ + "/" + EntriesPath(0, 0), stale, 0644).ok());
  ASSERT_TRUE(log->Append({"d"}).ok());
  EXPECT_EQ(*log->ReadEntry(3), "d");
  auto report = VerifyLogFolder(dir_, log->verifier());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problem;
}

TEST_F(LogTest, CrashBetweenHistoryAndCheckpointFileIsRepaired) {
  std::string old_checkpoint;
  {
    auto log = OpenLog();
    ASSERT_TRUE(log->Append({"a"}).ok());
    old_checkpoint = ReadRaw("checkpoint");
    ASSERT_TRUE(log->Append({"b"}).ok());
  }
  ASSERT_TRUE(Env::Default()->WriteFileAtomic(dir_ + "/checkpoint", old_checkpoint, 0644).ok());
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->size(), 2u);
  EXPECT_NE(ReadRaw("checkpoint"), old_checkpoint);
}

TEST_F(LogTest, TornCheckpointFileIsRebuiltWithItsCosignatures) {
  auto witness = crypto::Signer::FromSeed("witness.example/w1", std::string(32, '\x01')).value();
  {
    auto log = OpenLog();
    ASSERT_TRUE(log->Append({"a", "b"}).ok());
    crypto::Note cosigned = log->Latest().note;
    cosigned.signatures.push_back(witness.Cosign(cosigned.text, 1700000000));
    ASSERT_TRUE(log->AddCosignatures(cosigned.Format(), {witness.verifier()}).ok());
  }
  fs::resize_file(dir_ + "/checkpoint", 10);
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->size(), 2u);
  auto served = OpenCheckpoint(ReadRaw("checkpoint"), {log->verifier(), witness.cosigner_verifier()});
  ASSERT_TRUE(served.ok()) << served.status().ToString();
  EXPECT_EQ(served->verified.size(), 2u);
}

TEST_F(LogTest, RejectsOversizedEntriesAtomically) {
  auto log = OpenLog();
  auto r = log->Append({"ok", std::string(65536, 'x')});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log->size(), 0u);
  EXPECT_TRUE(log->Append({std::string(65535, 'x')}).ok());
}

TEST_F(LogTest, StoresVerifiedCosignatures) {
  auto log = OpenLog();
  ASSERT_TRUE(log->Append({"a", "b"}).ok());
  SignedCheckpoint first = log->Latest();
  ASSERT_TRUE(log->Append({"c"}).ok());
  auto witness = crypto::Signer::FromSeed("witness.example/w1", std::string(32, '\x01')).value();
  auto stranger = crypto::Signer::FromSeed("stranger.example", std::string(32, '\x02')).value();

  crypto::Note cosigned = log->Latest().note;
  cosigned.signatures.push_back(witness.Cosign(cosigned.text, 1700000000));
  auto added = log->AddCosignatures(cosigned.Format(), {witness.verifier()});
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, std::vector<std::string>{"witness.example/w1"});
  // Again: nothing new.
  EXPECT_TRUE(log->AddCosignatures(cosigned.Format(), {witness.verifier()})->empty());
  // The served checkpoint now carries it and still opens.
  auto served = OpenCheckpoint(ReadRaw("checkpoint"), {log->verifier(), witness.cosigner_verifier()});
  ASSERT_TRUE(served.ok()) << served.status().ToString();
  EXPECT_EQ(served->verified.size(), 2u);
  // An older checkpoint of this log can be cosigned too (looked up in the history).
  crypto::Note old_note = first.note;
  old_note.signatures.push_back(witness.Cosign(old_note.text, 1700000001));
  ASSERT_TRUE(log->AddCosignatures(old_note.Format(), {witness.verifier()}).ok());
  EXPECT_TRUE(fs::exists(dir_ + "/cosignatures/2"));
  // Not from a known witness, bad signature, or a checkpoint this log never signed.
  crypto::Note by_stranger = log->Latest().note;
  by_stranger.signatures.resize(1);  // the log's own signature only
  by_stranger.signatures.push_back(stranger.Cosign(by_stranger.text, 1));
  EXPECT_EQ(log->AddCosignatures(by_stranger.Format(), {witness.verifier()}).status().code(),
            StatusCode::kPermissionDenied);
  crypto::Note bad = cosigned;
  bad.signatures.back().signature[30] ^= 1;
  EXPECT_EQ(log->AddCosignatures(bad.Format(), {witness.verifier()}).status().code(),
            StatusCode::kPermissionDenied);
  crypto::Note forged;
  Checkpoint fake{log->origin(), 3, HashLeaf("fork"), {}};
  forged.text = fake.Text();
  forged.signatures.push_back(witness.Cosign(forged.text, 5));
  EXPECT_EQ(log->AddCosignatures(forged.Format(), {witness.verifier()}).status().code(),
            StatusCode::kNotFound);
  // Reopen keeps the cosigned checkpoint.
  log.reset();
  log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->Latest().note.signatures.size(), 2u);
}

// A writer killed (SIGKILL) at a random moment, again and again: every checkpoint it reported
// as signed is still there, the log reopens, verifies completely and keeps growing.
TEST_F(LogTest, SurvivesKillDuringAppends) {
  std::mt19937_64 rng(1234);
  uint64_t reported = 0;
  for (int round = 0; round < 4; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(fds[0]);
      auto log = Log::Open(dir_, Key());
      if (!log.ok()) ::_exit(3);
      std::mt19937_64 child_rng(static_cast<uint64_t>(::getpid()));
      for (;;) {
        std::vector<std::string> batch;
        uint64_t base = (*log)->size();
        for (uint64_t i = 0, n = 1 + child_rng() % 600; i < n; ++i) batch.push_back(EntryBytes(base + i));
        auto r = (*log)->Append(batch);
        if (!r.ok()) ::_exit(4);
        uint64_t size = r->checkpoint.checkpoint.size;
        if (::write(fds[1], &size, sizeof size) != sizeof size) ::_exit(5);
      }
    }
    ::close(fds[1]);
    ::usleep(static_cast<useconds_t>(100000 + rng() % 400000));
    ::kill(child, SIGKILL);
    uint64_t size = 0;
    while (::read(fds[0], &size, sizeof size) == sizeof size) reported = std::max(reported, size);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer exited by itself with " << WEXITSTATUS(status);
    auto log = Log::Open(dir_, Key());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    EXPECT_GE((*log)->size(), reported);
    ASSERT_GT((*log)->size(), 0u);
    for (uint64_t i : {uint64_t{0}, (*log)->size() / 2, (*log)->size() - 1}) {
      EXPECT_EQ(*(*log)->ReadEntry(i), EntryBytes(i));
    }
    log->reset();
    auto report = VerifyLogFolder(dir_, Key().verifier());
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->ok()) << report->problem;
  }
  EXPECT_GT(reported, 0u);
}

TEST(PostOrderTest, PositionsMatchAppendOrder) {
  CompactRange range;
  uint64_t pos = 0;
  for (uint64_t i = 0; i < 1000; ++i) {
    range.Append(HashLeaf(std::to_string(i)), [&](uint32_t level, uint64_t index, const Hash&) {
      EXPECT_EQ(PostOrderPosition(level, index), pos) << level << " " << index;
      ++pos;
    });
    EXPECT_EQ(StoredNodeCount(i + 1), pos);
  }
}

}  // namespace
}  // namespace tadamun::audit
