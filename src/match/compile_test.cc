#include "match/compile.h"

#include <gtest/gtest.h>

#include <random>

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

// The parser-free fast path for `[type:value = '...']` against the full parser: same entries,
// same errors, on base patterns, spacing variants and random mutations of them.
TEST(CompilePattern, FastPathAgreesWithParser) {
  std::vector<std::string> base = {
      "[domain-name:value = 'Evil.com.']",
      "[domain-name:value = 'evil[.]com']",
      "[domain-name:value = 'a..com']",
      "[ipv4-addr:value = '1.2.3.4']",
      "[ipv4-addr:value = '10.0.0.0/8']",
      "[ipv4-addr:value = '10.0.0.1/8']",
      "[ipv4-addr:value = '::1']",
      "[ipv6-addr:value = '2001:DB8::1']",
      "[url:value = 'hxxp://evil[.]com:80/%7Ea']",
      "[url:value = 'evil.com']",
      "[file:hashes.'SHA-256' = '" + std::string(64, 'A') + "']",
      "[file:hashes.'MD5' = '" + std::string(64, 'a') + "']",
      "[file:hashes.'SSDEEP' = '3:a:b']",
      "[file:hashes.MD5 = '" + std::string(32, 'a') + "']",
      "[email-addr:value = 'Bob@Evil.com']",
      "[email-addr:value = 'bob']",
      "[cryptocurrency-wallet:value = '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa']",
      "[cryptocurrency-wallet:value = '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb']",
      "[file:name = 'x']",
      "[domain-name:value = '']",
      "[domain-name:values = 'a.com']",
      "[ipv4-addr:value ISSUBSET '10.0.0.0/8']",
  };
  std::vector<std::string> patterns;
  for (const auto& b : base) {
    patterns.push_back(b);
    std::string spaced = b;
    spaced.insert(1, "  ");
    spaced.insert(spaced.size() - 1, " ");
    patterns.push_back(spaced);
    std::string tight = b;
    for (size_t at; (at = tight.find(" = ")) != std::string::npos;) tight.replace(at, 3, "=");
    patterns.push_back(tight);
  }
  std::mt19937 rng(3);
  static constexpr std::string_view kBytes = "[]:.' =\\\t-_aZ09/\x01";
  size_t n = patterns.size();
  for (int round = 0; round < 40; ++round) {
    for (size_t i = 0; i < n; ++i) {
      std::string t = patterns[i];
      size_t at = rng() % t.size();
      switch (rng() % 3) {
        case 0: t.erase(at, 1); break;
        case 1: t.insert(at, 1, kBytes[rng() % kBytes.size()]); break;
        default: t[at] = kBytes[rng() % kBytes.size()]; break;
      }
      patterns.push_back(t);
    }
  }
  size_t ok = 0;
  for (const auto& p : patterns) {
    auto fast = CompilePattern(p);
    auto slow = CompilePatternWithParser(p);
    ASSERT_EQ(fast.ok(), slow.ok()) << p << "\nfast: " << fast.status().message() << "\nslow: " << slow.status().message();
    if (fast.ok()) {
      EXPECT_EQ(*fast, *slow) << p;
      ++ok;
    } else {
      EXPECT_EQ(fast.status(), slow.status()) << p;
    }
  }
  EXPECT_GT(ok, 100u);
}

}  // namespace
}  // namespace tadamun::match
