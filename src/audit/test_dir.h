// A fresh temporary folder per test, removed afterwards (audit tests only).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace tadamun::audit {

inline std::string FreshTestDir(const std::string& tag) {
  std::string dir = testing::TempDir() + "/audit_" + tag + "_" + std::to_string(::getpid()) + "_" +
                    testing::UnitTest::GetInstance()->current_test_info()->name();
  std::filesystem::remove_all(dir);
  return dir;
}

}  // namespace tadamun::audit
