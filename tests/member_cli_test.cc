// `tadamun member add|list|revoke` and `tadamun collection create|grant|revoke` with rights, end
// to end: what is printed (the token once, never again), exit codes, the audit log's member
// entries, and that the printed token authenticates against the node's TAXII server while a
// revoked one does not.
#include <gtest/gtest.h>

#include "cli_runner.h"
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "audit/node_audit.h"
#include "base/env.h"
#include "json/json.h"
#include "node/node.h"
#include "taxii/resources.h"

namespace tadamun {
namespace {

namespace fs = std::filesystem;

using testing_cli::Slurp;
using Result = testing_cli::CliResult;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

class MemberCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/member_cli_test_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    node_ = dir_ + "/node";
    ASSERT_EQ(Run("init --node " + node_ + " --name cert-test").code, 0);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `tadamun ARGS --node <node>` (ARGS is shell text) and captures exit code and output.
  Result Run(const std::string& args) { return testing_cli::RunTadamun(args, dir_); }
  Result Tdm(const std::string& args) { return Run(args + " --node " + node_); }

  std::string AddMember(const std::string& name) {
    Result r = Tdm("member add " + name);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(Count(r.out, "\n"), 1u) << r.out;
    return r.out.substr(0, r.out.find('\n'));
  }
  // The line of `member list` for `name`.
  std::string ListLine(const std::string& name) {
    Result r = Tdm("member list");
    EXPECT_EQ(r.code, 0) << r.err;
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind(name + " ", 0) == 0) return line;
    }
    return "<no line for " + name + ">";
  }
  // GET `path` on the node's TAXII server (in process) with `authorization`.
  taxii::Response Get(const std::string& path, const std::string& authorization) {
    auto node = node::Node::Open(node_);
    EXPECT_TRUE(node.ok()) << node.status().ToString();
    if (!node.ok()) return {};
    taxii::Server server((*node)->store(), {});
    taxii::Request r;
    r.path = path;
    r.AddHeader("Authorization", authorization);
    return server.Handle(std::move(r));
  }

  std::string dir_, node_;
};

TEST_F(MemberCliTest, AddPrintsTheTokenOnceAndNeverAgain) {
  Result r = Tdm("member add cert-ab");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string token = r.out.substr(0, r.out.find('\n'));
  EXPECT_EQ(r.out, token + "\n");  // stdout is the token and nothing else
  EXPECT_EQ(token.rfind("tdm_", 0), 0u) << token;
  EXPECT_EQ(token.size(), 4u + 43u);  // base64url of 32 bytes, unpadded
  EXPECT_NE(r.err.find("will not be shown again"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(token), std::string::npos);
  // Never again: not in the list, not in the database or audit files.
  Result list = Tdm("member list");
  ASSERT_EQ(list.code, 0);
  EXPECT_NE(list.out.find("cert-ab"), std::string::npos);
  EXPECT_EQ(list.out.find(token), std::string::npos);
  EXPECT_EQ(list.out.find(token.substr(4)), std::string::npos);
  for (const auto& entry : fs::recursive_directory_iterator(node_)) {
    if (!entry.is_regular_file()) continue;
    EXPECT_EQ(Slurp(entry.path()).find(token.substr(4)), std::string::npos) << entry.path();
  }
  // Two members get different tokens.
  EXPECT_NE(AddMember("cert-cd"), token);
}

TEST_F(MemberCliTest, AddErrors) {
  AddMember("alice");
  Result r = Tdm("member add alice");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  r = Tdm("member add 'bad name'");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("letters, digits"), std::string::npos) << r.err;
  EXPECT_EQ(Tdm("member add").code, 2);
  EXPECT_EQ(Tdm("member add a b").code, 2);
  EXPECT_EQ(Tdm("member revoke nobody").code, 1);
  EXPECT_EQ(Count(Tdm("member list").out, "\n"), 2u);  // header + alice
}

TEST_F(MemberCliTest, TokenLifetimeFlag) {
  for (const char* bad : {"0", "3651", "-1", "1.5", "soon", ""}) {
    Result r = Tdm(std::string("member add temp --expires-in '") + bad + "'");
    EXPECT_EQ(r.code, 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("--expires-in"), std::string::npos) << r.err;
  }
  Result r = Tdm("member add temp --expires-in 30");
  ASSERT_EQ(r.code, 0) << r.err;
  Result list = Tdm("member list");
  ASSERT_EQ(list.code, 0);
  EXPECT_NE(list.out.find("TOKEN EXPIRES"), std::string::npos) << list.out;
  const std::string line = list.out.substr(list.out.find("\ntemp "));
  EXPECT_NE(line.find("Z"), std::string::npos) << line;           // a date, not "-"
  EXPECT_EQ(line.find("(expired)"), std::string::npos) << line;
  Result rotate = Tdm("member rotate temp --expires-in 7");
  ASSERT_EQ(rotate.code, 0) << rotate.err;
  EXPECT_NE(Tdm("audit log").out.find("expires"), std::string::npos);
}

TEST_F(MemberCliTest, RevokeShowsInListAndStopsTheToken) {
  const std::string token = AddMember("alice");
  Result c = Tdm("collection create Shared --reader alice");
  ASSERT_EQ(c.code, 0) << c.err;
  const std::string id = c.out.substr(0, c.out.find('\n'));
  const std::string objects = "/taxii2/api/collections/" + id + "/objects/";
  EXPECT_EQ(Get(objects, "Bearer " + token).status, 200);
  EXPECT_EQ(Get(objects, "Bearer " + token + "x").status, 401);
  EXPECT_NE(ListLine("alice").find("  -  "), std::string::npos) << ListLine("alice");
  Result r = Tdm("member revoke alice");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("revoked"), std::string::npos);
  std::string line = ListLine("alice");
  EXPECT_EQ(Count(line, "Z  "), 2u) << line;  // created and revoked timestamps
  taxii::Response denied = Get(objects, "Bearer " + token);
  EXPECT_EQ(denied.status, 401);
  EXPECT_NE(denied.body.find("revoked"), std::string::npos) << denied.body;
  r = Tdm("member revoke alice");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("already revoked"), std::string::npos) << r.err;
  // No new rights for a revoked member.
  r = Tdm("collection grant " + id + " --reader alice");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("revoked"), std::string::npos) << r.err;
}

TEST_F(MemberCliTest, RotateGivesANewTokenAndStopsTheOldOne) {
  const std::string old_token = AddMember("alice");
  Result c = Tdm("collection create Shared --reader alice");
  ASSERT_EQ(c.code, 0) << c.err;
  const std::string objects =
      "/taxii2/api/collections/" + c.out.substr(0, c.out.find('\n')) + "/objects/";
  Result r = Tdm("member rotate alice");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string new_token = r.out.substr(0, r.out.find('\n'));
  EXPECT_EQ(r.out, new_token + "\n");
  EXPECT_NE(new_token, old_token);
  EXPECT_NE(r.err.find("will not be shown again"), std::string::npos) << r.err;
  EXPECT_EQ(Get(objects, "Bearer " + old_token).status, 401);
  EXPECT_EQ(Get(objects, "Bearer " + new_token).status, 200);  // rights kept
  EXPECT_EQ(Count(Tdm("audit log").out, "member=alice action=update note=new API token"), 1u);
  EXPECT_EQ(Tdm("member rotate nobody").code, 1);
  ASSERT_EQ(Tdm("member revoke alice").code, 0);
  r = Tdm("member rotate alice");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("revoked"), std::string::npos) << r.err;
}

TEST_F(MemberCliTest, CollectionCreateWithRights) {
  for (const char* m : {"ann", "bob", "cid", "dee"}) AddMember(m);
  Result r = Tdm("collection create Shared --reader ann --writer bob,cid --reader dee "
                 "--write-only dee");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string id = r.out.substr(0, r.out.find('\n'));
  EXPECT_NE(ListLine("ann").find(id + ":r"), std::string::npos) << ListLine("ann");
  EXPECT_EQ(ListLine("ann").find(id + ":rw"), std::string::npos) << ListLine("ann");
  EXPECT_NE(ListLine("bob").find(id + ":rw"), std::string::npos) << ListLine("bob");
  EXPECT_NE(ListLine("cid").find(id + ":rw"), std::string::npos) << ListLine("cid");
  EXPECT_NE(ListLine("dee").find(id + ":rw"), std::string::npos) << ListLine("dee");  // r + w
  // Unknown member: a clear error and no collection created.
  r = Tdm("collection create Other --reader ann,zed");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("unknown member 'zed'"), std::string::npos) << r.err;
  EXPECT_EQ(Count(Tdm("collection list").out, "\n"), 2u);  // header + Shared
  r = Tdm("collection create Other --reader ann,,bob");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("empty member name"), std::string::npos) << r.err;
  EXPECT_EQ(Count(Tdm("collection list").out, "\n"), 2u);
}

TEST_F(MemberCliTest, GrantAndRevokeRights) {
  const std::string ann = AddMember("ann");
  AddMember("bob");
  Result r = Tdm("collection create Shared");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string id = r.out.substr(0, r.out.find('\n'));
  const std::string collections = "/taxii2/api/collections/";
  EXPECT_EQ(Get(collections, "Bearer " + ann).body, "{}");  // no rights: nothing listed
  EXPECT_EQ(Get(collections + id + "/", "Bearer " + ann).status, 404);
  ASSERT_EQ(Tdm("collection grant " + id + " --reader ann").code, 0);
  EXPECT_NE(Get(collections, "Bearer " + ann).body.find(id), std::string::npos);
  EXPECT_EQ(Get(collections + id + "/objects/", "Bearer " + ann).status, 200);
  ASSERT_EQ(Tdm("collection grant " + id + " --write-only ann,bob").code, 0);
  EXPECT_NE(ListLine("ann").find(id + ":rw"), std::string::npos);  // grant adds
  EXPECT_NE(ListLine("bob").find(id + ":w"), std::string::npos);
  r = Tdm("collection revoke " + id + " --member ann");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(ListLine("ann").find(id), std::string::npos) << ListLine("ann");
  EXPECT_EQ(Get(collections + id + "/objects/", "Basic " + std::string("YW5uOg==")).status, 401);
  EXPECT_EQ(Get(collections + id + "/objects/", "Bearer " + ann).status, 404);
  // Usage and lookup errors.
  EXPECT_EQ(Tdm("collection grant " + id).code, 2);
  EXPECT_EQ(Tdm("collection revoke " + id).code, 2);
  r = Tdm("collection grant 00000000-0000-4000-8000-000000000000 --reader ann");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no collection"), std::string::npos) << r.err;
  r = Tdm("collection grant " + id + " --reader zed");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("unknown member 'zed'"), std::string::npos) << r.err;
}

TEST_F(MemberCliTest, ChangesAreInTheAuditLog) {
  AddMember("ann");
  Result r = Tdm("collection create Shared --writer ann");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string id = r.out.substr(0, r.out.find('\n'));
  ASSERT_EQ(Tdm("collection grant " + id + " --reader ann").code, 0);  // no change: no entry
  ASSERT_EQ(Tdm("collection revoke " + id + " --member ann").code, 0);
  ASSERT_EQ(Tdm("member revoke ann").code, 0);
  EXPECT_EQ(Tdm("member add ann").code, 1);  // refused: no entry
  r = Tdm("audit log");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Count(r.out, "member=ann action=add"), 1u) << r.out;
  EXPECT_EQ(Count(r.out, "member=ann action=update note=collection " + id + " rights read write"),
            1u)
      << r.out;
  EXPECT_EQ(Count(r.out, "member=ann action=update note=collection " + id + " rights none"), 1u)
      << r.out;
  EXPECT_EQ(Count(r.out, "member=ann action=remove"), 1u) << r.out;
  EXPECT_EQ(Count(r.out, "\tmember "), 4u) << r.out;
  // The log still verifies.
  Result v = Tdm("audit verify");
  EXPECT_EQ(v.code, 0) << v.out << v.err;
}

TEST_F(MemberCliTest, WaitsForTheAuditLogWhileAServerHoldsIt) {
  // Another writer (a serving node recording an import) holds the log's lock for a moment.
  auto held = audit::OpenNodeAudit(Env::Default(), node_);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    held->reset();
  });
  Result r = Tdm("member add ann");
  release.join();
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("tdm_", 0), 0u) << r.out;
  EXPECT_EQ(Count(Tdm("audit log").out, "member=ann action=add"), 1u);
}

}  // namespace
}  // namespace tadamun
