// End-to-end figures of the foundation issue, on a generated bundle:
//   - validate + import objects/s into the store (target: >= 100,000/s per core)
//   - export objects/s (target: >= 200,000/s)
//   - peak RSS of the importing process beyond the JSON text itself, at two bundle sizes, to
//     show it does not grow with the bundle beyond the text being parsed.
// Usage: import_benchmark [--objects N] [--dir DIR]     (default 1,000,000 objects, /tmp)
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "base/env.h"
#include "bundle_generator.h"
#include "node/import.h"
#include "node/node.h"
#include "stix/bundle.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double CpuSeconds() {
  struct rusage u;
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Figures {
  double import_cpu = 0;
  double export_cpu = 0;
  double import_seconds = 0;
  double export_seconds = 0;
  uint64_t exported = 0;
  bool ok = false;
};

// Runs in a child process, so that its peak RSS is the import's alone: reads the bundle file
// (as `tadamun import` does), imports it into a fresh node, then exports everything.
Figures ImportAndExport(const std::string& file, const std::string& dir) {
  using namespace tadamun;
  Figures f;
  if (Status s = node::Node::Init(dir, {}); !s.ok()) return f;
  auto node = node::Node::Open(dir);
  if (!node.ok()) return f;
  auto text = Env::Default()->ReadFile(file, uint64_t{8} << 30);
  if (!text.ok()) return f;
  double c0 = CpuSeconds();
  auto t0 = Clock::now();
  node::ImportOptions options;
  options.source_name = file;
  auto report = node::ImportDocument(&(*node)->store(), &*text, options);
  auto t1 = Clock::now();
  f.import_cpu = CpuSeconds() - c0;
  if (!report.ok() || !report->committed) {
    std::fprintf(stderr, "import failed: %s\n",
                 report.ok() ? report->issues.at(0).ToString(file).c_str()
                             : report.status().ToString().c_str());
    return f;
  }
  text->clear();
  text->shrink_to_fit();
  // Export: stream every object into a bundle, as `tadamun export` does to stdout.
  std::string out;
  double c2 = CpuSeconds();
  auto t2 = Clock::now();
  stix::AppendBundleStart("bundle--00000000-0000-4000-8000-000000000000", &out);
  Status s = (*node)->store().Scan({}, [&](const store::Row& row) {
    if (f.exported++ > 0) out += ',';
    out += row.json;
    if (out.size() > (1 << 20)) out.clear();  // as if written to stdout
    return Status::Ok();
  });
  stix::AppendBundleEnd(&out);
  auto t3 = Clock::now();
  f.export_cpu = CpuSeconds() - c2;
  f.import_seconds = Seconds(t0, t1);
  f.export_seconds = Seconds(t2, t3);
  f.ok = s.ok();
  return f;
}

int Run(uint64_t objects, const std::string& base_dir, bool print_speed) {
  using namespace tadamun;
  const std::string work = base_dir + "/tadamun_import_bench_" + std::to_string(::getpid());
  std::filesystem::remove_all(work);
  std::filesystem::create_directories(work);
  const std::string file = work + "/bundle.json";
  {
    bench::BundleGenerator gen({.seed = 42});
    std::string text = gen.Bundle(objects);
    std::ofstream(file, std::ios::binary) << text;
  }
  const double text_mb = static_cast<double>(std::filesystem::file_size(file)) / 1e6;
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return 1;
  pid_t child = ::fork();
  if (child == 0) {
    ::close(pipe_fds[0]);
    Figures f = ImportAndExport(file, work + "/node");
    ssize_t n = ::write(pipe_fds[1], &f, sizeof f);
    ::_exit(n == sizeof f && f.ok ? 0 : 1);
  }
  ::close(pipe_fds[1]);
  Figures f;
  ssize_t n = ::read(pipe_fds[0], &f, sizeof f);
  ::close(pipe_fds[0]);
  int status = 0;
  struct rusage usage;
  ::wait4(child, &status, 0, &usage);
  std::filesystem::remove_all(work);
  if (n != sizeof f || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || f.exported != objects) {
    std::fprintf(stderr, "import/export failed\n");
    return 1;
  }
  const double peak_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  std::printf("bundle: %llu objects, %.1f MB of JSON\n", static_cast<unsigned long long>(objects),
              text_mb);
  if (print_speed) {
    // Wall-clock rate, and the rate per CPU-second (what "per core" means; it is also the
    // figure that stays put when other work shares the machine).
    const double import_rate = static_cast<double>(objects) / f.import_seconds;
    const double import_cpu_rate = static_cast<double>(objects) / f.import_cpu;
    const double export_rate = static_cast<double>(objects) / f.export_seconds;
    const double export_cpu_rate = static_cast<double>(objects) / f.export_cpu;
    // "Per core" is the rate per CPU-second of the (single-threaded) import; the wall-clock
    // rate also includes the time the disk takes to make the commit durable (fsync).
    std::printf("  validate+import: %9.0f objects/s wall (%.2f s), %9.0f per CPU-second "
                "(%.2f s)  target >= 100,000/s per core: %s (wall clock: %s)\n",
                import_rate, f.import_seconds, import_cpu_rate, f.import_cpu,
                import_cpu_rate >= 100000 ? "OK" : "BELOW TARGET",
                import_rate >= 100000 ? "also >= 100,000/s" : "below 100,000/s");
    std::printf("  export:          %9.0f objects/s wall (%.2f s), %9.0f per CPU-second "
                "(%.2f s)  target >= 200,000/s: %s\n",
                export_rate, f.export_seconds, export_cpu_rate, f.export_cpu,
                export_rate >= 200000 ? "OK" : "BELOW TARGET");
  }
  std::printf("  peak RSS of the import process: %.1f MB = the JSON text + %.1f MB\n", peak_mb,
              peak_mb - text_mb);
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
  // Memory at a tenth of the size first: what matters is that the part beyond the text stays
  // flat as the bundle grows.
  if (objects >= 10000 && Run(objects / 10, dir, false) != 0) return 1;
  return Run(objects, dir, true);
}
