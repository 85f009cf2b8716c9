// `tadamun sweep` end to end on tests/data/sweep: exit codes, jsonl output equal to the golden
// hits (expected.jsonl, checked as its README says), stdin, the summary, a bundle of sightings
// that --record stores in the node, usage errors.
#include <gtest/gtest.h>

#include "cli_runner.h"
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "json/json.h"

namespace tadamun {
namespace {

namespace fs = std::filesystem;
const std::string kData = std::string(TADAMUN_TEST_DATA_DIR) + "/sweep";

using testing_cli::Slurp;
using Result = testing_cli::CliResult;

class SweepCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/sweep_cli_" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ASSERT_EQ(Run("init --node " + dir_ + "/node").code, 0);
    ASSERT_EQ(Run("import --node " + dir_ + "/node " + kData + "/indicators.json").code, 0);
  }
  void TearDown() override { fs::remove_all(dir_); }
  Result Run(const std::string& args, const std::string& input = "/dev/null") {
    return testing_cli::RunTadamun(args, dir_, {.stdin_path = input, .shell_prefix = "cd " + kData + " &&"});
  }
  std::string Node() { return "--node " + dir_ + "/node"; }
  std::string dir_;
};

TEST_F(SweepCliTest, JsonlEqualsTheGoldenHits) {
  Result r = Run("sweep " + Node() +
                 " --format jsonl --threads 2 squid.log eve.json notes.txt app.jsonl zeek-dns.log.gz zeek-ssl.log zeek-dns.json");
  EXPECT_EQ(r.code, 1) << r.err;  // hits
  std::istringstream lines(r.out);
  std::string got;
  for (std::string line; std::getline(lines, line);) {
    auto o = json::Parse(line);
    ASSERT_TRUE(o.ok()) << line;
    for (const char* key : {"offset", "indicator_name"}) ASSERT_NE(o->Find(key), nullptr) << line;
    o->Erase("offset");
    o->Erase("indicator_name");
    got += json::ToJson(*o) + "\n";
  }
  EXPECT_EQ(got, Slurp(kData + "/expected.jsonl"));
  EXPECT_NE(r.err.find("sweep: 7 files"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2 by the pattern engine"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("skipped 1 revoked, 1 expired"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("squid.log:7: not a squid line"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not swept:\n  indicator--00000000-0000-4000-8000-000000000014"), std::string::npos) << r.err;
}

TEST_F(SweepCliTest, ExitCodesStdinAndErrors) {
  std::ofstream(dir_ + "/clean.log") << "nothing to see here 10.1.1.1\n";
  EXPECT_EQ(Run("sweep " + Node() + " " + dir_ + "/clean.log").code, 0);
  Result r = Run("sweep " + Node() + " --format jsonl -", kData + "/notes.txt");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("\"file\":\"-\",\"line\":1,"), std::string::npos) << r.out;
  r = Run("sweep " + Node() + " " + dir_ + "/clean.log " + dir_ + "/missing.log");
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("missing.log"), std::string::npos) << r.err;
  EXPECT_EQ(Run("sweep " + Node() + " --format xml notes.txt").code, 2);
  EXPECT_EQ(Run("sweep " + Node() + " --threads 0 notes.txt").code, 2);
  EXPECT_EQ(Run("sweep " + Node()).code, 2);
  EXPECT_EQ(Run("sweep " + Node() + " --collection nope notes.txt").code, 2);
}

TEST_F(SweepCliTest, CollectionRestrictsTheIndicators) {
  Result c = Run("collection create " + Node() + " only-one");
  ASSERT_EQ(c.code, 0) << c.err;
  std::string id = c.out.substr(0, c.out.find_first_of(" \n"));
  std::ofstream(dir_ + "/one.json") << R"({"type":"bundle","id":"bundle--00000000-0000-4000-8000-0000000000aa","objects":[)"
                                    << R"({"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-0000000000aa",)"
                                    << R"("created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","name":"only",)"
                                    << R"("pattern":"[ipv4-addr:value = '1.2.3.4']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}]})";
  ASSERT_EQ(Run("import " + Node() + " --collection " + id + " " + dir_ + "/one.json").code, 0);
  Result r = Run("sweep " + Node() + " --collection " + id + " --format jsonl notes.txt");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;  // notes.txt:1 1.2.3.4:8080 only
  EXPECT_NE(r.out.find("indicator--00000000-0000-4000-8000-0000000000aa"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("indicators: 1 swept"), std::string::npos) << r.err;
}

TEST_F(SweepCliTest, StixSightingsAndRecord) {
  Result r = Run("sweep " + Node() + " --format stix --record eve.json");
  ASSERT_EQ(r.code, 1) << r.err;
  auto bundle = json::Parse(r.out);
  ASSERT_TRUE(bundle.ok()) << r.out;
  std::map<std::string, const json::Value*> by_ref;
  for (const json::Value& s : bundle->Find("objects")->items()) {
    EXPECT_EQ(s.Find("type")->str(), "sighting");
    by_ref[s.Find("sighting_of_ref")->str()] = &s;
  }
  ASSERT_EQ(by_ref.size(), 6u);  // eve.json hits 6 indicators (expected.jsonl)
  const json::Value* evil = by_ref.at("indicator--00000000-0000-4000-8000-000000000001");
  EXPECT_EQ(*evil->Find("count")->AsInt64(), 2);  // lines 1 and 6
  EXPECT_EQ(evil->Find("first_seen")->str(), "2024-03-01T10:00:00.000000Z");  // line 1's timestamp
  const json::Value* v6 = by_ref.at("indicator--00000000-0000-4000-8000-000000000004");
  EXPECT_EQ(v6->Find("first_seen")->str(), "2024-03-01T09:00:01.000000Z");  // +0100 -> UTC
  EXPECT_NE(r.err.find("recorded 6 sightings"), std::string::npos) << r.err;
  Result list = Run("list " + Node() + " --type sighting");
  EXPECT_EQ(list.code, 0) << list.err;
  EXPECT_NE(list.out.find("sighting--"), std::string::npos) << list.out;
}

}  // namespace
}  // namespace tadamun
