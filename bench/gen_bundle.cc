// gen_bundle: writes a seeded, realistic STIX 2.1 bundle to stdout or a file.
//   gen_bundle --objects 1000000 --seed 7 > big.json
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bundle_generator.h"

int main(int argc, char** argv) {
  uint64_t objects = 1000;
  tadamun::bench::GeneratorOptions options;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--objects") == 0 && i + 1 < argc) {
      objects = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      options.seed = std::strtoull(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: gen_bundle [--objects N] [--seed S] > bundle.json\n");
      return 2;
    }
  }
  tadamun::bench::BundleGenerator gen(options);
  std::string text = gen.Bundle(objects);
  return std::fwrite(text.data(), 1, text.size(), stdout) == text.size() ? 0 : 1;
}
