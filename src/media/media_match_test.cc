#include "media/media_match.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <unistd.h>

#include "media/hasher.h"

namespace tadamun::media {
namespace {

std::string Data(const std::string& rel) {
  return std::string(TADAMUN_TEST_DATA_DIR) + "/pdq/" + rel;
}

PdqHash HashOf(const std::string& rel) {
  StatusOr<ImageHashResult> r = HashImageFile(Data(rel), HashOptions{});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r->hash() : PdqHash{};
}

TEST(PdqMatcher, FindsEditedAndRotatedCopiesAndSkipsLowQualityRecords) {
  std::vector<PdqIndicatorRecord> records = {
      {"indicator--a", "bridge", HashOf("bridge-mods/aaa-orig.jpg"), 100},
      {"indicator--b", "labelme 122", HashOf("reg-test-input/labelme-subset/q0122.jpg"), 100},
      {"indicator--c", "flat", HashOf("reg-test-input/labelme-subset/q0003.jpg"), 3},
      {"indicator--d", "no quality given", HashOf("reg-test-input/labelme-subset/q1050.jpg"), -1},
  };
  PdqMatcher matcher = PdqMatcher::Build(records, MatcherOptions{});
  EXPECT_EQ(matcher.skipped_low_quality(), 1u);
  EXPECT_EQ(matcher.size(), 3u);

  HashOptions dih;
  dih.dihedral = true;
  // An edited copy (blur) matches the bridge record.
  StatusOr<ImageHashResult> blur = HashImageFile(Data("bridge-mods/blur-a-lot.jpg"), dih);
  ASSERT_TRUE(blur.ok());
  std::vector<PdqMatch> m = matcher.Match(blur->pdq);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(matcher.record(m[0].record).indicator_id, "indicator--a");
  EXPECT_EQ(m[0].transform, Dihedral::kOriginal);
  EXPECT_EQ(m[0].distance, HammingDistance(blur->hash(), records[0].hash));
  // The rotated file matches only through its dihedral hashes.
  StatusOr<ImageHashResult> rot = HashImageFile(Data("reg-test-input/dih/bridge-2-rotate-90.jpg"), dih);
  ASSERT_TRUE(rot.ok());
  EXPECT_GT(HammingDistance(rot->hash(), records[0].hash), 31);
  m = matcher.Match(rot->pdq);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(matcher.record(m[0].record).indicator_id, "indicator--a");
  EXPECT_NE(m[0].transform, Dihedral::kOriginal);
  // Without dihedral queries it does not match.
  MatcherOptions plain;
  plain.dihedral = false;
  EXPECT_TRUE(PdqMatcher::Build(records, plain).Match(rot->pdq).empty());
  // Matching several images in one pass gives what matching them one by one gives.
  std::vector<PdqDihedralResult> batch = {blur->pdq, rot->pdq, blur->pdq};
  std::vector<std::vector<PdqMatch>> many = matcher.MatchMany(batch);
  ASSERT_EQ(many.size(), 3u);
  for (size_t i = 0; i < batch.size(); ++i) {
    std::vector<PdqMatch> one = matcher.Match(batch[i]);
    ASSERT_EQ(many[i].size(), one.size());
    for (size_t k = 0; k < one.size(); ++k) {
      EXPECT_EQ(many[i][k].record, one[k].record);
      EXPECT_EQ(many[i][k].distance, one[k].distance);
      EXPECT_EQ(many[i][k].transform, one[k].transform);
    }
  }
  // The unknown-quality record is indexed.
  StatusOr<ImageHashResult> q1050 = HashImageFile(Data("reg-test-input/labelme-subset/q1050.jpg"), dih);
  ASSERT_TRUE(q1050.ok());
  m = matcher.Match(q1050->pdq);
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(matcher.record(m[0].record).indicator_id, "indicator--d");
  EXPECT_EQ(m[0].distance, 0);
}

TEST(PdqMatcher, SaveOpenRoundTripAndStaleRecordsAreRefused) {
  std::mt19937_64 rng(4);
  std::vector<PdqIndicatorRecord> records;
  for (int i = 0; i < 300; ++i) {
    PdqHash h;
    for (auto& b : h.bytes) b = static_cast<uint8_t>(rng());
    records.push_back({"indicator--" + std::to_string(i), "n" + std::to_string(i), h, 60 + i % 41});
  }
  PdqMatcher matcher = PdqMatcher::Build(records, MatcherOptions{});
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("matcher." + std::to_string(::getpid()) + ".idx"))
                               .string();
  ASSERT_TRUE(matcher.Save(path).ok());
  StatusOr<PdqMatcher> opened = PdqMatcher::Open(path, MatcherOptions{});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ASSERT_EQ(opened->size(), 300u);
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(opened->record(i).indicator_id, records[i].indicator_id);
    EXPECT_EQ(opened->record(i).quality, records[i].quality);
  }
  PdqDihedralResult query;
  query.hashes.fill(records[123].hash);
  std::vector<PdqMatch> m = opened->Match(query);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(opened->record(m[0].record).indicator_id, "indicator--123");
  // An opened matcher saves back the same records.
  ASSERT_TRUE(opened->Save(path + ".again").ok());
  StatusOr<PdqMatcher> again = PdqMatcher::Open(path + ".again", MatcherOptions{});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_EQ(again->size(), 300u);
  EXPECT_EQ(again->record(299).name, "n299");
  // A records file from another index is refused.
  records.pop_back();
  ASSERT_TRUE(PdqMatcher::Build(records, MatcherOptions{}).Save(path + ".other").ok());
  std::filesystem::copy_file(path + ".other.records", path + ".records",
                             std::filesystem::copy_options::overwrite_existing);
  EXPECT_EQ(PdqMatcher::Open(path, MatcherOptions{}).status().code(), StatusCode::kDataLoss);
  for (const char* suffix : {"", ".records", ".other", ".other.records", ".again", ".again.records"}) {
    std::filesystem::remove(path + suffix);
  }
}

}  // namespace
}  // namespace tadamun::media
