// Pattern engine speed: parse throughput, and the worst case the issue names
// (`REPEATS 10 TIMES WITHIN …` over many observations) staying bounded.
//
// Baselines printed in the same run: BM_LexOnly (the tokenizer alone, a floor for parsing) and
// BM_NaiveRepeatsWithin (enumerate every 10-subset then test the window, as the OASIS Python
// matcher does) against BM_RepeatsWithinNoMatch (our pruned search) on the same input.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "json/json.h"
#include "pattern/check.h"
#include "pattern/evaluate.h"
#include "pattern/lexer.h"
#include "pattern/observation.h"

namespace tadamun::pattern {
namespace {

const std::vector<std::string>& Patterns() {
  static const std::vector<std::string> p = {
      "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
      "[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$' AND "
      "email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']",
      "([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY "
      "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) WITHIN 300 SECONDS",
      "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = "
      "'example.com'] REPEATS 5 TIMES WITHIN 1800 SECONDS",
      "[ipv4-addr:value ISSUBSET '198.51.100.0/24' OR ipv6-addr:value ISSUBSET '2001:db8::/32']",
      "[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = "
      "'4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28'] START t'2016-06-01T01:30:00Z' STOP "
      "t'2016-06-01T02:20:00Z'",
  };
  return p;
}

int64_t TotalBytes() {
  int64_t n = 0;
  for (const auto& s : Patterns()) n += static_cast<int64_t>(s.size());
  return n;
}

void BM_LexOnly(benchmark::State& state) {
  for (auto _ : state) {
    for (const auto& s : Patterns()) benchmark::DoNotOptimize(Lex(s, {}));
  }
  state.SetBytesProcessed(state.iterations() * TotalBytes());
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(Patterns().size()));
}
BENCHMARK(BM_LexOnly);

void BM_Parse(benchmark::State& state) {
  for (auto _ : state) {
    for (const auto& s : Patterns()) benchmark::DoNotOptimize(Parse(s));
  }
  state.SetBytesProcessed(state.iterations() * TotalBytes());
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(Patterns().size()));
}
BENCHMARK(BM_Parse);

void BM_ParseAndCheck(benchmark::State& state) {  // includes RE2 compilation for MATCHES
  for (auto _ : state) {
    for (const auto& s : Patterns()) benchmark::DoNotOptimize(ParseAndCheck(s));
  }
  state.SetBytesProcessed(state.iterations() * TotalBytes());
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(Patterns().size()));
}
BENCHMARK(BM_ParseAndCheck);

// n observed-data, one second apart, each a person aged < 20.
json::Value People(int n) {
  std::string text = "[";
  for (int i = 0; i < n; ++i) {
    char buf[512];
    int64_t t = 1000000000 + i;
    std::snprintf(buf, sizeof buf,
                  "%s{\"type\":\"bundle\",\"id\":\"bundle--%d\",\"objects\":[{\"type\":\"person\","
                  "\"id\":\"person--%d\",\"age\":%d},{\"type\":\"observed-data\",\"id\":"
                  "\"observed-data--%d\",\"first_observed\":\"%s\",\"last_observed\":\"%s\","
                  "\"number_observed\":1,\"object_refs\":[\"person--%d\"]}]}",
                  i ? "," : "", i, i, i % 20, i, Timestamp::FromUnixNanos(t, 0, 0).ToString().c_str(),
                  Timestamp::FromUnixNanos(t, 0, 0).ToString().c_str(), i);
    text += buf;
  }
  return *json::Parse(text + "]");
}

void RunPattern(benchmark::State& state, const char* text, bool want_match) {
  json::Value doc = People(static_cast<int>(state.range(0)));
  auto obs = ObservationsFromJson(doc);
  auto p = ParseAndCheck(text);
  uint64_t work = 0;
  for (auto _ : state) {
    auto r = Evaluate(*p, *obs);
    if (!r.ok() || r->matched != want_match) state.SkipWithError("unexpected result");
    if (r.ok()) work = r->work;
  }
  state.counters["work_units"] = static_cast<double>(work);
  state.counters["observations"] = static_cast<double>(state.range(0));
}

// 9 observations fit in any 8-second window, so no 10 do: the search must prove it.
void BM_RepeatsWithinNoMatch(benchmark::State& state) {
  RunPattern(state, "[person:age < 20] REPEATS 10 TIMES WITHIN 8 SECONDS", false);
}
BENCHMARK(BM_RepeatsWithinNoMatch)->Arg(20)->Arg(100)->Arg(1000)->Arg(10000)
    ->Unit(benchmark::kMicrosecond);

void BM_RepeatsWithinMatch(benchmark::State& state) {
  RunPattern(state, "[person:age < 20] REPEATS 10 TIMES WITHIN 9 SECONDS", true);
}
BENCHMARK(BM_RepeatsWithinMatch)->Arg(20)->Arg(10000)->Unit(benchmark::kMicrosecond);

// Baseline: every 10-subset of the n observation times, then the window test (the reference
// matcher's strategy, without its per-step filtering).
void Subsets(const std::vector<int64_t>& t, size_t from, int left, int64_t lo, int64_t hi,
             int64_t* found, int64_t* visited) {
  if (left == 0) {
    ++*visited;
    if (hi - lo <= 8) ++*found;
    return;
  }
  for (size_t i = from; i + left <= t.size(); ++i) {
    Subsets(t, i + 1, left - 1, std::min(lo, t[i]), std::max(hi, t[i]), found, visited);
  }
}
void BM_NaiveRepeatsWithin(benchmark::State& state) {
  std::vector<int64_t> times;
  for (int i = 0; i < state.range(0); ++i) times.push_back(i);
  int64_t visited = 0;
  for (auto _ : state) {
    int64_t found = 0;
    visited = 0;
    Subsets(times, 0, 10, INT64_MAX, INT64_MIN, &found, &visited);
    if (found != 0) state.SkipWithError("naive found a match");
  }
  state.counters["subsets"] = static_cast<double>(visited);
  state.counters["observations"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_NaiveRepeatsWithin)->Arg(20)->Arg(25)->Unit(benchmark::kMicrosecond);

// An indicator feed as one pattern: 1000 `[...]` joined by OR, over 10,000 observations of
// IPv4 addresses (one in a hundred listed).
void BM_ManyBracketsOr(benchmark::State& state) {
  std::string pattern;
  for (int i = 0; i < 1000; ++i) {
    pattern += (i ? " OR " : "") + std::string("[ipv4-addr:value = '10.0.") + std::to_string(i / 250) +
               "." + std::to_string(i % 250) + "']";
  }
  std::string text = "[";
  for (int i = 0; i < 10000; ++i) {
    char buf[400];
    std::snprintf(buf, sizeof buf,
                  "%s{\"type\":\"bundle\",\"id\":\"bundle--%d\",\"objects\":[{\"type\":"
                  "\"ipv4-addr\",\"id\":\"ipv4-addr--%d\",\"value\":\"10.%d.%d.%d\"},"
                  "{\"type\":\"observed-data\",\"id\":\"observed-data--%d\",\"first_observed\":"
                  "\"2020-01-01T00:00:00Z\",\"last_observed\":\"2020-01-01T00:00:00Z\","
                  "\"number_observed\":1,\"object_refs\":[\"ipv4-addr--%d\"]}]}",
                  i ? "," : "", i, i, i % 100 == 99 ? 0 : 1, (i / 250) % 4, i % 250, i, i);
    text += buf;
  }
  json::Value doc = *json::Parse(text + "]");
  auto obs = ObservationsFromJson(doc);
  auto p = ParseAndCheck(pattern);
  for (auto _ : state) {
    auto r = Evaluate(*p, *obs);
    if (!r.ok() || !r->matched) state.SkipWithError("unexpected result");
  }
  state.counters["comparisons"] = benchmark::Counter(
      1000.0 * 10000, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ManyBracketsOr)->Unit(benchmark::kMillisecond);

// A search with no pruning available: stops at the default work limit with ResourceExhausted.
void BM_WorkLimitReached(benchmark::State& state) {
  json::Value doc = People(40);
  auto obs = ObservationsFromJson(doc);
  // The only [person:age = 0] inside the START/STOP interval is the first observation, so no
  // 10 earlier ones exist; every 10-subset is tried until the budget runs out.
  auto p = ParseAndCheck(
      "[person:age < 20] REPEATS 10 TIMES FOLLOWEDBY ([person:age = 0] START "
      "t'2001-09-09T01:46:40Z' STOP t'2001-09-09T01:46:41Z')");
  for (auto _ : state) {
    auto r = Evaluate(*p, *obs);
    if (r.status().code() != StatusCode::kResourceExhausted) state.SkipWithError("no limit hit");
  }
  state.counters["work_limit"] = static_cast<double>(EvalOptions().max_work);
}
BENCHMARK(BM_WorkLimitReached)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tadamun::pattern

BENCHMARK_MAIN();
