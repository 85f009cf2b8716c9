#include "crypto/short_hash.h"

#include <gtest/gtest.h>

#include <set>

namespace tadamun::crypto {
namespace {

// SipHash-2-4 reference vector (Aumasson & Bernstein, appendix A): key 00..0f, message 00..0e.
TEST(ShortHashTest, SipHashReferenceVector) {
  std::string key, msg;
  for (int i = 0; i < 16; ++i) key += static_cast<char>(i);
  for (int i = 0; i < 15; ++i) msg += static_cast<char>(i);
  EXPECT_EQ(ShortHash(key, msg), 0xa129ca6149be45e5ULL);
}

TEST(ShortHashTest, KeysAreRandomAndChangeTheHash) {
  std::string a = NewShortHashKey(), b = NewShortHashKey();
  ASSERT_EQ(a.size(), kShortHashKeySize);
  EXPECT_NE(a, b);
  EXPECT_NE(ShortHash(a, "indicator--x"), ShortHash(b, "indicator--x"));
  EXPECT_EQ(ShortHash(a, "indicator--x"), ShortHash(a, "indicator--x"));
  std::set<uint64_t> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(ShortHash(a, std::to_string(i)));
  EXPECT_EQ(seen.size(), 10000u);
}

}  // namespace
}  // namespace tadamun::crypto
