// The fast path (CompilePattern -> IndicatorIndex -> MatchToken) against a slow reference that
// tests a token against every indicator with plain string logic, on generated indicators and
// tokens full of hits and near-miss traps. Both must agree exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "match/compile.h"
#include "match/reference_matcher.h"
#include "match/token.h"

namespace tadamun::match {
namespace {

using testing_reference::PatternOf;
using testing_reference::ReferenceMatch;
using testing_reference::RefIndicator;

std::vector<uint32_t> Unique(std::vector<uint32_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

class Differential {
 public:
  explicit Differential(uint32_t seed) : rng_(seed) {}

  std::string Pick(const std::vector<std::string>& v) { return v[rng_() % v.size()]; }
  std::string Hex(size_t n) {
    static const char k[] = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < n; ++i) s += k[rng_() % 16];
    return s;
  }

  void Generate(int n) {
    const std::vector<std::string> words = {"evil", "bad", "notevil", "mal", "c2", "xn--bcher-kva", "bücher", "a-b", "x1"};
    const std::vector<std::string> tlds = {"com", "net", "com.br", "community", "example", "de"};
    for (int i = 0; i < n; ++i) {
      uint32_t id = static_cast<uint32_t>(indicators_.size());
      std::string domain = Pick(words) + "." + Pick(tlds);
      switch (rng_() % 8) {
        case 0:
          indicators_.push_back({id, "domain-name", rng_() % 4 == 0 ? Upper(domain) + "." : domain});
          if (rng_() % 3 == 0) indicators_.back().value.replace(indicators_.back().value.find('.'), 1, "[.]");
          break;
        case 1: {
          std::string ip = std::to_string(rng_() % 3 + 1) + "." + std::to_string(rng_() % 3 + 1) + "." +
                           std::to_string(rng_() % 4) + "." + std::to_string(rng_() % 50);
          if (rng_() % 3 == 0) {
            int prefix = 16 + static_cast<int>(rng_() % 17);
            auto r = ParseCidr(ip);
            uint32_t a = *ParseIpv4(ip) & (prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix));
            (void)r;
            ip = FormatIpv4(a) + "/" + std::to_string(prefix);
          }
          indicators_.push_back({id, "ipv4-addr", ip});
          break;
        }
        case 2: {
          std::string v6 = "2001:db8:" + std::to_string(rng_() % 3) + "::" + std::to_string(rng_() % 20);
          if (rng_() % 3 == 0) v6 = "2001:db8:" + std::to_string(rng_() % 3) + "::/" + std::to_string(48 + rng_() % 3 * 16);
          indicators_.push_back({id, "ipv6-addr", v6});
          break;
        }
        case 3:
          indicators_.push_back({id, "url", "http://" + domain + "/p" + std::to_string(rng_() % 5) + (rng_() % 2 ? "?q=~1" : "")});
          break;
        case 4:
          indicators_.push_back({id, "file", rng_() % 2 ? Hex(64) : Upper(Hex(64))});
          break;
        case 5:
          indicators_.push_back({id, "email-addr", "u" + std::to_string(rng_() % 3) + "@" + domain});
          break;
        case 6: {
          const std::vector<std::string> wallets = {"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
                                                    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                                                    "0x52908400098527886E0F7030069857D2E4169EE7"};
          indicators_.push_back({id, "cryptocurrency-wallet", Pick(wallets)});
          break;
        }
        default:
          indicators_.push_back({id, "domain-name", Pick(words) + "." + Pick(words) + "." + Pick(tlds)});
          break;
      }
    }
  }

  // Tokens derived from every indicator: hits and near-miss traps.
  std::vector<std::string> Tokens() {
    std::vector<std::string> out;
    for (const auto& ind : indicators_) {
      std::string v = Undefang(ind.value);
      if (!v.empty() && v.back() == '.') v.pop_back();
      if (ind.type == "domain-name") {
        for (std::string t : {v, "www." + v, Upper(v), v + ".", "not" + v, v + ".br", v + "munity", v + ":8080",
                              "http://sub." + v + "/x", "u@" + v, "u@not" + v, v + ":99999", "x" + v.substr(1)}) {
          out.push_back(t);
        }
        if (v.find("bücher") != std::string::npos) out.push_back(v.replace(v.find("bücher"), 7, "xn--bcher-kva"));
        if (v.find("xn--bcher-kva") != std::string::npos) out.push_back(v.replace(v.find("xn--bcher-kva"), 13, "BÜCHER"));
      } else if (ind.type == "ipv4-addr") {
        std::string ip = v.substr(0, v.find('/'));
        uint32_t a = *ParseIpv4(ip);
        for (std::string t : {ip, "1" + ip, ip + "5", ip + ":443", "http://" + ip + ":8080/", FormatIpv4(a - 1),
                              FormatIpv4(a + 1), FormatIpv4(a + 255), FormatIpv4(a + 65535), ip + "/32", "0" + ip}) {
          out.push_back(t);
        }
      } else if (ind.type == "ipv6-addr") {
        std::string ip = v.substr(0, v.find('/'));
        auto b = *ParseIpv6(ip);
        std::string expanded;
        for (int k = 0; k < 16; k += 2) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "%02X%02X", b[k], b[k + 1]);
          expanded += (k ? ":" : "") + std::string(buf);
        }
        out.push_back(ip);
        out.push_back(expanded);
        out.push_back("[" + expanded + "]:443");
        out.push_back("http://[" + ip + "]/");
        b[15] ^= 1;
        out.push_back(FormatIpv6(b));
        b[15] ^= 1;
        b[7] ^= 1;
        out.push_back(FormatIpv6(b));
        b[5] ^= 1;
        out.push_back(FormatIpv6(b));
      } else if (ind.type == "url") {
        std::string host_end = v.substr(v.find("://") + 3);
        for (std::string t : {v, Upper(v.substr(0, 7)) + v.substr(7), v + "#frag", v + "x",
                              "http://" + host_end.substr(0, host_end.find('/')) + ":80" + host_end.substr(host_end.find('/')),
                              "http:\\/\\/" + host_end, Upper(v), "https://" + host_end}) {
          out.push_back(t);
        }
        if (v.find('~') != std::string::npos) out.push_back(v.replace(v.find('~'), 1, "%7E"));
      } else if (ind.type == "file") {
        for (std::string t : {v, Upper(v), v.substr(1), v + "0", "0" + v.substr(1)}) out.push_back(t);
      } else if (ind.type == "email-addr") {
        for (std::string t : {v, Upper(v), "x" + v, v.substr(0, v.find('@') + 1) + "sub." + v.substr(v.find('@') + 1)}) {
          out.push_back(t);
        }
      } else if (ind.type == "cryptocurrency-wallet") {
        std::string lower = v, upper = Upper(v);
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (std::string t : {v, lower, upper, v.substr(1), v + "1"}) out.push_back(t);
      }
    }
    for (int i = 0; i < 200; ++i) out.push_back(Hex(1 + rng_() % 70));  // noise
    // One random mutation of every token: a case flip, a deleted, doubled or replaced byte.
    static constexpr std::string_view kBytes = ".:/@[]%0123456789abcdefxyzABCDEFXYZ-_~ü";
    size_t n = out.size();
    for (size_t i = 0; i < n; ++i) {
      std::string t = out[i];
      if (t.empty()) continue;
      size_t at = rng_() % t.size();
      switch (rng_() % 4) {
        case 0: t[at] = static_cast<char>(std::isupper(static_cast<unsigned char>(t[at])) ? std::tolower(t[at]) : std::toupper(t[at])); break;
        case 1: t.erase(at, 1); break;
        case 2: t.insert(at, 1, t[at]); break;
        default: t[at] = kBytes[rng_() % kBytes.size()]; break;
      }
      if (!t.empty()) out.push_back(t);
    }
    return out;
  }

  std::vector<RefIndicator> indicators_;
  std::mt19937 rng_;
};

TEST(Differential, FastIndexesAgreeWithReference) {
  size_t hits = 0, misses = 0;
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    Differential g(seed);
    g.Generate(seed * 40);
    IndicatorIndex::Builder builder;
    for (const auto& ind : g.indicators_) {
      auto entries = CompilePattern(PatternOf(ind));
      ASSERT_TRUE(entries.ok()) << PatternOf(ind) << ": " << entries.status().message();
      for (const auto& e : *entries) builder.Add(e, ind.id);
    }
    IndicatorIndex index = std::move(builder).Build();
    for (const std::string& token : g.Tokens()) {
      std::vector<uint32_t> fast;
      MatchToken(index, token, &fast);
      std::vector<uint32_t> want = ReferenceMatch(g.indicators_, token);
      ASSERT_EQ(Unique(fast), want) << "seed " << seed << " token '" << token << "'";
      (want.empty() ? misses : hits) += 1;
    }
  }
  // The generated tokens must exercise both sides.
  EXPECT_GT(hits, 500u);
  EXPECT_GT(misses, 500u);
}

// Traps named in the issue, one by one, against a fixed index.
TEST(MatchToken, Traps) {
  IndicatorIndex::Builder b;
  uint32_t id = 0;
  for (std::string_view p : {"[domain-name:value = 'evil.com']", "[ipv4-addr:value = '1.2.3.4']",
                             "[ipv6-addr:value = '2001:db8::1']", "[ipv4-addr:value ISSUBSET '10.0.0.0/24']",
                             "[domain-name:value = 'bücher.example']"}) {
    auto entries = CompilePattern(p);
    ASSERT_TRUE(entries.ok()) << entries.status().message();
    for (const auto& e : *entries) b.Add(e, id);
    ++id;
  }
  IndicatorIndex index = std::move(b).Build();
  auto hit = [&](std::string_view token) {
    std::vector<uint32_t> ids;
    MatchToken(index, token, &ids);
    return Unique(ids);
  };
  using V = std::vector<uint32_t>;
  EXPECT_EQ(hit("a.evil.com"), V{0});
  EXPECT_EQ(hit("EVIL.COM."), V{0});
  EXPECT_EQ(hit("evil.com:443"), V{0});
  EXPECT_EQ(hit("https://x.Evil.Com/a"), V{0});
  EXPECT_EQ(hit("bob@mail.evil.com"), V{0});
  EXPECT_TRUE(hit("notevil.com").empty());
  EXPECT_TRUE(hit("evil.com.br").empty());
  EXPECT_TRUE(hit("evil.community").empty());
  EXPECT_EQ(hit("1.2.3.4"), V{1});
  EXPECT_EQ(hit("1.2.3.4:8080"), V{1});
  EXPECT_TRUE(hit("11.2.3.45").empty());
  EXPECT_TRUE(hit("1.2.3.45").empty());
  EXPECT_TRUE(hit("11.2.3.4").empty());
  EXPECT_EQ(hit("2001:0DB8:0000:0000:0000:0000:0000:0001"), V{2});
  EXPECT_EQ(hit("[2001:db8::1]:443"), V{2});
  EXPECT_TRUE(hit("2001:db8::10").empty());
  EXPECT_EQ(hit("10.0.0.0"), V{3});
  EXPECT_EQ(hit("10.0.0.255"), V{3});
  EXPECT_TRUE(hit("10.0.1.0").empty());
  EXPECT_TRUE(hit("9.255.255.255").empty());
  EXPECT_EQ(hit("www.xn--bcher-kva.example"), V{4});
  EXPECT_EQ(hit("BÜCHER.example"), V{4});
}

}  // namespace
}  // namespace tadamun::match
