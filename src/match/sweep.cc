#include "match/sweep.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "match/event_observation.h"
#include "match/token_lookup.h"

namespace tadamun::match {
namespace {

// What a file looks like, decided once from its first lines.
struct FileFormat {
  LogFormat format = LogFormat::kText;
  ZeekHeader header;
  bool known = false;
};

struct Unit {
  size_t file = 0;
  uint64_t begin = 0;
  uint64_t end = UINT64_MAX;
  bool first = true;  // the unit that starts the file
  bool last = true;   // the unit that ends the file
};

struct Note {
  uint64_t line;  // unit-local
  std::string what;
};

struct UnitResult {
  std::vector<SweepHit> hits;  // unit-local line numbers
  std::vector<Note> notes;
  FileSummary counts;          // lines, bytes, counters, status; path/format unset
  LogFormat format = LogFormat::kText;
};

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t min;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, min = 0x10000, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      const unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// Bit 0: a byte >= 0x80; bit 1: a NUL byte. One pass of 8-byte words.
int ByteFlags(std::string_view s) {
  constexpr uint64_t kLow = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  uint64_t high = 0, zero = 0;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    high |= w;
    zero |= (w - kLow) & ~w;  // a byte's top bit set here when the byte was 0 (or >= 0x80)
  }
  bool nul = false;
  for (; i < s.size(); ++i) {
    high |= static_cast<unsigned char>(s[i]);
    nul |= s[i] == 0;
  }
  if ((zero & kHigh) != 0) nul |= std::memchr(s.data(), 0, s.size()) != nullptr;  // confirm
  return ((high & kHigh) ? 1 : 0) | (nul ? 2 : 0);
}

// Reads the first lines of a file to decide its format (and, for Zeek TSV, its header).
FileFormat DetectFileFormat(const InputFile& file, const ReaderOptions& options) {
  FileFormat f;
  ReaderOptions small = options;
  small.block_bytes = 64 << 10;
  auto reader = LineReader::Open(file.path, small);
  if (!reader.ok()) return f;
  LogLine line;
  while ((*reader)->Next(&line)) {
    if (line.too_long || line.text.empty()) continue;
    if (!f.known) {
      f.format = DetectFormat(line.text);
      f.known = true;
      if (f.format != LogFormat::kZeekTsv) break;
    }
    if (line.text[0] != '#') break;
    f.header.Update(line.text);
  }
  return f;
}

class UnitWorker final : public FieldVisitor {
 public:
  UnitWorker(const IndicatorSet& set, const SweepOptions& options, std::atomic<uint64_t>* bytes,
             std::atomic<uint64_t>* lines)
      : set_(set), options_(options), fallback_(set), bytes_done_(bytes), lines_done_(lines) {
    parser_.set_visit_unsearched(!set.fallback().empty());
  }

  void Run(const InputFile& file, const Unit& unit, FileFormat format, UnitResult* out);

  void Field(const FieldRef& field, std::string_view value) override;

  uint64_t fallback_evaluations() const { return fallback_.evaluations(); }
  uint64_t fallback_errors() const { return fallback_.errors(); }
  const std::string& fallback_last_error() const { return fallback_.last_error(); }

 private:
  void Lookup(const FieldRef& field, std::string_view token);
  void Note(uint64_t line, std::string what) {
    if (out_->notes.size() < options_.max_notes_per_file * 4) out_->notes.push_back({line, std::move(what)});
  }

  const IndicatorSet& set_;
  const SweepOptions& options_;
  FallbackMatcher fallback_;
  std::atomic<uint64_t>* bytes_done_;
  std::atomic<uint64_t>* lines_done_;
  LineParser parser_;
  std::vector<uint32_t> ids_;
  std::vector<uint32_t> line_ids_;
  std::vector<EventField> event_;
  size_t event_count_ = 0;
  std::vector<FallbackHit> fallback_hits_;
  std::string_view time_text_;
  // The line being swept.
  UnitResult* out_ = nullptr;
  uint64_t line_number_ = 0;
  uint64_t line_offset_ = 0;
  size_t line_hits_begin_ = 0;
};

void UnitWorker::Lookup(const FieldRef& field, std::string_view token) {
  ids_.clear();
  LookupToken(set_.index(), token, &ids_);
  for (uint32_t id : ids_) {
    if (std::find(line_ids_.begin(), line_ids_.end(), id) != line_ids_.end()) continue;
    line_ids_.push_back(id);
    SweepHit hit;
    hit.line = line_number_;
    hit.offset = line_offset_;
    hit.field = field.Name();
    hit.value = std::string(token);
    hit.indicator = id;
    out_->hits.push_back(std::move(hit));
  }
}

void UnitWorker::Field(const FieldRef& field, std::string_view value) {
  if (field.is_time) time_text_ = value;
  if (!set_.fallback().empty()) {
    if (event_.size() <= event_count_) event_.resize(event_count_ + 1);
    EventField& e = event_[event_count_++];
    e.name = field.Name();
    e.value.assign(value);
    e.looked_up = !field.number;
  }
  if (field.number) return;
  if (IsWholeUrlValue(value)) {
    Lookup(field, value);
    return;
  }
  Tokenizer tokens(value);
  std::string_view token;
  while (tokens.Next(&token)) Lookup(field, token);
}

void UnitWorker::Run(const InputFile& file, const Unit& unit, FileFormat format, UnitResult* out) {
  out_ = out;
  FileSummary& c = out->counts;
  auto reader = LineReader::Open(file.path, options_.reader, unit.begin, unit.end);
  if (!reader.ok()) {
    c.status = reader.status();
    return;
  }
  LogLine line;
  uint64_t reported_bytes = 0, reported_lines = 0;
  bool detected = format.known;
  while ((*reader)->Next(&line)) {
    ++c.lines;
    line_number_ = c.lines;
    line_offset_ = line.offset;
    if (c.lines - reported_lines >= 4096) {
      const uint64_t b = (*reader)->bytes_read();
      bytes_done_->fetch_add(b - reported_bytes, std::memory_order_relaxed);
      lines_done_->fetch_add(c.lines - reported_lines, std::memory_order_relaxed);
      reported_bytes = b;
      reported_lines = c.lines;
    }
    if (line.too_long) {
      ++c.long_lines;
      Note(line_number_, "line of " + std::to_string(line.length) + " bytes is longer than the limit of " +
                             std::to_string(options_.reader.max_line_bytes) +
                             " bytes (--max-line-bytes); skipped");
      continue;
    }
    std::string_view text = line.text;
    if (text.empty()) continue;
    if (!detected) {
      format.format = DetectFormat(text);
      detected = true;
    }
    out->format = format.format;
    if (format.format == LogFormat::kZeekTsv && text[0] == '#') {
      format.header.Update(text);
      continue;
    }
    if (const int flags = ByteFlags(text); flags != 0) {
      if (flags & 2) {
        ++c.nul_lines;
        Note(line_number_, "NUL bytes (binary data); swept as bytes");
      } else if (!ValidUtf8(text)) {
        ++c.invalid_utf8_lines;
        Note(line_number_, "invalid UTF-8; swept as bytes");
      }
    }
    line_ids_.clear();
    event_count_ = 0;
    time_text_ = {};
    line_hits_begin_ = out->hits.size();
    if (!parser_.Parse(format.format, format.header, text, this)) {
      ++c.malformed_lines;
      Note(line_number_, "not a " + std::string(LogFormatName(format.format)) + " line (" + parser_.error() +
                             "); swept as free text");
      time_text_ = {};
      parser_.Parse(LogFormat::kText, format.header, text, this);
    }
    // The event time is only needed by hits and by the pattern engine.
    std::optional<Timestamp> time;
    if (!time_text_.empty() && (out->hits.size() > line_hits_begin_ || !set_.fallback().empty())) {
      time = ParseEventTime(time_text_);
    }
    if (!set_.fallback().empty()) {
      fallback_hits_.clear();
      fallback_.Match(event_, event_count_, time.value_or(Timestamp()), &fallback_hits_);
      for (FallbackHit& f : fallback_hits_) {
        if (std::find(line_ids_.begin(), line_ids_.end(), f.indicator) != line_ids_.end()) continue;
        line_ids_.push_back(f.indicator);
        SweepHit hit;
        hit.line = line_number_;
        hit.offset = line_offset_;
        hit.field = "(pattern)";
        hit.value = std::move(f.value);
        hit.indicator = f.indicator;
        out->hits.push_back(std::move(hit));
      }
    }
    for (size_t i = line_hits_begin_; i < out->hits.size(); ++i) out->hits[i].time = time;
  }
  c.bytes = (*reader)->bytes_read();
  bytes_done_->fetch_add(c.bytes - reported_bytes, std::memory_order_relaxed);
  lines_done_->fetch_add(c.lines - reported_lines, std::memory_order_relaxed);
  c.status = (*reader)->status();
}

}  // namespace

std::optional<Timestamp> ParseEventTime(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text[0] >= '0' && text[0] <= '9' && text.find_first_not_of("0123456789.") == std::string_view::npos) {
    const size_t dot = text.find('.');
    std::string_view whole = text.substr(0, dot);
    std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    if (whole.empty() || whole.size() > 12 || frac.find('.') != std::string_view::npos) return std::nullopt;
    int64_t seconds = 0;
    for (char c : whole) seconds = seconds * 10 + (c - '0');
    uint32_t nanos = 0;
    int digits = 0;
    for (char c : frac) {
      if (digits == 9) break;
      nanos = nanos * 10 + static_cast<uint32_t>(c - '0');
      ++digits;
    }
    for (int d = digits; d < 9; ++d) nanos *= 10;
    const int shown = digits == 0 ? 0 : digits <= 3 ? 3 : digits <= 6 ? 6 : 9;
    return Timestamp::FromUnixNanos(seconds, nanos, shown);
  }
  if (auto t = Timestamp::Parse(text); t.ok()) return *t;
  // "2018-03-24T17:15:20.865716+0000" or "+00:00": shift to UTC.
  const size_t sign = text.find_last_of("+-");
  if (sign == std::string_view::npos || sign < 19) return std::nullopt;
  std::string_view off = text.substr(sign + 1);
  std::string digits;
  for (char c : off) {
    if (c != ':') digits.push_back(c);
  }
  if (digits.size() != 4 || digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const int64_t minutes = std::stoi(digits.substr(0, 2)) * 60 + std::stoi(digits.substr(2));
  auto base = Timestamp::Parse(std::string(text.substr(0, sign)) + "Z");
  if (!base.ok()) return std::nullopt;
  const int64_t shift = (text[sign] == '+' ? -1 : 1) * minutes * 60;
  return Timestamp::FromUnixNanos(base->unix_seconds() + shift, base->nanos(), base->digits());
}

SweepSummary Sweep(const IndicatorSet& set, const std::vector<InputFile>& files,
                   const SweepOptions& options, const std::function<void(const SweepHit&)>& on_hit) {
  const auto start = std::chrono::steady_clock::now();
  SweepSummary summary;
  summary.hits_per_indicator.assign(set.indicators().size(), 0);
  summary.files.resize(files.size());
  // Units: large plain files are cut into ranges; their format is decided here, once.
  std::vector<Unit> units;
  std::vector<FileFormat> formats(files.size());
  int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(1, threads);
  // Ranges small enough that every thread gets several (the last ones to finish are short),
  // but at least 1 MiB and at most options.chunk_bytes.
  uint64_t plain_bytes = 0;
  for (const InputFile& f : files) plain_bytes += f.gzip || f.path == "-" ? 0 : f.size;
  const uint64_t chunk = options.chunk_bytes == 0
                             ? 0
                             : std::clamp<uint64_t>(plain_bytes / (static_cast<uint64_t>(threads) * 8),
                                                    std::min<uint64_t>(uint64_t{1} << 20, options.chunk_bytes),
                                                    options.chunk_bytes);
  for (size_t f = 0; f < files.size(); ++f) {
    summary.files[f].path = files[f].path;
    const bool splittable = files[f].path != "-" && !files[f].gzip && chunk > 0 && files[f].size > chunk;
    if (!splittable) {
      units.push_back({f, 0, UINT64_MAX, true, true});
      continue;
    }
    formats[f] = DetectFileFormat(files[f], options.reader);
    for (uint64_t b = 0; b < files[f].size; b += chunk) {
      const uint64_t e = std::min(files[f].size, b + chunk);
      units.push_back({f, b, e >= files[f].size ? UINT64_MAX : e, b == 0, e >= files[f].size});
    }
  }
  std::vector<UnitResult> results(units.size());
  std::vector<char> done(units.size(), 0);
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> bytes{0}, lines{0};
  std::mutex mu;
  std::condition_variable cv;
  size_t emit_next = 0;
  uint64_t line_base = 0;
  size_t finished_workers = 0;

  auto emit = [&] {  // under mu: hand over every finished unit at the head, in order
    while (emit_next < units.size() && done[emit_next]) {
      const Unit& u = units[emit_next];
      UnitResult& r = results[emit_next];
      FileSummary& fs = summary.files[u.file];
      if (u.first) {
        line_base = 0;
        fs.format = formats[u.file].known ? formats[u.file].format : r.format;
      }
      for (SweepHit& h : r.hits) {
        h.file = u.file;
        h.line += line_base;
        ++summary.hits_per_indicator[h.indicator];
        ++fs.hits;
        on_hit(h);
      }
      for (const Note& n : r.notes) {
        if (fs.notes.size() < options.max_notes_per_file) {
          fs.notes.push_back(fs.path + ":" + std::to_string(n.line + line_base) + ": " + n.what);
        }
      }
      fs.lines += r.counts.lines;
      fs.bytes += r.counts.bytes;
      fs.long_lines += r.counts.long_lines;
      fs.malformed_lines += r.counts.malformed_lines;
      fs.invalid_utf8_lines += r.counts.invalid_utf8_lines;
      fs.nul_lines += r.counts.nul_lines;
      if (!r.counts.status.ok() && fs.status.ok()) fs.status = r.counts.status;
      line_base += r.counts.lines;
      r = UnitResult();
      ++emit_next;
    }
  };

  threads = std::max(1, std::min<int>(threads, static_cast<int>(std::max<size_t>(units.size(), 1))));
  uint64_t evaluations = 0, eval_errors = 0;
  std::string eval_last_error;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      UnitWorker worker(set, options, &bytes, &lines);
      for (;;) {
        const size_t u = next.fetch_add(1);
        if (u >= units.size()) break;
        worker.Run(files[units[u].file], units[u], formats[units[u].file], &results[u]);
        std::lock_guard<std::mutex> lock(mu);
        done[u] = 1;
        emit();
      }
      std::lock_guard<std::mutex> lock(mu);
      evaluations += worker.fallback_evaluations();
      eval_errors += worker.fallback_errors();
      if (!worker.fallback_last_error().empty()) eval_last_error = worker.fallback_last_error();
      ++finished_workers;
      cv.notify_all();
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    while (finished_workers < workers.size()) {
      cv.wait_for(lock, std::chrono::milliseconds(100));
      if (options.progress) {
        const uint64_t b = bytes.load(), l = lines.load();
        lock.unlock();
        options.progress(b, l);
        lock.lock();
      }
    }
  }
  for (std::thread& w : workers) w.join();
  for (const FileSummary& fs : summary.files) {
    summary.lines += fs.lines;
    summary.bytes += fs.bytes;
    summary.hits += fs.hits;
    summary.long_lines += fs.long_lines;
    summary.malformed_lines += fs.malformed_lines;
    summary.invalid_utf8_lines += fs.invalid_utf8_lines;
    summary.nul_lines += fs.nul_lines;
    if (!fs.status.ok()) ++summary.files_failed;
  }
  summary.fallback_evaluations = evaluations;
  summary.fallback_errors = eval_errors;
  summary.fallback_last_error = eval_last_error;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace tadamun::match
