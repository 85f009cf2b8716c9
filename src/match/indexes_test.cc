#include "match/indexes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace tadamun::match {
namespace {

std::vector<uint32_t> Sorted(std::vector<uint32_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

IndexEntry Domain(std::string v) { return {.kind = EntryKind::kDomain, .value = std::move(v)}; }
IndexEntry Cidr(std::string_view text) {
  auto r = ParseCidr(text);
  EXPECT_TRUE(r.ok()) << text;
  return {.kind = EntryKind::kAddress, .range = *r};
}

TEST(ExactSet, LookupAgreesWithAMap) {
  std::mt19937 rng(1);
  std::vector<std::pair<std::string, uint32_t>> pairs;
  std::multimap<std::string, uint32_t> reference;
  for (uint32_t i = 0; i < 5000; ++i) {
    std::string key = "k" + std::to_string(rng() % 3000);
    pairs.push_back({key, i});
    reference.insert({key, i});
  }
  ExactSet set = ExactSet::Build(pairs);
  for (int probe = 0; probe < 4000; ++probe) {
    std::string key = "k" + std::to_string(probe);
    std::vector<uint32_t> got, want;
    set.Lookup(key, &got);
    auto [b, e] = reference.equal_range(key);
    for (auto it = b; it != e; ++it) want.push_back(it->second);
    EXPECT_EQ(Sorted(got), Sorted(want)) << key;
    EXPECT_EQ(set.Contains(key), !want.empty());
  }
  EXPECT_FALSE(ExactSet::Build({}).Contains("x"));
}

TEST(IndicatorIndex, DomainLabelBoundaries) {
  IndicatorIndex::Builder b;
  b.Add(Domain("evil.com"), 1);
  b.Add(Domain("a.evil.com"), 2);
  b.Add(Domain("evil.com"), 3);
  IndicatorIndex index = std::move(b).Build();
  auto hits = [&](std::string_view d) {
    std::vector<uint32_t> ids;
    index.LookupDomain(d, &ids);
    return Sorted(ids);
  };
  EXPECT_EQ(hits("evil.com"), (std::vector<uint32_t>{1, 3}));
  EXPECT_EQ(hits("x.a.evil.com"), (std::vector<uint32_t>{1, 2, 3}));
  EXPECT_EQ(hits("b.evil.com"), (std::vector<uint32_t>{1, 3}));
  EXPECT_TRUE(hits("notevil.com").empty());
  EXPECT_TRUE(hits("evil.com.br").empty());
  EXPECT_TRUE(hits("evil.community").empty());
  EXPECT_TRUE(hits("com").empty());
}

TEST(IndicatorIndex, CidrEdges) {
  IndicatorIndex::Builder b;
  b.Add(Cidr("10.0.0.0/8"), 1);
  b.Add(Cidr("10.1.0.0/16"), 2);
  b.Add(Cidr("1.2.3.4"), 3);
  b.Add(Cidr("255.255.255.255"), 4);
  b.Add(Cidr("2001:db8::/32"), 5);
  b.Add(Cidr("ffff::/16"), 6);
  IndicatorIndex index = std::move(b).Build();
  auto v4 = [&](std::string_view a) {
    std::vector<uint32_t> ids;
    index.LookupIpv4(*ParseIpv4(a), &ids);
    return Sorted(ids);
  };
  auto v6 = [&](std::string_view a) {
    std::vector<uint32_t> ids;
    index.LookupIpv6(*ParseIpv6(a), &ids);
    return Sorted(ids);
  };
  EXPECT_EQ(v4("10.0.0.0"), (std::vector<uint32_t>{1}));
  EXPECT_EQ(v4("10.255.255.255"), (std::vector<uint32_t>{1}));
  EXPECT_TRUE(v4("9.255.255.255").empty());
  EXPECT_TRUE(v4("11.0.0.0").empty());
  EXPECT_EQ(v4("10.1.0.0"), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(v4("10.1.255.255"), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(v4("10.2.0.0"), (std::vector<uint32_t>{1}));
  EXPECT_EQ(v4("1.2.3.4"), (std::vector<uint32_t>{3}));
  EXPECT_TRUE(v4("1.2.3.5").empty());
  EXPECT_EQ(v4("255.255.255.255"), (std::vector<uint32_t>{4}));
  EXPECT_EQ(v6("2001:db8:ffff::1"), (std::vector<uint32_t>{5}));
  EXPECT_TRUE(v6("2001:db9::").empty());
  EXPECT_EQ(v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), (std::vector<uint32_t>{6}));
  EXPECT_GT(index.MemoryBytes(), 0u);
}

// Random nested and disjoint CIDR blocks: the segment index against a scan of every block.
TEST(RangeSet, AgreesWithBruteForce) {
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::vector<RangeSet<uint32_t>::Block> blocks;
    int n = 1 + static_cast<int>(rng() % 200);
    for (int i = 0; i < n; ++i) {
      int prefix = static_cast<int>(rng() % 33);
      uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
      uint32_t base = (rng() & 0xff000000u) | (rng() % 4 == 0 ? rng() : (rng() & 0x0000ffffu));  // clustered
      uint32_t first = base & mask;
      blocks.push_back({first, first | ~mask, static_cast<uint32_t>(rng() % 150)});
    }
    RangeSet<uint32_t> set = RangeSet<uint32_t>::Build(blocks);
    for (int probe = 0; probe < 2000; ++probe) {
      const auto& b = blocks[rng() % blocks.size()];
      uint32_t candidates[] = {b.first, b.last, b.first - 1, b.last + 1, static_cast<uint32_t>(rng())};
      for (uint32_t a : candidates) {
        std::vector<uint32_t> got, want;
        set.Lookup(a, &got);
        for (const auto& c : blocks) {
          if (c.first <= a && a <= c.last) want.push_back(c.id);
        }
        std::sort(want.begin(), want.end());
        want.erase(std::unique(want.begin(), want.end()), want.end());
        auto g = Sorted(got);
        g.erase(std::unique(g.begin(), g.end()), g.end());
        ASSERT_EQ(g, want) << "round " << round << " address " << a;
      }
    }
  }
}

}  // namespace
}  // namespace tadamun::match
