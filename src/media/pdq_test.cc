// PDQ against the reference `pdq-photo-hasher` output (tests/data/pdq/expected-pdq*.csv; see
// tests/data/pdq/README.md). Every row whose image is present must match bit for bit. The
// copied subset always runs; with /work/shared/data/pdq (or $TADAMUN_PDQ_DATA) the full set of
// 44 images (JPEG, PNG, WebP) runs too.
#include "media/pdq.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "media/hasher.h"

namespace tadamun::media {
namespace {

std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(path);
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (header) {
      header = false;
      continue;
    }
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

bool IsSupported(const std::string& file) {
  auto ends = [&](const std::string& s) {
    return file.size() >= s.size() && file.compare(file.size() - s.size(), s.size(), s) == 0;
  };
  return ends(".jpg") || ends(".jpeg") || ends(".png") || ends(".webp");
}

std::string LocalData() { return std::string(TADAMUN_TEST_DATA_DIR) + "/pdq"; }

std::string FullData() {
  if (const char* env = std::getenv("TADAMUN_PDQ_DATA")) return env;
  return "/work/shared/data/pdq";
}

// Checks every JPEG/PNG row of expected-pdq.csv in `dir` whose image exists there; returns
// (checked, matched).
std::pair<int, int> CheckPlain(const std::string& dir) {
  int checked = 0, matched = 0;
  for (const auto& row : ReadCsv(dir + "/expected-pdq.csv")) {
    if (row.size() != 3 || !IsSupported(row[0])) continue;
    const std::string path = dir + "/" + row[0];
    if (!std::filesystem::exists(path)) continue;
    ++checked;
    StatusOr<ImageHashResult> r = HashImageFile(path, HashOptions{});
    if (!r.ok()) {
      ADD_FAILURE() << row[0] << ": " << r.status().ToString();
      continue;
    }
    const std::string hex = FormatHex(r->hash());
    EXPECT_EQ(hex, row[1]) << row[0] << " (distance " << HammingDistance(r->hash(), *ParseHex(row[1]))
                           << ")";
    EXPECT_EQ(r->quality(), std::stoi(row[2])) << row[0];
    if (hex == row[1] && r->quality() == std::stoi(row[2])) ++matched;
  }
  return {checked, matched};
}

std::pair<int, int> CheckDihedral(const std::string& dir) {
  int checked = 0, matched = 0;
  HashOptions options;
  options.dihedral = true;
  for (const auto& row : ReadCsv(dir + "/expected-pdq-dih.csv")) {
    if (row.size() != 10 || !IsSupported(row[0])) continue;
    const std::string path = dir + "/" + row[0];
    if (!std::filesystem::exists(path)) continue;
    ++checked;
    StatusOr<ImageHashResult> r = HashImageFile(path, options);
    if (!r.ok()) {
      ADD_FAILURE() << row[0] << ": " << r.status().ToString();
      continue;
    }
    bool all = r->quality() == std::stoi(row[1]);
    EXPECT_EQ(r->quality(), std::stoi(row[1])) << row[0];
    for (int t = 0; t < kNumDihedral; ++t) {
      const std::string hex = FormatHex(r->pdq.hashes[t]);
      EXPECT_EQ(hex, row[2 + t]) << row[0] << " " << DihedralName(static_cast<Dihedral>(t));
      all = all && hex == row[2 + t];
    }
    if (all) ++matched;
  }
  return {checked, matched};
}

TEST(PdqGolden, LocalCopyMatchesReference) {
  auto [checked, matched] = CheckPlain(LocalData());
  std::printf("expected-pdq.csv (tests/data): %d of %d rows match\n", matched, checked);
  EXPECT_GE(checked, 20);
  EXPECT_EQ(matched, checked);
}

TEST(PdqGolden, LocalCopyDihedralMatchesReference) {
  auto [checked, matched] = CheckDihedral(LocalData());
  std::printf("expected-pdq-dih.csv (tests/data): %d of %d rows match\n", matched, checked);
  EXPECT_GE(checked, 20);
  EXPECT_EQ(matched, checked);
}

TEST(PdqGolden, FullSharedSetMatchesReference) {
  if (!std::filesystem::exists(FullData() + "/expected-pdq.csv")) {
    GTEST_SKIP() << "full PDQ data set not present at " << FullData();
  }
  auto [checked, matched] = CheckPlain(FullData());
  std::printf("expected-pdq.csv (full): %d of %d rows match\n", matched, checked);
  EXPECT_EQ(checked, 44);
  EXPECT_EQ(matched, checked);
  auto [dchecked, dmatched] = CheckDihedral(FullData());
  std::printf("expected-pdq-dih.csv (full): %d of %d rows match\n", dmatched, dchecked);
  EXPECT_EQ(dchecked, 44);
  EXPECT_EQ(dmatched, dchecked);
}

TEST(PdqHex, RoundTripsAndRejectsBadText) {
  std::mt19937_64 rng(7);
  for (int n = 0; n < 100; ++n) {
    PdqHash h;
    for (auto& b : h.bytes) b = static_cast<uint8_t>(rng());
    StatusOr<PdqHash> back = ParseHex(FormatHex(h));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, h);
  }
  EXPECT_FALSE(ParseHex("abc").ok());
  EXPECT_FALSE(ParseHex(std::string(63, '0') + "g").ok());
  EXPECT_TRUE(ParseHex(std::string(64, 'F')).ok());
}

TEST(PdqHex, BitNumberingFollowsReferenceWords) {
  // Bit k is bit k%16 of word k/16, and word 15 is printed first.
  PdqHash h;
  h.SetBit(0);
  EXPECT_EQ(FormatHex(h), std::string(60, '0') + "0001");
  PdqHash g;
  g.SetBit(255);
  EXPECT_EQ(FormatHex(g), "8000" + std::string(60, '0'));
  PdqHash f;
  f.SetBit(20);  // word 1, bit 4
  EXPECT_EQ(FormatHex(f), std::string(56, '0') + "0010" + "0000");
  for (int k = 0; k < 256; ++k) {
    PdqHash x;
    x.SetBit(k);
    EXPECT_TRUE(x.GetBit(k));
    EXPECT_EQ(HammingDistance(x, PdqHash{}), 1);
  }
}

TEST(PdqCore, TinyImagesHashToZeroWithQualityZero) {
  std::vector<float> luma(4 * 100, 10.0f);
  PdqResult r = PdqFromLuma(luma.data(), 4, 100);
  EXPECT_EQ(r.hash, PdqHash{});
  EXPECT_EQ(r.quality, 0);
}

TEST(PdqCore, DihedralOfTransposedImageMatchesFlipPlus1) {
  // Hashing the transposed luma must give the flipplus1 hash of the original (the DCT block of
  // a transposed image is the transposed block; no sign changes).
  const int n = 96;
  std::mt19937 rng(3);
  std::vector<float> img(n * n), t(n * n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      img[i * n + j] = static_cast<float>((i * 7 + j * 3 + rng() % 50) % 256);
    }
  }
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) t[j * n + i] = img[i * n + j];
  }
  std::vector<float> copy = img;
  PdqDihedralResult d = PdqDihedralFromLuma(copy.data(), n, n);
  PdqResult tr = PdqFromLuma(t.data(), n, n);
  EXPECT_LE(HammingDistance(tr.hash, d.hashes[static_cast<int>(Dihedral::kFlipPlus1)]), 4);
}

}  // namespace
}  // namespace tadamun::media
