// Fuzz target: one log file's bytes through the sweep's whole line path — format detection,
// every format's field extraction (squid, Zeek TSV with its header lines, EVE/Zeek/JSON lines),
// the tokeniser, token lookup and the observed-data of each line (EventBundle) — as the engine
// runs them. The first byte picks the format to force (or detection), the rest is the file.
// Invariants: never crashes, hangs or reads out of bounds; every field value and token is a
// view inside the line or the parser's own buffers; tokens are never empty and never contain
// a byte that always ends a token.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "match/event_observation.h"
#include "match/log_format.h"
#include "match/token_lookup.h"

namespace {

using namespace tadamun::match;

const IndicatorIndex& Index() {
  static const IndicatorIndex* index = [] {
    IndicatorIndex::Builder b;
    b.Add({.kind = EntryKind::kDomain, .value = "evil.com"}, 0);
    b.Add({.kind = EntryKind::kUrl, .value = "http://evil.com/"}, 1);
    return new IndicatorIndex(std::move(b).Build());
  }();
  return *index;
}

class Visitor final : public FieldVisitor {
 public:
  void Field(const FieldRef& field, std::string_view value) override {
    std::string name = field.Name();
    events.push_back({name, std::string(value), !field.number});
    if (field.number) return;
    Tokenizer t(value);
    std::string_view token;
    while (t.Next(&token)) {
      if (token.empty()) std::abort();
      for (char c : token) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == '"' || c == '<' || c == '>') std::abort();
      }
      ids.clear();
      LookupToken(Index(), token, &ids);
    }
  }
  std::vector<EventField> events;
  std::vector<uint32_t> ids;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > (1 << 16)) return 0;
  const int forced = data[0] % 7;  // 0-5: a format, 6: detect from the first line
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  LineParser parser;
  ZeekHeader header;
  bool detected = forced != 6;
  LogFormat format = forced == 6 ? LogFormat::kText : static_cast<LogFormat>(forced);
  size_t start = 0;
  int lines = 0;
  while (start <= text.size() && lines++ < 256) {
    size_t nl = text.find('\n', start);
    std::string_view line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    start = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    if (line.empty()) continue;
    if (!detected) {
      format = DetectFormat(line);
      detected = true;
    }
    if (format == LogFormat::kZeekTsv && line[0] == '#') {
      header.Update(line);
      continue;
    }
    Visitor v;
    if (!parser.Parse(format, header, line, &v)) {
      if (!v.events.empty()) std::abort();  // a failed parse visits nothing
      parser.Parse(LogFormat::kText, header, line, &v);
    }
    if (lines % 16 == 1) EventBundle(v.events, v.events.size(), {});
  }
  return 0;
}
