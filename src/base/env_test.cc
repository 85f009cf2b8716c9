#include "base/env.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "base/clock.h"

namespace tadamun {
namespace {

void ExerciseEnv(Env* env, const std::string& root) {
  ASSERT_TRUE(env->CreateDirs(root + "/a/b", 0700).ok());
  ASSERT_TRUE(env->WriteFileAtomic(root + "/a/b/f.txt", "hello", 0600).ok());
  EXPECT_TRUE(env->Exists(root + "/a/b/f.txt"));
  EXPECT_EQ(*env->ReadFile(root + "/a/b/f.txt", 100), "hello");
  EXPECT_EQ(*env->FileSize(root + "/a/b/f.txt"), 5u);
  auto big = env->ReadFile(root + "/a/b/f.txt", 4);
  EXPECT_EQ(big.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(big.status().message().find("f.txt"), std::string::npos);
  EXPECT_EQ(env->ReadFile(root + "/missing", 100).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(env->WriteFileAtomic(root + "/a/b/f.txt", "replaced", 0600).ok());
  EXPECT_EQ(*env->ReadFile(root + "/a/b/f.txt", 100), "replaced");
  auto names = env->ListDir(root + "/a");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"b"});
}

TEST(EnvTest, MemEnv) {
  MemEnv env;
  ExerciseEnv(&env, "/root");
  env.SetWritesFail(true);
  EXPECT_EQ(env.WriteFileAtomic("/root/x", "y", 0600).code(), StatusCode::kUnavailable);
  EXPECT_FALSE(env.Exists("/root/x"));
}

TEST(EnvTest, PosixEnv) {
  std::string root = ::testing::TempDir() + "/tadamun_env_test";
  std::filesystem::remove_all(root);
  ExerciseEnv(Env::Default(), root);
  struct stat st;
  ASSERT_EQ(::stat((root + "/a/b/f.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // No temporary file is left beside the target.
  EXPECT_EQ(*Env::Default()->ListDir(root + "/a/b"), std::vector<std::string>{"f.txt"});
  std::filesystem::remove_all(root);
}

TEST(ClockTest, FakeClockAdvances) {
  FakeClock clock(0);
  EXPECT_EQ(clock.Now().ToString(), "1970-01-01T00:00:00.000000Z");
  clock.AdvanceMicros(1500000);
  EXPECT_EQ(clock.Now().ToString(), "1970-01-01T00:00:01.500000Z");
  EXPECT_GT(Clock::System()->Now().unix_seconds(), 1700000000);
}

}  // namespace
}  // namespace tadamun
