#include "media/pdq_stix.h"

#include <gtest/gtest.h>

#include "media/media_match.h"

namespace tadamun::media {
namespace {

const char kHex[] = "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22";
const char kHex2[] = "30a10efdf1c83f429013d48d0ffffc52e34e0e35ada952a9d29605215aa9e5af";

json::Value ParseOrDie(const std::string& text) {
  StatusOr<json::Value> v = json::Parse(text);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : json::Value();
}

std::vector<std::string> HexesOf(const std::string& object_json) {
  StatusOr<std::vector<StixPdqHash>> r = ExtractPdqHashes(ParseOrDie(object_json));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> out;
  if (r.ok()) {
    for (const auto& h : *r) out.push_back(FormatHex(h.hash));
  }
  return out;
}

std::string Indicator(const std::string& pattern, const std::string& extra = "") {
  std::string escaped;
  for (char c : pattern) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z","pattern":")" +
         escaped + "\"" + extra + "}";
}

TEST(PdqStix, BuildThenExtractRoundTrips) {
  PdqIndicatorSpec spec;
  spec.hash = *ParseHex(kHex);
  spec.quality = 87;
  spec.id = "indicator--00000000-0000-4000-8000-000000000001";
  spec.name = "propaganda poster.jpg";
  spec.created = *Timestamp::Parse("2026-01-02T03:04:05.678Z");
  json::Value ind = MakePdqIndicator(spec);
  EXPECT_EQ(ind.Find("pattern")->str(), std::string("[file:hashes.PDQ = '") + kHex + "']");
  EXPECT_EQ(ind.Find("pattern_type")->str(), "stix");
  EXPECT_EQ(ind.Find("valid_from")->str(), "2026-01-02T03:04:05.678Z");
  StatusOr<std::vector<StixPdqHash>> back = ExtractPdqHashes(ind);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].hash, spec.hash);
  EXPECT_EQ((*back)[0].quality, 87);
  // And it survives a JSON round trip.
  StatusOr<std::vector<StixPdqHash>> reparsed = ExtractPdqHashes(ParseOrDie(json::ToJson(ind)));
  ASSERT_TRUE(reparsed.ok());
  EXPECT_EQ(reparsed->size(), 1u);
}

TEST(PdqStix, PatternForms) {
  const std::string h1 = kHex, h2 = kHex2;
  EXPECT_EQ(HexesOf(Indicator("[file:hashes.PDQ = '" + h1 + "']")), std::vector<std::string>{h1});
  EXPECT_EQ(HexesOf(Indicator("[file:hashes.'PDQ'='" + h1 + "']")), std::vector<std::string>{h1});
  EXPECT_EQ(HexesOf(Indicator("[file:hashes.pdq = '" + h1 + "'] OR [file:hashes.PDQ = '" + h2 + "']")),
            (std::vector<std::string>{h1, h2}));
  EXPECT_EQ(HexesOf(Indicator("[file:hashes.PDQ IN ('" + h1 + "', '" + h2 + "')]")),
            (std::vector<std::string>{h1, h2}));
  // Upper-case hex is accepted and normalised.
  std::string upper = h1;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  EXPECT_EQ(HexesOf(Indicator("[file:hashes.PDQ = '" + upper + "']")), std::vector<std::string>{h1});
}

TEST(PdqStix, IgnoresWhatIsNotAPdqAssertion) {
  const std::string h1 = kHex;
  EXPECT_TRUE(HexesOf(Indicator("[file:hashes.'SHA-256' = '" + h1 + "']")).empty());
  EXPECT_TRUE(HexesOf(Indicator("[file:hashes.PDQ != '" + h1 + "']")).empty());
  EXPECT_TRUE(HexesOf(Indicator("[file:name = 'file:hashes.PDQ = \\'" + h1 + "\\'']")).empty());
  EXPECT_TRUE(HexesOf(R"({"type":"indicator","id":"indicator--1","pattern_type":"sigma","pattern":"file:hashes.PDQ = 'x'"})").empty());
  EXPECT_TRUE(HexesOf(R"({"type":"malware","id":"malware--1","name":"x"})").empty());
  EXPECT_TRUE(HexesOf("[1,2]").empty());
}

TEST(PdqStix, BadPdqValueIsAnErrorNamingTheObject) {
  StatusOr<std::vector<StixPdqHash>> r =
      ExtractPdqHashes(ParseOrDie(Indicator("[file:hashes.PDQ = 'abc']")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("indicator--8e2e2d2b"), std::string::npos);
  EXPECT_FALSE(ExtractPdqHashes(ParseOrDie(Indicator("[file:hashes.PDQ = ]"))).ok());
}

TEST(PdqStix, FileObservableAndObservedData) {
  const std::string h1 = kHex, h2 = kHex2;
  EXPECT_EQ(HexesOf(R"({"type":"file","id":"file--1","hashes":{"SHA-256":"aa","PDQ":")" + h1 +
                    R"("},"x_tadamun_pdq_quality":90})"),
            std::vector<std::string>{h1});
  EXPECT_EQ(HexesOf(R"({"type":"observed-data","id":"observed-data--1","objects":{"0":{"type":"file","hashes":{"PDQ":")" +
                    h2 + R"("}},"1":{"type":"ipv4-addr","value":"1.2.3.4"}}})"),
            std::vector<std::string>{h2});
  StatusOr<std::vector<StixPdqHash>> q = ExtractPdqHashes(ParseOrDie(
      R"({"type":"file","id":"file--1","hashes":{"PDQ":")" + h1 + R"("},"x_tadamun_pdq_quality":90})"));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ((*q)[0].quality, 90);
}

TEST(PdqStix, RecordsSkipRevokedIndicators) {
  std::vector<PdqIndicatorRecord> records;
  ASSERT_TRUE(AppendRecordsFromStix(
                  ParseOrDie(Indicator(std::string("[file:hashes.PDQ = '") + kHex + "']",
                                       R"(,"name":"poster","x_tadamun_pdq_quality":77)")),
                  &records)
                  .ok());
  ASSERT_TRUE(AppendRecordsFromStix(
                  ParseOrDie(Indicator(std::string("[file:hashes.PDQ = '") + kHex2 + "']",
                                       R"(,"revoked":true)")),
                  &records)
                  .ok());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].name, "poster");
  EXPECT_EQ(records[0].quality, 77);
  EXPECT_EQ(records[0].indicator_id, "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
}

}  // namespace
}  // namespace tadamun::media
