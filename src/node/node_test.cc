#include "node/node.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

namespace tadamun::node {
namespace {

std::string FreshDir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "/node_test_" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

TEST(NodeTest, InitCreatesPrivateFolderAndOpens) {
  std::string dir = FreshDir("init");
  ASSERT_TRUE(Node::Init(dir, {"cert-test"}).ok());
  struct stat st;
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(Node::ConfigPath(dir).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(Node::DatabasePath(dir).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);
  auto node = Node::Open(dir);
  ASSERT_TRUE(node.ok()) << node.status().ToString();
  EXPECT_EQ((*node)->config().name, "cert-test");
  EXPECT_EQ(Node::Init(dir, {"again"}).code(), StatusCode::kAlreadyExists);
  std::filesystem::remove_all(dir);
}

TEST(NodeTest, OpenMissingNodeSaysHowToCreateIt) {
  auto node = Node::Open(FreshDir("missing"));
  EXPECT_EQ(node.status().code(), StatusCode::kNotFound);
  EXPECT_NE(node.status().message().find("tadamun init"), std::string::npos);
}

TEST(NodeTest, BadNamesAreRefused) {
  EXPECT_EQ(Node::Init(FreshDir("badname"), {"has space"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Node::Init(FreshDir("badname"), {""}).code(), StatusCode::kInvalidArgument);
}

TEST(ConfigTest, RoundTripAndStrictKeys) {
  NodeConfig c;
  c.name = "n1";
  c.max_import_bytes = 12345;
  auto parsed = ParseConfig(FormatConfig(c));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->name, "n1");
  EXPECT_EQ(parsed->max_import_bytes, 12345u);
  auto bad = ParseConfig("{\n \"nmae\": \"x\"}");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos);
  EXPECT_NE(bad.status().message().find("not a known setting"), std::string::npos);
  EXPECT_FALSE(ParseConfig("{\"max_import_bytes\": -1}").ok());
  EXPECT_FALSE(ParseConfig("{\"max_json_depth\": 100000}").ok());
}

}  // namespace
}  // namespace tadamun::node
