// The tadamun program end to end: commands, exit codes, messages, bad input (nothing stored),
// and a kill -9 in the middle of a large import (store exactly as before).
#include <gtest/gtest.h>

#include "cli_runner.h"
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace tadamun {
namespace {

namespace fs = std::filesystem;

using testing_cli::Slurp;
using Result = testing_cli::CliResult;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/cli_test_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    node_ = dir_ + "/node";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `tadamun ARGS` (ARGS is shell text) and captures its exit code and output.
  Result Run(const std::string& args, const std::string& input = "/dev/null") {
    return testing_cli::RunTadamun(args, dir_, {.stdin_path = input});
  }

  std::string Write(const std::string& name, const std::string& content) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // Number of stored versions, from `tadamun stats`.
  long Versions() {
    Result r = Run("stats --node " + node_);
    EXPECT_EQ(r.code, 0) << r.err;
    long n = testing_cli::StoredVersions(r.out);
    if (n < 0) ADD_FAILURE() << "no versions line in: " << r.out;
    return n;
  }


  std::string dir_, node_;
};

const std::string kDemo = std::string(TADAMUN_SOURCE_DIR) + "/demo/demo-bundle.json";

TEST_F(CliTest, HelpAndUsageErrors) {
  Result r = Run("--help");
  EXPECT_EQ(r.code, 0);
  for (const char* command : {"init", "import", "export", "get", "list", "validate", "stats"}) {
    EXPECT_NE(r.out.find(std::string("  ") + command + " "), std::string::npos) << command;
    Result help = Run(std::string(command) + " --help");
    EXPECT_EQ(help.code, 0) << command;
    EXPECT_NE(help.out.find("--node DIR"), std::string::npos) << command;
  }
  EXPECT_EQ(Run("frobnicate").code, 2);
  r = Run("import --node " + node_ + " --bogus x");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown flag --bogus"), std::string::npos);
  r = Run("stats --node " + node_);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("tadamun init"), std::string::npos) << r.err;
}

TEST_F(CliTest, DemoNodeImportListGetExportStats) {
  ASSERT_EQ(Run("init --node " + node_ + " --name cert-test").code, 0);
  EXPECT_EQ(Run("init --node " + node_).code, 1);  // already a node
  Result r = Run("import --node " + node_ + " " + kDemo);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("imported 37 objects (37 added"), std::string::npos) << r.out;
  r = Run("import --node " + node_ + " " + kDemo);  // again: a no-op
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("(0 added, 37 already stored)"), std::string::npos) << r.out;
  EXPECT_EQ(Versions(), 37);

  r = Run("list --node " + node_ + " --type indicator");
  ASSERT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("DuneLoader C2 domain"), std::string::npos);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 13);  // header + 12 indicators

  const std::string two_versions = "indicator--ca24790f-d4d5-5e9a-9cd3-0a16d72f4954";
  r = Run("get --node " + node_ + " " + two_versions);
  ASSERT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("\"confidence\": 90"), std::string::npos);  // latest version
  r = Run("get --node " + node_ + " --version first " + two_versions);
  EXPECT_EQ(r.out.find("\"confidence\": 90"), std::string::npos);
  r = Run("get --node " + node_ + " --version all " + two_versions);
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(Run("get --node " + node_ + " --version sometime " + two_versions).code, 2);
  EXPECT_EQ(Run("get --node " + node_ + " indicator--00000000-0000-4000-8000-000000000000").code, 1);

  // Export everything, validate it, and import it into a second node: same content.
  r = Run("export --node " + node_ + " --version all");
  ASSERT_EQ(r.code, 0);
  std::string exported = Write("export.json", r.out);
  EXPECT_EQ(Run("validate " + exported).code, 0);
  std::string other = dir_ + "/other";
  ASSERT_EQ(Run("init --node " + other).code, 0);
  r = Run("import --node " + other + " " + exported);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("37 added"), std::string::npos);
  r = Run("export --node " + node_ + " --type malware --type threat-actor");
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '{'), 3 + 0) << r.out;  // bundle + 2 objects

  r = Run("stats --node " + node_);
  EXPECT_NE(r.out.find("indicator                12"), std::string::npos) << r.out;
}

TEST_F(CliTest, ImportFromStdinAndIntoACollection) {
  ASSERT_EQ(Run("init --node " + node_).code, 0);
  Result r = Run("collection create --node " + node_ + " Partners --id 3f0e8a1c-52b7-4c1d-9e2f-7a6b5c4d3e2f");
  ASSERT_EQ(r.code, 0) << r.err;
  r = Run("import --node " + node_ + " --collection 3f0e8a1c-52b7-4c1d-9e2f-7a6b5c4d3e2f -", kDemo);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("<stdin>: imported 37 objects"), std::string::npos) << r.out;
  r = Run("list --node " + node_ + " --collection 3f0e8a1c-52b7-4c1d-9e2f-7a6b5c4d3e2f --type malware");
  EXPECT_NE(r.out.find("DuneLoader"), std::string::npos) << r.out;
  r = Run("import --node " + node_ + " --collection nope " + kDemo);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no collection nope"), std::string::npos) << r.err;
}

constexpr const char* kIndicator =
    R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"ok","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"})";

std::string BundleOf(const std::string& objects) {
  return "{\"type\": \"bundle\", \"id\": \"bundle--0b9a4a5c-3f7e-4d3c-8a1b-2c3d4e5f6a7b\",\n"
         "\"objects\": [\n" + objects + "\n]}\n";
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  s.replace(s.find(from), from.size(), to);
  return s;
}

TEST_F(CliTest, BadInputIsRejectedClearlyAndNothingIsStored) {
  ASSERT_EQ(Run("init --node " + node_).code, 0);
  struct Case {
    const char* name;
    std::string content;
    std::vector<std::string> expected;  // substrings of stderr
  };
  std::string ok(kIndicator);
  std::string deep = "{\"type\":\"bundle\",\"id\":\"bundle--0b9a4a5c-3f7e-4d3c-8a1b-2c3d4e5f6a7b\",\"objects\":[" +
                     Replace(ok, "\"name\":\"ok\"", "\"name\":\"ok\",\"x_deep\":" + std::string(100, '[') +
                     std::string(100, ']')) + "]}";
  std::vector<Case> cases = {
      {"malformed", BundleOf(ok + ",\n{\"type\": }"), {"line 4, column", "nothing was stored"}},
      {"wrong_type", BundleOf(Replace(ok, "\"name\":\"ok\"", "\"name\":\"ok\",\"confidence\":\"high\"")),
       {":3:", "/objects/0/confidence"}},
      {"missing_required", BundleOf(Replace(ok, ",\"pattern_type\":\"stix\"", "")),
       {"/objects/0", "pattern_type"}},
      {"bad_id", BundleOf(Replace(ok, "indicator--8e2e", "indicator-8e2e")), {"/objects/0/id"}},
      {"bad_timestamp", BundleOf(Replace(ok, "\"valid_from\":\"2026-01-01T00:00:00Z\"", "\"valid_from\":\"2026-01-01 00:00:00\"")),
       {"/objects/0/valid_from", "invalid timestamp"}},
      {"modified_before_created", BundleOf(Replace(ok, "\"modified\":\"2026-01-01", "\"modified\":\"2025-01-01")),
       {"/objects/0/modified"}},
      {"same_id_twice", BundleOf(ok + ",\n" + Replace(ok, "\"name\":\"ok\"", "\"name\":\"changed\"")),
       {"/objects/1", "twice"}},
      {"invalid_utf8", BundleOf(Replace(ok, "\"name\":\"ok\"", "\"name\":\"o\xff\"")), {"invalid UTF-8", "line 3"}},
      {"too_deep", deep, {"nesting deeper than the limit"}},
      {"bad_pattern", BundleOf(Replace(ok, "198.51.100.1']", "198.51.100.1'")),
       {"/objects/0/pattern", "invalid STIX pattern: column"}},
  };
  for (const Case& c : cases) {
    std::string path = Write(std::string(c.name) + ".json", c.content);
    Result r = Run("import --node " + node_ + " " + path);
    EXPECT_EQ(r.code, 1) << c.name << "\n" << r.out << r.err;
    for (const std::string& e : c.expected) {
      EXPECT_NE(r.err.find(e), std::string::npos) << c.name << ": expected '" << e << "' in:\n" << r.err;
    }
    EXPECT_EQ(Versions(), 0) << c.name;
    Result v = Run("validate " + path);
    EXPECT_EQ(v.code, 1) << c.name;
  }
  // The same indicator alone is fine (the cases above fail for their own reason).
  Result r = Run("import --node " + node_ + " " + Write("ok.json", BundleOf(ok)));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Versions(), 1);
}

TEST_F(CliTest, FileOverTheConfiguredLimitIsRefused) {
  ASSERT_EQ(Run("init --node " + node_).code, 0);
  std::ofstream(node_ + "/config.json") << R"({"name": "small", "max_import_bytes": 1000})";
  Result r = Run("import --node " + node_ + " " + kDemo);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("over the limit of 1000 bytes"), std::string::npos) << r.err;
  EXPECT_EQ(Versions(), 0);
}

TEST_F(CliTest, KillDuringLargeImportLeavesTheStoreAsBefore) {
  ASSERT_EQ(Run("init --node " + node_).code, 0);
  ASSERT_EQ(Run("import --node " + node_ + " " + kDemo).code, 0);
  const long before = Versions();
  std::string big = dir_ + "/big.json";
  std::string gen = std::string(TADAMUN_GEN_BUNDLE) + " --objects 150000 --seed 3 > " + big;
  ASSERT_EQ(std::system(gen.c_str()), 0);

  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execl(TADAMUN_CLI, TADAMUN_CLI, "import", "--node", node_.c_str(), big.c_str(), nullptr);
    _exit(127);
  }
  // Kill once the import has started writing (its WAL grows), or after a while.
  const std::string wal = node_ + "/node.db-wal";
  auto start = std::chrono::steady_clock::now();
  bool writing = false;
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(20)) {
    struct stat st;
    if (::stat(wal.c_str(), &st) == 0 && st.st_size > (8 << 20)) {
      writing = true;
      break;
    }
    int status;
    if (waitpid(child, &status, WNOHANG) == child) FAIL() << "import finished before the kill";
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(writing) << "the import never started writing";
  ASSERT_EQ(kill(child, SIGKILL), 0);
  int status;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));

  EXPECT_EQ(Versions(), before);
  Result r = Run("get --node " + node_ + " indicator--ca24790f-d4d5-5e9a-9cd3-0a16d72f4954");
  EXPECT_EQ(r.code, 0);
  // The node keeps working: the same big import now succeeds.
  r = Run("import --node " + node_ + " " + big);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Versions(), before + 150000);
}

}  // namespace
}  // namespace tadamun
