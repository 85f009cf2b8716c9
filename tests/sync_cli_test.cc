// Node-to-node sync end to end on loopback: `tadamun serve` runs node A as a process, node B
// runs `tadamun pull` and `tadamun push` against it with a member's token, and the nodes'
// stores are compared (the reference: `tadamun export` of both).
#include <gtest/gtest.h>

#include "cli_runner.h"
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "json/json.h"

namespace tadamun {
namespace {

namespace fs = std::filesystem;

using testing_cli::Slurp;
using Result = testing_cli::CliResult;

class SyncCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/sync_cli_test_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    StopServe();
    fs::remove_all(dir_);
  }

  Result Run(const std::string& args, const std::string& env = "") {
    return testing_cli::RunTadamun(args, dir_, {.shell_prefix = env});
  }
  std::string Line(const std::string& text) { return text.substr(0, text.find('\n')); }

  // Starts `tadamun serve` for `node` on a free loopback port (with `extra` arguments);
  // returns the API root URL it prints.
  std::string Serve(const std::string& node, std::vector<std::string> extra = {}) {
    const std::string log = dir_ + "/serve.log";
    std::vector<std::string> args = {TADAMUN_CLI, "serve",    "--node",
                                     node,        "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    serve_pid_ = ::fork();
    if (serve_pid_ == 0) {
      std::FILE* f = std::fopen(log.c_str(), "w");
      if (f) {
        ::dup2(fileno(f), 1);
        ::dup2(fileno(f), 2);
      }
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(TADAMUN_CLI, argv.data());
      ::_exit(127);
    }
    for (int i = 0; i < 3000; ++i) {
      std::string text = Slurp(log);
      size_t at = text.find("://127.0.0.1:");
      if (at != std::string::npos) {
        size_t start = text.rfind(' ', at) + 1;
        size_t end = text.find("/taxii2/", at);
        if (end != std::string::npos) return text.substr(start, end - start) + "/taxii2/api/";
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "tadamun serve did not print its URL: " << Slurp(log);
    return "";
  }
  void StopServe() {
    if (serve_pid_ <= 0) return;
    ::kill(serve_pid_, SIGTERM);
    int status = 0;
    ::waitpid(serve_pid_, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    serve_pid_ = -1;
  }

  // "id@modified" of every version `tadamun export` writes for the node (optionally one
  // collection).
  std::multiset<std::string> Exported(const std::string& node, const std::string& collection) {
    Result r = Run("export --version all --node " + node +
                   (collection.empty() ? "" : " --collection " + collection));
    EXPECT_EQ(r.code, 0) << r.err;
    std::multiset<std::string> out;
    auto doc = json::Parse(r.out);
    EXPECT_TRUE(doc.ok());
    if (!doc.ok()) return out;
    for (const json::Value& o : doc->Find("objects")->items()) {
      const json::Value* modified = o.Find("modified");
      out.insert(o.Find("id")->str() + "@" + (modified ? modified->str() : ""));
    }
    return out;
  }

  std::string dir_;
  pid_t serve_pid_ = -1;
};

TEST_F(SyncCliTest, PullThenPushBetweenTwoNodesOverLoopback) {
  const std::string a = dir_ + "/a", b = dir_ + "/b";
  ASSERT_EQ(Run("init --node " + a + " --name node-a").code, 0);
  ASSERT_EQ(Run("init --node " + b + " --name node-b").code, 0);
  Result token = Run("member add --node " + a + " node-b");
  ASSERT_EQ(token.code, 0) << token.err;
  std::ofstream(dir_ + "/token") << token.out;  // the token file, as a partner would keep it
  Result shared = Run("collection create --node " + a + " shared --reader node-b");
  ASSERT_EQ(shared.code, 0) << shared.err;
  const std::string coll = Line(shared.out);
  Result inbox = Run("collection create --node " + a + " inbox --write-only node-b");
  ASSERT_EQ(inbox.code, 0) << inbox.err;
  const std::string inbox_id = Line(inbox.out);
  std::string gen = std::string(TADAMUN_GEN_BUNDLE) + " --objects 2500 >" + dir_ + "/g1.json";
  ASSERT_EQ(std::system(gen.c_str()), 0);
  ASSERT_EQ(Run("import --node " + a + " --collection " + coll + " " + dir_ + "/g1.json").code, 0);

  const std::string url = Serve(a);
  ASSERT_FALSE(url.empty());
  const std::string auth = " --token-file " + dir_ + "/token";

  // No token: 401, said clearly, nothing stored.
  Result anonymous = Run("pull --node " + b + " " + url + " --collection " + coll);
  EXPECT_EQ(anonymous.code, 1);
  EXPECT_NE(anonymous.err.find("HTTP 401"), std::string::npos) << anonymous.err;

  // Pull in two runs (the first stops after 2 pages of 1000): the second resumes.
  Result first = Run("pull --node " + b + " " + url + " --collection " + coll + auth +
                     " --max-pages 2 --batch 1");
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_NE(first.out.find("pulled 2,000 objects"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("more to pull"), std::string::npos) << first.out;
  Result status = Run("pull status --node " + b);
  ASSERT_EQ(status.code, 0) << status.err;
  EXPECT_NE(status.out.find(url + "collections/" + coll + "/"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("2,000 objects received"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("interrupted"), std::string::npos) << status.out;
  Result second = Run("pull --node " + b + " " + url + " --collection " + coll + auth);
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_NE(second.out.find("pulled 500 objects"), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("resumed"), std::string::npos) << second.out;
  EXPECT_EQ(Exported(b, coll), Exported(a, coll));
  status = Run("pull status --node " + b);
  EXPECT_NE(status.out.find("2,500 objects received"), std::string::npos) << status.out;
  EXPECT_EQ(status.out.find("interrupted"), std::string::npos) << status.out;

  // Idempotent: nothing new, nothing pulled; Basic auth works as well as Bearer.
  Result again =
      Run("pull --node " + b + " " + url + " --collection " + coll + auth + " --basic node-b");
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("pulled 0 objects"), std::string::npos) << again.out;

  // New objects on A while it serves: only they come, the token from $TADAMUN_TOKEN.
  gen = std::string(TADAMUN_GEN_BUNDLE) + " --objects 300 --seed 9 >" + dir_ + "/g2.json";
  ASSERT_EQ(std::system(gen.c_str()), 0);
  ASSERT_EQ(Run("import --node " + a + " --collection " + coll + " " + dir_ + "/g2.json").code, 0);
  Result more = Run("pull --node " + b + " " + url + " --collection " + coll,
                    "TADAMUN_TOKEN=$(cat " + dir_ + "/token)");
  ASSERT_EQ(more.code, 0) << more.err;
  EXPECT_EQ(Exported(b, coll), Exported(a, coll));

  // Push B's copy into A's inbox (write-only for node-b there), then compare.
  Result push =
      Run("push --node " + b + " " + url + " --collection " + inbox_id + " --from " + coll + auth);
  ASSERT_EQ(push.code, 0) << push.err << push.out;
  EXPECT_NE(push.out.find("0 failed, 0 pending"), std::string::npos) << push.out;
  EXPECT_EQ(Exported(a, inbox_id), Exported(b, coll));

  // Reading a collection it may only write to: refused by the server (403), said clearly.
  Result denied = Run("pull --node " + b + " " + url + " --collection " + inbox_id + auth);
  EXPECT_EQ(denied.code, 1);
  EXPECT_FALSE(denied.err.empty());
  // The token never appears in what the commands print.
  const std::string tok = Line(token.out);
  for (const Result* r : {&first, &second, &again, &more, &push, &denied}) {
    EXPECT_EQ(r->out.find(tok), std::string::npos);
    EXPECT_EQ(r->err.find(tok), std::string::npos);
  }
  StopServe();
}

TEST_F(SyncCliTest, HttpsVerifiesTheServerCertificate) {
  const std::string a = dir_ + "/a", b = dir_ + "/b";
  // A self-signed certificate for 127.0.0.1, made with the openssl command.
  std::string make_cert =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
      "-nodes -days 1 -subj /CN=127.0.0.1 -addext "
      "subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " +
      dir_ + "/key.pem -out " + dir_ + "/cert.pem >/dev/null 2>&1";
  ASSERT_EQ(std::system(make_cert.c_str()), 0);
  ASSERT_EQ(Run("init --node " + a).code, 0);
  ASSERT_EQ(Run("init --node " + b).code, 0);
  Result token = Run("member add --node " + a + " node-b");
  ASSERT_EQ(token.code, 0);
  std::ofstream(dir_ + "/token") << token.out;
  Result shared = Run("collection create --node " + a + " shared --reader node-b");
  const std::string coll = Line(shared.out);
  std::string gen = std::string(TADAMUN_GEN_BUNDLE) + " --objects 50 >" + dir_ + "/g.json";
  ASSERT_EQ(std::system(gen.c_str()), 0);
  ASSERT_EQ(Run("import --node " + a + " --collection " + coll + " " + dir_ + "/g.json").code, 0);
  const std::string url =
      Serve(a, {"--tls-cert", dir_ + "/cert.pem", "--tls-key", dir_ + "/key.pem"});
  ASSERT_EQ(url.rfind("https://", 0), 0u) << url;
  const std::string pull =
      "pull --node " + b + " " + url + " --collection " + coll + " --token-file " + dir_ + "/token";
  // The system's CAs do not know this certificate: refused, saying why and what to do.
  Result untrusted = Run(pull);
  EXPECT_EQ(untrusted.code, 1);
  EXPECT_NE(untrusted.err.find("--ca FILE"), std::string::npos) << untrusted.err;
  Result trusted = Run(pull + " --ca " + dir_ + "/cert.pem");
  ASSERT_EQ(trusted.code, 0) << trusted.err;
  EXPECT_NE(trusted.out.find("pulled 50 objects"), std::string::npos) << trusted.out;
  StopServe();
}

TEST_F(SyncCliTest, UsageAndConnectionErrors) {
  const std::string b = dir_ + "/b";
  ASSERT_EQ(Run("init --node " + b).code, 0);
  Result no_collection = Run("pull --node " + b + " http://127.0.0.1:9/taxii2/api/");
  EXPECT_EQ(no_collection.code, 2);
  EXPECT_NE(no_collection.err.find("--collection"), std::string::npos);
  Result bad_url = Run("pull --node " + b + " ftp://x/ --collection c");
  EXPECT_EQ(bad_url.code, 1);
  EXPECT_NE(bad_url.err.find("scheme must be http or https"), std::string::npos) << bad_url.err;
  Result refused = Run("pull --node " + b + " http://127.0.0.1:9/taxii2/api/ --collection c");
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("GET http://127.0.0.1:9/taxii2/api/"), std::string::npos)
      << refused.err;
}

}  // namespace
}  // namespace tadamun
