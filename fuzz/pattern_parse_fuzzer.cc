// Fuzz target: STIX pattern text -> Parse + semantic checks. Invariants: never crashes or
// hangs; every error says where (starts with "column N: ") unless it is a length limit; a
// pattern that parses has a root and leaf numbers within range.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pattern/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace tadamun::pattern;
  auto p = Parse(text);
  if (!p.ok()) {
    const std::string m = p.status().message();
    if (m.rfind("column ", 0) != 0 && m.rfind("pattern is ", 0) != 0) std::abort();
    return 0;
  }
  if (p->root >= p->observations.size()) std::abort();
  for (const auto& n : p->observations) {
    if (const auto* s = std::get_if<ObsSimple>(&n); s && s->leaf >= p->leaf_count) std::abort();
  }
  tadamun::Status s = CheckSemantics(*p);
  if (!s.ok() && s.message().rfind("column ", 0) != 0) std::abort();
  return 0;
}
