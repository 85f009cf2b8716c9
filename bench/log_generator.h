// Seeded generator of realistic proxy and network logs with planted indicator hits and
// near-miss traps, for the sweep benchmark (bench/sweep_benchmark.cc) and bench/gen_logs.
//
// Indicators: half domains (random letter labels under common TLDs), half IPv4 from
// 1.0.0.0-126.255.255.255, a tenth of those written as /24 CIDR blocks. Background traffic
// uses hosts that can never hit (every benign label holds a digit; benign server addresses
// are 128.0.0.0 and up; clients are 10.x), so every hit in a generated log is planted.
// A line is a hit with probability `hit_rate`: one of its hosts is an indicator domain (the
// domain itself or a subdomain, in a random letter case a third of the time — grep -F misses
// those) or an indicator address (inside the block for CIDR). Otherwise it is a near miss
// with probability `near_miss_rate`: `notevil.com` for `evil.com`, `evil.com.br`,
// `evil.community`, `11.2.3.45` for `1.2.3.4`, the address after a CIDR block — text that
// contains an indicator's text but does not hit it.
// Formats: squid native access.log; Zeek conn, dns and http logs as TSV (with the `#` header)
// or JSON lines; Suricata eve.json (http, dns and tls events).
// The same options always give the same bytes. Not thread-safe (one generator per thread).
//
//   LogGenerator gen({.format = LogFormatKind::kSquid, .seed = 7}, GenerateIndicators(200000, 7));
//   std::string chunk;
//   gen.AppendHeader(&chunk);
//   while (chunk.size() < (1 << 20)) gen.AppendLine(&chunk);
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace tadamun::bench {

enum class LogFormatKind { kSquid, kZeekTsv, kZeekJson, kEve };
enum class ZeekLog { kConn, kDns, kHttp };

struct IndicatorValues {
  std::vector<std::string> domains;  // lower case
  std::vector<std::string> ipv4;     // "a.b.c.d" or "a.b.c.0/24"
};

// `count` indicators, half domains and half IPv4 (a tenth of those /24 blocks).
IndicatorValues GenerateIndicators(size_t count, uint64_t seed);

// A STIX 2.1 bundle with one indicator per value (`[domain-name:value = '...']`,
// `[ipv4-addr:value = '...']` or `ISSUBSET` for blocks).
std::string IndicatorBundle(const IndicatorValues& values);
// The STIX pattern of every value, in the order of IndicatorBundle's objects.
std::vector<std::string> IndicatorPatterns(const IndicatorValues& values);
// One value per line, as an analyst feeds `grep -F -f` / `rg -F -f` (blocks as written).
std::string IndicatorList(const IndicatorValues& values);

struct LogGeneratorOptions {
  LogFormatKind format = LogFormatKind::kSquid;
  ZeekLog zeek_log = ZeekLog::kHttp;  // for kZeekTsv and kZeekJson
  uint64_t seed = 1;
  double hit_rate = 0.01;
  double near_miss_rate = 0.05;
};

class LogGenerator {
 public:
  // `indicators` must outlive the generator.
  LogGenerator(const LogGeneratorOptions& options, const IndicatorValues& indicators);

  // The Zeek TSV `#` header lines (nothing for the other formats).
  void AppendHeader(std::string* out);
  // One line with its '\n'.
  void AppendLine(std::string* out);

  uint64_t lines() const { return lines_; }
  uint64_t planted_hits() const { return hits_; }
  uint64_t planted_near_misses() const { return near_misses_; }

 private:
  enum class Plant { kNone, kHit, kNearMiss };
  struct Hosts {
    std::string client, server_ip, host;  // host: a name
    bool planted_host = false, planted_server = false;  // must show in the line
  };
  Hosts PickHosts();
  std::string BenignName();
  std::string Indicator(Plant plant, bool* is_address);
  std::string Uid();
  std::string Path();
  void Squid(const Hosts& h, std::string* out);
  void ZeekTsv(const Hosts& h, std::string* out);
  void ZeekJson(const Hosts& h, std::string* out);
  void Eve(const Hosts& h, std::string* out);

  LogGeneratorOptions options_;
  const IndicatorValues& indicators_;
  std::mt19937_64 rng_;
  std::vector<std::string> benign_;
  double time_ = 1764028800.0;  // 2025-11-25
  uint64_t lines_ = 0, hits_ = 0, near_misses_ = 0;
};

// "200M", "1G", "5k", "1e6" -> a count (decimal multipliers); command-line sizes of the tools.
uint64_t ParseSize(const char* text);

// Writes `text` to `path` (replacing it); false when the file cannot be written whole.
bool WriteFile(const std::string& path, std::string_view text);

}  // namespace tadamun::bench
