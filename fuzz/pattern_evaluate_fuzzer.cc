// Fuzz target: the first line is a STIX pattern, the rest a JSON list of STIX 2.1 bundles;
// evaluates one against the other with small limits. Invariants: never crashes or hangs (the
// work budget bounds every search); a match binds observations that exist.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "json/json.h"
#include "pattern/check.h"
#include "pattern/evaluate.h"
#include "pattern/observation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nl = input.find('\n');
  if (nl == std::string_view::npos) return 0;
  using namespace tadamun;
  auto p = pattern::ParseAndCheck(input.substr(0, nl));
  if (!p.ok()) return 0;
  auto doc = json::Parse(input.substr(nl + 1), {.max_depth = 32, .max_bytes = 1 << 20});
  if (!doc.ok()) return 0;
  auto obs = pattern::ObservationsFromJson(*doc, {.max_observed_data = 1000});
  if (!obs.ok()) return 0;
  pattern::EvalOptions options;
  options.max_work = 200000;
  options.max_binding_size = 64;
  options.max_observations = 10000;
  auto r = pattern::Evaluate(*p, *obs, options);
  if (!r.ok()) return 0;
  if (r->matched == r->binding.empty()) std::abort();
  for (const auto& b : r->binding) {
    if (b.observation >= obs->size() || b.leaf >= p->leaf_count) std::abort();
  }
  return 0;
}
