#include "match/normalize.h"

#include <gtest/gtest.h>

namespace tadamun::match {
namespace {

std::string Domain(std::string_view s) {
  auto r = NormalizeDomain(s);
  return r.ok() ? *r : "ERROR: " + r.status().message();
}
std::string Url(std::string_view s) {
  auto r = NormalizeUrl(s);
  return r.ok() ? *r : "ERROR: " + r.status().message();
}
std::string Wallet(std::string_view s) {
  auto r = NormalizeWallet(s);
  return r.ok() ? *r : "ERROR: " + r.status().message();
}

TEST(Undefang, UndoesCommonForms) {
  EXPECT_EQ(Undefang("hxxp://evil[.]com/a"), "http://evil.com/a");
  EXPECT_EQ(Undefang("hXXps://evil(.)com"), "https://evil.com");
  EXPECT_EQ(Undefang("evil{.}com"), "evil.com");
  EXPECT_EQ(Undefang("evil[dot]com"), "evil.com");
  EXPECT_EQ(Undefang("1.2.3[.]4[:]80"), "1.2.3.4:80");
  EXPECT_EQ(Undefang("bob[@]evil[.]com"), "bob@evil.com");
  EXPECT_EQ(Undefang("bob[at]evil.com"), "bob@evil.com");
  EXPECT_EQ(Undefang("http://plain.example/"), "http://plain.example/");
  // "hxxp" inside a word is left alone.
  EXPECT_EQ(Undefang("http://a.com/hxxp"), "http://a.com/hxxp");
}

TEST(NormalizeDomain, CaseTrailingDotAndIdn) {
  EXPECT_EQ(Domain("WWW.Example.COM"), "www.example.com");
  EXPECT_EQ(Domain("example.com."), "example.com");
  // RFC 3492 / IDNA examples.
  EXPECT_EQ(Domain("bücher.example"), "xn--bcher-kva.example");
  EXPECT_EQ(Domain("BÜCHER.example"), "xn--bcher-kva.example");
  EXPECT_EQ(Domain("München.de"), "xn--mnchen-3ya.de");
  EXPECT_EQ(Domain("XN--BCHER-KVA.example"), "xn--bcher-kva.example");
  EXPECT_EQ(Domain("_dmarc.example.com"), "_dmarc.example.com");
}

TEST(NormalizeDomain, RejectsMalformed) {
  for (std::string_view bad : {"", ".", "a..b", ".a", "a b.com", "a/b.com", "a.com..", "a:b"}) {
    auto r = NormalizeDomain(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_NE(NormalizeDomain("a..b").status().message().find("empty label"), std::string::npos);
  EXPECT_FALSE(NormalizeDomain(std::string(64, 'a') + ".com").ok());
  EXPECT_TRUE(NormalizeDomain(std::string(63, 'a') + ".com").ok());
}

TEST(ParseIpv4, WholeDottedQuads) {
  EXPECT_EQ(*ParseIpv4("1.2.3.4"), 0x01020304u);
  EXPECT_EQ(*ParseIpv4("255.255.255.255"), 0xffffffffu);
  EXPECT_EQ(*ParseIpv4("0.0.0.0"), 0u);
  for (std::string_view bad : {"1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "1..3.4", "a.b.c.d", "1.2.3.1234"}) {
    EXPECT_FALSE(ParseIpv4(bad).ok()) << bad;
  }
  EXPECT_NE(ParseIpv4("1.2.3").status().message().find("expected four decimal numbers"), std::string::npos);
  EXPECT_EQ(FormatIpv4(0x0a000001), "10.0.0.1");
}

TEST(ParseIpv6, CompressedAndExpandedAreEqual) {
  auto a = ParseIpv6("2001:db8::1");
  auto b = ParseIpv6("2001:0DB8:0000:0000:0000:0000:0000:0001");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(FormatIpv6(*b), "2001:db8::1");
  EXPECT_EQ((*ParseIpv6("::ffff:1.2.3.4"))[15], 4);
  for (std::string_view bad : {"2001:db8:::1", "1.2.3.4", "2001:db8::g", "fe80::1%eth0", "", "1:2:3:4:5:6:7:8:9"}) {
    EXPECT_FALSE(ParseIpv6(bad).ok()) << bad;
  }
}

TEST(ParseCidr, Ranges) {
  auto r = ParseCidr("10.0.0.0/8");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->v6);
  EXPECT_EQ(r->first[12], 10);
  EXPECT_EQ(r->last[12], 10);
  EXPECT_EQ(r->last[13], 255);
  EXPECT_EQ(r->last[15], 255);
  auto one = ParseCidr("1.2.3.4");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->first, one->last);
  auto v6 = ParseCidr("2001:db8::/32");
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(v6->v6);
  EXPECT_EQ(v6->last[3], 0xb8);
  EXPECT_EQ(v6->last[4], 0xff);
  EXPECT_TRUE(ParseCidr("0.0.0.0/0").ok());
  EXPECT_TRUE(ParseCidr("::/0").ok());
  EXPECT_FALSE(ParseCidr("10.0.0.1/8").ok());  // host bits
  EXPECT_NE(ParseCidr("10.0.0.1/8").status().message().find("host bits"), std::string::npos);
  EXPECT_FALSE(ParseCidr("10.0.0.0/33").ok());
  EXPECT_FALSE(ParseCidr("10.0.0.0/").ok());
  EXPECT_FALSE(ParseCidr("10.0.0.0/08").ok());
  EXPECT_FALSE(ParseCidr("::/129").ok());
}

TEST(NormalizeUrl, Rules) {
  EXPECT_EQ(Url("HTTP://Evil.COM/Path"), "http://evil.com/Path");
  EXPECT_EQ(Url("http://evil.com:80/a"), "http://evil.com/a");
  EXPECT_EQ(Url("https://evil.com:443"), "https://evil.com/");
  EXPECT_EQ(Url("https://evil.com:8443/"), "https://evil.com:8443/");
  EXPECT_EQ(Url("http://evil.com:443/"), "http://evil.com:443/");
  EXPECT_EQ(Url("http:\\/\\/evil.com\\/a\\/b"), "http://evil.com/a/b");
  EXPECT_EQ(Url("http://evil.com/%7euser/%41%2f%2F"), "http://evil.com/~user/A%2F%2F");
  EXPECT_EQ(Url("http://evil.com?q=1#frag"), "http://evil.com/?q=1");
  EXPECT_EQ(Url("http://user:pw@evil.com/"), "http://evil.com/");
  EXPECT_EQ(Url("http://bücher.example/"), "http://xn--bcher-kva.example/");
  EXPECT_EQ(Url("http://[2001:0db8::0001]:80/x"), "http://[2001:db8::1]/x");
  EXPECT_EQ(Url("http://1.2.3.4:8080/x"), "http://1.2.3.4:8080/x");
  EXPECT_EQ(Url("http://evil.com./"), "http://evil.com/");
  // A backslash that is not a JSON "\/" escape stays, percent-encoded (found by fuzzing).
  EXPECT_EQ(Url("http:\\/\\/evil.com\\/a:\\\\//b"), "http://evil.com/a:%5C//b");
  for (std::string_view bad : {"evil.com/a", "://evil.com", "http://evil.com/%4", "http://evil.com/%zz",
                               "http://evil.com:99999/", "http://evil.com:8o/", "http://[::1/", "http://a b/",
                               "http://evil.com/a b"}) {
    EXPECT_FALSE(NormalizeUrl(bad).ok()) << bad;
  }
}

TEST(NormalizeHash, ByLength) {
  EXPECT_EQ(*NormalizeHash("D41D8CD98F00B204E9800998ECF8427E"), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_TRUE(NormalizeHash(std::string(40, 'a')).ok());
  EXPECT_TRUE(NormalizeHash(std::string(64, 'a')).ok());
  EXPECT_TRUE(NormalizeHash(std::string(128, 'a')).ok());
  EXPECT_FALSE(NormalizeHash(std::string(33, 'a')).ok());
  EXPECT_FALSE(NormalizeHash(std::string(31, 'a') + "g").ok());
  EXPECT_NE(NormalizeHash("abc").status().message().find("expected 32, 40, 64"), std::string::npos);
}

TEST(NormalizeEmail, Rules) {
  EXPECT_EQ(*NormalizeEmail("Bob.Smith@Evil.COM"), "bob.smith@evil.com");
  EXPECT_EQ(*NormalizeEmail("bob@bücher.example."), "bob@xn--bcher-kva.example");
  EXPECT_FALSE(NormalizeEmail("@evil.com").ok());
  EXPECT_FALSE(NormalizeEmail("bob@").ok());
  EXPECT_FALSE(NormalizeEmail("bob smith@evil.com").ok());
  EXPECT_FALSE(NormalizeEmail("evil.com").ok());
}

TEST(NormalizeWallet, Bitcoin) {
  // The genesis block's address and a P2SH address from the Bitcoin wiki.
  EXPECT_EQ(Wallet("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"), "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
  EXPECT_EQ(Wallet("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"), "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy");
  // Base58 is case-sensitive: a case change breaks the checksum.
  EXPECT_FALSE(NormalizeWallet("1a1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa").ok());
  EXPECT_FALSE(NormalizeWallet("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb").ok());
  EXPECT_NE(Wallet("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb").find("checksum"), std::string::npos);
  // BIP 173 (bech32) and BIP 350 (bech32m) test vectors.
  EXPECT_EQ(Wallet("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"), "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
  EXPECT_EQ(Wallet("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"),
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0");
  EXPECT_FALSE(NormalizeWallet("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5").ok());  // checksum
  EXPECT_FALSE(NormalizeWallet("bc1Qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4").ok());  // mixed case
  // BIP 350: a v1+ program with a bech32 (not bech32m) checksum is invalid.
  EXPECT_FALSE(NormalizeWallet("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd").ok());
}

TEST(NormalizeWallet, Ethereum) {
  EXPECT_EQ(Wallet("0x52908400098527886E0F7030069857D2E4169EE7"), "0x52908400098527886e0f7030069857d2e4169ee7");
  EXPECT_EQ(Wallet("0X52908400098527886e0f7030069857d2e4169ee7"), "0x52908400098527886e0f7030069857d2e4169ee7");
  EXPECT_FALSE(NormalizeWallet("0x52908400098527886E0F7030069857D2E4169EE").ok());
  EXPECT_FALSE(NormalizeWallet("0x52908400098527886E0F7030069857D2E4169EEG").ok());
  EXPECT_FALSE(NormalizeWallet("evil.com").ok());
}

}  // namespace
}  // namespace tadamun::match
