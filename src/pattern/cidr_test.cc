#include "pattern/cidr.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>

namespace tadamun::pattern {
namespace {

TEST(CidrTest, ParsesIpv4) {
  auto c = ParseCidr("192.168.1.7/24");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->v6);
  EXPECT_EQ(c->prefix, 24);
  EXPECT_EQ(c->bytes[0], 192);
  EXPECT_EQ(c->bytes[3], 7);
  EXPECT_EQ(ParseCidr("1.2.3.4")->prefix, 32);
}

TEST(CidrTest, RejectsMalformedIpv4) {
  for (const char* bad : {"1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4/", "1.2.3.4/33",
                          "1.2.3.4/08", "a.b.c.d", "", "1.2.3.4/-1", " 1.2.3.4"}) {
    EXPECT_FALSE(ParseCidr(bad)) << bad;
  }
}

TEST(CidrTest, ParsesIpv6Forms) {
  auto full = ParseCidr("2001:0db8:0000:0000:0000:0000:0000:0001");
  auto compact = ParseCidr("2001:db8::1");
  ASSERT_TRUE(full && compact);
  EXPECT_EQ(full->bytes, compact->bytes);
  EXPECT_EQ(compact->prefix, 128);
  auto any = ParseCidr("::/0");
  ASSERT_TRUE(any);
  EXPECT_EQ(any->prefix, 0);
  auto mapped = ParseCidr("::ffff:10.0.0.1");
  ASSERT_TRUE(mapped);
  EXPECT_EQ(mapped->bytes[10], 0xff);
  EXPECT_EQ(mapped->bytes[12], 10);
  EXPECT_EQ(mapped->bytes[15], 1);
  for (const char* bad : {"2001:db8:::1", "1::2::3", "12345::", "2001:db8::/129", "g::1",
                          "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7"}) {
    EXPECT_FALSE(ParseCidr(bad)) << bad;
  }
}

// Containment against the definition: every address of inner has outer's prefix bits.
TEST(CidrTest, ContainsAgreesWithBitByBitReference) {
  std::mt19937 rng(7);
  auto bit = [](const Cidr& c, int i) { return (c.bytes[i / 8] >> (7 - i % 8)) & 1; };
  for (int iter = 0; iter < 20000; ++iter) {
    Cidr a, b;
    a.v6 = b.v6 = (iter % 2) == 1;
    int max = a.v6 ? 128 : 32;
    for (int i = 0; i < max / 8; ++i) {
      a.bytes[i] = static_cast<uint8_t>(rng() % 4);  // few values so prefixes often agree
      b.bytes[i] = rng() % 3 ? a.bytes[i] : static_cast<uint8_t>(rng() % 4);
    }
    a.prefix = static_cast<int>(rng() % (max + 1));
    b.prefix = static_cast<int>(rng() % (max + 1));
    bool want = b.prefix >= a.prefix;
    for (int i = 0; want && i < a.prefix; ++i) want = bit(a, i) == bit(b, i);
    ASSERT_EQ(CidrContains(a, b), want) << iter;
  }
  Cidr v4 = *ParseCidr("0.0.0.0/0"), v6 = *ParseCidr("::/0");
  EXPECT_FALSE(CidrContains(v4, v6));
  EXPECT_FALSE(CidrContains(v6, v4));
}

}  // namespace
}  // namespace tadamun::pattern
