// MatchTokenFast against MatchToken (the reference: same kind, same ids in the same order) on
// millions of generated tokens — hits, near-miss traps, mutations and random garbage — over
// indexes with and without URL/e-mail indicators (which switch the URL and e-mail fast
// routes on and off); the bucketed IPv4 segments against a scan; the free-text tokeniser.
#include "match/fast_match.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "match/compile.h"

namespace tadamun::match {
namespace {

class TokenGenerator {
 public:
  explicit TokenGenerator(uint32_t seed) : rng_(seed) {}

  std::string Word(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('a' + rng_() % 26);
    return s;
  }
  std::string Pick(const std::vector<std::string>& v) { return v[rng_() % v.size()]; }
  std::string Ip() {
    return std::to_string(rng_() % 256) + "." + std::to_string(rng_() % 256) + "." + std::to_string(rng_() % 256) + "." +
           std::to_string(rng_() % 256);
  }
  std::string Flip(std::string s) {
    for (char& c : s) {
      if (rng_() % 3 == 0 && std::isalpha(static_cast<unsigned char>(c))) c = static_cast<char>(c ^ 0x20);
    }
    return s;
  }

  // Indicator patterns: domains, IPv4 (some CIDR), IPv6, and optionally URLs, e-mail, hashes.
  std::vector<std::string> Patterns(size_t n, bool all_kinds) {
    // A one-label and a five-label name, so the label-count bounds of the suffix probes move.
    std::vector<std::string> out = {"[domain-name:value = 'zz']", "[domain-name:value = 'a.b.c.d.evil.zz']"};
    for (size_t i = 0; i < n; ++i) {
      int r = static_cast<int>(rng_() % (all_kinds ? 10 : 6));
      std::string d = Word(2 + rng_() % 6) + "." + Pick({"com", "net", "org", "co.uk", "com.br"});
      domains_.push_back(d);
      switch (r) {
        case 0: case 1: case 2:
          out.push_back("[domain-name:value = '" + d + "']");
          break;
        case 3: case 4: {
          std::string ip = Ip();
          ips_.push_back(ip);
          if (rng_() % 5 == 0) {
            uint32_t a = *ParseIpv4(ip) & 0xffffff00u;
            ips_.back() = FormatIpv4(a | 7);
            out.push_back("[ipv4-addr:value ISSUBSET '" + FormatIpv4(a) + "/24']");
          } else {
            out.push_back("[ipv4-addr:value = '" + ip + "']");
          }
          break;
        }
        case 5: {
          std::string v6 = "2001:db8:" + std::to_string(rng_() % 50) + "::" + std::to_string(rng_() % 50);
          ips_.push_back("[" + v6 + "]");
          out.push_back("[ipv6-addr:value = '" + v6 + "']");
          break;
        }
        case 6: case 7: {
          std::string u = "http://" + d + "/" + Word(4) + (rng_() % 2 ? "?q=" + Word(2) : "");
          urls_.push_back(u);
          out.push_back("[url:value = '" + u + "']");
          break;
        }
        case 8:
          out.push_back("[email-addr:value = '" + Word(4) + "@" + d + "']");
          break;
        default: {
          static const char kHex[] = "0123456789abcdef";
          std::string h;
          for (int k = 0; k < 64; ++k) h += kHex[rng_() % 16];
          hashes_.push_back(h);
          out.push_back("[file:hashes.'SHA-256' = '" + h + "']");
          break;
        }
      }
    }
    return out;
  }

  // One token: built from an indicator value or from nothing, then maybe mutated.
  std::string Token() {
    std::string d = domains_.empty() ? "evil.com" : Pick(domains_);
    std::string ip = ips_.empty() ? "1.2.3.4" : Pick(ips_);
    std::string t;
    switch (rng_() % 24) {
      case 0: t = d; break;
      case 1: t = Flip("www." + d); break;
      case 2: t = "not" + d; break;
      case 3: t = d + (rng_() % 2 ? ".br" : "munity"); break;
      case 4: t = d + ":" + std::to_string(rng_() % 70000); break;
      case 5: t = Pick({"http", "HTTPS", "ftp", "ws", "h2x", "1x", "a+b"}) + "://" + Flip(d) + Pick({"", "/", ":80/", ":8080/a", ":/x", "/a%41b", "/%zz", "/a b", "?x#y", "#f", "/p?q=1&r=%7e"}); break;
      case 6: t = "http://u:p@" + d + "/"; break;
      case 7: t = ip; break;
      case 8: t = "1" + ip; break;
      case 9: t = ip + ":" + std::to_string(rng_() % 70000); break;
      case 10: t = "http://" + ip + Pick({"", "/", ":443/x", ":99999/"}); break;
      case 11: t = Word(4) + "@" + Flip(d); break;
      case 12: {
        if (urls_.empty()) {
          t = d;
          break;
        }
        std::string u = Pick(urls_);  // http://host/path[?q=..]
        size_t slash = u.find('/', 7);
        std::string host = u.substr(7, slash - 7), rest = u.substr(slash);
        switch (rng_() % 8) {
          case 0: t = u; break;
          case 1: t = Flip("HTTP://" + host) + rest; break;
          case 2: t = "http://" + host + ":80" + rest + "#frag"; break;
          case 3: t = "http://" + host + ":8080" + rest; break;
          case 4: t = "http://" + host + "." + rest; break;
          case 5: t = "http://" + host + "/%" + Pick({"7e", "7E", "2f", "41", "zz", "2"}) + rest.substr(1); break;
          case 6: t = "https://" + host + ":443" + rest; break;
          default: t = Flip(u); break;
        }
        break;
      }
      case 13: t = hashes_.empty() ? Word(64) : (rng_() % 2 ? Pick(hashes_) : Flip(Pick(hashes_))); break;
      case 14: t = Pick({"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                         "0x52908400098527886E0F7030069857D2E4169EE7", "mail.example.com", "n0tawallet",
                         "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"});
        break;
      case 15: t = "[2001:db8:" + std::to_string(rng_() % 50) + "::" + std::to_string(rng_() % 50) + "]" + Pick({"", ":443", ":x", "x"}); break;
      case 16: t = "2001:0DB8:00" + std::to_string(10 + rng_() % 40) + ":0000:0000:0000:0000:00" + std::to_string(10 + rng_() % 40); break;
      case 17: t = "http://[2001:db8::" + std::to_string(rng_() % 50) + "]" + Pick({"/", ":8443/", "x/", ":/"}); break;
      case 18: t = d + "."; break;
      case 19: t = "bücher." + d; break;
      case 20:
        t = Pick({"http:\\/\\/" + d + "\\/x", "http://" + d + "/a\\b", "http://" + d + "/a#x\\/y", "http://" + d + "/\xc3\xbc",
                  "http://" + d + "/a@b:c", "http://a@b@" + d + ":80/", "http://x:1@" + d + "/", std::string(70, 'h') + "://" + d,
                  "http://" + d + "\\/", "h\xc3\xbcp://" + d, "http://" + d + "?a%2", "http://" + d + "/%4\\/1", "http://[" + d + "]/",
                  "http://" + std::string(200, '.') + "/", "http://" + std::string(63, 'a') + "." + d + "/",
                  "http://" + std::string(64, 'a') + "." + d + "/", "http://" + d + "." + std::string(64, 'b'),
                  "http://a..b@" + d + "/", "http://" + std::string(250, 'c') + "." + d, "http://.", "http://" + d + "..",
                  "http://" + d + ":0080/x", "http://" + d + ":123456/", "http://" + d + ":8a/", "http://" + d + "/a%2/b#%zz"});
        break;
      case 21: t = Pick({"x.zz", "q.a.b.c.d.evil.zz", "b.c.d.evil.zz", "zz", "zzz", "http://A.B.c.d.evil.zz./", "-", "TCP_MISS/200", "GET", "HIER_DIRECT/" + ip, "text/html", "1286536308.779", "..", ".", ":", "a..b", "::", "[]", "@", "a@", "@b"}); break;
      case 22: t = Word(1 + rng_() % 70); break;
      default: {  // random bytes over an interesting alphabet
        static constexpr std::string_view kBytes = ".:/@[]%#?0123456789abcdefxyzABCDEFXYZ-_~\\ \x01\xc3\xbc";
        size_t n = 1 + rng_() % 40;
        for (size_t i = 0; i < n; ++i) t += kBytes[rng_() % kBytes.size()];
        break;
      }
    }
    if (rng_() % 3 == 0 && !t.empty()) {  // one mutation: case flip, drop, double or replace a byte
      static constexpr std::string_view kBytes = ".:/@[]%0123456789abcdefxyzABCDEFXYZ-_~";
      size_t at = rng_() % t.size();
      switch (rng_() % 4) {
        case 0: t[at] = static_cast<char>(std::isalpha(static_cast<unsigned char>(t[at])) ? t[at] ^ 0x20 : t[at]); break;
        case 1: t.erase(at, 1); break;
        case 2: t.insert(at, 1, t[at]); break;
        default: t[at] = kBytes[rng_() % kBytes.size()]; break;
      }
    }
    return t;
  }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> domains_, ips_, urls_, hashes_;
};

IndicatorIndex BuildIndex(const std::vector<std::string>& patterns) {
  IndicatorIndex::Builder b;
  for (uint32_t i = 0; i < patterns.size(); ++i) {
    auto entries = CompilePattern(patterns[i]);
    EXPECT_TRUE(entries.ok()) << patterns[i] << ": " << entries.status().message();
    if (!entries.ok()) continue;
    for (const auto& e : *entries) b.Add(e, i);
  }
  return std::move(b).Build();
}

void RunDifferential(bool all_kinds, size_t indicators, size_t tokens, uint32_t seed) {
  TokenGenerator g(seed);
  IndicatorIndex index = BuildIndex(g.Patterns(indicators, all_kinds));
  size_t hits = 0;
  int kinds[8] = {};
  std::vector<uint32_t> want, got;
  for (size_t i = 0; i < tokens; ++i) {
    std::string t = g.Token();
    want.clear();
    got.clear();
    TokenKind want_kind = MatchToken(index, t, &want);
    TokenKind got_kind = MatchTokenFast(index, t, &got);
    ASSERT_EQ(static_cast<int>(got_kind), static_cast<int>(want_kind)) << "token '" << t << "'";
    ASSERT_EQ(got, want) << "token '" << t << "'";
    hits += !want.empty();
    ++kinds[static_cast<int>(want_kind)];
  }
  EXPECT_GT(hits, tokens / 20);  // the generator must produce hits, misses and every kind
  EXPECT_LT(hits, tokens / 2);
  for (int k = 0; k < 8; ++k) {
    if (k == static_cast<int>(TokenKind::kWallet) || k == static_cast<int>(TokenKind::kHash)) continue;
    EXPECT_GT(kinds[k], 0) << "kind " << k;
  }
}

TEST(MatchTokenFast, AgreesWithMatchTokenDomainsAndAddresses) { RunDifferential(false, 2000, 1500000, 1); }
TEST(MatchTokenFast, AgreesWithMatchTokenAllKinds) { RunDifferential(true, 2000, 1000000, 2); }
TEST(MatchTokenFast, AgreesWithMatchTokenLargeIndex) { RunDifferential(false, 60000, 500000, 3); }
TEST(MatchTokenFast, AgreesWithMatchTokenEmptyIndex) {
  IndicatorIndex empty = IndicatorIndex::Builder().Build();
  TokenGenerator g(4);
  std::vector<uint32_t> want, got;
  for (int i = 0; i < 100000; ++i) {
    std::string t = g.Token();
    ASSERT_EQ(static_cast<int>(MatchTokenFast(empty, t, &got)), static_cast<int>(MatchToken(empty, t, &want))) << t;
  }
  EXPECT_TRUE(got.empty());
}

// The traps of the issue, one by one.
TEST(MatchTokenFast, Traps) {
  IndicatorIndex index = BuildIndex({"[domain-name:value = 'evil.com']", "[ipv4-addr:value = '1.2.3.4']",
                                     "[ipv4-addr:value ISSUBSET '10.0.0.0/24']"});
  auto hit = [&](std::string_view t) {
    std::vector<uint32_t> ids;
    MatchTokenFast(index, t, &ids);
    return ids;
  };
  using V = std::vector<uint32_t>;
  EXPECT_EQ(hit("EVIL.com"), V{0});
  EXPECT_EQ(hit("http://A.Evil.COM:8080/x?y"), V{0});
  EXPECT_EQ(hit("u@mail.evil.com"), V{0});
  EXPECT_EQ(hit("evil.com.:443"), V{0});
  EXPECT_EQ(hit("1.2.3.4:80"), V{1});
  EXPECT_EQ(hit("10.0.0.77"), V{2});
  EXPECT_EQ(hit("http://1.2.3.4./"), V{1});  // the host's canonical form reads as IPv4
  for (std::string_view miss : {"notevil.com", "evil.com.br", "evil.community", "11.2.3.45", "1.2.3.45", "01.2.3.4",
                                "evil.com:99999", "http://evil.com/%zz", "10.0.1.0"}) {
    EXPECT_TRUE(hit(miss).empty()) << miss;
  }
}

TEST(MatchTokenFast, UrlIndicators) {
  IndicatorIndex index = BuildIndex({"[url:value = 'http://evil.com/a~b?q=%2F']", "[domain-name:value = 'evil.com']"});
  auto hit = [&](std::string_view t) {
    std::vector<uint32_t> ids, want;
    EXPECT_EQ(static_cast<int>(MatchTokenFast(index, t, &ids)), static_cast<int>(MatchToken(index, t, &want))) << t;
    EXPECT_EQ(ids, want) << t;
    return ids;
  };
  using V = std::vector<uint32_t>;
  EXPECT_EQ(hit("http://evil.com/a~b?q=%2F"), (V{0, 1}));
  EXPECT_EQ(hit("HTTP://EVIL.com.:80/a%7eb?q=%2f#top"), (V{0, 1}));
  EXPECT_EQ(hit("http://evil.com/A~b?q=%2F"), V{1});      // the path keeps its case
  EXPECT_EQ(hit("http://evil.com:8080/a~b?q=%2F"), V{1});  // not the default port
  EXPECT_EQ(hit("http://u@evil.com/a~b?q=%2F"), (V{0, 1}));  // user info: the general route
  EXPECT_TRUE(hit("http://evil.com/a~b?q=%2").empty());
}

// Many /16../32 blocks, so the IPv4 set uses its bucket table: against a scan of the blocks.
TEST(RangeSetBuckets, AgreeWithBruteForce) {
  std::mt19937 rng(11);
  std::vector<RangeSet<uint32_t>::Block> blocks;
  for (uint32_t i = 0; i < 20000; ++i) {
    int prefix = 16 + static_cast<int>(rng() % 17);
    uint32_t mask = ~uint32_t{0} << (32 - prefix);
    uint32_t first = static_cast<uint32_t>(rng()) & mask;
    if (i % 3 == 0) first &= 0x0fffffffu;  // clustered, so blocks nest
    blocks.push_back({first, first | ~mask, i});
  }
  blocks.push_back({0xffffff00u, 0xffffffffu, 99999});
  blocks.push_back({0, 0, 99998});
  // Keep the blocks nested or disjoint (a precondition): drop any that overlaps partially.
  std::vector<RangeSet<uint32_t>::Block> kept;
  std::sort(blocks.begin(), blocks.end(), [](auto& a, auto& b) { return a.first != b.first ? a.first < b.first : a.last > b.last; });
  std::vector<RangeSet<uint32_t>::Block> open;
  for (const auto& b : blocks) {
    while (!open.empty() && open.back().last < b.first) open.pop_back();
    if (!open.empty() && b.last > open.back().last) continue;
    kept.push_back(b);
    open.push_back(b);
  }
  RangeSet<uint32_t> set = RangeSet<uint32_t>::Build(kept);
  ASSERT_GT(set.segment_count(), 1024u);
  for (int probe = 0; probe < 20000; ++probe) {
    const auto& b = kept[rng() % kept.size()];
    for (uint32_t a : {b.first, b.last, b.first - 1, b.last + 1, static_cast<uint32_t>(rng())}) {
      std::vector<uint32_t> got, want;
      set.Lookup(a, &got);
      for (const auto& c : kept) {
        if (c.first <= a && a <= c.last) want.push_back(c.id);
      }
      std::sort(got.begin(), got.end());
      std::sort(want.begin(), want.end());
      ASSERT_EQ(got, want) << "address " << a;
    }
  }
}

TEST(ScanText, ReportsEachHitWithItsOffset) {
  IndicatorIndex index = BuildIndex({"[domain-name:value = 'evil.com']", "[ipv4-addr:value = '1.2.3.4']",
                                     "[domain-name:value = 'x.evil.com']"});
  std::string text = "from 1.2.3.4 to http://x.evil.com/a and notevil.com; evil.com!";
  // Tokens (match::Tokenizer): from, 1.2.3.4, to, http://x.evil.com/a, and, notevil.com, evil.com.
  std::vector<std::tuple<size_t, size_t, std::vector<uint32_t>>> hits;
  size_t tokens = ScanText(index, text, [&](size_t off, size_t len, std::span<const uint32_t> ids) {
    hits.emplace_back(off, len, std::vector<uint32_t>(ids.begin(), ids.end()));
  });
  EXPECT_EQ(tokens, 7u);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(text.substr(std::get<0>(hits[0]), std::get<1>(hits[0])), "1.2.3.4");
  EXPECT_EQ(std::get<2>(hits[0]), std::vector<uint32_t>{1});
  EXPECT_EQ(std::get<2>(hits[1]), (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(text.substr(std::get<0>(hits[2]), std::get<1>(hits[2])), "evil.com");
}

}  // namespace
}  // namespace tadamun::match
