#include "match/compile.h"

#include <gtest/gtest.h>

namespace tadamun::match {
namespace {

TEST(CompilePattern, SimpleShapes) {
  {
  auto e = CompilePattern("[domain-name:value = 'Evil[.]COM.']");
  ASSERT_TRUE(e.ok()) << e.status().message();
  ASSERT_EQ(e->size(), 1u);
  EXPECT_EQ((*e)[0].kind, EntryKind::kDomain);
  EXPECT_EQ((*e)[0].value, "evil.com");

  }
  {
  auto e = CompilePattern(
      "[url:value = 'hxxp://evil[.]com:80/a'] OR ([ipv4-addr:value ISSUBSET '10.0.0.0/8' OR "
      "ipv6-addr:value = '2001:db8::1'])");
  ASSERT_TRUE(e.ok()) << e.status().message();
  ASSERT_EQ(e->size(), 3u);
  EXPECT_EQ((*e)[0].value, "http://evil.com/a");
  EXPECT_EQ((*e)[1].kind, EntryKind::kAddress);
  EXPECT_EQ((*e)[1].range, *ParseCidr("10.0.0.0/8"));
  EXPECT_TRUE((*e)[2].range.v6);

  }
  {
  auto e = CompilePattern("[file:hashes.MD5 = 'D41D8CD98F00B204E9800998ECF8427E' OR file:hashes.'SHA-256' IN ('" +
                     std::string(64, 'A') + "')]");
  ASSERT_TRUE(e.ok()) << e.status().message();
  ASSERT_EQ(e->size(), 2u);
  EXPECT_EQ((*e)[0].value, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ((*e)[1].value, std::string(64, 'a'));

  }
  {
  auto e = CompilePattern(
      "[email-addr:value = 'Bob[@]Evil.com'] OR [cryptocurrency-wallet:value = "
      "'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4']");
  ASSERT_TRUE(e.ok()) << e.status().message();
  ASSERT_EQ(e->size(), 2u);
  EXPECT_EQ((*e)[0].kind, EntryKind::kEmail);
  EXPECT_EQ((*e)[0].value, "bob@evil.com");
  EXPECT_EQ((*e)[1].kind, EntryKind::kWallet);
  EXPECT_EQ((*e)[1].value, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
  }
}

TEST(CompilePattern, OtherShapesNeedTheEngine) {
  for (std::string_view p : {
           "[domain-name:value = 'a.com' AND domain-name:value = 'b.com']",
           "[domain-name:value = 'a.com'] AND [domain-name:value = 'b.com']",
           "[domain-name:value = 'a.com'] FOLLOWEDBY [domain-name:value = 'b.com']",
           "[domain-name:value = 'a.com'] WITHIN 10 SECONDS",
           "[domain-name:value != 'a.com']",
           "[domain-name:value NOT = 'a.com']",
           "[domain-name:value LIKE '%.com']",
           "[domain-name:value MATCHES '^a']",
           "[file:name = 'x.exe']",
           "[file:hashes.SSDEEP = '3:a:b']",
           "[network-traffic:dst_port = 80]",
           "[url:value ISSUBSET 'http://a/']",
       }) {
    auto e = CompilePattern(p);
    ASSERT_FALSE(e.ok()) << p;
    EXPECT_EQ(e.status().code(), StatusCode::kFailedPrecondition) << p;
    EXPECT_EQ(e.status().message().rfind("needs the pattern engine: column ", 0), 0u) << e.status().message();
  }
}

TEST(CompilePattern, MalformedValuesAreErrors) {
  for (std::string_view p : {
           "[domain-name:value = 'a..com']",
           "[ipv4-addr:value = '1.2.3.256']",
           "[ipv4-addr:value = '2001:db8::1']",
           "[ipv6-addr:value = '1.2.3.4']",
           "[file:hashes.MD5 = '" "0123456789abcdef0123456789abcdef01234567" "']",
           "[cryptocurrency-wallet:value = '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb']",
           "[url:value = 'evil.com/a']",
           "[domain-name:value = ",
       }) {
    auto e = CompilePattern(p);
    ASSERT_FALSE(e.ok()) << p;
    EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument) << p;
    EXPECT_EQ(e.status().message().rfind("column ", 0), 0u) << e.status().message();
  }
}

}  // namespace
}  // namespace tadamun::match
