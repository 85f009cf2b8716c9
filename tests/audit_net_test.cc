// The audit log between two nodes over real HTTP on loopback: node B witnesses node A's log
// (`audit trust`, A's `audit cosign` to B's add-checkpoint endpoint, the cosignature stored in
// A's checkpoint) and watches it (`audit watch`: first sight, growth after an import), and the
// /audit/ endpoints refuse callers without a member token.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "cli_runner.h"
#include "node/server.h"

namespace tadamun {
namespace {

namespace fs = std::filesystem;
using testing_cli::CliResult;

class AuditNetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/audit_net_test_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    for (auto& s : servers_) s->Stop();
    for (auto& t : threads_) t.join();
    fs::remove_all(dir_);
  }
  CliResult Run(const std::string& args) { return testing_cli::RunTadamun(args, dir_); }
  std::string Node(const std::string& name) { return dir_ + "/" + name; }
  // Starts a node's server on a free loopback port; returns its base URL.
  std::string Serve(const std::string& name) {
    auto server = node::NodeServer::Create(Node(name), {.port = 0, .worker_threads = 2});
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    if (!server.ok()) return "";
    servers_.push_back(std::move(*server));
    node::NodeServer* s = servers_.back().get();
    threads_.emplace_back([s] { (void)s->Serve(); });
    return s->BaseUrl();
  }
  // `member add` on `node`, the token written to a 0600 file; returns the file's path.
  std::string TokenFile(const std::string& node, const std::string& member) {
    CliResult r = Run("member add " + member + " --node " + Node(node));
    EXPECT_EQ(r.code, 0) << r.err;
    std::string path = dir_ + "/" + member + "@" + node + ".token";
    std::ofstream(path) << r.out;
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
    return path;
  }
  std::string Key(const std::string& node) {
    CliResult r = Run("key show --node " + Node(node));
    EXPECT_EQ(r.code, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  }

  std::string dir_;
  std::vector<std::unique_ptr<node::NodeServer>> servers_;
  std::vector<std::thread> threads_;
};

TEST_F(AuditNetTest, WitnessCosignAndWatchOverHttp) {
  ASSERT_EQ(Run("init --node " + Node("a") + " --name node-a.example").code, 0);
  ASSERT_EQ(Run("init --node " + Node("b") + " --name node-b.example").code, 0);
  const std::string b_on_a = TokenFile("a", "node-b");  // B's token on A
  const std::string a_on_b = TokenFile("b", "node-a");  // A's token on B
  const std::string key_a = Key("a");
  const std::string key_b = Key("b");
  CliResult trust = Run("audit trust '" + key_a + "' --node " + Node("b"));
  ASSERT_EQ(trust.code, 0) << trust.err;
  const std::string url_a = Serve("a");
  const std::string url_b = Serve("b");
  ASSERT_FALSE(url_a.empty());
  ASSERT_FALSE(url_b.empty());

  // A asks B to witness its log; the cosignature ends up in A's checkpoint.
  CliResult cosign = Run("audit cosign " + url_b + "/audit/ --witness '" + key_b +
                         "' --token-file " + a_on_b + " --node " + Node("a"));
  ASSERT_EQ(cosign.code, 0) << cosign.out << cosign.err;
  EXPECT_NE(cosign.out.find("node-b.example cosigned"), std::string::npos) << cosign.out;
  CliResult checkpoint = Run("audit checkpoint --node " + Node("a"));
  EXPECT_NE(checkpoint.out.find("— node-b.example "), std::string::npos) << checkpoint.out;

  // B watches A: first sight, unchanged, then growth after an import on A.
  const std::string watch =
      "audit watch " + url_a + "/audit/ --token-file " + b_on_a + " --node " + Node("b");
  CliResult first = Run(watch);
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_NE(first.out.find("node-a.example: first-seen"), std::string::npos) << first.out;
  EXPECT_NE(Run(watch).out.find("unchanged"), std::string::npos);
  ASSERT_EQ(Run("import --node " + Node("a") + " " + std::string(TADAMUN_SOURCE_DIR) +
                "/demo/demo-bundle.json")
                .code,
            0);
  CliResult grew = Run(watch);
  ASSERT_EQ(grew.code, 0) << grew.err;
  EXPECT_NE(grew.out.find("grew"), std::string::npos) << grew.out;

  // A second cosign goes from the size B holds, with a consistency proof.
  cosign = Run("audit cosign " + url_b + "/audit/ --witness '" + key_b + "' --token-file " +
               a_on_b + " --node " + Node("a"));
  ASSERT_EQ(cosign.code, 0) << cosign.out << cosign.err;

  // No token, or a token of another node: 401, and nothing stored.
  CliResult anonymous =
      Run("audit watch " + url_a + "/audit/ --key '" + key_a + "' --node " + Node("b"));
  EXPECT_EQ(anonymous.code, 1);
  EXPECT_NE(anonymous.err.find("401"), std::string::npos) << anonymous.err;
  CliResult wrong = Run("audit cosign " + url_b + "/audit/ --witness '" + key_b +
                        "' --token-file " + b_on_a + " --node " + Node("a"));
  EXPECT_EQ(wrong.code, 1);
  EXPECT_NE(wrong.err.find("401"), std::string::npos) << wrong.err;
  // B does not witness logs it was not told to trust: A's key is not B's own.
  CliResult self = Run("audit cosign " + url_a + "/audit/ --witness '" + key_a +
                       "' --token-file " + b_on_a + " --node " + Node("b"));
  EXPECT_EQ(self.code, 1);
  EXPECT_NE(self.err.find("404"), std::string::npos) << self.err;
}

}  // namespace
}  // namespace tadamun
