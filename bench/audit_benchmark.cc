// Audit log figures (issue 6): durable appends per second in batches, inclusion and
// consistency proof generation and verification at 10^6 leaves, and memory.
//
//   build/release/bench/audit_benchmark [--dir DIR] [--leaves N]
//
// DIR (default ./audit_bench_data, removed afterwards) must be on the disk being measured:
// every batch is fsynced before its checkpoint is signed. Prints each figure beside its
// baseline or target: Tessera (the state of the art) reports about 10,000 durable appends/s on
// NVMe; the target is >= 20,000/s, and <= 10 us per proof generated or verified.
#include <sys/resource.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "audit/log.h"
#include "audit/merkle.h"

using namespace tadamun;
using Clock = std::chrono::steady_clock;

namespace {

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// CPU time of this thread: the cost of the code itself, unaffected by other jobs sharing the
// machine (wall time is printed beside it).
double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

long StatusKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
  }
  return -1;
}

long RssKb() { return StatusKb("VmRSS:"); }

long PeakRssKb() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

// A realistic entry: an import of one bundle with a few object references (~330 bytes).
std::string MakeEntry(uint64_t i) {
  audit::Entry e = audit::Entry::Import(
      "2026-11-25T03:00:00Z", "sha256:" + std::string(64, "0123456789abcdef"[i % 16]),
      "peer:cert-" + std::to_string(i % 97) + ".example",
      {{"indicator--" + std::to_string(i) + "-0000-4000-8000-000000000000", "2026-01-01T00:00:00.000Z"},
       {"identity--" + std::to_string(i % 13) + "-0000-4000-8000-000000000000", "-"}});
  return audit::EncodeEntry(e).value();
}

crypto::Signer Key() { return crypto::Signer::FromSeed("bench.example/audit", std::string(32, '\x42')).value(); }

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "audit_bench_data";
  uint64_t leaves = 1000000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
    if (std::strcmp(argv[i], "--leaves") == 0) leaves = std::stoull(argv[i + 1]);
  }
  std::printf("audit log benchmark (entries ~%zu bytes, folder %s)\n\n", MakeEntry(1).size(), dir.c_str());

  // 1. Durable appends per second, per batch size (each batch: entries, tiles and node hashes
  //    fsynced, then the checkpoint signed and written atomically).
  std::printf("%-28s %14s %16s %12s\n", "durable appends", "appends/s", "Tessera (NVMe)", "target");
  for (size_t batch : {64, 256, 1024, 4096}) {
    std::filesystem::remove_all(dir);
    auto log = audit::Log::Open(dir, Key()).value();
    const uint64_t total = std::max<uint64_t>(batch * 20, 100000);
    std::vector<std::string> entries;
    uint64_t next = 0;
    double busy = 0;
    while (next < total) {
      entries.clear();
      for (size_t i = 0; i < batch; ++i) entries.push_back(MakeEntry(next++));
      auto t0 = Clock::now();
      auto r = log->Append(entries);
      busy += Seconds(t0, Clock::now());
      if (!r.ok()) {
        std::fprintf(stderr, "append failed: %s\n", r.status().ToString().c_str());
        return 1;
      }
    }
    std::printf("batch %-22zu %14.0f %16s %12s\n", batch, static_cast<double>(total) / busy, "~10,000/s",
                ">= 20,000/s");
  }

  // 2. A log of `leaves` entries; memory while it grows.
  std::filesystem::remove_all(dir);
  long rss_small = 0, rss_large = 0;
  {
    auto log = audit::Log::Open(dir, Key()).value();
    std::vector<std::string> entries;
    uint64_t next = 0;
    auto t0 = Clock::now();
    while (next < leaves) {
      entries.clear();
      for (size_t i = 0; i < 4096 && next < leaves; ++i) entries.push_back(MakeEntry(next++));
      if (!log->Append(entries).ok()) return 1;
      if (next >= leaves / 10 && rss_small == 0) rss_small = RssKb();
    }
    rss_large = RssKb();
    std::printf("\nbuilt a log of %llu entries in %.1f s\n", static_cast<unsigned long long>(leaves),
                Seconds(t0, Clock::now()));
  }
  std::printf("RSS at %llu entries: %ld KB; at %llu entries: %ld KB (the writer keeps only the tree's edge)\n",
              static_cast<unsigned long long>(leaves / 10), rss_small,
              static_cast<unsigned long long>(leaves), rss_large);

  // 3. Proofs against the pinned size, by a reader process-like handle (cold open, then warm).
  auto log = audit::Log::OpenReader(dir, Key().verifier()).value();
  const uint64_t size = log->size();
  const audit::Hash root = log->Latest().checkpoint.root;
  std::mt19937_64 rng(7);
  const int kProofs = 20000;
  std::vector<uint64_t> indexes(kProofs);
  for (auto& i : indexes) i = rng() % size;
  std::vector<audit::Hash> leaf_hashes(kProofs);
  for (int k = 0; k < kProofs; ++k) leaf_hashes[k] = audit::HashLeaf(MakeEntry(indexes[k]));
  std::vector<std::vector<audit::Hash>> proofs(kProofs);
  struct Timing {
    double wall_us, cpu_us;
  };
  auto timed = [](size_t n, const auto& fn) {
    double c0 = CpuSeconds();
    auto t0 = Clock::now();
    for (size_t k = 0; k < n; ++k) fn(k);
    return Timing{Seconds(t0, Clock::now()) / n * 1e6, (CpuSeconds() - c0) / n * 1e6};
  };
  int bad = 0;
  Timing gen = timed(kProofs, [&](size_t k) { proofs[k] = log->ProveInclusion(indexes[k], size).value(); });
  Timing ver = timed(kProofs, [&](size_t k) {
    bad += !audit::VerifyInclusion(indexes[k], size, leaf_hashes[k], proofs[k], root).ok();
  });
  std::vector<uint64_t> olds(kProofs / 4);
  for (auto& o : olds) o = 1 + rng() % size;
  std::vector<audit::Hash> old_roots(olds.size());
  for (size_t k = 0; k < olds.size(); ++k) old_roots[k] = log->RootAt(olds[k]).value();
  std::vector<std::vector<audit::Hash>> cproofs(olds.size());
  Timing cgen = timed(olds.size(), [&](size_t k) { cproofs[k] = log->ProveConsistency(olds[k], size).value(); });
  Timing cver = timed(olds.size(), [&](size_t k) {
    bad += !audit::VerifyConsistency(olds[k], size, cproofs[k], old_roots[k], root).ok();
  });
  const std::string title = "proofs at " + std::to_string(size) + " leaves";
  std::printf("\n%-40s %12s %12s %8s\n", title.c_str(), "CPU us each", "wall us", "target");
  auto row = [](const char* what, Timing t) {
    std::printf("%-40s %12.2f %12.2f %8s\n", what, t.cpu_us, t.wall_us, "<= 10");
  };
  row("inclusion proof generation", gen);
  row("inclusion proof verification", ver);
  row("consistency proof generation", cgen);
  row("consistency proof verification", cver);
  if (bad != 0) std::printf("ERROR: %d proofs failed to verify\n", bad);
  std::printf("\nRSS now: %ld KB anonymous + %ld KB mapped file pages (page cache of `nodes`,\n"
              "reclaimable); peak RSS of the whole run: %ld KB (includes the benchmark's %d stored proofs)\n",
              StatusKb("RssAnon:"), StatusKb("RssFile:"), PeakRssKb(), kProofs);
  log.reset();
  std::filesystem::remove_all(dir);
  return bad == 0 ? 0 : 1;
}
