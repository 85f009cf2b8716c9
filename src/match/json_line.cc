#include "match/json_line.h"

namespace tadamun::match {
namespace {

bool IsWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

bool JsonLineScanner::Fail(size_t pos, const char* what) {
  error_ = "column " + std::to_string(pos + 1) + ": " + what;
  values_.clear();
  return false;
}

bool JsonLineScanner::String(size_t* pos, uint32_t* offset, uint32_t* length, bool* in_scratch) {
  const size_t start = *pos + 1;
  size_t i = start;
  const size_t n = line_.size();
  while (i < n) {
    const char c = line_[i];
    if (c == '"') {
      *offset = static_cast<uint32_t>(start);
      *length = static_cast<uint32_t>(i - start);
      *in_scratch = false;
      *pos = i + 1;
      return true;
    }
    if (c == '\\') break;
    if (static_cast<unsigned char>(c) < 0x20) return Fail(i, "control byte inside a string");
    ++i;
  }
  if (i >= n) return Fail(*pos, "string without its closing quote");
  // Escapes: decode into scratch_.
  const size_t out_start = scratch_.size();
  scratch_.append(line_.data() + start, i - start);
  while (i < n) {
    const char c = line_[i];
    if (c == '"') {
      *offset = static_cast<uint32_t>(out_start);
      *length = static_cast<uint32_t>(scratch_.size() - out_start);
      *in_scratch = true;
      *pos = i + 1;
      return true;
    }
    if (static_cast<unsigned char>(c) < 0x20) return Fail(i, "control byte inside a string");
    if (c != '\\') {
      scratch_.push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= n) break;
    const char e = line_[i + 1];
    i += 2;
    switch (e) {
      case '"': scratch_.push_back('"'); break;
      case '\\': scratch_.push_back('\\'); break;
      case '/': scratch_.push_back('/'); break;
      case 'b': scratch_.push_back('\b'); break;
      case 'f': scratch_.push_back('\f'); break;
      case 'n': scratch_.push_back('\n'); break;
      case 'r': scratch_.push_back('\r'); break;
      case 't': scratch_.push_back('\t'); break;
      case 'u': {
        auto hex4 = [&](size_t at, uint32_t* v) {
          if (at + 4 > n) return false;
          uint32_t x = 0;
          for (size_t k = 0; k < 4; ++k) {
            const int h = HexValue(line_[at + k]);
            if (h < 0) return false;
            x = x * 16 + static_cast<uint32_t>(h);
          }
          *v = x;
          return true;
        };
        uint32_t cp = 0;
        if (!hex4(i, &cp)) return Fail(i - 2, "\\u needs four hex digits");
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t low = 0;
          if (i + 1 < n && line_[i] == '\\' && line_[i + 1] == 'u' && hex4(i + 2, &low) &&
              low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          } else {
            return Fail(i - 6, "lone UTF-16 surrogate in a \\u escape");
          }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return Fail(i - 6, "lone UTF-16 surrogate in a \\u escape");
        }
        AppendUtf8(cp, &scratch_);
        break;
      }
      default:
        return Fail(i - 2, "unknown escape in a string");
    }
  }
  return Fail(*pos, "string without its closing quote");
}

bool JsonLineScanner::Scan(std::string_view line) {
  line_ = line;
  scratch_.clear();
  nodes_.clear();
  values_.clear();
  error_.clear();
  struct Frame {
    bool object;
    int32_t context;  // the key node the container sits under
  };
  Frame stack[kMaxDepth];
  int depth = 0;
  const size_t n = line.size();
  size_t pos = 0;
  int32_t context = -1;
  auto skip_ws = [&] {
    while (pos < n && IsWs(line[pos])) ++pos;
  };
  enum class Mode { kValue, kKey, kAfter } mode = Mode::kValue;
  skip_ws();
  for (;;) {
    if (mode == Mode::kKey) {
      skip_ws();
      if (pos >= n || line[pos] != '"') return Fail(pos, "expected a member name in quotes");
      Node node{stack[depth - 1].context, 0, 0, false};
      if (!String(&pos, &node.offset, &node.length, &node.in_scratch)) return false;
      skip_ws();
      if (pos >= n || line[pos] != ':') return Fail(pos, "expected ':' after a member name");
      ++pos;
      skip_ws();
      nodes_.push_back(node);
      context = static_cast<int32_t>(nodes_.size() - 1);
      mode = Mode::kValue;
      continue;
    }
    if (mode == Mode::kValue) {
      if (pos >= n) return Fail(pos, "expected a value");
      const char c = line[pos];
      if (c == '{' || c == '[') {
        if (depth >= kMaxDepth) return Fail(pos, "nested deeper than 64 levels");
        stack[depth++] = {c == '{', context};
        ++pos;
        skip_ws();
        if (pos < n && line[pos] == (c == '{' ? '}' : ']')) {
          ++pos;
          --depth;
          mode = Mode::kAfter;
        } else {
          mode = c == '{' ? Mode::kKey : Mode::kValue;
        }
        continue;
      }
      if (c == '"') {
        Item item{context, 0, 0, false, false};
        if (!String(&pos, &item.offset, &item.length, &item.in_scratch)) return false;
        values_.push_back(item);
      } else if (c == '-' || IsDigit(c)) {
        const size_t start = pos;
        if (line[pos] == '-') ++pos;
        if (pos >= n || !IsDigit(line[pos])) return Fail(pos, "expected a digit");
        if (line[pos] == '0') {
          ++pos;
        } else {
          while (pos < n && IsDigit(line[pos])) ++pos;
        }
        if (pos < n && line[pos] == '.') {
          ++pos;
          if (pos >= n || !IsDigit(line[pos])) return Fail(pos, "expected a digit after '.'");
          while (pos < n && IsDigit(line[pos])) ++pos;
        }
        if (pos < n && (line[pos] == 'e' || line[pos] == 'E')) {
          ++pos;
          if (pos < n && (line[pos] == '+' || line[pos] == '-')) ++pos;
          if (pos >= n || !IsDigit(line[pos])) return Fail(pos, "expected an exponent");
          while (pos < n && IsDigit(line[pos])) ++pos;
        }
        values_.push_back({context, static_cast<uint32_t>(start), static_cast<uint32_t>(pos - start), false, true});
      } else if (line.substr(pos, 4) == "true" || line.substr(pos, 4) == "null") {
        pos += 4;
      } else if (line.substr(pos, 5) == "false") {
        pos += 5;
      } else {
        return Fail(pos, "expected a value");
      }
      mode = Mode::kAfter;
      continue;
    }
    // kAfter: a value just ended.
    skip_ws();
    if (depth == 0) {
      if (pos != n) return Fail(pos, "text after the JSON value");
      return true;
    }
    if (pos >= n) return Fail(pos, "line ends inside an object or array");
    const Frame& top = stack[depth - 1];
    const char c = line[pos];
    if (c == ',') {
      ++pos;
      skip_ws();
      if (top.object) {
        mode = Mode::kKey;
      } else {
        context = top.context;
        mode = Mode::kValue;
      }
    } else if (c == (top.object ? '}' : ']')) {
      ++pos;
      --depth;
    } else {
      return Fail(pos, top.object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }
}

std::string_view JsonLineScanner::value(size_t i) const {
  const Item& v = values_[i];
  return Bytes(v.offset, v.length, v.in_scratch);
}

std::string_view JsonLineScanner::Key(size_t i) const {
  const int32_t node = values_[i].node;
  if (node < 0) return {};
  const Node& k = nodes_[node];
  return Bytes(k.offset, k.length, k.in_scratch);
}

std::string_view JsonLineScanner::Path(size_t i, std::string* out) const {
  out->clear();
  bool first = true;
  for (int32_t node = values_[i].node; node >= 0; node = nodes_[node].parent) {
    const Node& k = nodes_[node];
    std::string_view key = Bytes(k.offset, k.length, k.in_scratch);
    if (!first) out->insert(out->begin(), '.');
    out->insert(0, key);
    first = false;
  }
  return *out;
}

bool JsonLineScanner::PathIs(size_t i, std::string_view path) const {
  int32_t node = values_[i].node;
  while (node >= 0) {
    const Node& k = nodes_[node];
    std::string_view key = Bytes(k.offset, k.length, k.in_scratch);
    if (path.size() < key.size() || path.substr(path.size() - key.size()) != key) return false;
    path.remove_suffix(key.size());
    node = k.parent;
    if (node >= 0) {
      if (path.empty() || path.back() != '.') return false;
      path.remove_suffix(1);
    }
  }
  return path.empty();
}

}  // namespace tadamun::match
