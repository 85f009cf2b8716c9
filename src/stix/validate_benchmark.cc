// Validation cost per object, printed next to its baselines in the same run:
//   BM_ParseIndicator      json::Parse of a typical indicator (the baseline: reading it at all)
//   BM_CopyIndicator       copying the parsed value (ValidateObject takes it by value)
//   BM_ValidateIndicator   copy + stix::ValidateObject
//   BM_ParseAndValidate    both, as an import does per object
//   BM_ValidateIpv4        an SCO, including its deterministic UUIDv5 id (JCS + SHA-1)
//   BM_ReadIcsAttack       stix::ReadObjects over ATT&CK for ICS (1,826 objects, 3.5 MB)
// Target (issue): ≥ 100,000 objects/s per core for parse + validate + SQLite insert, i.e. a few
// µs at most for validation of a typical indicator.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "stix/bundle.h"
#include "stix/validate.h"

namespace tadamun::stix {
namespace {

constexpr std::string_view kIndicator =
    R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
    R"("created_by_ref":"identity--f431f809-377b-45e0-aa1c-6a4751cae5ff","created":"2016-04-06T20:03:48.000Z",)"
    R"("modified":"2016-04-06T20:03:48.000Z","indicator_types":["malicious-activity"],"name":"Poison Ivy Malware",)"
    R"("description":"This file is part of Poison Ivy","pattern":"[file:hashes.'SHA-256' = )"
    R"('4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877']","pattern_type":"stix",)"
    R"("valid_from":"2016-01-01T00:00:00Z","confidence":85,"labels":["apt"],)"
    R"("kill_chain_phases":[{"kill_chain_name":"mandiant-attack-lifecycle-model","phase_name":"initial-compromise"}],)"
    R"("object_marking_refs":["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"],"x_acme_score":7})";

constexpr std::string_view kIpv4 =
    R"({"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","value":"198.51.100.3"})";

void BM_ParseIndicator(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(json::Parse(kIndicator));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseIndicator);

void BM_CopyIndicator(benchmark::State& state) {
  json::Value v = *json::Parse(kIndicator);
  for (auto _ : state) {
    json::Value copy = v;
    benchmark::DoNotOptimize(copy);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CopyIndicator);

void Validate(benchmark::State& state, std::string_view text) {
  json::Value v = *json::Parse(text);
  std::vector<Issue> issues;
  for (auto _ : state) {
    issues.clear();
    benchmark::DoNotOptimize(ValidateObject(v, "/objects/0", &issues));
  }
  if (issues.size() > 1) state.SkipWithError("unexpected issues");
  state.SetItemsProcessed(state.iterations());
}
void BM_ValidateIndicator(benchmark::State& state) { Validate(state, kIndicator); }
BENCHMARK(BM_ValidateIndicator);
void BM_ValidateIpv4(benchmark::State& state) { Validate(state, kIpv4); }
BENCHMARK(BM_ValidateIpv4);

void BM_ParseAndValidate(benchmark::State& state) {
  std::vector<Issue> issues;
  for (auto _ : state) {
    issues.clear();
    benchmark::DoNotOptimize(ValidateObject(*json::Parse(kIndicator), "/objects/0", &issues));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseAndValidate);

void BM_ReadIcsAttack(benchmark::State& state) {
  std::ifstream in(std::string(TADAMUN_SOURCE_DIR) + "/tests/data/stix/examples/ics-attack.json",
                   std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string original = ss.str();
  uint64_t objects = 0;
  for (auto _ : state) {
    std::string text = original;
    std::vector<Issue> issues;
    ReadSummary summary;
    ReadOptions options;
    options.validation.warn_custom = false;
    Status s = ReadObjects(&text, options, [](Object&&) { return Status::Ok(); }, &issues,
                           &summary);
    if (!s.ok() || summary.errors != 0) state.SkipWithError("read failed");
    objects += summary.objects;
  }
  state.SetItemsProcessed(static_cast<int64_t>(objects));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * original.size()));
}
BENCHMARK(BM_ReadIcsAttack)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tadamun::stix

BENCHMARK_MAIN();
