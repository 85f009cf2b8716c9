// tadamun media hash, media match, media index: PDQ image hashes (see docs/media.md).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "base/env.h"
#include "base/timestamp.h"
#include "base/uuid.h"
#include "command.h"
#include "json/json.h"
#include "media/hasher.h"
#include "media/media_match.h"
#include "media/pdq_stix.h"
#include "node/node.h"
#include "progress.h"

namespace tadamun::cli {
namespace {

constexpr const char* kIndexName = "media/pdq.idx";

std::string DefaultIndexPath(const Invocation& inv) { return inv.node_dir + "/" + kIndexName; }

StatusOr<int> IntFlag(const Invocation& inv, const std::string& name, int fallback, int lo,
                      int hi) {
  std::optional<std::string> v = inv.Value(name);
  if (!v) return fallback;
  char* end = nullptr;
  const long n = std::strtol(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0' || n < lo || n > hi) {
    return Status::InvalidArgument("--" + name + " " + *v + ": expected a whole number from " +
                                   std::to_string(lo) + " to " + std::to_string(hi));
  }
  return static_cast<int>(n);
}

uint64_t TotalBytes(const std::vector<std::string>& files) {
  uint64_t total = 0;
  for (const std::string& f : files) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(f, ec);
    if (!ec) total += size;
  }
  return total;
}

uint64_t FileBytes(const std::string& f) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(f, ec);
  return ec ? 0 : size;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Expands PATHs and hashes them, calling `each` in input order; prints a clear error per bad
// file. Returns the number of files that failed, or -1 for a usage problem already reported.
int HashPaths(const Invocation& inv, bool dihedral,
              const std::function<void(const media::FileHash&)>& each) {
  StatusOr<int> threads = IntFlag(inv, "threads", 0, 1, 256);
  if (!threads.ok()) {
    UsageError(inv, threads.status().message());
    return -1;
  }
  std::vector<std::string> files;
  int failed = 0;
  for (const std::string& p : inv.positionals) {
    Status s = media::ListImageFiles({p}, &files);
    if (!s.ok()) {
      ++failed;
      std::fprintf(stderr, "tadamun %s: %s\n", inv.command->name.c_str(), s.message().c_str());
    }
  }
  media::HashOptions options;
  options.dihedral = dihedral;
  Progress progress("hashing", TotalBytes(files));
  uint64_t bytes_done = 0, done = 0;
  media::HashFiles(files, options, *threads, [&](const media::FileHash& f) {
    bytes_done += FileBytes(f.path);
    ++done;
    if (!f.status.ok()) {
      ++failed;
      progress.Finish();
      std::fprintf(stderr, "tadamun %s: %s\n", inv.command->name.c_str(),
                   f.status.message().c_str());
    } else {
      each(f);
    }
    progress.Update(bytes_done, done, "images");
  });
  progress.Finish();
  return failed;
}

int RunHash(const Invocation& inv) {
  if (inv.positionals.empty()) return UsageError(inv, "expects at least one PATH");
  const std::string format = inv.Value("format").value_or("csv");
  if (format != "csv" && format != "jsonl" && format != "stix") {
    return UsageError(inv, "--format " + format + ": expected csv, jsonl or stix");
  }
  const bool dihedral = inv.Has("dihedral");
  json::Value objects = json::Value::Array();
  const Timestamp now = Timestamp::FromUnixMicros(std::chrono::duration_cast<std::chrono::microseconds>(
                                                      std::chrono::system_clock::now().time_since_epoch())
                                                      .count());
  if (format == "csv") {
    std::printf("file,hash,quality");
    if (dihedral) {
      for (int t = 1; t < media::kNumDihedral; ++t) {
        std::printf(",%s", std::string(media::DihedralName(static_cast<media::Dihedral>(t))).c_str());
      }
    }
    std::printf("\n");
  }
  const int failed = HashPaths(inv, dihedral, [&](const media::FileHash& f) {
    const media::ImageHashResult& r = f.result;
    if (format == "stix") {
      if (r.low_quality()) {
        std::fprintf(stderr, "tadamun media hash: %s: quality %d is below %d; not shared as an indicator\n",
                     f.path.c_str(), r.quality(), media::kPdqQualityThreshold);
        return;
      }
      media::PdqIndicatorSpec spec;
      spec.hash = r.hash();
      spec.quality = r.quality();
      spec.id = "indicator--" + RandomUuid();
      spec.name = std::filesystem::path(f.path).filename().string();
      spec.created = now;
      objects.Append(media::MakePdqIndicator(spec));
    } else if (format == "csv") {
      std::string line = CsvField(f.path) + "," + media::FormatHex(r.hash()) + "," +
                         std::to_string(r.quality());
      if (dihedral) {
        for (int t = 1; t < media::kNumDihedral; ++t) line += "," + media::FormatHex(r.pdq.hashes[t]);
      }
      std::printf("%s\n", line.c_str());
    } else {
      json::Value o = json::Value::Object();
      o.Set("file", json::Value::String(f.path));
      o.Set("hash", json::Value::String(media::FormatHex(r.hash())));
      o.Set("quality", json::Value::Int(r.quality()));
      o.Set("low_quality", json::Value::Bool(r.low_quality()));
      o.Set("width", json::Value::Int(r.width));
      o.Set("height", json::Value::Int(r.height));
      o.Set("format", json::Value::String(std::string(media::ImageFormatName(r.format))));
      if (dihedral) {
        json::Value d = json::Value::Object();
        for (int t = 1; t < media::kNumDihedral; ++t) {
          d.Set(std::string(media::DihedralName(static_cast<media::Dihedral>(t))),
                json::Value::String(media::FormatHex(r.pdq.hashes[t])));
        }
        o.Set("dihedral", std::move(d));
      }
      std::printf("%s\n", json::ToJson(o).c_str());
    }
  });
  if (failed < 0) return 2;
  if (format == "stix") {
    json::Value bundle = json::Value::Object();
    bundle.Set("type", json::Value::String("bundle"));
    bundle.Set("id", json::Value::String("bundle--" + RandomUuid()));
    bundle.Set("objects", std::move(objects));
    std::printf("%s\n", json::ToPrettyJson(bundle).c_str());
  }
  std::fflush(stdout);
  return failed > 0 ? 1 : 0;
}

// Every PDQ hash carried by the latest version of the node's indicators (and file SCOs).
StatusOr<std::vector<media::PdqIndicatorRecord>> RecordsFromNode(node::Node& node,
                                                                 uint64_t* objects_with_hashes) {
  std::vector<media::PdqIndicatorRecord> records;
  store::Query q;
  q.types = {"indicator", "file"};
  uint64_t bad = 0;
  *objects_with_hashes = 0;
  TADAMUN_RETURN_IF_ERROR(node.store().Scan(q, [&](const store::Row& row) -> Status {
    StatusOr<json::Value> v = json::Parse(row.json);
    if (!v.ok()) return Status::DataLoss(row.id + ": stored JSON does not parse: " + v.status().message());
    const size_t before = records.size();
    Status s = media::AppendRecordsFromStix(*v, &records);
    if (!s.ok()) {
      if (++bad <= 20) std::fprintf(stderr, "tadamun: skipping %s\n", s.message().c_str());
      return Status::Ok();
    }
    if (records.size() > before) ++*objects_with_hashes;
    return Status::Ok();
  }));
  if (bad > 20) std::fprintf(stderr, "tadamun: ... %llu objects skipped in all\n", static_cast<unsigned long long>(bad));
  return records;
}

StatusOr<uint64_t> StoreVersions(node::Node& node) {
  TADAMUN_ASSIGN_OR_RETURN(store::Stats stats, node.store().GetStats());
  return stats.versions;
}

Status WriteIndexMeta(const std::string& path, uint64_t versions) {
  json::Value meta = json::Value::Object();
  meta.Set("store_versions", json::Value::Int(static_cast<int64_t>(versions)));
  return Env::Default()->WriteFileAtomic(path + ".meta", json::ToJson(meta) + "\n", 0644);
}

// The index's recorded store size, or nullopt when unknown.
std::optional<uint64_t> ReadIndexMeta(const std::string& path) {
  StatusOr<std::string> text = Env::Default()->ReadFile(path + ".meta", 1 << 16);
  if (!text.ok()) return std::nullopt;
  StatusOr<json::Value> v = json::Parse(*text);
  if (!v.ok()) return std::nullopt;
  const json::Value* n = v->Find("store_versions");
  if (!n || !n->AsInt64()) return std::nullopt;
  return static_cast<uint64_t>(*n->AsInt64());
}

StatusOr<media::MatcherOptions> MatchOptions(const Invocation& inv) {
  media::MatcherOptions options;
  TADAMUN_ASSIGN_OR_RETURN(options.radius, IntFlag(inv, "radius", media::kPdqMatchDistance, 0, 256));
  options.dihedral = !inv.Has("no-dihedral");
  return options;
}

int RunIndex(const Invocation& inv) {
  if (!inv.positionals.empty()) return UsageError(inv, "takes no arguments");
  auto node = OpenNode(inv);
  if (!node) return 1;
  const std::string path = inv.Value("output").value_or(DefaultIndexPath(inv));
  const auto t0 = std::chrono::steady_clock::now();
  StatusOr<uint64_t> versions = StoreVersions(*node);
  if (!versions.ok()) return Fail(versions.status());
  uint64_t objects = 0;
  StatusOr<std::vector<media::PdqIndicatorRecord>> records = RecordsFromNode(*node, &objects);
  if (!records.ok()) return Fail(records.status());
  const size_t total = records->size();
  media::PdqMatcher matcher = media::PdqMatcher::Build(std::move(*records), media::MatcherOptions{});
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  Status s = matcher.Save(path);
  if (!s.ok()) return Fail(s);
  s = WriteIndexMeta(path, *versions);
  if (!s.ok()) return Fail(s);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("indexed %s PDQ hashes from %s objects (%s below quality %d not indexed) into %s in %.2f s\n",
              WithThousands(matcher.size()).c_str(), WithThousands(objects).c_str(),
              WithThousands(total - matcher.size()).c_str(), media::kPdqQualityThreshold,
              path.c_str(), seconds);
  return 0;
}

// The matcher for `media match`: --index FILE, else the node's index when it is current, else
// one built in memory from the node's indicators.
StatusOr<media::PdqMatcher> LoadMatcher(const Invocation& inv, const media::MatcherOptions& options) {
  if (auto file = inv.Value("index")) return media::PdqMatcher::Open(*file, options);
  auto opened = node::Node::Open(inv.node_dir);
  if (!opened.ok()) return opened.status();
  node::Node& node = **opened;
  TADAMUN_ASSIGN_OR_RETURN(uint64_t versions, StoreVersions(node));
  const std::string path = DefaultIndexPath(inv);
  if (std::filesystem::exists(path)) {
    if (ReadIndexMeta(path) == versions) {
      StatusOr<media::PdqMatcher> m = media::PdqMatcher::Open(path, options);
      if (m.ok()) return m;
      std::fprintf(stderr, "tadamun: %s; building the index in memory\n", m.status().message().c_str());
    } else {
      std::fprintf(stderr,
                   "tadamun: %s is older than the node's store; matching against a fresh "
                   "in-memory index (run tadamun media index to refresh it)\n",
                   path.c_str());
    }
  }
  uint64_t objects = 0;
  TADAMUN_ASSIGN_OR_RETURN(std::vector<media::PdqIndicatorRecord> records,
                           RecordsFromNode(node, &objects));
  return media::PdqMatcher::Build(std::move(records), options);
}

int RunMatch(const Invocation& inv) {
  if (inv.positionals.empty()) return UsageError(inv, "expects at least one PATH");
  const std::string format = inv.Value("format").value_or("text");
  if (format != "text" && format != "jsonl") {
    return UsageError(inv, "--format " + format + ": expected text or jsonl");
  }
  StatusOr<media::MatcherOptions> options = MatchOptions(inv);
  if (!options.ok()) return UsageError(inv, options.status().message());
  StatusOr<media::PdqMatcher> matcher = LoadMatcher(inv, *options);
  if (!matcher.ok()) return Fail(matcher.status());
  if (matcher->size() == 0) {
    std::fprintf(stderr, "tadamun: the node holds no PDQ indicators; nothing can match\n");
  }
  uint64_t matched_images = 0, low_quality = 0;
  auto print = [&](const media::FileHash& f, const std::vector<media::PdqMatch>& matches) {
    const media::ImageHashResult& r = f.result;
    const std::string hex = media::FormatHex(r.hash());
    if (r.low_quality()) {
      ++low_quality;
      if (format == "text") {
        std::printf("%s\tlow quality (%d < %d): hash %s reported, not matched\n", f.path.c_str(),
                    r.quality(), media::kPdqQualityThreshold, hex.c_str());
      } else {
        json::Value o = json::Value::Object();
        o.Set("file", json::Value::String(f.path));
        o.Set("hash", json::Value::String(hex));
        o.Set("quality", json::Value::Int(r.quality()));
        o.Set("low_quality", json::Value::Bool(true));
        o.Set("matches", json::Value::Array());
        std::printf("%s\n", json::ToJson(o).c_str());
      }
      return;
    }
    if (!matches.empty()) ++matched_images;
    if (format == "text") {
      for (const media::PdqMatch& m : matches) {
        const media::PdqIndicatorRecord rec = matcher->record(m.record);
        const std::string transform =
            m.transform == media::Dihedral::kOriginal
                ? ""
                : "\t(" + std::string(media::DihedralName(m.transform)) + ")";
        std::printf("%s\tdistance %d\t%s\t%s%s\n", f.path.c_str(), m.distance,
                    rec.indicator_id.c_str(), rec.name.empty() ? "(no name)" : rec.name.c_str(),
                    transform.c_str());
      }
    } else {
      json::Value o = json::Value::Object();
      o.Set("file", json::Value::String(f.path));
      o.Set("hash", json::Value::String(hex));
      o.Set("quality", json::Value::Int(r.quality()));
      o.Set("low_quality", json::Value::Bool(false));
      json::Value list = json::Value::Array();
      for (const media::PdqMatch& m : matches) {
        const media::PdqIndicatorRecord rec = matcher->record(m.record);
        json::Value x = json::Value::Object();
        x.Set("indicator", json::Value::String(rec.indicator_id));
        x.Set("name", json::Value::String(rec.name));
        x.Set("distance", json::Value::Int(m.distance));
        x.Set("transform", json::Value::String(std::string(media::DihedralName(m.transform))));
        x.Set("indicator_hash", json::Value::String(media::FormatHex(rec.hash)));
        list.Append(std::move(x));
      }
      o.Set("matches", std::move(list));
      std::printf("%s\n", json::ToJson(o).c_str());
    }
  };
  // Images are matched in groups (one pass over the index per group, 8 hashes per image).
  constexpr size_t kGroup = 32;
  std::vector<media::FileHash> pending;
  auto flush = [&] {
    std::vector<media::PdqDihedralResult> images;
    for (const media::FileHash& f : pending) {
      if (!f.result.low_quality()) images.push_back(f.result.pdq);
    }
    std::vector<std::vector<media::PdqMatch>> matches = matcher->MatchMany(images);
    size_t next = 0;
    for (const media::FileHash& f : pending) {
      print(f, f.result.low_quality() ? std::vector<media::PdqMatch>{} : matches[next++]);
    }
    pending.clear();
  };
  const int failed = HashPaths(inv, options->dihedral, [&](const media::FileHash& f) {
    pending.push_back(f);
    if (pending.size() == kGroup) flush();
  });
  flush();
  std::fflush(stdout);
  if (failed < 0) return 2;
  std::fprintf(stderr, "%s images matched, %s low quality (not matched), %d failed; %s PDQ indicators\n",
               WithThousands(matched_images).c_str(), WithThousands(low_quality).c_str(), failed,
               WithThousands(matcher->size()).c_str());
  return failed > 0 ? 1 : 0;
}

const FlagSpec kThreadsFlag{"threads", "N", "worker threads (default: one per core)"};

const Registration kHash({
    .name = "media hash",
    .args = "PATH...",
    .summary = "PDQ-hash images (files or folders, recursively)",
    .help = "Hashes JPEG, PNG and WebP images exactly as Meta's pdq-photo-hasher does; prints one\n"
            "line per image: file,hash,quality (csv) or a JSON object (jsonl); --format stix\n"
            "prints a STIX bundle with one PDQ indicator per image instead. Quality below 50\n"
            "means the image is too flat to match on. A file that cannot be hashed (not an\n"
            "image, truncated, corrupt, over the pixel limit) gets an error on stderr and the\n"
            "batch goes on. Exit code 1 when any file failed.",
    .flags = {{"format", "csv|jsonl|stix",
               "output format (default csv); stix: a bundle of PDQ indicators to import and share"},
              {"dihedral", "", "also print the hashes of the 7 rotations/flips"},
              kThreadsFlag},
    .run = RunHash,
    .uses_node = false,
});

const Registration kMatch({
    .name = "media match",
    .args = "PATH...",
    .summary = "match images against every PDQ indicator in the node",
    .help = "Hashes each image and prints every PDQ indicator within the distance (default 31\n"
            "of 256 bits), with the distance, indicator id and name; rotated or flipped copies\n"
            "match through the image's 8 dihedral hashes. Images of quality below 50 are\n"
            "reported, not matched. Uses the node's index (tadamun media index) when it is\n"
            "current, else builds one in memory. Exit code 1 when any file failed.",
    .flags = {{"format", "text|jsonl", "output format (default text)"},
              {"radius", "N", "largest matching distance, 0..256 (default 31)"},
              {"index", "FILE", "match against this index file instead of the node"},
              {"no-dihedral", "", "query with the image's own hash only"},
              kThreadsFlag},
    .run = RunMatch,
});

const Registration kIndex({
    .name = "media index",
    .args = "",
    .summary = "build or refresh the node's PDQ index",
    .help = "Collects the PDQ hashes of the latest version of every indicator (and file\n"
            "observable) in the node and writes the index that media match loads with mmap\n"
            "(default <node>/media/pdq.idx, plus .records and .meta beside it).",
    .flags = {{"output", "FILE", "write the index here instead"}},
    .run = RunIndex,
});

}  // namespace
}  // namespace tadamun::cli
