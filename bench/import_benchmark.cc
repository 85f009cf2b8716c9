// End-to-end figures of the foundation issue, on a generated bundle:
//   - validate + import objects/s into the store (target: >= 100,000/s per core)
//   - export objects/s (target: >= 200,000/s)
//   - peak memory of the import beyond the JSON text itself, at two bundle sizes, to show it
//     does not grow with the bundle beyond the text being parsed.
// Usage: import_benchmark [--objects N] [--dir DIR]     (default 1,000,000 objects, /tmp)
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "bundle_generator.h"
#include "node/import.h"
#include "node/node.h"
#include "stix/bundle.h"

namespace {

using Clock = std::chrono::steady_clock;

uint64_t StatusKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::strtoull(line.c_str() + std::strlen(field), nullptr, 10);
  }
  return 0;
}

void ResetPeak() { std::ofstream("/proc/self/clear_refs") << "5"; }

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

int Run(uint64_t objects, const std::string& base_dir, bool print_speed) {
  using namespace tadamun;
  bench::BundleGenerator gen({.seed = 42});
  std::string text = gen.Bundle(objects);
  const double text_mb = static_cast<double>(text.size()) / 1e6;
  std::string dir = base_dir + "/tadamun_import_bench_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  if (Status s = node::Node::Init(dir, {}); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  auto node = node::Node::Open(dir);
  if (!node.ok()) return 1;
  text.reserve(text.size() + 64);  // the parser's padding, so import does not copy the text
  ResetPeak();
  const uint64_t rss_before_kb = StatusKb("VmRSS:");
  auto t0 = Clock::now();
  node::ImportOptions options;
  options.source_name = "generated";
  auto report = node::ImportDocument(&(*node)->store(), &text, options);
  auto t1 = Clock::now();
  const uint64_t peak_kb = StatusKb("VmHWM:");
  if (!report.ok() || !report->committed) {
    std::fprintf(stderr, "import failed: %s\n",
                 report.ok() ? report->issues.at(0).ToString("generated").c_str()
                             : report.status().ToString().c_str());
    return 1;
  }
  const double import_rate = static_cast<double>(objects) / Seconds(t0, t1);
  const double extra_mb = static_cast<double>(peak_kb - rss_before_kb) / 1024.0;

  // Export: stream every object into a bundle in memory, as `tadamun export` does to stdout.
  uint64_t exported = 0;
  std::string out;
  auto t2 = Clock::now();
  stix::AppendBundleStart("bundle--00000000-0000-4000-8000-000000000000", &out);
  Status s = (*node)->store().Scan({}, [&](const store::Row& row) {
    if (exported++ > 0) out += ',';
    out += row.json;
    if (out.size() > (1 << 20)) out.clear();  // as if written to stdout
    return Status::Ok();
  });
  stix::AppendBundleEnd(&out);
  auto t3 = Clock::now();
  if (!s.ok() || exported != objects) {
    std::fprintf(stderr, "export failed: %s (%llu objects)\n", s.ToString().c_str(),
                 static_cast<unsigned long long>(exported));
    return 1;
  }
  const double export_rate = static_cast<double>(exported) / Seconds(t2, t3);
  node->reset();
  std::filesystem::remove_all(dir);

  std::printf("bundle: %llu objects, %.1f MB of JSON\n", static_cast<unsigned long long>(objects),
              text_mb);
  if (print_speed) {
    std::printf("  validate+import: %9.0f objects/s  (%.2f s; target >= 100,000/s per core)  %s\n",
                import_rate, Seconds(t0, t1), import_rate >= 100000 ? "OK" : "BELOW TARGET");
    std::printf("  export:          %9.0f objects/s  (%.2f s; target >= 200,000/s)           %s\n",
                export_rate, Seconds(t2, t3), export_rate >= 200000 ? "OK" : "BELOW TARGET");
  }
  std::printf("  import peak memory beyond the loaded text: %.1f MB (%.2f x the JSON size)\n",
              extra_mb, extra_mb / text_mb);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t objects = 1000000;
  std::string dir = "/tmp";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--objects") == 0 && i + 1 < argc) {
      objects = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: import_benchmark [--objects N] [--dir DIR]\n");
      return 2;
    }
  }
  std::printf("import_benchmark: one core (single-threaded import and export)\n");
  // Memory at a tenth of the size first: the figure that matters is that the ratio stays flat.
  if (objects >= 10000 && Run(objects / 10, dir, false) != 0) return 1;
  return Run(objects, dir, true);
}
