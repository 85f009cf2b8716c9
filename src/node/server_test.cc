#include "node/server.h"

#include <gtest/gtest.h>

namespace tadamun::node {
namespace {

TEST(IsLoopbackAddressTest, Cases) {
  for (const char* h : {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(IsLoopbackAddress(h)) << h;
  }
  for (const char* h : {"0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "192.168.1.1", "example.org",
                        "", "::2", "::ffff:10.0.0.1", "127.0.0.1.example.org"}) {
    EXPECT_FALSE(IsLoopbackAddress(h)) << h;
  }
}

}  // namespace
}  // namespace tadamun::node
