// The sweep end to end on the files of tests/data/sweep/ (golden hits, reviewed by hand; the
// Zeek samples cross-checked with awk, see tests/data/sweep/README.md), bad input (binary,
// invalid UTF-8, truncated gzip, unreadable and missing files, long lines), the indicator set
// (revoked, expired, unusable, pattern engine) and the observed-data of an event.
#include "match/sweep.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "match/event_observation.h"
#include "pattern/check.h"

namespace tadamun::match {
namespace {

namespace fs = std::filesystem;
const std::string kData = std::string(TADAMUN_TEST_DATA_DIR) + "/sweep";

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

IndicatorSet LoadIndicators() {
  auto doc = json::Parse(Read(kData + "/indicators.json"));
  EXPECT_TRUE(doc.ok()) << doc.status().message();
  IndicatorSet::Builder b(*Timestamp::Parse("2026-01-01T00:00:00Z"));
  for (const json::Value& o : doc->Find("objects")->items()) b.Add(o);
  return std::move(b).Build();
}

std::string HitLine(const std::vector<InputFile>& files, const IndicatorSet& set, const SweepHit& h) {
  json::Value o = json::Value::Object();
  o.Set("file", json::Value::String(fs::path(files[h.file].path).filename().string()));
  o.Set("line", json::Value::Int(static_cast<int64_t>(h.line)));
  o.Set("field", json::Value::String(h.field));
  o.Set("value", json::Value::String(h.value));
  o.Set("indicator_id", json::Value::String(set.indicators()[h.indicator].id));
  return json::ToJson(o);
}

TEST(Sweep, IndicatorSetSortsEveryIndicator) {
  IndicatorSet set = LoadIndicators();
  const IndicatorCounts& c = set.counts();
  EXPECT_EQ(c.indicators, 17u);
  EXPECT_EQ(c.revoked, 1u);
  EXPECT_EQ(c.expired, 1u);
  EXPECT_EQ(c.indexed, 12u);
  EXPECT_EQ(c.fallback, 2u);  // LIKE, network-traffic AND
  ASSERT_EQ(set.unusable().size(), 1u);
  EXPECT_EQ(set.unusable()[0].id, "indicator--00000000-0000-4000-8000-000000000014");
  EXPECT_NE(set.unusable()[0].reason.find("needs 2 observations"), std::string::npos);
  EXPECT_EQ(c.indexed + c.fallback + c.unusable + c.revoked + c.expired, c.indicators);
}

// The store's compact JSON through the scanner path gives the same set as the DOM path.
TEST(Sweep, IndicatorSetFromJsonTextEqualsFromDom) {
  auto doc = json::Parse(Read(kData + "/indicators.json"));
  ASSERT_TRUE(doc.ok());
  const Timestamp now = *Timestamp::Parse("2026-01-01T00:00:00Z");
  IndicatorSet::Builder a(now), b(now);
  for (const json::Value& o : doc->Find("objects")->items()) {
    json::Value nested = o;  // a nested "name" and "pattern" must not be taken for the object's
    json::Value ext = json::Value::Object();
    ext.Set("name", json::Value::String("not the name"));
    ext.Set("pattern", json::Value::String("[x:y = 'z']"));
    nested.Set("x_ext", std::move(ext));
    a.Add(nested);
    b.AddJson(json::ToJson(nested));
  }
  b.AddJson("{not json");
  IndicatorSet sa = std::move(a).Build(), sb = std::move(b).Build();
  ASSERT_EQ(sa.indicators().size(), sb.indicators().size());
  for (size_t i = 0; i < sa.indicators().size(); ++i) {
    EXPECT_EQ(sa.indicators()[i].id, sb.indicators()[i].id);
    EXPECT_EQ(sa.indicators()[i].name, sb.indicators()[i].name);
  }
  EXPECT_EQ(sa.counts().indexed, sb.counts().indexed);
  EXPECT_EQ(sa.counts().fallback, sb.counts().fallback);
  EXPECT_EQ(sa.counts().revoked, sb.counts().revoked);
  EXPECT_EQ(sa.counts().expired, sb.counts().expired);
  EXPECT_EQ(sa.counts().index_entries, sb.counts().index_entries);
  EXPECT_EQ(sa.counts().unusable + 1, sb.counts().unusable);
  EXPECT_EQ(sb.unusable().back().reason.rfind("object does not parse", 0), 0u);
}

TEST(Sweep, GoldenHitsOnEveryFormat) {
  IndicatorSet set = LoadIndicators();
  std::vector<InputFile> files;
  std::vector<InputProblem> problems;
  ExpandInputs({kData + "/squid.log", kData + "/eve.json", kData + "/notes.txt", kData + "/app.jsonl",
                kData + "/zeek-dns.log.gz", kData + "/zeek-ssl.log", kData + "/zeek-dns.json"},
               &files, &problems);
  ASSERT_TRUE(problems.empty());
  for (int threads : {1, 2}) {
    std::string got;
    SweepOptions options;
    options.threads = threads;
    options.chunk_bytes = threads == 1 ? 0 : 5000;  // cuts zeek-ssl.log and zeek-dns.json into ranges
    SweepSummary s = Sweep(set, files, options, [&](const SweepHit& h) { got += HitLine(files, set, h) + "\n"; });
    EXPECT_EQ(got, Read(kData + "/expected.jsonl")) << "threads " << threads;
    EXPECT_EQ(s.malformed_lines, 2u);  // squid.log:7, eve.json:6
    EXPECT_EQ(s.files[0].format, LogFormat::kSquid);
    EXPECT_EQ(s.files[1].format, LogFormat::kEve);
    EXPECT_EQ(s.files[2].format, LogFormat::kText);
    EXPECT_EQ(s.files[3].format, LogFormat::kJsonLines);
    EXPECT_EQ(s.files[4].format, LogFormat::kZeekTsv);
    EXPECT_EQ(s.files[5].format, LogFormat::kZeekTsv);
    EXPECT_EQ(s.files[6].format, LogFormat::kZeekJson);
    EXPECT_EQ(s.files[4].lines, 209u);
    EXPECT_EQ(s.files[6].lines, 100u);
  }
}

TEST(Sweep, BadInputIsCountedAndTheSweepGoesOn) {
  const std::string dir = fs::temp_directory_path() / ("sweep_bad_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string binary;
  for (int i = 0; i < 5000; ++i) binary += static_cast<char>((i * 7919) % 256);
  std::ofstream(dir + "/1-binary.bin", std::ios::binary) << binary << "\nevil.com\n";
  std::ofstream(dir + "/2-utf8.log", std::ios::binary) << "caf\xc3 evil.com\n\xff\xfe 1.2.3.4\nok\n";
  std::ofstream(dir + "/3-long.log", std::ios::binary) << std::string(300000, 'x') << " evil.com\nevil.com\n";
  std::string gz = Read(kData + "/zeek-dns.log.gz");
  std::ofstream(dir + "/4-cut.log.gz", std::ios::binary) << gz.substr(0, gz.size() * 2 / 3);
  IndicatorSet set = LoadIndicators();
  std::vector<InputFile> files;
  std::vector<InputProblem> problems;
  ExpandInputs({dir, dir + "/missing.log"}, &files, &problems);
  ASSERT_EQ(files.size(), 4u);
  ASSERT_EQ(problems.size(), 1u);
  SweepOptions options;
  options.reader.max_line_bytes = 100000;
  std::vector<std::string> hits;
  SweepSummary s = Sweep(set, files, options, [&](const SweepHit& h) {
    hits.push_back(fs::path(files[h.file].path).filename().string() + ":" + std::to_string(h.line) + " " + h.value);
  });
  EXPECT_GE(s.nul_lines, 1u);
  EXPECT_EQ(s.invalid_utf8_lines, 2u);
  EXPECT_EQ(s.long_lines, 1u);
  EXPECT_EQ(s.files_failed, 1u);
  EXPECT_EQ(s.files[3].status.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.files[2].notes.at(0).find("3-long.log:1: line of 300009 bytes is longer than the limit of 100000"),
            std::string::npos)
      << s.files[2].notes.at(0);
  // The lines around the bad ones were still swept.
  EXPECT_NE(std::find(hits.begin(), hits.end(), "2-utf8.log:1 evil.com"), hits.end());
  EXPECT_NE(std::find(hits.begin(), hits.end(), "2-utf8.log:2 1.2.3.4"), hits.end());
  EXPECT_NE(std::find(hits.begin(), hits.end(), "3-long.log:2 evil.com"), hits.end());
  EXPECT_GT(s.files[3].lines, 10u);  // the part of the gzip stream before the cut
  fs::remove_all(dir);
}

TEST(Sweep, EventBundleMapsFieldsToScos) {
  std::vector<EventField> fields = {{"id.orig_h", "10.0.0.1", true},   {"id.orig_p", "5353", false},
                                    {"id.resp_h", "2001:db8::1", true}, {"id.resp_p", "53", false},
                                    {"proto", "UDP", true},             {"query", "www.Evil.com", true},
                                    {"msg", "see http://bad.example:8080/x from bob@evil.org", true}};
  json::Value b = EventBundle(fields, fields.size(), *Timestamp::Parse("2024-01-01T00:00:00Z"));
  std::multiset<std::string> got;
  for (const json::Value& o : b.Find("objects")->items()) {
    const std::string type = o.Find("type")->str();
    if (const json::Value* v = o.Find("value")) got.insert(type + " " + v->str());
    if (type == "network-traffic") {
      got.insert("nt " + std::to_string(*o.Find("src_port")->AsInt64()) + " " + std::to_string(*o.Find("dst_port")->AsInt64()) +
                 " " + o.Find("protocols")->items()[0].str());
      EXPECT_NE(o.Find("src_ref"), nullptr);
      EXPECT_NE(o.Find("dst_ref"), nullptr);
    }
  }
  EXPECT_EQ(got, (std::multiset<std::string>{"ipv4-addr 10.0.0.1", "ipv6-addr 2001:db8::1", "domain-name www.Evil.com",
                                             "url http://bad.example:8080/x", "domain-name bad.example",
                                             "email-addr bob@evil.org", "domain-name evil.org", "nt 5353 53 udp"}));
}

TEST(Sweep, PatternNeedles) {
  auto needles = [](std::string_view text) {
    auto p = pattern::ParseAndCheck(text);
    EXPECT_TRUE(p.ok()) << p.status().message();
    std::vector<std::string> n;
    bool always = false;
    PatternNeedles(*p, &n, &always);
    return always ? std::vector<std::string>{"(always)"} : n;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(needles("[url:value LIKE 'http://%/Gate.php%']"), V{"/gate.php"});
  EXPECT_EQ(needles("[domain-name:value = 'a' AND ipv4-addr:value ISSUBSET '10.0.0.0/8']"), V{"a"});
  EXPECT_EQ(needles("[domain-name:value = 'a' OR ipv4-addr:value ISSUBSET '10.0.0.0/8']"), V{"(always)"});
  EXPECT_EQ(needles("[domain-name:value != 'a']"), V{"(always)"});
  EXPECT_EQ(needles("[network-traffic:dst_port = 4444 AND network-traffic:src_port = 1]"), V{"4444"});  // the left side on a tie
  EXPECT_EQ(needles("[file:name MATCHES '^x.*']"), V{"(always)"});
  EXPECT_EQ(needles("[domain-name:value IN ('B', 'a')] OR [url:value = 'c'] WITHIN 5 SECONDS"), (V{"a", "b", "c"}));
}

}  // namespace
}  // namespace tadamun::match
