// Index build, memory per indicator and lookup rates at 100k and 1M generated indicators,
// each printed beside its baseline in the same run: the same lookups against
// std::unordered_multimap<std::string, uint32_t> (bytes counted by its allocator).
//
//   build/match/src/match/match_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <random>
#include <unordered_map>

#include "match/compile.h"
#include "match/fast_match.h"
#include "match/token.h"

namespace tadamun::match {
namespace {

size_t g_baseline_bytes = 0;
template <typename T>
struct CountingAllocator {
  using value_type = T;
  CountingAllocator() = default;
  template <typename U>
  CountingAllocator(const CountingAllocator<U>&) {}  // NOLINT
  T* allocate(size_t n) {
    g_baseline_bytes += n * sizeof(T);
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, size_t n) {
    g_baseline_bytes -= n * sizeof(T);
    std::allocator<T>().deallocate(p, n);
  }
  friend bool operator==(const CountingAllocator&, const CountingAllocator&) { return true; }
};
using CountingString = std::basic_string<char, std::char_traits<char>, CountingAllocator<char>>;
struct CountingHash {
  size_t operator()(const CountingString& s) const noexcept {
    return std::hash<std::string_view>()(std::string_view(s.data(), s.size()));
  }
};
using Baseline = std::unordered_multimap<CountingString, uint32_t, CountingHash, std::equal_to<>,
                                         CountingAllocator<std::pair<const CountingString, uint32_t>>>;

std::string Word(std::mt19937_64& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>('a' + rng() % 26);
  return s;
}

// Patterns of a realistic mix: 45% domains, 20% IPv4 (a tenth CIDR), 5% IPv6, 15% URLs,
// 10% SHA-256, 5% e-mail.
std::vector<std::string> Patterns(size_t n) {
  std::mt19937_64 rng(42);
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    int r = static_cast<int>(rng() % 100);
    std::string domain = Word(rng, 6 + rng() % 8) + "." + (rng() % 2 ? "com" : "net");
    if (r < 45) {
      out.push_back("[domain-name:value = '" + domain + "']");
    } else if (r < 65) {
      uint32_t a = static_cast<uint32_t>(rng());
      if (rng() % 10 == 0) {
        out.push_back("[ipv4-addr:value ISSUBSET '" + FormatIpv4(a & 0xffffff00u) + "/24']");
      } else {
        out.push_back("[ipv4-addr:value = '" + FormatIpv4(a) + "']");
      }
    } else if (r < 70) {
      Ipv6Bytes b{0x20, 0x01, 0x0d, 0xb8};
      for (int k = 4; k < 16; ++k) b[k] = static_cast<uint8_t>(rng());
      out.push_back("[ipv6-addr:value = '" + FormatIpv6(b) + "']");
    } else if (r < 85) {
      out.push_back("[url:value = 'http://" + domain + "/" + Word(rng, 10) + "']");
    } else if (r < 95) {
      static const char kHex[] = "0123456789abcdef";
      std::string h;
      for (int k = 0; k < 64; ++k) h += kHex[rng() % 16];
      out.push_back("[file:hashes.'SHA-256' = '" + h + "']");
    } else {
      out.push_back("[email-addr:value = '" + Word(rng, 5) + "@" + domain + "']");
    }
  }
  return out;
}

struct Fixture {
  std::vector<IndexEntry> entries;
  std::vector<uint32_t> ids;
  IndicatorIndex index;
  std::vector<std::string> domain_tokens;  // half hits (as subdomains), half misses
  std::vector<uint32_t> v4_tokens;
  std::vector<std::string> mixed_tokens;
};

const Fixture& Get(size_t n) {
  static std::unordered_map<size_t, Fixture> cache;
  auto it = cache.find(n);
  if (it != cache.end()) return it->second;
  Fixture& f = cache[n];
  IndicatorIndex::Builder builder;
  std::vector<std::string> patterns = Patterns(n);
  for (uint32_t i = 0; i < patterns.size(); ++i) {
    auto e = CompilePattern(patterns[i]);
    if (!e.ok()) std::abort();
    for (auto& entry : *e) {
      builder.Add(entry, i);
      f.entries.push_back(entry);
      f.ids.push_back(i);
    }
  }
  f.index = std::move(builder).Build();
  std::mt19937_64 rng(7);
  for (size_t i = 0; i < f.entries.size() && f.domain_tokens.size() < 4096; ++i) {
    const IndexEntry& e = f.entries[i];
    if (e.kind == EntryKind::kDomain) {
      f.domain_tokens.push_back("www." + e.value);
      f.domain_tokens.push_back("www.not" + e.value);
      f.mixed_tokens.push_back("cdn." + e.value + ":443");
      f.mixed_tokens.push_back("http://not" + e.value + "/index.html");
    } else if (e.kind == EntryKind::kAddress && !e.range.v6) {
      uint32_t a = (uint32_t{e.range.first[12]} << 24) | (uint32_t{e.range.first[13]} << 16) |
                   (uint32_t{e.range.first[14]} << 8) | e.range.first[15];
      f.v4_tokens.push_back(a);
      f.v4_tokens.push_back(static_cast<uint32_t>(rng()));
      f.mixed_tokens.push_back(FormatIpv4(a) + ":8080");
      f.mixed_tokens.push_back(FormatIpv4(static_cast<uint32_t>(rng())));
    } else if (e.kind == EntryKind::kUrl || e.kind == EntryKind::kHash) {
      f.mixed_tokens.push_back(e.value);
    }
  }
  return f;
}

void BM_Build(benchmark::State& state) {
  const Fixture& f = Get(static_cast<size_t>(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    IndicatorIndex::Builder b;
    for (size_t i = 0; i < f.entries.size(); ++i) b.Add(f.entries[i], f.ids[i]);
    IndicatorIndex index = std::move(b).Build();
    bytes = index.MemoryBytes();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["indicators/s"] = benchmark::Counter(static_cast<double>(f.entries.size()),
                                                      benchmark::Counter::kIsIterationInvariantRate);
  state.counters["bytes/indicator"] = static_cast<double>(bytes) / static_cast<double>(f.entries.size());
}

// Baseline: the same entries in an unordered_multimap keyed by kind byte + canonical text.
void BM_BuildBaseline(benchmark::State& state) {
  const Fixture& f = Get(static_cast<size_t>(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    g_baseline_bytes = 0;
    Baseline map;
    for (size_t i = 0; i < f.entries.size(); ++i) {
      const IndexEntry& e = f.entries[i];
      CountingString key(1, static_cast<char>(e.kind));
      if (e.kind == EntryKind::kAddress) {
        key.append(reinterpret_cast<const char*>(e.range.first.data()), 16);
      } else {
        key.append(e.value.data(), e.value.size());
      }
      map.emplace(std::move(key), f.ids[i]);
    }
    bytes = g_baseline_bytes;
    benchmark::DoNotOptimize(map);
  }
  state.counters["indicators/s"] = benchmark::Counter(static_cast<double>(f.entries.size()),
                                                      benchmark::Counter::kIsIterationInvariantRate);
  state.counters["bytes/indicator"] = static_cast<double>(bytes) / static_cast<double>(f.entries.size());
}

void BM_CompilePatterns(benchmark::State& state) {
  std::vector<std::string> patterns = Patterns(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    size_t n = 0;
    for (const auto& p : patterns) n += CompilePattern(p)->size();
    benchmark::DoNotOptimize(n);
  }
  state.counters["indicators/s"] = benchmark::Counter(static_cast<double>(patterns.size()),
                                                      benchmark::Counter::kIsIterationInvariantRate);
}

// Baseline: every pattern through pattern::Parse.
void BM_CompilePatternsWithParser(benchmark::State& state) {
  std::vector<std::string> patterns = Patterns(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    size_t n = 0;
    for (const auto& p : patterns) n += CompilePatternWithParser(p)->size();
    benchmark::DoNotOptimize(n);
  }
  state.counters["indicators/s"] = benchmark::Counter(static_cast<double>(patterns.size()),
                                                      benchmark::Counter::kIsIterationInvariantRate);
}

void BM_LookupDomain(benchmark::State& state) {
  const Fixture& f = Get(static_cast<size_t>(state.range(0)));
  std::vector<uint32_t> ids;
  size_t i = 0;
  for (auto _ : state) {
    ids.clear();
    f.index.LookupDomain(f.domain_tokens[i++ % f.domain_tokens.size()], &ids);
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetItemsProcessed(state.iterations());
}

// Baseline: the same label-boundary suffix probes against the unordered_multimap.
void BM_LookupDomainBaseline(benchmark::State& state) {
  const Fixture& f = Get(static_cast<size_t>(state.range(0)));
  Baseline map;
  for (size_t i = 0; i < f.entries.size(); ++i) {
    if (f.entries[i].kind == EntryKind::kDomain) map.emplace(CountingString(f.entries[i].value.c_str()), f.ids[i]);
  }
  std::vector<uint32_t> ids;
  size_t i = 0;
  CountingString probe;
  for (auto _ : state) {
    ids.clear();
    std::string_view d = f.domain_tokens[i++ % f.domain_tokens.size()];
    while (true) {
      probe.assign(d.data(), d.size());
      auto [b, e] = map.equal_range(probe);
      for (auto it = b; it != e; ++it) ids.push_back(it->second);
      size_t dot = d.find('.');
      if (dot == std::string_view::npos) break;
      d.remove_prefix(dot + 1);
    }
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetItemsProcessed(state.iterations());
}

// The alternative to probing every label-boundary suffix: a reversed-label trie whose edges
// (parent node, label) live in one open-addressing table. A lookup walks from the TLD and
// stops at the first label with no edge. Kept here only to measure the choice.
class LabelTrie {
 public:
  void Add(std::string_view domain, uint32_t id) {
    uint32_t node = 0;
    size_t pos = domain.size();
    while (true) {
      size_t dot = domain.rfind('.', pos - 1);
      size_t start = dot == std::string_view::npos ? 0 : dot + 1;
      std::string_view label = domain.substr(start, pos - start);
      auto [it, fresh] = edges_.try_emplace(Key(node, label), static_cast<uint32_t>(ids_.size()));
      if (fresh) ids_.emplace_back();
      node = it->second + 1;
      if (dot == std::string_view::npos) break;
      pos = dot;
    }
    ids_[node - 1].push_back(id);
  }
  void Lookup(std::string_view domain, std::vector<uint32_t>* out) const {
    uint32_t node = 0;
    size_t pos = domain.size();
    while (true) {
      size_t dot = domain.rfind('.', pos - 1);
      size_t start = dot == std::string_view::npos ? 0 : dot + 1;
      auto it = edges_.find(Key(node, domain.substr(start, pos - start)));
      if (it == edges_.end()) return;
      node = it->second + 1;
      out->insert(out->end(), ids_[node - 1].begin(), ids_[node - 1].end());
      if (dot == std::string_view::npos) return;
      pos = dot;
    }
  }

 private:
  static std::string Key(uint32_t node, std::string_view label) {
    std::string k(reinterpret_cast<const char*>(&node), 4);
    k.append(label);
    return k;
  }
  std::unordered_map<std::string, uint32_t> edges_;
  std::vector<std::vector<uint32_t>> ids_;
};

void BM_LookupDomainTrie(benchmark::State& state) {
  const Fixture& f = Get(static_cast<size_t>(state.range(0)));
  LabelTrie trie;
  for (size_t i = 0; i < f.entries.size(); ++i) {
    if (f.entries[i].kind == EntryKind::kDomain) trie.Add(f.entries[i].value, f.ids[i]);
  }
  std::vector<uint32_t> ids;
  size_t i = 0;
  for (auto _ : state) {
    ids.clear();
    trie.Lookup(f.domain_tokens[i++ % f.domain_tokens.size()], &ids);
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_LookupIpv4(benchmark::State& state) {
  const Fixture& f = Get(static_cast<size_t>(state.range(0)));
  std::vector<uint32_t> ids;
  size_t i = 0;
  for (auto _ : state) {
    ids.clear();
    f.index.LookupIpv4(f.v4_tokens[i++ % f.v4_tokens.size()], &ids);
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_MatchTokenMixed(benchmark::State& state) {
  const Fixture& f = Get(static_cast<size_t>(state.range(0)));
  std::vector<uint32_t> ids;
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    ids.clear();
    const std::string& t = f.mixed_tokens[i++ % f.mixed_tokens.size()];
    bytes += t.size();
    MatchToken(f.index, t, &ids);
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

// The hot path on the same tokens (same results: fast_match_test.cc).
void BM_MatchTokenFastMixed(benchmark::State& state) {
  const Fixture& f = Get(static_cast<size_t>(state.range(0)));
  std::vector<uint32_t> ids;
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    ids.clear();
    const std::string& t = f.mixed_tokens[i++ % f.mixed_tokens.size()];
    bytes += t.size();
    MatchTokenFast(f.index, t, &ids);
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

// Loading as the sweep does it: pattern text -> CompilePattern -> Builder -> index.
void BM_Load(benchmark::State& state) {
  std::vector<std::string> patterns = Patterns(static_cast<size_t>(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    IndicatorIndex::Builder b;
    for (uint32_t i = 0; i < patterns.size(); ++i) {
      auto entries = CompilePattern(patterns[i]);
      for (const auto& e : *entries) b.Add(e, i);
    }
    IndicatorIndex index = std::move(b).Build();
    bytes = index.MemoryBytes();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["indicators/s"] = benchmark::Counter(static_cast<double>(patterns.size()),
                                                      benchmark::Counter::kIsIterationInvariantRate);
  state.counters["bytes/indicator"] = static_cast<double>(bytes) / static_cast<double>(patterns.size());
}

BENCHMARK(BM_Load)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_Build)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_BuildBaseline)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_CompilePatterns)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_CompilePatternsWithParser)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_LookupDomain)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_LookupDomainBaseline)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_LookupDomainTrie)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_LookupIpv4)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_MatchTokenMixed)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_MatchTokenFastMixed)->Arg(100000)->Arg(1000000);

}  // namespace
}  // namespace tadamun::match

BENCHMARK_MAIN();
