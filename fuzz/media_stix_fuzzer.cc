// Fuzz target: the PDQ scanner of STIX patterns. The input is used as an indicator's pattern
// (and as a file object's PDQ hash value); extraction must return hashes or a Status.
#include <cstddef>
#include <cstdint>
#include <string>

#include "json/json.h"
#include "media/pdq_stix.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using tadamun::json::Value;
  const std::string text(reinterpret_cast<const char*>(data), size);
  Value indicator = Value::Object();
  indicator.Set("type", Value::String("indicator"));
  indicator.Set("id", Value::String("indicator--fuzz"));
  indicator.Set("pattern_type", Value::String("stix"));
  indicator.Set("pattern", Value::String(text));
  auto hashes = tadamun::media::ExtractPdqHashes(indicator);
  if (hashes.ok()) {
    for (const auto& h : *hashes) {
      if (tadamun::media::FormatHex(h.hash).size() != 64) __builtin_trap();
    }
  }
  Value file = Value::Object();
  file.Set("type", Value::String("file"));
  Value map = Value::Object();
  map.Set("PDQ", Value::String(text));
  file.Set("hashes", std::move(map));
  (void)tadamun::media::ExtractPdqHashes(file);
  return 0;
}
