// Seeded generator of large, realistic STIX 2.1 bundles for benchmarks and load tests.
//
// Produces "typical indicator objects": indicators of IPv4, IPv6, CIDR, domain, URL, file
// hash and e-mail patterns with names, descriptions, confidence, markings and kill-chain
// phases, plus one intrusion set, one malware and a relationship for every 10th indicator.
// The same seed always gives the same bytes. Not thread-safe (one generator per thread).
//
//   BundleGenerator gen({.seed = 7});
//   std::string text = gen.Bundle(1000000);
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace tadamun::bench {

struct GeneratorOptions {
  uint64_t seed = 1;
  bool pretty = false;  // one object per line (compact objects) when false
};

class BundleGenerator {
 public:
  explicit BundleGenerator(const GeneratorOptions& options);

  // A whole bundle with `objects` objects.
  std::string Bundle(uint64_t objects);
  // Appends the n-th object (compact JSON) to `out`.
  void AppendObject(uint64_t n, std::string* out);

 private:
  std::string Uuid();
  std::string Hex(size_t digits);
  std::string Domain();
  std::string Timestamp();

  GeneratorOptions options_;
  std::mt19937_64 rng_;
  std::string intrusion_set_id_, malware_id_, identity_id_;
  std::string last_indicator_id_;
};

}  // namespace tadamun::bench
