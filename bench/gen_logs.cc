// gen_logs: writes a seeded log with planted indicator hits and near-miss traps, and the
// indicator set it was planted from (bench/log_generator.h).
//
//   gen_logs --format squid --bytes 1G --indicators 200000 --hit-rate 0.01 --near-miss-rate 0.05
//            --seed 7 --out /tmp/access.log --bundle /tmp/iocs.json --list /tmp/iocs.txt
// --format squid|zeek-tsv|zeek-json|eve; --zeek-log conn|dns|http (Zeek formats, default http);
// --indicators N generates N indicators (half domains, half IPv4), or names a file of values,
// one per line (IPv4 addresses and a.b.c.d/n blocks, the rest domains). Sizes take K, M, G.
// Prints the line, hit and near-miss counts on stderr.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "log_generator.h"

namespace {

using namespace tadamun::bench;

int Usage() {
  std::fprintf(stderr,
               "usage: gen_logs --format squid|zeek-tsv|zeek-json|eve [--zeek-log conn|dns|http] --bytes N\n"
               "                --indicators FILE-or-count [--hit-rate R] [--near-miss-rate R] [--seed S]\n"
               "                [--out FILE] [--bundle FILE] [--list FILE]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  LogGeneratorOptions options;
  uint64_t bytes = 1000000;
  std::string indicators = "200000", out_path, bundle_path, list_path;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return Usage();
    const char* v = argv[++i];
    if (a == "--format") {
      std::string f = v;
      if (f == "squid") options.format = LogFormatKind::kSquid;
      else if (f == "zeek-tsv") options.format = LogFormatKind::kZeekTsv;
      else if (f == "zeek-json") options.format = LogFormatKind::kZeekJson;
      else if (f == "eve") options.format = LogFormatKind::kEve;
      else return Usage();
    } else if (a == "--zeek-log") {
      std::string z = v;
      if (z == "conn") options.zeek_log = ZeekLog::kConn;
      else if (z == "dns") options.zeek_log = ZeekLog::kDns;
      else if (z == "http") options.zeek_log = ZeekLog::kHttp;
      else return Usage();
    } else if (a == "--bytes") {
      bytes = ParseSize(v);
    } else if (a == "--indicators") {
      indicators = v;
    } else if (a == "--hit-rate") {
      options.hit_rate = std::strtod(v, nullptr);
    } else if (a == "--near-miss-rate") {
      options.near_miss_rate = std::strtod(v, nullptr);
    } else if (a == "--seed") {
      options.seed = std::strtoull(v, nullptr, 10);
    } else if (a == "--out") {
      out_path = v;
    } else if (a == "--bundle") {
      bundle_path = v;
    } else if (a == "--list") {
      list_path = v;
    } else {
      return Usage();
    }
  }
  IndicatorValues values;
  if (!indicators.empty() && indicators.find_first_not_of("0123456789") == std::string::npos) {
    values = GenerateIndicators(std::strtoull(indicators.c_str(), nullptr, 10), options.seed);
  } else {
    std::ifstream in(indicators);
    if (!in) {
      std::fprintf(stderr, "gen_logs: cannot read indicator file %s\n", indicators.c_str());
      return 1;
    }
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      bool ip = line.find_first_not_of("0123456789./") == std::string::npos;
      (ip ? values.ipv4 : values.domains).push_back(line);
    }
  }
  if (!bundle_path.empty() && !WriteFile(bundle_path, IndicatorBundle(values))) {
    std::fprintf(stderr, "gen_logs: cannot write %s\n", bundle_path.c_str());
    return 1;
  }
  if (!list_path.empty() && !WriteFile(list_path, IndicatorList(values))) {
    std::fprintf(stderr, "gen_logs: cannot write %s\n", list_path.c_str());
    return 1;
  }
  std::FILE* out = out_path.empty() ? stdout : std::fopen(out_path.c_str(), "wb");
  if (out == nullptr) {
    std::fprintf(stderr, "gen_logs: cannot write %s\n", out_path.c_str());
    return 1;
  }
  LogGenerator gen(options, values);
  std::string chunk;
  gen.AppendHeader(&chunk);
  uint64_t written = 0;
  while (written < bytes) {
    while (chunk.size() < (1u << 20) && written + chunk.size() < bytes) gen.AppendLine(&chunk);
    if (chunk.empty()) gen.AppendLine(&chunk);
    if (std::fwrite(chunk.data(), 1, chunk.size(), out) != chunk.size()) {
      std::fprintf(stderr, "gen_logs: write failed\n");
      return 1;
    }
    written += chunk.size();
    chunk.clear();
  }
  if (out != stdout && std::fclose(out) != 0) return 1;
  std::fprintf(stderr, "gen_logs: %llu bytes, %llu lines, %llu planted hits, %llu planted near misses\n",
               static_cast<unsigned long long>(written), static_cast<unsigned long long>(gen.lines()),
               static_cast<unsigned long long>(gen.planted_hits()),
               static_cast<unsigned long long>(gen.planted_near_misses()));
  return 0;
}
