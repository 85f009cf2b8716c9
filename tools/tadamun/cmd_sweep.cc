// tadamun sweep: match logs against every indicator in the node (docs/sweep-semantics.md).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "base/timestamp.h"
#include "base/uuid.h"
#include "command.h"
#include "json/json.h"
#include "match/indicator_set.h"
#include "match/log_input.h"
#include "match/sweep.h"
#include "node/node.h"
#include "progress.h"

namespace tadamun::cli {
namespace {

// Exit codes (also in --help and README).
constexpr int kExitNoHits = 0;
constexpr int kExitHits = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInputErrors = 3;

StatusOr<uint64_t> NumberFlag(const Invocation& inv, const std::string& name, uint64_t fallback,
                              uint64_t lo, uint64_t hi) {
  std::optional<std::string> v = inv.Value(name);
  if (!v) return fallback;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v->c_str(), &end, 10);
  if (v->empty() || (*v)[0] == '-' || *end != '\0' || n < lo || n > hi) {
    return Status::InvalidArgument("--" + name + " " + *v + ": expected a whole number from " +
                                   std::to_string(lo) + " to " + std::to_string(hi));
  }
  return static_cast<uint64_t>(n);
}

std::string Megabytes(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

struct SightingAccumulator {
  uint64_t count = 0;
  Timestamp first, last;
};

json::Value SightingsBundle(const match::IndicatorSet& set, const std::map<uint32_t, SightingAccumulator>& seen,
                            Timestamp now) {
  json::Value objects = json::Value::Array();
  const std::string created = now.WithDigits(3).ToString();
  for (const auto& [indicator, acc] : seen) {
    json::Value s = json::Value::Object();
    s.Set("type", json::Value::String("sighting"));
    s.Set("spec_version", json::Value::String("2.1"));
    s.Set("id", json::Value::String("sighting--" + RandomUuid()));
    s.Set("created", json::Value::String(created));
    s.Set("modified", json::Value::String(created));
    s.Set("sighting_of_ref", json::Value::String(set.indicators()[indicator].id));
    s.Set("count", json::Value::Int(static_cast<int64_t>(std::min<uint64_t>(acc.count, 999999999))));
    s.Set("first_seen", json::Value::String(acc.first.ToString()));
    s.Set("last_seen", json::Value::String(acc.last.ToString()));
    objects.Append(std::move(s));
  }
  json::Value bundle = json::Value::Object();
  bundle.Set("type", json::Value::String("bundle"));
  bundle.Set("id", json::Value::String("bundle--" + RandomUuid()));
  bundle.Set("objects", std::move(objects));
  return bundle;
}

void PrintSummary(const match::IndicatorSet& set, double load_seconds, const match::SweepSummary& s,
                  const std::vector<match::InputProblem>& problems) {
  const match::IndicatorCounts& c = set.counts();
  const double mbps = s.seconds > 0 ? static_cast<double>(s.bytes) / 1e6 / s.seconds : 0;
  uint64_t hit_indicators = 0;
  for (uint64_t h : s.hits_per_indicator) hit_indicators += h > 0;
  std::fprintf(stderr,
               "sweep: %zu files, %s lines, %s in %.2f s (%.1f MB/s); %s hits of %s indicators\n",
               s.files.size(), WithThousands(s.lines).c_str(), Megabytes(s.bytes).c_str(), s.seconds, mbps,
               WithThousands(s.hits).c_str(), WithThousands(hit_indicators).c_str());
  std::fprintf(stderr,
               "indicators: %s swept (%s in the exact index, %s by the pattern engine); %s unusable; "
               "skipped %s revoked, %s expired; loaded in %.2f s\n",
               WithThousands(c.indexed + c.fallback).c_str(), WithThousands(c.indexed).c_str(),
               WithThousands(c.fallback).c_str(), WithThousands(c.unusable).c_str(),
               WithThousands(c.revoked).c_str(), WithThousands(c.expired).c_str(), load_seconds);
  std::vector<std::pair<uint64_t, uint32_t>> top;
  for (uint32_t i = 0; i < s.hits_per_indicator.size(); ++i) {
    if (s.hits_per_indicator[i] > 0) top.push_back({s.hits_per_indicator[i], i});
  }
  std::sort(top.begin(), top.end(), [](auto& a, auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  for (size_t i = 0; i < top.size() && i < 20; ++i) {
    const match::IndicatorInfo& info = set.indicators()[top[i].second];
    std::fprintf(stderr, "  %10s  %s  %s\n", WithThousands(top[i].first).c_str(), info.id.c_str(), info.name.c_str());
  }
  if (top.size() > 20) std::fprintf(stderr, "  ... %zu more indicators with hits\n", top.size() - 20);
  if (s.long_lines + s.malformed_lines + s.invalid_utf8_lines + s.nul_lines > 0) {
    std::fprintf(stderr,
                 "lines: %s over the length limit (skipped), %s not in their file's format (swept as "
                 "free text), %s invalid UTF-8, %s with NUL bytes (both swept as bytes)\n",
                 WithThousands(s.long_lines).c_str(), WithThousands(s.malformed_lines).c_str(),
                 WithThousands(s.invalid_utf8_lines).c_str(), WithThousands(s.nul_lines).c_str());
  }
  for (const match::FileSummary& f : s.files) {
    for (const std::string& n : f.notes) std::fprintf(stderr, "  %s\n", n.c_str());
    const uint64_t issues = f.long_lines + f.malformed_lines + f.invalid_utf8_lines + f.nul_lines;
    if (issues > f.notes.size()) {
      std::fprintf(stderr, "  %s: ... %s more lines with problems\n", f.path.c_str(),
                   WithThousands(issues - f.notes.size()).c_str());
    }
    if (!f.status.ok()) std::fprintf(stderr, "error: %s (the lines before it were swept)\n", f.status.message().c_str());
  }
  for (const match::InputProblem& p : problems) std::fprintf(stderr, "error: %s\n", p.status.message().c_str());
  if (s.fallback_errors > 0) {
    std::fprintf(stderr, "pattern engine: %s of %s evaluations over its limits (last: %s)\n",
                 WithThousands(s.fallback_errors).c_str(), WithThousands(s.fallback_evaluations).c_str(),
                 s.fallback_last_error.c_str());
  }
  size_t shown = 0;
  for (const match::UnusableIndicator& u : set.unusable()) {
    if (shown++ == 0) std::fprintf(stderr, "not swept:\n");
    if (shown > 20) {
      std::fprintf(stderr, "  ... %zu more (see `tadamun pattern check`)\n", set.unusable().size() - 20);
      break;
    }
    std::fprintf(stderr, "  %s%s%s: %s\n", u.id.c_str(), u.name.empty() ? "" : " ", u.name.c_str(), u.reason.c_str());
  }
}

int RunSweep(const Invocation& inv) {
  if (inv.positionals.empty()) return UsageError(inv, "expects at least one PATH (or - for standard input)");
  const std::string format = inv.Value("format").value_or("table");
  if (format != "table" && format != "jsonl" && format != "stix") {
    return UsageError(inv, "--format " + format + ": expected table, jsonl or stix");
  }
  StatusOr<uint64_t> threads = NumberFlag(inv, "threads", 0, 1, 256);
  if (!threads.ok()) return UsageError(inv, threads.status().message());
  StatusOr<uint64_t> max_line = NumberFlag(inv, "max-line-bytes", 1 << 20, 64, uint64_t{1} << 30);
  if (!max_line.ok()) return UsageError(inv, max_line.status().message());

  std::unique_ptr<node::Node> node = OpenNode(inv);
  if (!node) return kExitUsage;
  const Timestamp now = Timestamp::FromUnixMicros(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  match::IndicatorSet::Builder builder(now);
  store::Query q;
  q.types = {"indicator"};
  if (auto c = inv.Value("collection")) q.collection = *c;
  if (!q.collection.empty()) {
    if (auto col = node->store().GetCollection(q.collection); !col.ok()) {
      std::fprintf(stderr, "tadamun sweep: %s\n", col.status().message().c_str());
      return kExitUsage;
    }
  }
  const auto load_start = std::chrono::steady_clock::now();
  Status scanned = node->store().Scan(q, [&](const store::Row& row) -> Status {
    builder.AddJson(row.json);
    return Status::Ok();
  });
  if (!scanned.ok()) {
    Fail(scanned);
    return kExitUsage;
  }
  const match::IndicatorSet set = std::move(builder).Build();
  const double load_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();

  std::vector<match::InputFile> files;
  std::vector<match::InputProblem> problems;
  match::ExpandInputs(inv.positionals, &files, &problems);
  uint64_t total = 0;
  for (const match::InputFile& f : files) {
    if (f.gzip || f.path == "-") {
      total = 0;
      break;
    }
    total += f.size;
  }
  match::SweepOptions options;
  options.threads = static_cast<int>(*threads);
  options.reader.max_line_bytes = *max_line;
  Progress progress("sweeping", total);
  options.progress = [&](uint64_t bytes, uint64_t lines) { progress.Update(bytes, lines, "lines"); };

  const bool record = inv.Has("record");
  std::map<uint32_t, SightingAccumulator> seen;
  if (format == "table") std::printf("FILE:LINE\tFIELD\tVALUE\tINDICATOR\tNAME\n");
  match::SweepSummary summary = match::Sweep(set, files, options, [&](const match::SweepHit& h) {
    const match::IndicatorInfo& info = set.indicators()[h.indicator];
    if (format == "stix" || record) {
      const Timestamp t = h.time.value_or(now);
      auto [it, added] = seen.try_emplace(h.indicator);
      if (added || t < it->second.first) it->second.first = t;
      if (added || t > it->second.last) it->second.last = t;
      ++it->second.count;
    }
    if (format == "jsonl") {
      json::Value o = json::Value::Object();
      o.Set("file", json::Value::String(files[h.file].path));
      o.Set("line", json::Value::Int(static_cast<int64_t>(h.line)));
      o.Set("offset", json::Value::Int(static_cast<int64_t>(h.offset)));
      o.Set("field", json::Value::String(h.field));
      o.Set("value", json::Value::String(h.value));
      o.Set("indicator_id", json::Value::String(info.id));
      o.Set("indicator_name", json::Value::String(info.name));
      std::printf("%s\n", json::ToJson(o).c_str());
    } else if (format == "table") {
      std::printf("%s:%llu\t%s\t%s\t%s\t%s\n", files[h.file].path.c_str(), static_cast<unsigned long long>(h.line),
                  h.field.c_str(), h.value.c_str(), info.id.c_str(), info.name.c_str());
    }
  });
  progress.Finish();
  std::fflush(stdout);
  json::Value bundle;
  if (format == "stix" || record) bundle = SightingsBundle(set, seen, now);
  if (format == "stix") {
    std::printf("%s\n", json::ToPrettyJson(bundle).c_str());
    std::fflush(stdout);
  }
  PrintSummary(set, load_seconds, summary, problems);
  if (record && !seen.empty()) {
    std::string text = json::ToJson(bundle);
    node::ImportOptions io;
    io.source_kind = "sweep";
    io.source_name = "tadamun sweep";
    StatusOr<node::ImportReport> r = node->Import(&text, io);
    if (!r.ok() || !r->committed) {
      std::fprintf(stderr, "tadamun sweep: recording the sightings failed: %s\n",
                   r.ok() ? (r->issues.empty() ? "not committed" : r->issues[0].message.c_str())
                          : r.status().message().c_str());
      return kExitUsage;
    }
    std::fprintf(stderr, "recorded %s sightings in the node\n", WithThousands(r->added).c_str());
  }
  if (summary.hits > 0) return kExitHits;
  if (summary.files_failed > 0 || !problems.empty()) return kExitInputErrors;
  return kExitNoHits;
}

const Registration kSweep({
    .name = "sweep",
    .args = "PATH...|-",
    .summary = "match log files against every indicator in the node",
    .help =
        "Reads log files (plain or .gz), directories (recursively) or standard input (-) and reports\n"
        "every line where an indicator of the node occurs. Formats are detected per file: squid\n"
        "access.log, Zeek TSV and JSON, Suricata eve.json, JSON lines, free text. Matching rules:\n"
        "docs/sweep-semantics.md. Hits go to standard output, the summary to standard error.\n"
        "\n"
        "Exit codes: 0 no hits; 1 hits found; 2 usage error or the sweep could not run (node,\n"
        "collection, recording the sightings); 3 no hits, but some inputs could not be read.",
    .flags = {{"collection", "ID", "only the indicators of this collection"},
              {"format", "table|jsonl|stix", "output: table (default), jsonl (one hit per line) or stix (a "
                                             "bundle of sightings)"},
              {"record", "", "store the sightings in the node (source kind \"sweep\")"},
              {"threads", "N", "worker threads (default: the number of cores)"},
              {"max-line-bytes", "N", "longest line swept; longer lines are skipped and reported (default 1048576)"}},
    .run = RunSweep,
});

}  // namespace
}  // namespace tadamun::cli
