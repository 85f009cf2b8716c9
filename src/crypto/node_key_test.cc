#include "crypto/node_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace tadamun::crypto {
namespace {

TEST(NodeKeyTest, CreateLoadAndNeverOverwrite) {
  MemEnv env;
  auto created = CreateNodeKey(&env, "/n/keys", "cert.example/node");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto loaded = LoadNodeKey(&env, "/n/keys");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->verifier().ToString(), created->verifier().ToString());
  EXPECT_EQ(loaded->Sign("x").signature, created->Sign("x").signature);
  auto pub = LoadNodeVerifier(&env, "/n/keys");
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->ToString(), created->verifier().ToString());
  EXPECT_EQ(CreateNodeKey(&env, "/n/keys", "cert.example/node").status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(LoadNodeKey(&env, "/other").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(CreateNodeKey(&env, "/m/keys", "bad name").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(NodeKeyTest, DamagedOrMismatchedFilesAreDataLoss) {
  MemEnv env;
  ASSERT_TRUE(CreateNodeKey(&env, "/n/keys", "a.example").ok());
  ASSERT_TRUE(CreateNodeKey(&env, "/m/keys", "a.example").ok());
  auto other_pub = env.ReadFile("/m/keys/node.pub", 4096);
  ASSERT_TRUE(env.WriteFileAtomic("/n/keys/node.pub", *other_pub, 0644).ok());
  EXPECT_EQ(LoadNodeKey(&env, "/n/keys").status().code(), StatusCode::kDataLoss);
  ASSERT_TRUE(env.WriteFileAtomic("/m/keys/node.key", "PRIVATE+KEY+garbage\n", 0600).ok());
  auto damaged = LoadNodeKey(&env, "/m/keys");
  EXPECT_EQ(damaged.status().code(), StatusCode::kDataLoss);
}

TEST(NodeKeyTest, PrivateKeyFileIsOwnerOnly) {
  std::string dir = testing::TempDir() + "/node_key_test_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(CreateNodeKey(Env::Default(), dir + "/keys", "perm.example").ok());
  struct stat st;
  ASSERT_EQ(::stat((dir + "/keys/node.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir + "/keys/node.pub").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tadamun::crypto
