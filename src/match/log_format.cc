#include "match/log_format.h"

#include <algorithm>
#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tadamun::match {
namespace {

// Byte classes of the tokeniser: 0 inside a token, 1 ends a token unless it is a URL, 2 always
// ends a token, 3 ':' (inside a token; checked for "://").
constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c <= 0x20; ++c) t[c] = 2;
  t[0x7f] = 2;
  for (char c : std::string_view("\"'`<>")) t[static_cast<unsigned char>(c)] = 2;
  for (char c : std::string_view("()[]{},;|=&")) t[static_cast<unsigned char>(c)] = 1;
  t[static_cast<unsigned char>(':')] = 3;  // inside a token; may start "://"
  return t;
}
constexpr std::array<uint8_t, 256> kClass = MakeClasses();

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Zeek writes the separator itself escaped ("#separator \x09").
std::string DecodeHexEscapes(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() + 0 && s[i + 1] == 'x' && HexValue(s[i + 2]) >= 0 &&
        HexValue(s[i + 3]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 2]) * 16 + HexValue(s[i + 3])));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

void Split(std::string_view line, std::string_view sep, std::vector<std::string_view>* out) {
  out->clear();
  if (sep.empty()) {
    out->push_back(line);
    return;
  }
  size_t start = 0;
  for (;;) {
    size_t at = sep.size() == 1 ? line.find(sep[0], start) : line.find(sep, start);
    if (at == std::string_view::npos) {
      out->push_back(line.substr(start));
      return;
    }
    out->push_back(line.substr(start, at - start));
    start = at + sep.size();
  }
}

bool LooksLikeSquid(std::string_view line) {
  // "1286536308.779    180 192.168.0.224 TCP_MISS/200 411 GET http://... - DIRECT/1.2.3.4 text/plain"
  std::vector<std::string_view> cols;
  size_t i = 0;
  while (i < line.size() && cols.size() < 12) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) cols.push_back(line.substr(start, i - start));
  }
  if (cols.size() < 7) return false;
  std::string_view t = cols[0];
  size_t dot = t.find('.');
  if (dot == 0 || dot == std::string_view::npos) return false;
  for (size_t k = 0; k < t.size(); ++k) {
    if (k != dot && !IsDigit(t[k])) return false;
  }
  for (char c : cols[1]) {
    if (!IsDigit(c) && c != '-') return false;
  }
  return cols[3].find('/') != std::string_view::npos;
}

bool IsLookupType(std::string_view type) {
  if (type.starts_with("set[") || type.starts_with("vector[")) {
    type = type.substr(type.find('[') + 1);
    type = type.substr(0, type.find(']'));
  }
  return type == "string" || type == "addr" || type == "subnet";
}

}  // namespace

std::string_view LogFormatName(LogFormat format) {
  switch (format) {
    case LogFormat::kSquid: return "squid";
    case LogFormat::kZeekTsv: return "zeek-tsv";
    case LogFormat::kZeekJson: return "zeek-json";
    case LogFormat::kEve: return "suricata-eve";
    case LogFormat::kJsonLines: return "json-lines";
    case LogFormat::kText: return "text";
  }
  return "text";
}

LogFormat DetectFormat(std::string_view line) {
  if (line.starts_with("#separator")) return LogFormat::kZeekTsv;
  if (!line.empty() && (line[0] == '{' || line[0] == '[')) {
    JsonLineScanner scanner;
    if (!scanner.Scan(line)) return LogFormat::kText;
    if (line[0] == '[') return LogFormat::kJsonLines;
    bool eve = false, zeek = false, ts = false, orig = false;
    for (size_t i = 0; i < scanner.size(); ++i) {
      if (scanner.PathIs(i, "event_type")) eve = true;
      if (scanner.PathIs(i, "_path") || scanner.PathIs(i, "uid") || scanner.PathIs(i, "@stream")) zeek = true;
      if (scanner.PathIs(i, "ts")) ts = true;
      if (scanner.PathIs(i, "id.orig_h") || scanner.PathIs(i, "id_orig_h")) orig = true;
    }
    if (eve) return LogFormat::kEve;
    if (zeek || (ts && orig)) return LogFormat::kZeekJson;
    return LogFormat::kJsonLines;
  }
  if (LooksLikeSquid(line)) return LogFormat::kSquid;
  return LogFormat::kText;
}

bool ZeekHeader::Update(std::string_view line) {
  if (line.starts_with("#separator ")) {
    separator = DecodeHexEscapes(line.substr(11));
    if (separator.empty()) separator = "\t";
    return true;
  }
  std::vector<std::string_view> parts;
  Split(line, separator, &parts);
  if (parts.empty()) return false;
  const std::string_view key = parts[0];
  auto rest = [&] {
    std::string_view r = line.substr(std::min(line.size(), key.size() + separator.size()));
    return DecodeHexEscapes(r);
  };
  if (key == "#set_separator") {
    set_separator = rest();
  } else if (key == "#empty_field") {
    empty_field = rest();
  } else if (key == "#unset_field") {
    unset_field = rest();
  } else if (key == "#fields" || key == "#types") {
    std::vector<std::string>& target = key == "#fields" ? fields : types;
    target.assign(parts.begin() + 1, parts.end());
    if (key == "#fields") types.clear();  // a new table: its #types line follows
  } else {
    return false;
  }
  lookup.assign(fields.size(), 1);
  is_set.assign(fields.size(), 0);
  host = uri = ts = -1;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i < types.size()) {
      lookup[i] = IsLookupType(types[i]);
      is_set[i] = types[i].starts_with("set[") || types[i].starts_with("vector[");
    }
    if (fields[i] == "host") host = static_cast<int>(i);
    if (fields[i] == "uri") uri = static_cast<int>(i);
    if (fields[i] == "ts") ts = static_cast<int>(i);
  }
  return true;
}

std::string FieldRef::Name() const {
  if (json == nullptr) return std::string(name);
  std::string out;
  json->Path(json_index, &out);
  return out;
}

std::string_view LineParser::Unescape(std::string_view value) {
  if (value.find("\\x") == std::string_view::npos) return value;
  const size_t start = scratch_.size();
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 3 < value.size() && value[i + 1] == 'x' && HexValue(value[i + 2]) >= 0 &&
        HexValue(value[i + 3]) >= 0) {
      scratch_.push_back(static_cast<char>(HexValue(value[i + 2]) * 16 + HexValue(value[i + 3])));
      i += 3;
    } else {
      scratch_.push_back(value[i]);
    }
  }
  return std::string_view(scratch_).substr(start);
}

bool LineParser::Parse(LogFormat format, const ZeekHeader& header, std::string_view line,
                       FieldVisitor* visitor) {
  error_.clear();
  switch (format) {
    case LogFormat::kSquid: return Squid(line, visitor);
    case LogFormat::kZeekTsv: return ZeekTsv(header, line, visitor);
    case LogFormat::kZeekJson:
    case LogFormat::kEve:
    case LogFormat::kJsonLines: return Json(format, line, visitor);
    case LogFormat::kText: break;
  }
  visitor->Field({.name = "text"}, line);
  return true;
}

bool LineParser::Squid(std::string_view line, FieldVisitor* visitor) {
  columns_.clear();
  // Columns are separated by runs of spaces (squid pads the elapsed time) or tabs.
  const size_t n = line.size();
  size_t start = SIZE_MAX;  // start of the current column
  auto at = [&](size_t i, bool space) {
    if (space) {
      if (start != SIZE_MAX) columns_.push_back(line.substr(start, i - start));
      start = SIZE_MAX;
    } else if (start == SIZE_MAX) {
      start = i;
    }
  };
  size_t i = 0;
#if defined(__SSE2__)
  // 16 bytes at a time: a bit mask of separators; only the edges of columns cost work.
  const __m128i space = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(line.data() + i));
    uint32_t sep = static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, space), _mm_cmpeq_epi8(v, tab))));
    // Edges: positions where separator-ness changes from the previous byte.
    const uint32_t prev = (sep << 1) | (start == SIZE_MAX ? 1u : 0u);
    uint32_t edges = (sep ^ prev) & 0xFFFF;
    while (edges != 0) {
      const int b = __builtin_ctz(edges);
      at(i + static_cast<size_t>(b), (sep >> b) & 1);
      edges &= edges - 1;
    }
  }
#endif
  for (; i < n; ++i) {
    const bool sep = line[i] == ' ' || line[i] == '\t';
    if (sep == (start == SIZE_MAX)) continue;
    at(i, sep);
  }
  if (start != SIZE_MAX) columns_.push_back(line.substr(start));
  if (columns_.size() < 7 || columns_[0].empty() || !IsDigit(columns_[0][0]) ||
      columns_[3].find('/') == std::string_view::npos) {
    error_ = "expected a squid access.log line (time elapsed client code/status bytes method URL ...)";
    return false;
  }
  static constexpr std::string_view kNames[] = {"time", "elapsed", "client", "code", "bytes",
                                                "method", "url", "user", "hierarchy", "type"};
  for (size_t c = 0; c < columns_.size(); ++c) {
    std::string_view value = columns_[c];
    const bool looked_up = c == 2 || c == 6 || c == 7 || c == 8 || c >= 10;
    if (c == 8) {  // DIRECT/203.0.113.5, HIER_NONE/-
      const size_t slash = value.find('/');
      value = slash == std::string_view::npos ? std::string_view() : value.substr(slash + 1);
    }
    if (looked_up ? (value.empty() || value == "-") : (!visit_unsearched_ && c != 0)) continue;
    visitor->Field({.name = c < 10 ? kNames[c] : "extra", .number = !looked_up, .is_time = c == 0}, value);
  }
  return true;
}

bool LineParser::ZeekTsv(const ZeekHeader& header, std::string_view line, FieldVisitor* visitor) {
  Split(line, header.separator, &columns_);
  if (columns_.size() != header.fields.size()) {
    error_ = "expected " + std::to_string(header.fields.size()) + " fields (from #fields), found " +
             std::to_string(columns_.size());
    return false;
  }
  scratch_.clear();
  scratch_.reserve(line.size() + 16);  // unescaped values never outgrow the line: views stay valid
  for (size_t c = 0; c < columns_.size(); ++c) {
    std::string_view value = columns_[c];
    if (value == header.unset_field || value == header.empty_field) continue;
    if (!visit_unsearched_ && !header.lookup[c] && static_cast<int>(c) != header.ts) continue;
    FieldRef ref{.name = header.fields[c], .number = !header.lookup[c], .is_time = static_cast<int>(c) == header.ts};
    if (header.is_set[c] && !header.set_separator.empty()) {
      size_t start = 0;
      for (;;) {
        const size_t at = value.find(header.set_separator, start);
        std::string_view item = value.substr(start, at == std::string_view::npos ? at : at - start);
        if (!item.empty()) visitor->Field(ref, Unescape(item));
        if (at == std::string_view::npos) break;
        start = at + header.set_separator.size();
      }
    } else {
      visitor->Field(ref, Unescape(value));
    }
  }
  if (header.host >= 0 && header.uri >= 0) {
    std::string_view host = columns_[header.host], uri = columns_[header.uri];
    if (host != header.unset_field && host != header.empty_field && uri.starts_with("/")) {
      url_.assign("http://");
      url_.append(host);
      url_.append(uri);
      visitor->Field({.name = "url"}, url_);
    }
  }
  return true;
}

bool LineParser::Json(LogFormat format, std::string_view line, FieldVisitor* visitor) {
  if (!json_.Scan(line)) {
    error_ = "not JSON: " + json_.error();
    return false;
  }
  std::string_view host, path;
  const std::string_view host_key = format == LogFormat::kEve ? "http.hostname" : "host";
  const std::string_view path_key = format == LogFormat::kEve ? "http.url" : "uri";
  const std::string_view time_key = format == LogFormat::kEve ? "timestamp" : format == LogFormat::kZeekJson ? "ts" : "";
  for (size_t i = 0; i < json_.size(); ++i) {
    const bool is_time = !time_key.empty() && json_.Key(i) == time_key && json_.PathIs(i, time_key);
    if (!visit_unsearched_ && json_.is_number(i) && !is_time) continue;
    visitor->Field({.json = &json_, .json_index = i, .number = json_.is_number(i), .is_time = is_time}, json_.value(i));
    if (format == LogFormat::kEve || format == LogFormat::kZeekJson) {
      if (json_.PathIs(i, host_key)) host = json_.value(i);
      if (json_.PathIs(i, path_key)) path = json_.value(i);
    }
  }
  if (!host.empty() && path.starts_with("/")) {
    url_.assign("http://");
    url_.append(host);
    url_.append(path);
    visitor->Field({.name = "url"}, url_);
  }
  return true;
}

bool Tokenizer::Next(std::string_view* token) {
  const size_t n = text_.size();
  for (;;) {
    while (pos_ < n && (kClass[static_cast<unsigned char>(text_[pos_])] & 3) != 0 &&
           kClass[static_cast<unsigned char>(text_[pos_])] != 3) {
      ++pos_;
    }
    if (pos_ >= n) return false;
    const size_t start = pos_;
    bool url = false;
    const unsigned char* p = reinterpret_cast<const unsigned char*>(text_.data());
    while (pos_ < n) {
      const uint8_t c = kClass[p[pos_]];
      if (c == 0) {
        ++pos_;
        continue;
      }
      if (c == 2 || (c == 1 && !url)) break;
      if (c == 3 && !url && pos_ + 2 < n && p[pos_ + 1] == '/' && p[pos_ + 2] == '/') url = true;
      ++pos_;
    }
    std::string_view t = text_.substr(start, pos_ - start);
    if (url) {
      const bool open_paren = t.find('(') != std::string_view::npos;
      while (!t.empty() && (std::string_view(".,:;!?").find(t.back()) != std::string_view::npos ||
                            (t.back() == ')' && !open_paren))) {
        t.remove_suffix(1);
      }
    } else {
      while (!t.empty() && (t.back() == '.' || t.back() == '!' || t.back() == '?')) t.remove_suffix(1);
      if (!t.empty() && t.back() == ':' && t.find(':') == t.size() - 1) t.remove_suffix(1);
    }
    if (t.empty()) continue;
    *token = t;
    return true;
  }
}

bool IsWholeUrlValue(std::string_view value) {
  const size_t colon = value.find(':');  // memchr: cheap for the many values without one
  if (colon == std::string_view::npos || value.find("://", colon) == std::string_view::npos) return false;
  size_t i = 0;
#if defined(__SSE2__)
  // 16 bytes at a time: any byte <= 0x20, 0x7F, '"', '\'', '`', '<' or '>'?
  const __m128i ctl = _mm_set1_epi8(0x20);
  for (; i + 16 <= value.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(value.data() + i));
    __m128i hit = _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v);
    for (char c : {'\x7f', '"', '\'', '`', '<', '>'}) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
    if (_mm_movemask_epi8(hit) != 0) return false;
  }
#endif
  for (; i < value.size(); ++i) {
    if (kClass[static_cast<unsigned char>(value[i])] == 2) return false;
  }
  return true;
}

}  // namespace tadamun::match
