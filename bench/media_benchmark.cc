// Media (PDQ) benchmark: hashing speed end to end, and the Hamming index against Debian's
// faiss on the same codes in the same run.
//
//   build/<dir>/bench/media_benchmark                 # 1M and 10M codes
//   build/<dir>/bench/media_benchmark --sizes 1000000 --no-faiss
//
// Hashing: ms per image for a 1600x1004 JPEG (tests/data/pdq/bridge-mods/aaa-orig.jpg), read
// from disk, decoded and hashed, on one thread and on all cores; the reference CLI's figure
// (123 ms per image on a 2-core machine, 4.85 ms of it in the hash core at 512x512) is printed
// beside. Index: queries per second on one core at radius 31 over random 256-bit codes (half
// the queries random, half near copies of stored codes so that matches exist), in batches of
// 1, 8 (an image's dihedral hashes) and 64; bytes per code; the time to open a saved index
// (mmap) and to answer the first query after opening. Faiss (python3-faiss, Debian's generic
// build) runs IndexBinaryFlat and IndexBinaryMultiHash(nhash=16, b=16, nflip=1, exact at
// radius 31) range searches on the same codes and queries, one thread, and must return the
// same number of matches.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "media/hamming_index.h"
#include "media/hasher.h"
#include "media/image_decode.h"
#include "media/pdq.h"

namespace {

using Clock = std::chrono::steady_clock;
using tadamun::media::HammingIndex;
using tadamun::media::IndexMatch;
using tadamun::media::PdqHash;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// CPU time of the calling thread: per-core figures stay meaningful on a machine shared with
// other jobs (wall time is printed beside).
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

constexpr double kReferenceMsPerImage = 123.0;
constexpr double kReferenceCoreMs = 4.85;

void BenchHashing(const std::string& jpeg_path) {
  using namespace tadamun::media;
  using tadamun::StatusOr;
  std::printf("== PDQ hashing: %s\n", jpeg_path.c_str());
  HashOptions options;
  StatusOr<ImageHashResult> first = HashImageFile(jpeg_path, options);
  if (!first.ok()) {
    std::printf("cannot hash the benchmark image: %s\n", first.status().ToString().c_str());
    return;
  }
  std::printf("image %dx%d, hash %s quality %d\n", first->width, first->height,
              FormatHex(first->hash()).c_str(), first->quality());
  // Single thread, end to end (read + decode + pre-shrink + hash).
  const int n = 100;
  for (int i = 0; i < 10; ++i) {  // warm up: page cache, allocator, per-thread buffers
    if (!HashImageFile(jpeg_path, options).ok()) std::abort();
  }
  auto t0 = Clock::now();
  double c0 = ThreadCpuSeconds();
  for (int i = 0; i < n; ++i) {
    StatusOr<ImageHashResult> r = HashImageFile(jpeg_path, options);
    if (!r.ok()) std::abort();
  }
  const double single_cpu_ms = (ThreadCpuSeconds() - c0) * 1000 / n;
  const double single_ms = Seconds(t0, Clock::now()) * 1000 / n;
  // All cores.
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::string> files(200, jpeg_path);
  t0 = Clock::now();
  HashFiles(files, options, cores, [](const FileHash& f) {
    if (!f.status.ok()) std::abort();
  });
  const double multi_ms = Seconds(t0, Clock::now()) * 1000 / files.size();
  // Dihedral (8 hashes) end to end.
  HashOptions dih = options;
  dih.dihedral = true;
  c0 = ThreadCpuSeconds();
  for (int i = 0; i < n; ++i) {
    if (!HashImageFile(jpeg_path, dih).ok()) std::abort();
  }
  const double dih_ms = (ThreadCpuSeconds() - c0) * 1000 / n;
  // Hash core only, on the 512x512 luma.
  std::string bytes;
  {
    std::ifstream in(jpeg_path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  StatusOr<LumaImage> luma = DecodeToLuma(bytes, DecodeOptions{});
  if (!luma.ok()) std::abort();
  c0 = ThreadCpuSeconds();
  for (int i = 0; i < n; ++i) {
    if (!DecodeToLuma(bytes, DecodeOptions{}).ok()) std::abort();
  }
  const double decode_ms = (ThreadCpuSeconds() - c0) * 1000 / n;
  const int core_n = 300;
  std::vector<float> work;
  c0 = ThreadCpuSeconds();
  for (int i = 0; i < core_n; ++i) {
    work = luma->luma;
    PdqResult r = PdqFromLuma(work.data(), luma->rows, luma->cols);
    if (r.quality < 0) std::abort();
  }
  const double core_ms = (ThreadCpuSeconds() - c0) * 1000 / core_n;
  std::printf("%-44s %9s %12s %9s\n", "", "ms/image", "reference", "speed-up");
  std::printf("%-44s %9.2f %12.2f %8.1fx\n", "end to end, 1 thread (CPU time)", single_cpu_ms,
              kReferenceMsPerImage, kReferenceMsPerImage / single_cpu_ms);
  std::printf("%-44s %9.2f %12.2f %8.1fx\n", "end to end, 1 thread (wall)", single_ms,
              kReferenceMsPerImage, kReferenceMsPerImage / single_ms);
  std::printf("%-44s %9.2f %12.2f %8.1fx\n",
              ("end to end, " + std::to_string(cores) + " threads (wall, per image)").c_str(), multi_ms,
              kReferenceMsPerImage, kReferenceMsPerImage / multi_ms);
  std::printf("%-44s %9.2f %12s\n", "with 8 dihedral hashes, 1 thread (CPU)", dih_ms, "-");
  std::printf("%-44s %9.2f %12s\n", "  of which JPEG decode + 512x512 (CPU)", decode_ms, "-");
  std::printf("%-44s %9.2f %12.2f %8.1fx\n", "hash core at 512x512 (CPU)", core_ms,
              kReferenceCoreMs, kReferenceCoreMs / core_ms);
}

struct FaissResult {
  double flat_qps = -1, mh_qps = -1, flat_wall = -1, mh_wall = -1;
  long flat_matches = -1, mh_matches = -1;
};

FaissResult RunFaiss(const std::string& script, const std::vector<PdqHash>& codes,
                     const std::vector<PdqHash>& queries, int flat_queries, int mh_queries,
                     int radius) {
  FaissResult result;
  const std::string dir = std::filesystem::temp_directory_path().string();
  const std::string codes_path = dir + "/media_bench_codes.u8";
  const std::string queries_path = dir + "/media_bench_queries.u8";
  {
    std::ofstream c(codes_path, std::ios::binary | std::ios::trunc);
    c.write(reinterpret_cast<const char*>(codes.data()), codes.size() * 32);
    std::ofstream q(queries_path, std::ios::binary | std::ios::trunc);
    q.write(reinterpret_cast<const char*>(queries.data()), queries.size() * 32);
  }
  const std::string cmd = "/usr/bin/python3 " + script + " " + codes_path + " " + queries_path +
                          " " + std::to_string(flat_queries) + " " + std::to_string(mh_queries) +
                          " " + std::to_string(radius) + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return result;
  char line[512];
  while (std::fgets(line, sizeof(line), p)) {
    double qps, wall;
    long matches;
    if (std::sscanf(line, "flat %lf %ld %lf", &qps, &matches, &wall) == 3) {
      result.flat_qps = qps;
      result.flat_matches = matches;
      result.flat_wall = wall;
    } else if (std::sscanf(line, "multihash %lf %ld %lf", &qps, &matches, &wall) == 3) {
      result.mh_qps = qps;
      result.mh_matches = matches;
      result.mh_wall = wall;
    } else {
      std::printf("faiss: %s", line);
    }
  }
  pclose(p);
  std::filesystem::remove(codes_path);
  std::filesystem::remove(queries_path);
  return result;
}

void BenchIndex(uint64_t n, bool faiss, const std::string& faiss_script) {
  const int radius = 31;
  std::printf("\n== Hamming index: %llu random codes, radius %d, kernel %s\n",
              static_cast<unsigned long long>(n), radius, HammingIndex::KernelName());
  std::mt19937_64 rng(42 + n);
  std::vector<PdqHash> codes(n);
  for (PdqHash& c : codes) {
    for (int i = 0; i < 32; i += 8) {
      const uint64_t r = rng();
      std::memcpy(&c.bytes[i], &r, 8);
    }
  }
  auto t0 = Clock::now();
  HammingIndex index;
  for (const PdqHash& c : codes) index.Add(c);
  const double build_s = Seconds(t0, Clock::now());
  // Queries: half random, half stored codes with 0..40 bits flipped.
  const int nq = 2048;
  std::vector<PdqHash> queries(nq);
  for (int i = 0; i < nq; ++i) {
    if (i % 2 == 0) {
      for (int b = 0; b < 32; b += 8) {
        const uint64_t r = rng();
        std::memcpy(&queries[i].bytes[b], &r, 8);
      }
    } else {
      queries[i] = codes[rng() % n];
      const int flips = static_cast<int>(rng() % 41);
      for (int f = 0; f < flips; ++f) {
        const int k = static_cast<int>(rng() % 256);
        queries[i].bytes[k / 8] ^= static_cast<uint8_t>(1u << (k % 8));
      }
    }
  }
  const int budget_queries = n >= 5'000'000 ? 256 : 2048;
  std::printf("build %.2f s, %.2f bytes per code (codes 32 + tombstone bit)\n", build_s,
              index.BytesPerCode());
  long tadamun_matches = 0;
  double best_qps = 0;
  for (int batch : {1, 8, 64, 256}) {
    long matches = 0;
    t0 = Clock::now();
    const double c0 = ThreadCpuSeconds();
    for (int q = 0; q < budget_queries; q += batch) {
      const int len = std::min(batch, budget_queries - q);
      matches += static_cast<long>(
          index.Search(std::span<const PdqHash>(&queries[q], len), radius).size());
    }
    const double qps = budget_queries / (ThreadCpuSeconds() - c0);
    const double wall_qps = budget_queries / Seconds(t0, Clock::now());
    best_qps = std::max(best_qps, qps);
    tadamun_matches = matches;
    std::printf("tadamun  batch %-3d  %10.0f queries/s per core (CPU time; %.0f/s wall)  (%ld matches in %d queries)\n",
                batch, qps, wall_qps, matches, budget_queries);
  }
  // Save, then open by mmap.
  const std::string path = std::filesystem::temp_directory_path().string() + "/media_bench.idx";
  if (!index.Save(path).ok()) std::abort();
  t0 = Clock::now();
  tadamun::StatusOr<HammingIndex> opened = HammingIndex::Open(path);
  const double open_s = Seconds(t0, Clock::now());
  if (!opened.ok()) std::abort();
  t0 = Clock::now();
  std::vector<IndexMatch> first = opened->Search(queries[1], radius);
  const double first_s = Seconds(t0, Clock::now());
  std::printf("open (mmap) %.3f ms; first query after open %.1f ms (pages faulted in); file %.1f MB\n",
              open_s * 1000, first_s * 1000,
              static_cast<double>(std::filesystem::file_size(path)) / 1e6);
  std::filesystem::remove(path);
  if (!faiss) return;
  const int flat_q = n >= 5'000'000 ? 16 : 64;
  const int mh_q = n >= 5'000'000 ? 64 : 256;
  FaissResult f = RunFaiss(faiss_script, codes, queries, flat_q, mh_q, radius);
  // Cross-check: tadamun's matches for the same first queries.
  auto count = [&](int q) {
    return static_cast<long>(index.Search(std::span<const PdqHash>(queries.data(), q), radius).size());
  };
  std::printf("faiss    flat        %10.1f queries/s per core (CPU time; %.1f/s wall)  (%ld matches in %d queries; tadamun %ld)\n",
              f.flat_qps, f.flat_wall, f.flat_matches, flat_q, count(flat_q));
  std::printf("faiss    multi-hash  %10.1f queries/s per core (CPU time; %.1f/s wall)  (%ld matches in %d queries; tadamun %ld)\n",
              f.mh_qps, f.mh_wall, f.mh_matches, mh_q, count(mh_q));
  if (f.flat_qps > 0) {
    std::printf("tadamun (best batch) vs faiss: %.0fx flat, %.0fx multi-hash\n", best_qps / f.flat_qps,
                best_qps / f.mh_qps);
  }
  (void)tadamun_matches;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<uint64_t> sizes = {1'000'000, 10'000'000};
  bool faiss = true;
  bool hashing = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--no-faiss") {
      faiss = false;
    } else if (a == "--no-hashing") {
      hashing = false;
    } else if (a == "--sizes" && i + 1 < argc) {
      sizes.clear();
      std::string list = argv[++i];
      size_t pos = 0;
      while (pos <= list.size()) {
        const size_t comma = list.find(',', pos);
        sizes.push_back(std::stoull(list.substr(pos, comma - pos)));
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
    } else {
      std::fprintf(stderr, "usage: media_benchmark [--sizes N,N] [--no-faiss] [--no-hashing]\n");
      return 2;
    }
  }
  const std::string source = TADAMUN_SOURCE_DIR;
  if (hashing) BenchHashing(source + "/tests/data/pdq/bridge-mods/aaa-orig.jpg");
  for (uint64_t n : sizes) BenchIndex(n, faiss, source + "/bench/media_faiss.py");
  return 0;
}
