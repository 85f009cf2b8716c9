// Fuzz target: stix::ReadObjects (JSON parsing + STIX 2.1 validation of every object) on
// arbitrary bytes, with small limits. Whatever the input, reading must finish with a status
// and issues, never crash or hang. Invariants checked: every object handed over validates again
// with no error; every issue has a message; an object's deterministic SCO id is stable.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "stix/bundle.h"
#include "stix/sco_id.h"
#include "stix/tlp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tadamun;
  std::string text(reinterpret_cast<const char*>(data), size);
  stix::ReadOptions options;
  options.json.max_depth = 24;
  options.json.max_bytes = 1 << 20;
  options.max_issues = 64;
  std::vector<stix::Issue> issues;
  stix::ReadSummary summary;
  Status status = stix::ReadObjects(
      &text, options,
      [&](stix::Object&& object) {
        std::vector<stix::Issue> again;
        if (!stix::ValidateObject(object.json, "", &again).has_value()) std::abort();
        for (const stix::Issue& i : again) {
          if (i.severity == stix::Severity::kError) std::abort();
        }
        if (object.kind == stix::Kind::kCyberObservable) {
          if (stix::ComputeScoId(object.json) != stix::ComputeScoId(object.json)) std::abort();
        }
        (void)stix::TlpName(object.id);
        (void)object.Version();
        (void)object.Name();
        return Status::Ok();
      },
      &issues, &summary);
  (void)status;
  if (summary.valid > summary.objects) std::abort();
  for (const stix::Issue& i : issues) {
    if (i.message.empty()) std::abort();
    (void)i.ToString("fuzz");
  }
  return 0;
}
