#include "pattern/cidr.h"

#include <string>
#include <vector>

namespace tadamun::pattern {
namespace {

bool ParseDecimal(std::string_view s, int max, int* out) {
  if (s.empty() || s.size() > 3 || (s.size() > 1 && s[0] == '0')) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v > max) return false;
  *out = v;
  return true;
}

bool ParseV4(std::string_view s, uint8_t* out) {
  for (int part = 0; part < 4; ++part) {
    size_t dot = part < 3 ? s.find('.') : s.size();
    if (dot == std::string_view::npos) return false;
    int v = 0;
    if (!ParseDecimal(s.substr(0, dot), 255, &v)) return false;
    out[part] = static_cast<uint8_t>(v);
    s = part < 3 ? s.substr(dot + 1) : std::string_view();
  }
  return true;
}

bool ParseV6(std::string_view s, uint8_t* out) {
  // Split on "::" at most once.
  size_t gap = s.find("::");
  if (gap != std::string_view::npos && s.find("::", gap + 1) != std::string_view::npos) {
    return false;
  }
  auto parse_groups = [](std::string_view part, std::vector<uint8_t>* bytes, bool allow_v4) {
    if (part.empty()) return true;
    size_t start = 0;
    while (true) {
      size_t colon = part.find(':', start);
      std::string_view g = part.substr(start, colon == std::string_view::npos ? std::string_view::npos
                                                                              : colon - start);
      if (colon == std::string_view::npos && allow_v4 && g.find('.') != std::string_view::npos) {
        uint8_t v4[4];
        if (!ParseV4(g, v4)) return false;
        bytes->insert(bytes->end(), v4, v4 + 4);
        return true;
      }
      if (g.empty() || g.size() > 4) return false;
      unsigned v = 0;
      for (char c : g) {
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return false;
        v = v * 16 + static_cast<unsigned>(d);
      }
      bytes->push_back(static_cast<uint8_t>(v >> 8));
      bytes->push_back(static_cast<uint8_t>(v & 0xFF));
      if (colon == std::string_view::npos) return true;
      start = colon + 1;
    }
  };
  std::vector<uint8_t> head, tail;
  if (gap == std::string_view::npos) {
    if (!parse_groups(s, &head, true) || head.size() != 16) return false;
  } else {
    if (!parse_groups(s.substr(0, gap), &head, false)) return false;
    if (!parse_groups(s.substr(gap + 2), &tail, true)) return false;
    if (head.size() + tail.size() > 14) return false;
  }
  std::fill(out, out + 16, 0);
  std::copy(head.begin(), head.end(), out);
  std::copy(tail.begin(), tail.end(), out + 16 - tail.size());
  return true;
}

}  // namespace

std::optional<Cidr> ParseCidr(std::string_view text) {
  Cidr c;
  size_t slash = text.find('/');
  std::string_view addr = text.substr(0, slash);
  c.v6 = addr.find(':') != std::string_view::npos;
  if (c.v6 ? !ParseV6(addr, c.bytes.data()) : !ParseV4(addr, c.bytes.data())) return std::nullopt;
  int max = c.v6 ? 128 : 32;
  c.prefix = max;
  if (slash != std::string_view::npos) {
    if (!ParseDecimal(text.substr(slash + 1), max, &c.prefix)) return std::nullopt;
  }
  return c;
}

bool CidrContains(const Cidr& outer, const Cidr& inner) {
  if (outer.v6 != inner.v6 || inner.prefix < outer.prefix) return false;
  int full = outer.prefix / 8;
  for (int i = 0; i < full; ++i) {
    if (outer.bytes[i] != inner.bytes[i]) return false;
  }
  int rest = outer.prefix % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (outer.bytes[full] & mask) == (inner.bytes[full] & mask);
}

}  // namespace tadamun::pattern
