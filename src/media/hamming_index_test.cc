// HammingIndex against a brute-force scan (HammingDistance over every live code), on random
// codes with planted near neighbours, adds, removals, batches, save/open; and the
// needles/haystack ground truth from the PDQ reference data.
#include "media/hamming_index.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <unistd.h>

namespace tadamun::media {
namespace {

PdqHash RandomHash(std::mt19937_64& rng) {
  PdqHash h;
  for (auto& b : h.bytes) b = static_cast<uint8_t>(rng());
  return h;
}

PdqHash FlipBits(PdqHash h, int n, std::mt19937_64& rng) {
  std::set<int> bits;
  while (static_cast<int>(bits.size()) < n) bits.insert(static_cast<int>(rng() % 256));
  for (int k : bits) h.bytes[k / 8] ^= static_cast<uint8_t>(1u << (k % 8));
  return h;
}

// The obviously-correct reference.
std::vector<IndexMatch> BruteForce(const std::vector<PdqHash>& codes, const std::vector<bool>& live,
                                   const std::vector<PdqHash>& queries, int radius) {
  std::vector<IndexMatch> out;
  for (size_t q = 0; q < queries.size(); ++q) {
    for (size_t i = 0; i < codes.size(); ++i) {
      if (!live[i]) continue;
      const int d = HammingDistance(queries[q], codes[i]);
      if (d <= radius) out.push_back({static_cast<uint32_t>(q), static_cast<uint32_t>(i), d});
    }
  }
  return out;
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          (name + "." + std::to_string(::getpid()) + ".idx"))
      .string();
}

class IndexVsBruteForce : public ::testing::TestWithParam<bool> {};

TEST_P(IndexVsBruteForce, RandomAddsRemovalsAndBatches) {
  const bool simd = GetParam();
  SearchOptions options;
  options.allow_simd = simd;
  std::mt19937_64 rng(simd ? 11 : 12);
  HammingIndex index;
  std::vector<PdqHash> codes;
  std::vector<bool> live;
  int total_matches = 0;
  for (int round = 0; round < 12; ++round) {
    // Adds: random codes plus near copies of earlier ones (so radius searches find things).
    const int adds = 50 + static_cast<int>(rng() % 400);
    for (int i = 0; i < adds; ++i) {
      PdqHash h = (codes.empty() || rng() % 3 == 0)
                      ? RandomHash(rng)
                      : FlipBits(codes[rng() % codes.size()], static_cast<int>(rng() % 50), rng);
      EXPECT_EQ(index.Add(h), codes.size());
      codes.push_back(h);
      live.push_back(true);
    }
    // Removals.
    for (int i = 0; i < 30; ++i) {
      const uint32_t id = static_cast<uint32_t>(rng() % codes.size());
      const Status s = index.Remove(id);
      EXPECT_EQ(s.ok(), static_cast<bool>(live[id]));
      live[id] = false;
    }
    // A batch of queries: near copies of codes (live or removed) and random ones.
    // Batches below and above the size where the SIMD kernel switches strategy.
    std::vector<PdqHash> queries;
    const int batch = (round % 2) ? 17 : 45;
    for (int i = 0; i < batch; ++i) {
      queries.push_back(rng() % 4 == 0
                            ? RandomHash(rng)
                            : FlipBits(codes[rng() % codes.size()], static_cast<int>(rng() % 45), rng));
    }
    for (int radius : {0, 10, 31, 40, 70, 256}) {
      std::vector<IndexMatch> got = index.Search(queries, radius, options);
      std::vector<IndexMatch> want = BruteForce(codes, live, queries, radius);
      ASSERT_EQ(got, want) << "round " << round << " radius " << radius;
      if (radius == 31) total_matches += static_cast<int>(want.size());
    }
  }
  EXPECT_GT(total_matches, 100);  // the test exercised real matches
  EXPECT_EQ(index.live(), static_cast<uint64_t>(std::count(live.begin(), live.end(), true)));
}

TEST_P(IndexVsBruteForce, ThreadedSearchEqualsSingleThreaded) {
  SearchOptions options;
  options.allow_simd = GetParam();
  std::mt19937_64 rng(5);
  HammingIndex index;
  std::vector<PdqHash> codes;
  for (int i = 0; i < 50000; ++i) {
    codes.push_back(i % 5 == 0 || i == 0 ? RandomHash(rng) : FlipBits(codes[i - 1], 20, rng));
    index.Add(codes.back());
  }
  std::vector<PdqHash> queries = {FlipBits(codes[123], 12, rng), codes[49999], RandomHash(rng)};
  // Over one query slice (512): the tail queries' positions must come back right.
  for (int i = 0; i < 1100; ++i) queries.push_back(FlipBits(codes[rng() % codes.size()], 25, rng));
  std::vector<IndexMatch> one = index.Search(queries, 31, options);
  options.threads = 3;
  std::vector<IndexMatch> three = index.Search(queries, 31, options);
  EXPECT_EQ(one, three);
  EXPECT_EQ(one, BruteForce(codes, std::vector<bool>(codes.size(), true), queries, 31));
}

INSTANTIATE_TEST_SUITE_P(Kernels, IndexVsBruteForce, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Simd" : "Scalar"; });

TEST(HammingIndex, DihedralHashesInOnePass) {
  // The 8 hashes of one image queried together equal 8 separate queries.
  std::mt19937_64 rng(9);
  HammingIndex index;
  std::vector<PdqHash> codes;
  PdqDihedralResult dih;
  for (auto& h : dih.hashes) h = RandomHash(rng);
  for (int i = 0; i < 3000; ++i) {
    codes.push_back(i % 10 == 0 ? FlipBits(dih.hashes[i % 8], static_cast<int>(rng() % 40), rng)
                                : RandomHash(rng));
    index.Add(codes.back());
  }
  std::vector<PdqHash> queries(dih.hashes.begin(), dih.hashes.end());
  std::vector<IndexMatch> together = index.Search(queries, 31);
  std::vector<IndexMatch> separate;
  for (uint32_t q = 0; q < 8; ++q) {
    for (IndexMatch m : index.Search(queries[q], 31)) {
      m.query = q;
      separate.push_back(m);
    }
  }
  EXPECT_EQ(together, separate);
  EXPECT_FALSE(together.empty());
}

TEST(HammingIndex, SaveOpenRoundTripThenMutate) {
  std::mt19937_64 rng(21);
  HammingIndex index;
  std::vector<PdqHash> codes;
  std::vector<bool> live;
  for (int i = 0; i < 1003; ++i) {  // not a multiple of 8: a partial last block
    codes.push_back(i % 2 ? RandomHash(rng) : FlipBits(codes.empty() ? RandomHash(rng) : codes.back(), 9, rng));
    live.push_back(true);
    index.Add(codes.back());
  }
  ASSERT_TRUE(index.Remove(17).ok());
  live[17] = false;
  const std::string path = TempPath("roundtrip");
  ASSERT_TRUE(index.Save(path).ok());
  StatusOr<HammingIndex> opened = HammingIndex::Open(path);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->slots(), 1003u);
  EXPECT_EQ(opened->live(), 1002u);
  EXPECT_FALSE(opened->IsLive(17));
  for (uint32_t id = 0; id < codes.size(); ++id) ASSERT_EQ(opened->Get(id), codes[id]);
  // Mutate the mapped index: adds go to the tail, removals to the tombstones.
  for (int i = 0; i < 30; ++i) {
    codes.push_back(FlipBits(codes[i * 7], 5, rng));
    live.push_back(true);
    EXPECT_EQ(opened->Add(codes.back()), codes.size() - 1);
  }
  ASSERT_TRUE(opened->Remove(500).ok());
  live[500] = false;
  EXPECT_FALSE(opened->Remove(500).ok());
  EXPECT_FALSE(opened->Remove(99999).ok());
  std::vector<PdqHash> queries = {codes[3], codes[500], codes[1010], RandomHash(rng)};
  EXPECT_EQ(opened->Search(queries, 31), BruteForce(codes, live, queries, 31));
  // Save again (unaligned base + tail) and reopen.
  const std::string path2 = TempPath("roundtrip2");
  ASSERT_TRUE(opened->Save(path2).ok());
  StatusOr<HammingIndex> again = HammingIndex::Open(path2);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->Search(queries, 31), BruteForce(codes, live, queries, 31));
  for (uint32_t id = 0; id < codes.size(); ++id) ASSERT_EQ(again->Get(id), codes[id]);
  std::filesystem::remove(path);
  std::filesystem::remove(path2);
}

TEST(HammingIndex, OpenRejectsMalformedFiles) {
  HammingIndex index;
  std::mt19937_64 rng(2);
  for (int i = 0; i < 20; ++i) index.Add(RandomHash(rng));
  const std::string path = TempPath("bad");
  ASSERT_TRUE(index.Save(path).ok());
  std::string good;
  {
    std::ifstream in(path, std::ios::binary);
    good.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto write = [&](const std::string& data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << data;
  };
  write(good.substr(0, good.size() - 1));  // truncated
  EXPECT_EQ(HammingIndex::Open(path).status().code(), StatusCode::kDataLoss);
  std::string bad_magic = good;
  bad_magic[0] = 'X';
  write(bad_magic);
  EXPECT_EQ(HammingIndex::Open(path).status().code(), StatusCode::kDataLoss);
  write("short");
  EXPECT_EQ(HammingIndex::Open(path).status().code(), StatusCode::kDataLoss);
  std::string bad_tomb = good;
  bad_tomb.back() = '\x01';  // a deleted bit the header does not count
  write(bad_tomb);
  EXPECT_EQ(HammingIndex::Open(path).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(HammingIndex::Open(path + ".missing").status().code(), StatusCode::kNotFound);
  std::filesystem::remove(path);
}

// Needles vs haystack (ThreatExchange regression data): pair counts per threshold are the
// brute-force ground truth in needles-haystack-matches.csv.
std::vector<PdqHash> ReadHashes(const std::string& path) {
  std::vector<PdqHash> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    StatusOr<PdqHash> h = ParseHex(line.substr(0, 64));
    EXPECT_TRUE(h.ok()) << line;
    if (h.ok()) out.push_back(*h);
  }
  return out;
}

TEST(HammingIndex, NeedlesHaystackGroundTruth) {
  const std::string dir = std::string(TADAMUN_TEST_DATA_DIR) + "/pdq";
  std::vector<PdqHash> needles = ReadHashes(dir + "/reg-test-input/needles.txt");
  std::vector<PdqHash> haystack = ReadHashes(dir + "/reg-test-input/haystack.txt");
  ASSERT_EQ(needles.size(), 100u);
  ASSERT_EQ(haystack.size(), 1350u);
  // (needle line, haystack line) -> distance, every pair at distance <= 63.
  std::map<std::pair<int, int>, int> truth;
  {
    std::ifstream in(dir + "/needles-haystack-matches.csv");
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::stringstream ss(line);
      std::string a, b, d;
      std::getline(ss, a, ',');
      std::getline(ss, b, ',');
      std::getline(ss, d, ',');
      truth[{std::stoi(a), std::stoi(b)}] = std::stoi(d);
    }
  }
  ASSERT_EQ(truth.size(), 352u);
  HammingIndex index;
  for (const PdqHash& h : haystack) index.Add(h);
  const std::map<int, size_t> expected_pairs = {{0, 50}, {10, 150}, {16, 152}, {31, 250},
                                                {32, 250}, {52, 346}, {63, 352}};
  for (auto [radius, pairs] : expected_pairs) {
    std::vector<IndexMatch> got = index.Search(needles, radius);
    EXPECT_EQ(got.size(), pairs) << "radius " << radius;
    std::map<std::pair<int, int>, int> got_map;
    for (const IndexMatch& m : got) got_map[{static_cast<int>(m.query) + 1, static_cast<int>(m.id) + 1}] = m.distance;
    std::map<std::pair<int, int>, int> want_map;
    for (const auto& [k, d] : truth) {
      if (d <= radius) want_map[k] = d;
    }
    EXPECT_EQ(got_map, want_map) << "radius " << radius;
  }
}

}  // namespace
}  // namespace tadamun::media
