// sweep_benchmark: the sweep's figures (issue 4) beside `rg -F -f` on the same data, same run.
//
//   build/speed/bench/sweep_benchmark [--bytes 1G] [--indicators 200000] [--seed 7]
//                                     [--json-bytes N] [--scale-bytes N] [--dir /tmp] [--no-rg]
//                                     [--repeat N]   (each sweep N times, the fastest kept;
//                                                     default 3)
//                                     [--log FILE]   (sweep FILE, made by gen_logs with the same
//                                                     --indicators and --seed, instead of
//                                                     generating one; FILE is kept)
//
// 1. Generates the indicators (half domains, half IPv4, a tenth of those /24 blocks;
//    bench/log_generator.h), writes them as a STIX bundle and as a plain list for rg, and
//    loads them (CompilePattern + IndicatorIndex build), timed.
// 2. Generates `--bytes` of squid access.log (1% hit lines, 5% near-miss lines) into a fresh
//    folder under --dir, maps it, and sweeps it on one core and on two (the file cut in two at a
//    line boundary): per line the client address, the URL (host, or host:port for CONNECT) and
//    the hierarchy host are looked up with MatchTokenFast (lines found with memchr, fields cut
//    from 64-bit space masks). Prints MB/s, lines/s, CPU time, the hit counts, and the CPU time
//    of the same loop without lookups (what cutting the lines costs).
// 3. Runs `rg -F -f list -n` on the same file, timed (wall and CPU of the child), and checks
//    each line it prints with the exact matcher: true hits, false positives, and the hit lines
//    rg missed (letter case, CIDR). Also times Vectorscan finding the indicator strings as
//    caseless literals (compile, then the scan alone): the prefilter we did not adopt.
// 4. Sweeps a `--scale-bytes` prefix with 1k and with 1M indicators (the 200k plus 800k more).
// 5. Generates `--json-bytes` of Zeek JSON (http log) and sweeps it: every JSON string value is
//    looked up.
// 6. Runs tadamun's sweep engine (match/sweep.h: format detection, field extraction, per-line
//    deduplication, LookupToken) on the same two files with 1 and 2 threads, the indicators
//    loaded from the STIX bundle (match::IndicatorSet).
// Deletes the folder at the end. All times on a shared machine are noisy: CPU time is printed
// beside every wall time.
#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <emmintrin.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#ifdef TADAMUN_HAVE_HS
#include <hs/hs.h>
#endif

#include "base/timestamp.h"
#include "json/json.h"
#include "log_generator.h"
#include "match/compile.h"
#include "match/sweep.h"
#include "match/fast_match.h"

extern char** environ;

namespace {

using namespace tadamun;
using bench::IndicatorValues;
using bench::ParseSize;
using bench::WriteFile;

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
double Cpu(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
double ProcessCpu() { return Cpu(CLOCK_PROCESS_CPUTIME_ID); }
double ThreadCpu() { return Cpu(CLOCK_THREAD_CPUTIME_ID); }

// Writes `bytes` of generated log to `path`; returns the planted hit count.
uint64_t GenerateLog(const std::string& path, const bench::LogGeneratorOptions& options, const IndicatorValues& values,
                     uint64_t bytes, uint64_t* lines) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    std::exit(1);
  }
  bench::LogGenerator gen(options, values);
  std::string chunk;
  gen.AppendHeader(&chunk);
  uint64_t written = 0;
  while (written < bytes) {
    while (chunk.size() < (1u << 20) && written + chunk.size() < bytes) gen.AppendLine(&chunk);
    if (chunk.empty()) gen.AppendLine(&chunk);
    if (std::fwrite(chunk.data(), 1, chunk.size(), f) != chunk.size()) std::exit(1);
    written += chunk.size();
    chunk.clear();
  }
  std::fclose(f);
  *lines = gen.lines();
  return gen.planted_hits();
}

class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
      std::fprintf(stderr, "cannot read %s\n", path.c_str());
      std::exit(1);
    }
    size_ = static_cast<size_t>(st.st_size);
    data_ = static_cast<const char*>(mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0));
    close(fd);
    if (data_ == MAP_FAILED) std::exit(1);
  }
  ~MappedFile() { munmap(const_cast<char*>(data_), size_); }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view view() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

match::IndicatorIndex Load(const std::vector<std::string>& patterns) {
  match::IndicatorIndex::Builder b;
  for (uint32_t i = 0; i < patterns.size(); ++i) {
    auto entries = match::CompilePattern(patterns[i]);
    if (!entries.ok()) {
      std::fprintf(stderr, "pattern %s: %s\n", patterns[i].c_str(), std::string(entries.status().message()).c_str());
      std::exit(1);
    }
    for (const auto& e : *entries) b.Add(e, i);
  }
  return std::move(b).Build();
}

struct SweepResult {
  uint64_t lines = 0, hit_lines = 0, hits = 0;
  double cpu = 0;
  std::vector<uint64_t> hit_line_numbers;  // 1-based, when asked for
};

// Looks up the ids of one line's values; true when any hit.
struct LineIds {
  std::vector<uint32_t> ids;
  void Finish(SweepResult* r, uint64_t line_number, bool record) {
    if (ids.empty()) return;
    std::sort(ids.begin(), ids.end());
    r->hits += static_cast<uint64_t>(std::unique(ids.begin(), ids.end()) - ids.begin());
    ++r->hit_lines;
    if (record) r->hit_line_numbers.push_back(line_number);
    ids.clear();
  }
};

// Squid native: time elapsed client code/status bytes method URL user hierarchy/host type.
// Looks up the client, the URL and the hierarchy host.
void SquidLine(const match::IndicatorIndex& index, std::string_view line, LineIds* out) {
  const char* p = line.data();
  const char* end = p + line.size();
  std::string_view fields[9];
  int n = 0;
  while (n < 9) {
    while (p < end && *p == ' ') ++p;
    if (p >= end) break;
    const char* s = p;
    p = static_cast<const char*>(std::memchr(p, ' ', static_cast<size_t>(end - p)));
    if (p == nullptr) p = end;
    fields[n++] = std::string_view(s, static_cast<size_t>(p - s));
  }
  if (n < 9) return;
  match::MatchTokenFast(index, fields[2], &out->ids);
  match::MatchTokenFast(index, fields[6], &out->ids);
  std::string_view hier = fields[8];
  size_t slash = hier.find('/');
  if (slash != std::string_view::npos && slash + 1 < hier.size() && hier[slash + 1] != '-') {
    match::MatchTokenFast(index, hier.substr(slash + 1), &out->ids);
  }
}

// JSON lines: every string value (not key) is looked up.
void JsonLine(const match::IndicatorIndex& index, std::string_view line, LineIds* out) {
  const char* p = line.data();
  const char* end = p + line.size();
  while (p < end) {
    const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p)));
    if (q == nullptr) return;
    const char* s = q + 1;
    const char* e = s;
    while (true) {
      e = static_cast<const char*>(std::memchr(e, '"', static_cast<size_t>(end - e)));
      if (e == nullptr) return;
      size_t backslashes = 0;
      while (e - backslashes > s && e[-1 - static_cast<ptrdiff_t>(backslashes)] == '\\') ++backslashes;
      if (backslashes % 2 == 0) break;
      ++e;
    }
    p = e + 1;
    if (p < end && *p == ':') continue;  // a key
    if (e > s) match::MatchTokenFast(index, std::string_view(s, static_cast<size_t>(e - s)), &out->ids);
  }
}

template <typename PerLine>
SweepResult Sweep(const match::IndicatorIndex& index, std::string_view text, uint64_t first_line, bool record,
                  PerLine per_line) {
  SweepResult r;
  double cpu0 = ThreadCpu();
  LineIds ids;
  size_t pos = 0;
  while (pos < text.size()) {
    const char* nl = static_cast<const char*>(std::memchr(text.data() + pos, '\n', text.size() - pos));
    size_t end = nl ? static_cast<size_t>(nl - text.data()) : text.size();
    std::string_view line = text.substr(pos, end - pos);
    ++r.lines;
    if (!line.empty() && line[0] != '#') per_line(index, line, &ids);
    ids.Finish(&r, first_line + r.lines, record);
    pos = end + 1;
  }
  r.cpu = ThreadCpu() - cpu0;
  return r;
}

volatile uint32_t benchmark_sink = 0;  // keeps the split-only loop from being optimised away

// 64 bits: which of the 64 bytes at `p` are spaces.
inline uint64_t SpaceMask64(const char* p) {
  const __m128i space = _mm_set1_epi8(' ');
  uint64_t m = 0;
  for (int k = 0; k < 4; ++k) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    m |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, space)))) << (16 * k);
  }
  return m;
}

// Cuts one squid line into its first 9 space-separated fields (runs of spaces are one
// separator). Lines of up to 256 bytes with 256 readable bytes from their start: from bit
// masks (a field starts at a non-space after a space); others byte by byte. Returns the count.
int SquidFields(const char* line, size_t len, bool readable256, uint32_t* begin, uint32_t* end) {
  int fields = 0;
  if (len <= 256 && readable256) {
    uint64_t s[4];
    const size_t words = (len + 63) / 64;
    for (size_t w = 0; w < 4; ++w) {
      if (w < words) {
        s[w] = SpaceMask64(line + 64 * w);
        if (64 * (w + 1) > len) s[w] |= ~uint64_t{0} << (len - 64 * w);  // past the line: spaces
      } else {
        s[w] = ~uint64_t{0};
      }
    }
    uint64_t carry = 1;  // byte -1 counts as a space
    for (size_t w = 0; w < words && fields < 9; ++w) {
      uint64_t starts = ~s[w] & ((s[w] << 1) | carry);
      carry = s[w] >> 63;
      while (starts != 0 && fields < 9) {
        size_t p = 64 * w + static_cast<size_t>(__builtin_ctzll(starts));
        starts &= starts - 1;
        size_t e = 256;  // the next space at or after p (bits past the line are spaces)
        for (size_t x = w; x < 4; ++x) {
          uint64_t m = s[x] & (x == w ? ~uint64_t{0} << (p - 64 * w) : ~uint64_t{0});
          if (m != 0) {
            e = 64 * x + static_cast<size_t>(__builtin_ctzll(m));
            break;
          }
        }
        begin[fields] = static_cast<uint32_t>(p);
        end[fields] = static_cast<uint32_t>(std::min(e, len));
        ++fields;
      }
    }
    return fields;
  }
  size_t i = 0;
  while (fields < 9) {
    while (i < len && line[i] == ' ') ++i;
    if (i >= len) break;
    begin[fields] = static_cast<uint32_t>(i);
    while (i < len && line[i] != ' ') ++i;
    end[fields++] = static_cast<uint32_t>(i);
  }
  return fields;
}

// The squid sweep over a whole buffer: lines found with memchr, fields cut by SquidFields, and
// fields 2 (client), 6 (URL) and 8 (hierarchy host) looked up as SquidLine does.
SweepResult SweepSquid(const match::IndicatorIndex& index, std::string_view text, uint64_t first_line, bool record,
                       bool lookups = true) {
  SweepResult r;
  double cpu0 = ThreadCpu();
  LineIds ids;
  const char* d = text.data();
  const size_t n = text.size();
  uint32_t begin[9], end[9];
  size_t pos = 0;
  while (pos < n) {
    const char* nl = static_cast<const char*>(std::memchr(d + pos, '\n', n - pos));
    size_t line_end = nl ? static_cast<size_t>(nl - d) : n;
    const char* line = d + pos;
    size_t len = line_end - pos;
    ++r.lines;
    if (lookups && len > 0 && line[0] != '#' && SquidFields(line, len, pos + 256 <= n, begin, end) == 9) {
      match::MatchTokenFast(index, std::string_view(line + begin[2], end[2] - begin[2]), &ids.ids);
      match::MatchTokenFast(index, std::string_view(line + begin[6], end[6] - begin[6]), &ids.ids);
      std::string_view hier(line + begin[8], end[8] - begin[8]);
      size_t slash = hier.find('/');
      if (slash != std::string_view::npos && slash + 1 < hier.size() && hier[slash + 1] != '-') {
        match::MatchTokenFast(index, hier.substr(slash + 1), &ids.ids);
      }
    } else if (!lookups && len > 0) {
      benchmark_sink = benchmark_sink + static_cast<uint32_t>(SquidFields(line, len, pos + 256 <= n, begin, end));
    }
    ids.Finish(&r, first_line + r.lines, record);
    pos = line_end + 1;
  }
  r.cpu = ThreadCpu() - cpu0;
  return r;
}

// A pure CPU loop (no memory traffic) on 1 thread and then split over 2: how much parallel
// speed-up the machine grants at this moment, the baseline for the 2-thread sweep figure.
double MachineSpeedup() {
  auto spin = [](uint64_t n) {
    uint64_t x = 1;
    for (uint64_t i = 0; i < n; ++i) x = x * 6364136223846793005ull + 1;
    benchmark_sink = static_cast<uint32_t>(x);
  };
  const uint64_t n = 200000000;
  double t0 = Now();
  spin(n);
  double one = Now() - t0;
  t0 = Now();
  std::thread other(spin, n / 2);
  spin(n / 2);
  other.join();
  return one / (Now() - t0);
}

void PrintRate(const char* what, size_t bytes, uint64_t lines, double wall, double cpu) {
  std::printf("%-44s %8.1f MB/s  %6.2f M lines/s  wall %.3f s  cpu %.3f s  (%.1f MB/s per cpu-second)\n", what,
              static_cast<double>(bytes) / wall / 1e6, static_cast<double>(lines) / wall / 1e6, wall, cpu,
              static_cast<double>(bytes) / cpu / 1e6);
}

// Runs `rg` with stdout to `out_path`; returns wall seconds, sets the child's CPU seconds.
double RunRg(const std::vector<std::string>& args, const std::string& out_path, double* cpu) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid;
  double t0 = Now();
  if (posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
    posix_spawn_file_actions_destroy(&actions);
    *cpu = 0;
    return -1;
  }
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  struct rusage ru;
  wait4(pid, &status, 0, &ru);
  double wall = Now() - t0;
  *cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
  return wall;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t bytes = 1000000000, indicator_count = 200000, seed = 7, json_bytes = 0, scale_bytes = 0;
  std::string dir = "/tmp", given_log;
  bool run_rg = true;
  int repeat = 3;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--no-rg") {
      run_rg = false;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "usage: sweep_benchmark [--bytes N] [--indicators N] [--seed S] [--json-bytes N] "
                           "[--scale-bytes N] [--dir D] [--no-rg]\n");
      return 2;
    }
    const char* v = argv[++i];
    if (a == "--bytes") bytes = ParseSize(v);
    else if (a == "--indicators") indicator_count = ParseSize(v);
    else if (a == "--seed") seed = std::strtoull(v, nullptr, 10);
    else if (a == "--json-bytes") json_bytes = ParseSize(v);
    else if (a == "--scale-bytes") scale_bytes = ParseSize(v);
    else if (a == "--dir") dir = v;
    else if (a == "--log") given_log = v;
    else if (a == "--repeat") repeat = std::max(1, std::atoi(v));
    else {
      std::fprintf(stderr, "unknown flag %s\n", a.c_str());
      return 2;
    }
  }
  if (json_bytes == 0) json_bytes = std::min<uint64_t>(bytes / 2, 500000000);
  if (scale_bytes == 0) scale_bytes = std::min<uint64_t>(bytes, 200000000);
  std::string work = dir + "/tadamun-sweep-" + std::to_string(getpid());
  std::filesystem::create_directories(work);
  double load_avg[3] = {0, 0, 0};
  getloadavg(load_avg, 3);
  std::printf("sweep_benchmark: %s squid log, %llu indicators, seed %llu, folder %s, best of %d, load average %.2f\n",
              given_log.empty() ? (std::to_string(bytes) + " bytes of").c_str() : given_log.c_str(), static_cast<unsigned long long>(indicator_count),
              static_cast<unsigned long long>(seed), work.c_str(), repeat, load_avg[0]);

  // 1. Indicators.
  IndicatorValues values = bench::GenerateIndicators(indicator_count, seed);
  std::vector<std::string> patterns = bench::IndicatorPatterns(values);
  const std::string list_path = work + "/indicators.txt";
  if (!WriteFile(work + "/indicators.json", bench::IndicatorBundle(values)) ||
      !WriteFile(list_path, bench::IndicatorList(values))) {
    std::fprintf(stderr, "cannot write the indicator files\n");
    return 1;
  }
  double t0 = Now(), c0 = ProcessCpu();
  match::IndicatorIndex index = Load(patterns);
  double load_wall = Now() - t0, load_cpu = ProcessCpu() - c0;
  std::printf("load %zu indicators (compile + build): wall %.3f s, cpu %.3f s, %.1f bytes/indicator\n",
              patterns.size(), load_wall, load_cpu,
              static_cast<double>(index.MemoryBytes()) / static_cast<double>(patterns.size()));

  // 2. Squid log, one core and two.
  const std::string squid_path = given_log.empty() ? work + "/access.log" : given_log;
  uint64_t generated_lines = 0, planted = 0;
  if (given_log.empty()) {
    t0 = Now();
    planted = GenerateLog(squid_path, {.format = bench::LogFormatKind::kSquid, .seed = seed, .hit_rate = 0.01,
                                       .near_miss_rate = 0.05},
                          values, bytes, &generated_lines);
    std::printf("generated %s: %llu lines, %llu planted hit lines, in %.1f s\n", squid_path.c_str(),
                static_cast<unsigned long long>(generated_lines), static_cast<unsigned long long>(planted), Now() - t0);
  }
  SweepResult one;
  {
    MappedFile file(squid_path);
    std::string_view text = file.view();
    double wall = 1e30;
    for (int k = 0; k < repeat; ++k) {
      t0 = Now();
      SweepResult r = SweepSquid(index, text, 0, k == 0);
      double w = Now() - t0;
      double cpu = r.cpu;
      if (k == 0) one = std::move(r);
      wall = std::min(wall, w);
      one.cpu = std::min(one.cpu, cpu);
    }
    PrintRate("ours, squid, 1 thread", text.size(), one.lines, wall, one.cpu);
    std::printf("  hit lines %llu (planted %s), hits %llu\n", static_cast<unsigned long long>(one.hit_lines),
                given_log.empty() ? std::to_string(planted).c_str() : "unknown: --log",
                static_cast<unsigned long long>(one.hits));
    double one_wall = wall;
    {
      double split_cpu = 1e30;
      for (int k = 0; k < repeat; ++k) split_cpu = std::min(split_cpu, SweepSquid(index, text, 0, false, false).cpu);
      std::printf("  of which cutting lines into fields (the same loop without lookups): cpu %.3f s (%.0f MB/s per cpu-second)\n",
                  split_cpu, static_cast<double>(text.size()) / split_cpu / 1e6);
    }

    size_t mid = text.find('\n', text.size() / 2);
    mid = mid == std::string_view::npos ? text.size() : mid + 1;
    uint64_t first_half_lines = static_cast<uint64_t>(std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(mid), '\n'));
    SweepResult halves[2];
    double two_wall = 1e30;
    for (int k = 0; k < repeat; ++k) {
      SweepResult h[2];
      t0 = Now();
      std::thread second([&] { h[1] = SweepSquid(index, text.substr(mid), first_half_lines, false); });
      h[0] = SweepSquid(index, text.substr(0, mid), 0, false);
      second.join();
      double w = Now() - t0;
      if (w < two_wall) two_wall = w, halves[0] = std::move(h[0]), halves[1] = std::move(h[1]);
    }
    wall = two_wall;
    PrintRate("ours, squid, 2 threads", text.size(), halves[0].lines + halves[1].lines, wall, halves[0].cpu + halves[1].cpu);
    std::printf("  hit lines %llu, speed-up over 1 thread %.2fx (target >= 1.8x); a pure CPU loop split the same way "
                "right after: %.2fx (what the machine grants now)\n",
                static_cast<unsigned long long>(halves[0].hit_lines + halves[1].hit_lines), one_wall / wall,
                MachineSpeedup());

    // 3. rg on the same file.
    if (run_rg) {
      const std::string rg_out = work + "/rg.out";
      double rg_cpu = 0;
      double rg_wall = RunRg({"rg", "-F", "-f", list_path, "-n", "--no-filename", "--no-heading", squid_path}, rg_out, &rg_cpu);
      if (rg_wall < 0) {
        std::printf("rg: could not run\n");
      } else {
        MappedFile out(rg_out);
        std::string_view o = out.view();
        uint64_t rg_lines = 0, rg_true = 0;
        std::vector<uint64_t> rg_numbers;
        size_t pos = 0;
        LineIds ids;
        while (pos < o.size()) {
          size_t nl = o.find('\n', pos);
          if (nl == std::string_view::npos) nl = o.size();
          std::string_view line = o.substr(pos, nl - pos);
          pos = nl + 1;
          size_t colon = line.find(':');
          if (colon == std::string_view::npos) continue;
          ++rg_lines;
          rg_numbers.push_back(std::strtoull(std::string(line.substr(0, colon)).c_str(), nullptr, 10));
          SquidLine(index, line.substr(colon + 1), &ids);
          rg_true += !ids.ids.empty();
          ids.ids.clear();
        }
        std::sort(rg_numbers.begin(), rg_numbers.end());
        uint64_t missed = 0;
        for (uint64_t n : one.hit_line_numbers) missed += !std::binary_search(rg_numbers.begin(), rg_numbers.end(), n);
        PrintRate("rg -F -f indicators.txt, squid", text.size(), one.lines, rg_wall, rg_cpu);
        std::printf("  rg lines %llu: %llu true hits, %llu false positives (%.0f%%); missed %llu of our %llu hit lines "
                    "(%.0f%%: letter case, CIDR)\n",
                    static_cast<unsigned long long>(rg_lines), static_cast<unsigned long long>(rg_true),
                    static_cast<unsigned long long>(rg_lines - rg_true),
                    rg_lines ? 100.0 * static_cast<double>(rg_lines - rg_true) / static_cast<double>(rg_lines) : 0.0,
                    static_cast<unsigned long long>(missed), static_cast<unsigned long long>(one.hit_lines),
                    one.hit_lines ? 100.0 * static_cast<double>(missed) / static_cast<double>(one.hit_lines) : 0.0);
        std::printf("  ours / rg: %.1fx wall, %.1fx cpu\n", rg_wall / one_wall, rg_cpu / one.cpu);
      }
    }

#ifdef TADAMUN_HAVE_HS
    if (run_rg) {  // with the other baseline (--no-rg skips both)
    // 3b. Vectorscan as a literal prefilter: the indicator strings (blocks left out) as caseless
    // literals over the whole file in block mode, counting matches — the candidate search alone,
    // before any exact check.
    {
      std::vector<const char*> exprs;
      std::vector<size_t> lens;
      std::vector<unsigned> flags, ids;
      std::vector<std::string> lits;
      for (const auto& d : values.domains) lits.push_back(d);
      for (const auto& ip : values.ipv4) {
        if (ip.find('/') == std::string::npos) lits.push_back(ip);
      }
      for (size_t k = 0; k < lits.size(); ++k) {
        exprs.push_back(lits[k].c_str());
        lens.push_back(lits[k].size());
        flags.push_back(HS_FLAG_CASELESS);
        ids.push_back(static_cast<unsigned>(k));
      }
      hs_database_t* db = nullptr;
      hs_compile_error_t* error = nullptr;
      t0 = Now();
      c0 = ProcessCpu();
      if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(), static_cast<unsigned>(exprs.size()),
                               HS_MODE_BLOCK, nullptr, &db, &error) != HS_SUCCESS) {
        std::printf("vectorscan: compile failed: %s\n", error ? error->message : "?");
        hs_free_compile_error(error);
      } else {
        double compile_wall = Now() - t0, compile_cpu = ProcessCpu() - c0;
        hs_scratch_t* scratch = nullptr;
        hs_alloc_scratch(db, &scratch);
        uint64_t matches = 0;
        auto on_match = [](unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
          ++*static_cast<uint64_t*>(ctx);
          return 0;
        };
        double c1 = ThreadCpu();
        t0 = Now();
        for (size_t off = 0; off < text.size(); off += (size_t{1} << 30)) {  // block mode takes < 4 GiB
          std::string_view block = text.substr(off, size_t{1} << 30);
          hs_scan(db, block.data(), static_cast<unsigned>(block.size()), 0, scratch, on_match, &matches);
        }
        double wall_hs = Now() - t0, cpu_hs = ThreadCpu() - c1;
        std::printf("vectorscan compile of %zu literals: wall %.2f s, cpu %.2f s\n", lits.size(), compile_wall, compile_cpu);
        PrintRate("vectorscan literal scan only, squid", text.size(), one.lines, wall_hs, cpu_hs);
        std::printf("  %llu literal matches (candidates still to be checked)\n", static_cast<unsigned long long>(matches));
        hs_free_scratch(scratch);
        hs_free_database(db);
      }
    }
    }
#endif

    // 4. 1k against 1M indicators on a prefix.
    size_t cut = text.find('\n', std::min<size_t>(scale_bytes, text.size() - 1));
    std::string_view prefix = text.substr(0, cut == std::string_view::npos ? text.size() : cut + 1);
    IndicatorValues small;
    small.domains.assign(values.domains.begin(), values.domains.begin() + std::min<size_t>(500, values.domains.size()));
    small.ipv4.assign(values.ipv4.begin(), values.ipv4.begin() + std::min<size_t>(500, values.ipv4.size()));
    IndicatorValues large = bench::GenerateIndicators(1000000 - std::min<size_t>(1000000, patterns.size()), seed + 1);
    large.domains.insert(large.domains.end(), values.domains.begin(), values.domains.end());
    large.ipv4.insert(large.ipv4.end(), values.ipv4.begin(), values.ipv4.end());
    std::vector<std::string> large_patterns = bench::IndicatorPatterns(large);
    t0 = Now();
    c0 = ProcessCpu();
    match::IndicatorIndex index_1k = Load(bench::IndicatorPatterns(small));
    match::IndicatorIndex index_1m = Load(large_patterns);
    std::printf("load %zu indicators: wall %.3f s, cpu %.3f s, %.1f bytes/indicator (targets <= 1 s, <= 200)\n",
                large_patterns.size(), Now() - t0, ProcessCpu() - c0,
                static_cast<double>(index_1m.MemoryBytes()) / static_cast<double>(large_patterns.size()));
    double rate[2];
    int k = 0;
    for (const match::IndicatorIndex* ix : {&index_1k, &index_1m}) {
      SweepResult r;
      double wall = 1e30;
      for (int rep = 0; rep < repeat; ++rep) {
        t0 = Now();
        SweepResult x = SweepSquid(*ix, prefix, 0, false);
        double w = Now() - t0;
        if (rep == 0 || x.cpu < r.cpu) r = std::move(x);
        wall = std::min(wall, w);
      }
      rate[k] = static_cast<double>(prefix.size()) / r.cpu;
      PrintRate(k == 0 ? "ours, squid, 1 thread, 1k indicators" : "ours, squid, 1 thread, 1M indicators", prefix.size(),
                r.lines, wall, r.cpu);
      std::printf("  hit lines %llu\n", static_cast<unsigned long long>(r.hit_lines));
      ++k;
    }
    std::printf("  1M vs 1k (per cpu-second): %.1f%% slower (target <= 20%%)\n", 100.0 * (1.0 - rate[1] / rate[0]));
  }

  // 5. Zeek JSON.
  const std::string json_path = work + "/http.json";
  uint64_t json_lines = 0;
  uint64_t json_planted = GenerateLog(json_path, {.format = bench::LogFormatKind::kZeekJson, .zeek_log = bench::ZeekLog::kHttp,
                                                  .seed = seed, .hit_rate = 0.01, .near_miss_rate = 0.05},
                                      values, json_bytes, &json_lines);
  {
    MappedFile file(json_path);
    SweepResult r;
    double wall = 1e30;
    for (int k = 0; k < repeat; ++k) {
      t0 = Now();
      SweepResult x = Sweep(index, file.view(), 0, false, JsonLine);
      double w = Now() - t0;
      if (k == 0 || x.cpu < r.cpu) r = std::move(x);
      wall = std::min(wall, w);
    }
    PrintRate("ours, Zeek JSON http, 1 thread", file.view().size(), r.lines, wall, r.cpu);
    std::printf("  hit lines %llu (planted %llu)\n", static_cast<unsigned long long>(r.hit_lines),
                static_cast<unsigned long long>(json_planted));
  }
  // 6. The sweep engine on the same files.
  {
    std::string bundle_text = bench::IndicatorBundle(values);
    auto doc = json::Parse(bundle_text);
    auto now = Timestamp::Parse("2026-01-01T00:00:00Z");
    if (!doc.ok() || !now.ok() || doc->Find("objects") == nullptr) {
      std::printf("engine: cannot read the generated bundle\n");
    } else {
      t0 = Now();
      c0 = ProcessCpu();
      match::IndicatorSet::Builder builder(*now);
      for (const json::Value& object : doc->Find("objects")->items()) builder.Add(object);
      match::IndicatorSet set = std::move(builder).Build();
      std::printf("engine: IndicatorSet of %zu indicators from the bundle (parsed DOM to set): wall %.3f s, cpu %.3f s\n",
                  set.indicators().size(), Now() - t0, ProcessCpu() - c0);
      for (const std::string& path : {squid_path, json_path}) {
        for (int threads : {1, 2}) {
          std::vector<match::InputFile> files = {{.path = path, .size = std::filesystem::file_size(path)}};
          double best_wall = 1e30, best_cpu = 1e30;
          match::SweepSummary summary;
          uint64_t hits = 0;
          for (int k = 0; k < repeat; ++k) {
            hits = 0;
            t0 = Now();
            c0 = ProcessCpu();
            summary = match::Sweep(set, files, {.threads = threads}, [&](const match::SweepHit&) { ++hits; });
            best_wall = std::min(best_wall, Now() - t0);
            best_cpu = std::min(best_cpu, ProcessCpu() - c0);
          }
          std::string what = std::string("engine, ") + (path == json_path ? "Zeek JSON http" : "squid") + ", " +
                             std::to_string(threads) + (threads == 1 ? " thread" : " threads");
          PrintRate(what.c_str(), summary.bytes, summary.lines, best_wall, best_cpu);
          std::printf("  hits %llu (line, indicator)\n", static_cast<unsigned long long>(hits));
        }
      }
    }
  }
  std::filesystem::remove_all(work);
  getloadavg(load_avg, 3);
  std::printf("done; load average %.2f; removed %s\n", load_avg[0], work.c_str());
  return 0;
}
