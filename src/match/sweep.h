// The sweep: every line of a set of log files against every indicator of an IndicatorSet.
//
// Each file's format is detected from its first non-empty line (match/log_format.h); each line
// is cut into fields (known formats) or tokens (free text), each token is looked up in the
// exact index (match/token_lookup.h) and, when the set has pattern-engine indicators, the line
// becomes an observed-data for them (match/event_observation.h). An indicator is reported at
// most once per line: its first hit in field order, then token order.
//
// Work is split into units — a whole file, or a byte range (chunk_bytes) of a large plain file
// — taken by `threads` worker threads that share the immutable IndicatorSet and keep their own
// buffers (no allocation per line in the known-format paths: fields and tokens are views into
// the read block). Results are handed to `on_hit` in input order (file, then line), from one
// thread at a time.
//
// Bad input never stops the sweep: lines longer than max_line_bytes are skipped, lines that do
// not fit their file's format are read as free text, lines with invalid UTF-8 or NUL bytes are
// swept as bytes, files that cannot be opened and truncated or corrupt gzip streams end that
// file only — every case is counted in the summary, with the first few cases per file named
// (file:line: what).
//
// Thread-safety: Sweep() may be called from any thread; it starts and joins its own workers.
//
//   match::SweepSummary s = match::Sweep(set, files, {}, [](const match::SweepHit& h) { ... });
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/timestamp.h"
#include "match/indicator_set.h"
#include "match/log_format.h"
#include "match/log_input.h"

namespace tadamun::match {

struct SweepOptions {
  // Worker threads; 0 = the number of CPU cores.
  int threads = 0;
  // Block size and line-length limit (default 4 MiB blocks, 1 MiB lines).
  ReaderOptions reader;
  // Plain files are cut into ranges swept in parallel: about 8 ranges per thread over all the
  // plain input, each at least 1 MiB (or chunk_bytes if smaller) and at most chunk_bytes (default 64 MiB);
  // 0: never cut.
  uint64_t chunk_bytes = uint64_t{64} << 20;
  // Line-level messages (too long, malformed, invalid UTF-8) kept per file; the rest counted.
  size_t max_notes_per_file = 5;
  // Called about ten times a second from the calling thread with the bytes and lines done.
  std::function<void(uint64_t bytes, uint64_t lines)> progress;
};

struct SweepHit {
  size_t file = 0;      // index into the `files` passed to Sweep
  uint64_t line = 0;    // 1-based line number
  uint64_t offset = 0;  // byte offset of the line's first byte (uncompressed)
  std::string field;    // field name (squid/Zeek/JSON path), "text", or "(pattern)"
  std::string value;    // the token or field value that hit
  uint32_t indicator = 0;         // index into IndicatorSet::indicators()
  std::optional<Timestamp> time;  // the event's time, when its format carries one
};

struct FileSummary {
  std::string path;
  LogFormat format = LogFormat::kText;
  uint64_t lines = 0;
  uint64_t bytes = 0;             // uncompressed bytes read
  uint64_t long_lines = 0;        // over max_line_bytes: skipped
  uint64_t malformed_lines = 0;   // did not fit the format: swept as free text
  uint64_t invalid_utf8_lines = 0;
  uint64_t nul_lines = 0;         // holding NUL bytes (binary data)
  uint64_t hits = 0;
  Status status;                  // why the file could not be read to its end
  std::vector<std::string> notes; // "path:line: what", the first max_notes_per_file
};

struct SweepSummary {
  std::vector<FileSummary> files;
  uint64_t lines = 0;
  uint64_t bytes = 0;
  uint64_t hits = 0;
  uint64_t long_lines = 0;
  uint64_t malformed_lines = 0;
  uint64_t invalid_utf8_lines = 0;
  uint64_t nul_lines = 0;
  uint64_t files_failed = 0;            // files with a non-OK status
  std::vector<uint64_t> hits_per_indicator;  // by index into IndicatorSet::indicators()
  uint64_t fallback_evaluations = 0;    // pattern-engine evaluations
  uint64_t fallback_errors = 0;         // evaluations over the engine's limits
  std::string fallback_last_error;
  double seconds = 0;
};

SweepSummary Sweep(const IndicatorSet& set, const std::vector<InputFile>& files,
                   const SweepOptions& options, const std::function<void(const SweepHit&)>& on_hit);

// The time of a log event from its time field: Unix seconds with a fraction ("1521911720.865716",
// squid and Zeek TSV) or RFC 3339 text with `Z` or a numeric offset ("2018-03-24T17:15:20.865+0000",
// Zeek JSON and EVE). nullopt when it is neither.
std::optional<Timestamp> ParseEventTime(std::string_view text);

}  // namespace tadamun::match
