#include "match/fast_match.h"

#include <arpa/inet.h>
#include <emmintrin.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "match/log_format.h"

namespace tadamun::match {
namespace {

// ---- Byte classes ---------------------------------------------------------------------------

enum : uint8_t {
  kHex = 1,        // 0-9 a-f A-F
  kBase58 = 2,     // the Bitcoin base58 alphabet
  kHostChar = 4,   // a-z A-Z 0-9 - _ .
  kSpecial = 8,    // : @ [ ] / \ and bytes >= 0x80: a rule other than "domain" may apply
  kHigh = 16,      // >= 0x80
  kBackslash = 32,
  kAt = 64,
  kColon = 128,
};

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  constexpr std::string_view kBase58Chars = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  for (int c = 0; c < 256; ++c) {
    uint8_t v = 0;
    bool digit = c >= '0' && c <= '9';
    bool lower = c >= 'a' && c <= 'z';
    bool upper = c >= 'A' && c <= 'Z';
    if (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) v |= kHex;
    if (kBase58Chars.find(static_cast<char>(c)) != std::string_view::npos) v |= kBase58;
    if (digit || lower || upper || c == '-' || c == '_' || c == '.') v |= kHostChar;
    if (c == ':' || c == '@' || c == '[' || c == ']' || c == '/' || c == '\\' || c >= 0x80) v |= kSpecial;
    if (c >= 0x80) v |= kHigh;
    if (c == '\\') v |= kBackslash;
    if (c == '@') v |= kAt;
    if (c == ':') v |= kColon;
    t[static_cast<size_t>(c)] = v;
  }
  return t;
}
constexpr std::array<uint8_t, 256> kClass = MakeClasses();

// Lower-case for hosts: 'A'-'Z' -> 'a'-'z'; 0 for a byte no label may hold.
constexpr std::array<char, 256> MakeHostLower() {
  std::array<char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    char v = 0;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.') v = static_cast<char>(c);
    if (c >= 'A' && c <= 'Z') v = static_cast<char>(c + 32);
    t[static_cast<size_t>(c)] = v;
  }
  return t;
}
constexpr std::array<char, 256> kHostLower = MakeHostLower();

inline uint8_t ClassOf(char c) { return kClass[static_cast<unsigned char>(c)]; }

// ---- Parsers that fail without building a message -------------------------------------------

bool PortOk(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  uint32_t p = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    p = p * 10 + static_cast<uint32_t>(c - '0');
  }
  return p <= 65535;
}

// ParseIpv4's rules: four decimal parts 0-255, 1-3 digits, no leading zeros.
inline __attribute__((always_inline)) bool ParseIpv4Fast(std::string_view t, uint32_t* out) {
  if (t.size() < 7 || t.size() > 15) return false;
  const char* p = t.data();
  const char* const end = p + t.size();
  auto digit = [](char c) { return static_cast<unsigned>(c - '0') <= 9; };
  uint32_t value = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (p >= end || *p != '.') return false;
      ++p;
    }
    if (p >= end || !digit(*p)) return false;
    uint32_t v = static_cast<uint32_t>(*p++ - '0');
    if (p < end && digit(*p)) {
      if (v == 0) return false;  // a leading zero
      v = v * 10 + static_cast<uint32_t>(*p++ - '0');
      if (p < end && digit(*p)) {
        v = v * 10 + static_cast<uint32_t>(*p++ - '0');
        if (v > 255 || (p < end && digit(*p))) return false;
      }
    }
    value = (value << 8) | v;
  }
  if (p != end) return false;
  *out = value;
  return true;
}

// ParseIpv6's rules (inet_pton; at most 45 bytes; no NUL).
bool ParseIpv6Fast(std::string_view t, Ipv6Bytes* out) {
  if (t.size() > 45 || t.find(':') == std::string_view::npos) return false;
  char buf[64];
  std::memcpy(buf, t.data(), t.size());
  buf[t.size()] = 0;
  if (std::memchr(buf, 0, t.size()) != nullptr) return false;
  return inet_pton(AF_INET6, buf, out->data()) == 1;
}

// ---- Domains ---------------------------------------------------------------------------------

// A NormalizeDomain result in a stack buffer with 8 readable bytes in front (for the word loads
// of the suffix hashes), and where each label starts.
struct DomainBuffer {
  char storage[8 + 256 + 16];  // 16 spare bytes: the SIMD host copy stores whole blocks
  uint8_t label_start[128];
  int labels = 0;
  char* data() { return storage + 8; }
};

// NormalizeDomain for ASCII text: one trailing dot dropped, lower-cased, 1-253 bytes, labels
// 1-63 bytes of [a-z0-9_-]. Returns the length, or -1 when NormalizeDomain would fail.
// Precondition: no byte >= 0x80 (the caller sends those to MatchToken).
int NormalizeDomainAscii(std::string_view text, DomainBuffer* buf) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty() || text.size() > 253) return -1;
  char* out = buf->data();
  size_t label = 0;
  buf->labels = 1;
  buf->label_start[0] = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = kHostLower[static_cast<unsigned char>(text[i])];
    if (c == 0) return -1;
    out[i] = c;
    if (c == '.') {
      if (label == 0) return -1;
      label = 0;
      buf->label_start[buf->labels++] = static_cast<uint8_t>(i + 1);
    } else if (++label > 63) {
      return -1;
    }
  }
  if (label == 0) return -1;
  return static_cast<int>(text.size());
}

// IndicatorIndex::LookupDomain on a normalised name in `buf` (same probes, same order), with
// the suffix hashes from one right-to-left pass and the Bloom filter before each probe.
void LookupDomainFast(const IndicatorIndex& index, DomainBuffer* buf, size_t n, std::vector<uint32_t>* ids) {
  const ExactSet& set = index.exact(EntryKind::kDomain);
  if (set.key_count() == 0) return;
  // Only suffixes with as many labels as some key: the name's label l starts a suffix of
  // (labels - l) labels.
  int first = std::max(0, buf->labels - index.domain_max_labels());
  int last = buf->labels - index.domain_min_labels();
  if (first > last) return;
  char* b = buf->data();
  std::memset(buf->storage, 0, 8);
  uint64_t states[33];
  states[0] = kKeyHashSeed;
  for (size_t k = 1; k * 8 <= n; ++k) {
    uint64_t w;
    std::memcpy(&w, b + n - 8 * k, 8);
    states[k] = KeyHashStep(states[k - 1], w);
  }
  for (int l = first; l <= last; ++l) {
    size_t p = buf->label_start[l];
    size_t len = n - p;
    size_t r = len % 8;
    uint64_t head = 0;
    if (r != 0) {
      std::memcpy(&head, b + p + r - 8, 8);
      head >>= 8 * (8 - r);
    }
    uint64_t h = KeyHashFinish(states[len / 8], head, len);
    if (set.MayContain(h)) set.LookupHashed(std::string_view(b + p, len), h, ids);
  }
}

bool IsHexDigit(char c) { return (ClassOf(c) & kHex) != 0; }

// ---- URLs ------------------------------------------------------------------------------------

// Bytes that end a URL's authority, and bytes the URL routes must send to MatchToken.
enum : uint8_t { kAuthorityEnd = 1, kAtSign = 2, kColonSign = 4, kSlowByte = 8, kPercent = 16, kBadPathByte = 32 };
constexpr std::array<uint8_t, 256> MakeUrlClasses() {
  std::array<uint8_t, 256> t{};
  t['/'] = t['?'] = t['#'] = kAuthorityEnd;
  t['@'] = kAtSign;
  t[':'] = kColonSign;
  t['\\'] = kSlowByte;
  for (int c = 0x80; c < 256; ++c) t[static_cast<size_t>(c)] = kSlowByte;
  t['%'] = kPercent;
  for (int c = 0; c <= 0x20; ++c) t[static_cast<size_t>(c)] = kBadPathByte;
  t[0x7f] = kBadPathByte;
  return t;
}
constexpr std::array<uint8_t, 256> kUrlClass = MakeUrlClasses();

// The URL rule when only the host is needed (no URL indicators): accepts exactly what
// NormalizeUrl accepts, and looks the host up. `colon` is where "://" starts and the scheme
// before it is valid. Tokens with a backslash before the fragment, or a byte >= 0x80 in the
// authority, go to MatchToken.
TokenKind MatchUrlHostOnly(const IndicatorIndex& index, std::string_view t, size_t colon, std::vector<uint32_t>* ids) {
  const size_t n = t.size();
  size_t i = colon + 3;
  const size_t authority_begin = i;
  size_t at = std::string_view::npos, last_colon = std::string_view::npos;
  for (; i < n; ++i) {
    uint8_t k = kUrlClass[static_cast<unsigned char>(t[i])];
    if (k == 0) continue;
    if (k & kAuthorityEnd) break;
    if (k & kSlowByte) return MatchToken(index, t, ids);
    if (k & kAtSign) at = i;
    if (k & kColonSign) last_colon = i;
  }
  std::string_view authority = t.substr(authority_begin, i - authority_begin);
  // The path and query (up to any fragment): escapes well formed, no space or control byte.
  for (; i < n; ++i) {
    uint8_t k = kUrlClass[static_cast<unsigned char>(t[i])];
    if (k == 0 || k == kAuthorityEnd || k == kAtSign || k == kColonSign) {
      if (t[i] == '#') break;
      continue;
    }
    if (t[i] == '\\') return MatchToken(index, t, ids);
    if (k & kPercent) {
      if (i + 2 >= n || !IsHexDigit(t[i + 1]) || !IsHexDigit(t[i + 2])) return TokenKind::kNone;
      i += 2;
    } else if (k & kBadPathByte) {
      return TokenKind::kNone;
    }
  }
  if (at != std::string_view::npos) {
    size_t cut = at + 1 - authority_begin;
    authority.remove_prefix(cut);
    if (last_colon != std::string_view::npos && last_colon < at) last_colon = std::string_view::npos;
  }
  std::string_view host = authority, port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return TokenKind::kNone;
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return TokenKind::kNone;
      port = after.substr(1);
    }
    Ipv6Bytes v6;
    if (!ParseIpv6Fast(host, &v6)) return TokenKind::kNone;
    if (!port.empty() && !PortOk(port)) return TokenKind::kNone;
    index.LookupIpv6(v6, ids);
    return TokenKind::kUrl;
  }
  if (last_colon != std::string_view::npos) {
    size_t c = last_colon - static_cast<size_t>(authority.data() - t.data());
    host = authority.substr(0, c);
    port = authority.substr(c + 1);
  }
  if (!port.empty() && !PortOk(port)) return TokenKind::kNone;
  uint32_t v4;
  if (!host.empty() && host[0] >= '0' && host[0] <= '9' && ParseIpv4Fast(host, &v4)) {
    index.LookupIpv4(v4, ids);
    return TokenKind::kUrl;
  }
  DomainBuffer buf;
  int len = NormalizeDomainAscii(host, &buf);
  if (len < 0) return TokenKind::kNone;
  if (buf.data()[0] >= '0' && buf.data()[0] <= '9' && ParseIpv4Fast(std::string_view(buf.data(), static_cast<size_t>(len)), &v4)) {
    index.LookupIpv4(v4, ids);  // `1.2.3.4.` is a domain whose canonical form reads as IPv4
  } else {
    LookupDomainFast(index, &buf, static_cast<size_t>(len), ids);
  }
  return TokenKind::kUrl;
}

// 16 bytes at `p` of which the first `avail` belong to the token. When fewer than 16 do, the
// load may read past the token's end, but never into the next page (so it cannot fault); the
// caller masks the extra bytes out. Not instrumented by ASan for that reason.
__attribute__((no_sanitize("address"))) inline __m128i Load16(const char* p, size_t avail) {
  if (avail >= 16 || (reinterpret_cast<uintptr_t>(p) & 4095) <= 4096 - 16) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  }
  alignas(16) char tmp[16] = {};
  std::memcpy(tmp, p, avail);
  return _mm_load_si128(reinterpret_cast<const __m128i*>(tmp));
}
inline uint32_t ValidMask(size_t avail) { return avail >= 16 ? 0xffffu : (1u << avail) - 1; }

// Lower-cases up to 16 host bytes into `out` (all 16 are stored); returns the mask of the bytes
// that are host characters (letters, digits, '-', '_', '.') and sets *dots to the mask of '.'.
inline uint32_t HostBlock(__m128i v, char* out, uint32_t* dots) {
  const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));
  const __m128i lower = _mm_or_si128(v, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), lower);
  const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
  const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
  const __m128i dot = _mm_cmpeq_epi8(v, _mm_set1_epi8('.'));
  const __m128i other = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')), _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
  *dots = static_cast<uint32_t>(_mm_movemask_epi8(dot));
  return static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(letter, digit), _mm_or_si128(dot, other))));
}

// The mask of the bytes a URL's path and query must be looked at for: '%', '#', '\\', space,
// controls, DEL.
inline uint32_t TailSpecialMask(__m128i v) {
  __m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('%')), _mm_cmpeq_epi8(v, _mm_set1_epi8('#')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x20)), v));
  return static_cast<uint32_t>(_mm_movemask_epi8(m));
}


// NormalizeUrl's output for a URL already checked by MatchUrlCommon: the scheme lower-cased,
// the canonical host, the port unless it is the scheme's default, the path and query with
// escapes of unreserved characters decoded and the others upper-cased ("/" when empty or not
// starting with '/'). `tail` ends before any fragment. Returns the length written to `out`,
// which holds at least t.size() + 8 bytes.
size_t CanonicalUrl(std::string_view t, size_t colon, std::string_view host, uint32_t port, bool has_port,
                    std::string_view tail, char* out) {
  size_t u = 0;
  for (size_t k = 0; k < colon; ++k) {
    char c = t[k];
    out[u++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
  std::string_view scheme(out, u);
  out[u++] = ':';
  out[u++] = '/';
  out[u++] = '/';
  std::memcpy(out + u, host.data(), host.size());
  u += host.size();
  if (has_port) {
    bool is_default = (port == 80 && (scheme == "http" || scheme == "ws")) ||
                      (port == 443 && (scheme == "https" || scheme == "wss")) || (port == 21 && scheme == "ftp");
    if (!is_default) {
      char digits[8];
      int d = 0;
      do {
        digits[d++] = static_cast<char>('0' + port % 10);
        port /= 10;
      } while (port != 0);
      out[u++] = ':';
      while (d > 0) out[u++] = digits[--d];
    }
  }
  if (tail.empty() || tail[0] != '/') out[u++] = '/';
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (size_t k = 0; k < tail.size(); ++k) {
    char c = tail[k];
    if (c != '%') {
      out[u++] = c;
      continue;
    }
    auto hex = [](char h) { return h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10; };
    char decoded = static_cast<char>(hex(tail[k + 1]) * 16 + hex(tail[k + 2]));
    bool unreserved = (decoded >= 'a' && decoded <= 'z') || (decoded >= 'A' && decoded <= 'Z') ||
                      (decoded >= '0' && decoded <= '9') || decoded == '-' || decoded == '.' || decoded == '_' ||
                      decoded == '~';
    if (unreserved) {
      out[u++] = decoded;
    } else {
      out[u++] = '%';
      out[u++] = kHex[static_cast<unsigned char>(decoded) >> 4];
      out[u++] = kHex[static_cast<unsigned char>(decoded) & 15];
    }
    k += 2;
  }
  return u;
}

// The common URL shape `scheme://host[:port][/path][?query][#fragment]`, host of letters,
// digits, '-', '_' and '.', in one pass: the host is lower-cased into the buffer as it is read.
// Returns false (nothing looked up) when the URL has another shape (user info, brackets, bytes
// >= 0x80, two colons, a long host, a backslash): MatchUrlHostOnly takes those.
bool MatchUrlCommon(const IndicatorIndex& index, std::string_view t, size_t colon, std::vector<uint32_t>* ids,
                    TokenKind* kind) {
  const size_t n = t.size();
  const bool want_url = index.exact(EntryKind::kUrl).key_count() != 0;
  if (want_url && n > 2000) return false;  // the canonical URL is built in a 2 KiB buffer
  size_t i = colon + 3;
  DomainBuffer buf;
  char* out = buf.data();
  size_t len = 0;
  buf.labels = 1;
  buf.label_start[0] = 0;
  size_t label_begin = 0;  // where the current label starts in `out`
  while (i < n) {  // 16 host bytes at a time: lower-case, find the end, note the dots
    uint32_t dots;
    size_t avail = n - i;
    uint32_t host = HostBlock(Load16(t.data() + i, avail), out + len, &dots);
    uint32_t stop = ~host & ValidMask(avail);
    size_t take = stop ? static_cast<size_t>(__builtin_ctz(stop)) : std::min<size_t>(avail, 16);
    if (len + take > 253) return false;
    dots &= take >= 16 ? 0xffffu : (1u << take) - 1;
    while (dots) {
      size_t d = len + static_cast<size_t>(__builtin_ctz(dots));
      if (d == label_begin || d - label_begin > 63) return false;  // a bad label: MatchUrlHostOnly says why
      label_begin = d + 1;
      buf.label_start[buf.labels++] = static_cast<uint8_t>(label_begin);
      dots &= dots - 1;
    }
    len += take;
    i += take;
    if (stop) break;
  }
  if (len - label_begin > 63) return false;
  bool port_ok = true, has_port = false;
  uint32_t port = 0;
  if (i < n && t[i] == ':') {
    size_t p = ++i;
    for (; i < n && static_cast<unsigned>(t[i] - '0') <= 9; ++i) {
      if (i - p < 6) port = port * 10 + static_cast<uint32_t>(t[i] - '0');
    }
    has_port = i > p;  // an empty port is no port
    port_ok = !has_port || (i - p <= 5 && port <= 65535);
  }
  if (i < n && t[i] != '/' && t[i] != '?' && t[i] != '#') return false;  // user info, brackets, ...
  const size_t tail_begin = i;
  while (i < n) {  // the path and query up to the fragment, 16 bytes at a time
    size_t avail = n - i;
    uint32_t special = TailSpecialMask(Load16(t.data() + i, avail)) & ValidMask(avail);
    if (special == 0) {
      i += 16;
      continue;
    }
    i += static_cast<size_t>(__builtin_ctz(special));
    if (i >= n) break;
    char c = t[i];
    if (c == '#') break;
    if (c == '\\') return false;
    if (c != '%' || i + 2 >= n || !IsHexDigit(t[i + 1]) || !IsHexDigit(t[i + 2])) {
      *kind = TokenKind::kNone;
      return true;
    }
    i += 3;
  }
  *kind = TokenKind::kNone;
  if (!port_ok) return true;
  if (len > 0 && out[len - 1] == '.') {  // one trailing dot is dropped
    --len;
    --buf.labels;
  }
  if (len == 0) return true;
  *kind = TokenKind::kUrl;
  if (want_url) {
    char url[2048];
    size_t u = CanonicalUrl(t, colon, std::string_view(out, len), has_port ? port : 0, has_port,
                            t.substr(tail_begin, std::min(i, n) - tail_begin), url);
    index.LookupExact(EntryKind::kUrl, std::string_view(url, u), ids);
  }
  uint32_t v4;
  if (out[0] >= '0' && out[0] <= '9' && ParseIpv4Fast(std::string_view(out, len), &v4)) {
    index.LookupIpv4(v4, ids);
  } else {
    LookupDomainFast(index, &buf, len, ids);
  }
  return true;
}

// Where "://" starts when `t` opens with a valid URL scheme (a letter, then letters, digits,
// '+', '-', '.'), else npos. Such a "://" is the token's first.
size_t SchemeEnd(std::string_view t) {
  size_t i = 0;
  while (i < t.size()) {
    char c = t[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!(alpha || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')))) break;
    ++i;
  }
  if (i == 0 || i + 3 > t.size() || t[i] != ':' || t[i + 1] != '/' || t[i + 2] != '/') return std::string_view::npos;
  return i;
}

// NormalizeEmail's checks on the local part (1-64 bytes of atext or '.').
bool LocalPartOk(std::string_view local) {
  if (local.empty() || local.size() > 64) return false;
  for (char c : local) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && (c == 0 || std::strchr("!#$%&'*+-/=?^_`{|}~.", c) == nullptr)) return false;
  }
  return true;
}

bool WalletShaped(std::string_view t, uint8_t all) {
  if (t.size() > 100) return false;
  if (t.size() == 42 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) return true;
  if (t.size() >= 3 && t[2] == '1' && (((t[0] | 0x20) == 'b' && (t[1] | 0x20) == 'c') ||
                                       ((t[0] | 0x20) == 't' && (t[1] | 0x20) == 'b'))) {
    return true;
  }
  char f = t[0];
  return (f == '1' || f == '3' || f == 'm' || f == 'n' || f == '2') && t.size() >= 26 && t.size() <= 35 &&
         (all & kBase58) != 0;
}

}  // namespace

TokenKind MatchTokenFast(const IndicatorIndex& index, std::string_view token, std::vector<uint32_t>* ids) {
  const size_t n = token.size();
  if (n == 0 || n > kMaxValueLength) return TokenKind::kNone;
  // The two shapes most log fields have, recognised before the classification pass.
  char first = token[0];
  if (first >= '0' && first <= '9') {
    uint32_t v4;
    if (n <= 15 && ParseIpv4Fast(token, &v4)) {  // an IPv4 token fits no earlier rule
      index.LookupIpv4(v4, ids);
      return TokenKind::kIpv4;
    }
  } else {
    size_t scheme = SchemeEnd(token);
    if (scheme != std::string_view::npos) {
      TokenKind kind;
      if (MatchUrlCommon(index, token, scheme, ids, &kind)) return kind;
      if (index.exact(EntryKind::kUrl).key_count() != 0) return MatchToken(index, token, ids);
      return MatchUrlHostOnly(index, token, scheme, ids);
    }
  }
  uint8_t any = 0, all = 0xff;
  for (char c : token) {
    uint8_t k = ClassOf(c);
    any |= k;
    all &= k;
  }
  if (any & (kHigh | kBackslash)) return MatchToken(index, token, ids);  // IDN, JSON escapes
  if (any & kSpecial) {
    size_t url = (any & kColon) ? token.find("://") : std::string_view::npos;
    if (url != std::string_view::npos) {
      // Without URL indicators a valid scheme took the route above; this one is malformed.
      if (index.exact(EntryKind::kUrl).key_count() != 0) return MatchToken(index, token, ids);
      return TokenKind::kNone;
    }
    if (any & kAt) {
      if (index.exact(EntryKind::kEmail).key_count() != 0) return MatchToken(index, token, ids);
      size_t at = token.rfind('@');
      if (at == 0 || at > 64 || !LocalPartOk(token.substr(0, at))) return TokenKind::kNone;
      DomainBuffer buf;
      int len = NormalizeDomainAscii(token.substr(at + 1), &buf);
      if (len < 0) return TokenKind::kNone;
      LookupDomainFast(index, &buf, static_cast<size_t>(len), ids);
      return TokenKind::kEmail;
    }
  }
  // IPv4 or IPv4:port.
  size_t colon = (any & kColon) ? token.find(':') : std::string_view::npos;
  bool one_colon = colon != std::string_view::npos && token.find(':', colon + 1) == std::string_view::npos;
  {
    std::string_view host = token;
    if (one_colon && PortOk(token.substr(colon + 1))) host = token.substr(0, colon);
    uint32_t v4;
    if (ParseIpv4Fast(host, &v4)) {
      index.LookupIpv4(v4, ids);
      return TokenKind::kIpv4;
    }
  }
  if (token[0] == '[') {
    size_t close = token.find(']');
    if (close == std::string_view::npos) return TokenKind::kNone;
    std::string_view after = token.substr(close + 1);
    if (!after.empty() && !(after[0] == ':' && PortOk(after.substr(1)))) return TokenKind::kNone;
    Ipv6Bytes v6;
    if (!ParseIpv6Fast(token.substr(1, close - 1), &v6)) return TokenKind::kNone;
    index.LookupIpv6(v6, ids);
    return TokenKind::kIpv6;
  }
  if (colon != std::string_view::npos && !one_colon) {  // IPv6 text has at least two colons
    Ipv6Bytes v6;
    if (ParseIpv6Fast(token, &v6)) {
      index.LookupIpv6(v6, ids);
      return TokenKind::kIpv6;
    }
  }
  if ((all & kHex) && (n == 32 || n == 40 || n == 64 || n == 96 || n == 128)) {
    const ExactSet& hashes = index.exact(EntryKind::kHash);
    if (hashes.key_count() != 0) {
      char lower[128];
      for (size_t i = 0; i < n; ++i) lower[i] = static_cast<char>(token[i] | ((token[i] >= 'A') ? 0x20 : 0));
      hashes.Lookup(std::string_view(lower, n), ids);
    }
    return TokenKind::kHash;
  }
  if (WalletShaped(token, all)) {
    if (auto wallet = NormalizeWallet(token); wallet.ok()) {
      index.LookupExact(EntryKind::kWallet, *wallet, ids);
      return TokenKind::kWallet;
    }
  }
  std::string_view host = token;
  if (colon != std::string_view::npos) {
    size_t last = token.rfind(':');
    if (!PortOk(token.substr(last + 1))) return TokenKind::kNone;
    host = token.substr(0, last);
  }
  DomainBuffer buf;
  int len = NormalizeDomainAscii(host, &buf);
  if (len < 0) return TokenKind::kNone;
  LookupDomainFast(index, &buf, static_cast<size_t>(len), ids);
  return TokenKind::kDomain;
}

// ---- Free text -------------------------------------------------------------------------------

size_t ScanText(const IndicatorIndex& index, std::string_view text, const TextHitCallback& on_hit) {
  size_t tokens = 0;
  std::vector<uint32_t> ids;
  Tokenizer tokenizer(text);
  std::string_view token;
  while (tokenizer.Next(&token)) {
    ++tokens;
    ids.clear();
    MatchTokenFast(index, token, &ids);
    if (ids.empty()) continue;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    on_hit(static_cast<size_t>(token.data() - text.data()), token.size(), std::span<const uint32_t>(ids));
  }
  return tokens;
}

}  // namespace tadamun::match
