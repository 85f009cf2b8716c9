#include "match/normalize.h"

#include <arpa/inet.h>
#include <idn2.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "crypto/digest.h"

namespace tadamun::match {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  return Lower(c) - 'a' + 10;
}
std::string Quote(std::string_view s) {
  std::string out = "'";
  for (char c : s.substr(0, 80)) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  if (s.size() > 80) out += "...";
  return out + "'";
}
Status TooLong(std::string_view what) {
  return Status::InvalidArgument(std::string(what) + " longer than " +
                                 std::to_string(kMaxValueLength) + " bytes");
}
bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (Lower(s[i]) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string Undefang(std::string_view text) {
  static constexpr std::pair<std::string_view, std::string_view> kBrackets[] = {
      {"[.]", "."}, {"(.)", "."}, {"{.}", "."}, {"[dot]", "."}, {"[:]", ":"},
      {"[@]", "@"}, {"[at]", "@"}, {"[://]", "://"},
  };
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    bool at_word_start = i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t';
    if (at_word_start && StartsWithNoCase(text.substr(i), "hxxp")) {  // also hxxps
      out += "http";
      i += 4;
      continue;
    }
    bool replaced = false;
    for (const auto& [from, to] : kBrackets) {
      if (StartsWithNoCase(text.substr(i), from)) {
        out += to;
        i += from.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += text[i++];
  }
  return out;
}

StatusOr<std::string> NormalizeDomain(std::string_view text) {
  if (text.size() > kMaxValueLength) return TooLong("domain");
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty()) return Status::InvalidArgument("empty domain name; expected labels like 'example.com'");
  bool ascii = true;
  for (char c : text) ascii &= static_cast<unsigned char>(c) < 0x80;
  std::string name;
  if (ascii) {
    name.reserve(text.size());
    for (char c : text) name += Lower(c);
  } else {
    char* out = nullptr;
    std::string input(text);
    int rc = idn2_lookup_u8(reinterpret_cast<const uint8_t*>(input.c_str()),
                            reinterpret_cast<uint8_t**>(&out),
                            IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK) {
      return Status::InvalidArgument("domain " + Quote(text) + " is not a valid internationalised name (" +
                                     idn2_strerror(rc) + "); expected IDNA2008 labels");
    }
    name = out;
    idn2_free(out);
    for (char& c : name) c = Lower(c);
  }
  if (name.size() > 253) {
    return Status::InvalidArgument("domain " + Quote(text) + " is longer than 253 bytes");
  }
  size_t label = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      if (label == 0) {
        return Status::InvalidArgument("domain " + Quote(text) + " has an empty label at byte " +
                                       std::to_string(i) + "; expected labels separated by single dots");
      }
      if (label > 63) {
        return Status::InvalidArgument("domain " + Quote(text) + " has a label longer than 63 bytes");
      }
      label = 0;
      continue;
    }
    char c = name[i];
    if (!(IsAlpha(c) || IsDigit(c) || c == '-' || c == '_')) {
      return Status::InvalidArgument("domain " + Quote(text) + " has character " +
                                     Quote(std::string_view(&name[i], 1)) + " at byte " + std::to_string(i) +
                                     "; expected letters, digits, '-', '_' and '.'");
    }
    ++label;
  }
  return name;
}

StatusOr<uint32_t> ParseIpv4(std::string_view text) {
  uint32_t value = 0;
  int parts = 0;
  size_t i = 0;
  auto bad = [&] {
    return Status::InvalidArgument("IPv4 address " + Quote(text) +
                                   " is malformed; expected four decimal numbers 0-255 like '192.0.2.1'");
  };
  while (true) {
    size_t start = i;
    uint32_t part = 0;
    while (i < text.size() && IsDigit(text[i]) && i - start < 4) part = part * 10 + (text[i++] - '0');
    size_t len = i - start;
    if (len == 0 || len > 3 || part > 255 || (len > 1 && text[start] == '0')) return bad();
    value = (value << 8) | part;
    if (++parts == 4) break;
    if (i >= text.size() || text[i] != '.') return bad();
    ++i;
  }
  if (i != text.size()) return bad();
  return value;
}

StatusOr<Ipv6Bytes> ParseIpv6(std::string_view text) {
  Ipv6Bytes bytes{};
  if (text.size() > 45 || text.find(':') == std::string_view::npos) {
    return Status::InvalidArgument("IPv6 address " + Quote(text) + " is malformed; expected RFC 4291 text like '2001:db8::1'");
  }
  char buf[64];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = 0;
  if (std::strlen(buf) != text.size() || inet_pton(AF_INET6, buf, bytes.data()) != 1) {
    return Status::InvalidArgument("IPv6 address " + Quote(text) + " is malformed; expected RFC 4291 text like '2001:db8::1'");
  }
  return bytes;
}

std::string FormatIpv6(const Ipv6Bytes& bytes) {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, bytes.data(), buf, sizeof(buf));
  return buf;
}

std::string FormatIpv4(uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
         std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
}

StatusOr<AddressRange> ParseCidr(std::string_view text) {
  std::string_view addr = text;
  int prefix = -1;
  if (size_t slash = text.find('/'); slash != std::string_view::npos) {
    addr = text.substr(0, slash);
    std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0')) {
      return Status::InvalidArgument("CIDR " + Quote(text) + " has a malformed prefix length; expected '/0' to '/32' or '/128'");
    }
    prefix = 0;
    for (char c : digits) {
      if (!IsDigit(c)) return Status::InvalidArgument("CIDR " + Quote(text) + " has a malformed prefix length; expected digits after '/'");
      prefix = prefix * 10 + (c - '0');
    }
  }
  AddressRange range;
  int bits;
  if (addr.find(':') != std::string_view::npos) {
    TADAMUN_ASSIGN_OR_RETURN(range.first, ParseIpv6(addr));
    range.v6 = true;
    bits = 128;
  } else {
    TADAMUN_ASSIGN_OR_RETURN(uint32_t v4, ParseIpv4(addr));
    for (int k = 0; k < 4; ++k) range.first[12 + k] = static_cast<uint8_t>(v4 >> (24 - 8 * k));
    bits = 32;
  }
  if (prefix < 0) prefix = bits;
  if (prefix > bits) {
    return Status::InvalidArgument("CIDR " + Quote(text) + " has prefix length " + std::to_string(prefix) +
                                   "; expected at most " + std::to_string(bits));
  }
  range.last = range.first;
  int offset = 128 - bits;  // bit index where the address starts
  for (int bit = offset + prefix; bit < 128; ++bit) {
    uint8_t mask = static_cast<uint8_t>(0x80 >> (bit % 8));
    if (range.first[bit / 8] & mask) {
      return Status::InvalidArgument("CIDR " + Quote(text) + " has host bits set beyond /" + std::to_string(prefix) +
                                     "; expected the network address");
    }
    range.last[bit / 8] |= mask;
  }
  return range;
}

StatusOr<std::string> NormalizeHash(std::string_view text) {
  size_t n = text.size();
  if (n != 32 && n != 40 && n != 64 && n != 96 && n != 128) {
    return Status::InvalidArgument("hash " + Quote(text) + " has " + std::to_string(n) +
                                   " characters; expected 32, 40, 64, 96 or 128 hex digits");
  }
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) {
    if (!IsHex(text[i])) {
      return Status::InvalidArgument("hash " + Quote(text) + " has a non-hex character at byte " + std::to_string(i));
    }
    out[i] = Lower(text[i]);
  }
  return out;
}

StatusOr<std::string> NormalizeEmail(std::string_view text) {
  if (text.size() > kMaxValueLength) return TooLong("e-mail address");
  size_t at = text.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64) {
    return Status::InvalidArgument("e-mail address " + Quote(text) + " is malformed; expected 'local@domain' with a 1-64 byte local part");
  }
  std::string out;
  for (size_t i = 0; i < at; ++i) {
    char c = text[i];
    if (!(IsAlpha(c) || IsDigit(c) || std::strchr("!#$%&'*+-/=?^_`{|}~.", c) != nullptr) || c == 0) {
      return Status::InvalidArgument("e-mail address " + Quote(text) + " has character " +
                                     Quote(text.substr(i, 1)) + " at byte " + std::to_string(i) +
                                     " in its local part; expected RFC 5322 atext or '.'");
    }
    out += Lower(c);
  }
  auto domain = NormalizeDomain(text.substr(at + 1));
  if (!domain.ok()) return domain.status().WithPrefix("e-mail address " + Quote(text) + ": ");
  return out + "@" + *domain;
}

// ---- Wallets ------------------------------------------------------------------------------

namespace {

constexpr std::string_view kBase58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr std::string_view kBech32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

uint32_t Bech32Polymod(const std::vector<uint8_t>& values) {
  static constexpr uint32_t kGen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  uint32_t chk = 1;
  for (uint8_t v : values) {
    uint8_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= kGen[i];
    }
  }
  return chk;
}

Status CheckBase58(std::string_view text) {
  auto bad = [&](std::string why) {
    return Status::InvalidArgument("Bitcoin address " + Quote(text) + " " + why);
  };
  if (text.size() < 26 || text.size() > 35) return bad("has the wrong length; expected 26-35 base58 characters");
  std::vector<uint8_t> num;  // big-endian bytes
  for (char c : text) {
    size_t d = kBase58.find(c);
    if (d == std::string_view::npos) return bad("has a character outside the base58 alphabet");
    uint32_t carry = static_cast<uint32_t>(d);
    for (size_t k = num.size(); k-- > 0;) {
      carry += 58u * num[k];
      num[k] = carry & 0xff;
      carry >>= 8;
    }
    while (carry) {
      num.insert(num.begin(), carry & 0xff);
      carry >>= 8;
    }
  }
  size_t zeros = 0;
  while (zeros < text.size() && text[zeros] == '1') ++zeros;
  std::string bytes(zeros, '\0');
  bytes.append(num.begin(), num.end());
  if (bytes.size() != 25) return bad("does not decode to 25 bytes; expected a P2PKH or P2SH address");
  uint8_t version = static_cast<uint8_t>(bytes[0]);
  if (version != 0x00 && version != 0x05 && version != 0x6f && version != 0xc4) {
    return bad("has version byte " + std::to_string(version) + "; expected 0, 5, 111 or 196");
  }
  std::string check = crypto::Sha256(crypto::Sha256(std::string_view(bytes).substr(0, 21)));
  if (check.compare(0, 4, bytes, 21, 4) != 0) return bad("fails its base58check checksum");
  return Status::Ok();
}

StatusOr<std::string> CheckBech32(std::string_view text) {
  auto bad = [&](std::string why) {
    return Status::InvalidArgument("Bitcoin address " + Quote(text) + " " + why);
  };
  if (text.size() < 14 || text.size() > 90) return bad("has the wrong length; expected 14-90 bech32 characters");
  bool lower = false, upper = false;
  std::string s(text);
  for (char& c : s) {
    lower |= (c >= 'a' && c <= 'z');
    upper |= (c >= 'A' && c <= 'Z');
    c = Lower(c);
  }
  if (lower && upper) return bad("mixes upper and lower case; expected one case");
  size_t sep = s.rfind('1');
  std::string_view hrp = std::string_view(s).substr(0, sep);
  if (hrp != "bc" && hrp != "tb") return bad("has human-readable part '" + std::string(hrp) + "'; expected 'bc' or 'tb'");
  std::vector<uint8_t> values;
  for (char c : hrp) values.push_back(static_cast<uint8_t>(c) >> 5);
  values.push_back(0);
  for (char c : hrp) values.push_back(static_cast<uint8_t>(c) & 31);
  if (s.size() - sep - 1 < 7) return bad("is too short after '1'");
  for (size_t i = sep + 1; i < s.size(); ++i) {
    size_t d = kBech32.find(s[i]);
    if (d == std::string_view::npos) return bad("has a character outside the bech32 alphabet at byte " + std::to_string(i));
    values.push_back(static_cast<uint8_t>(d));
  }
  uint32_t witness_version = values[hrp.size() * 2 + 1];
  uint32_t pm = Bech32Polymod(values);
  uint32_t want = witness_version == 0 ? 1 : 0x2bc830a3;
  if (witness_version > 16 || pm != want) return bad("fails its bech32/bech32m checksum");
  return s;
}

}  // namespace

StatusOr<std::string> NormalizeWallet(std::string_view text) {
  if (text.size() > 100) {
    return Status::InvalidArgument("wallet address of " + std::to_string(text.size()) + " bytes; expected at most 100");
  }
  if (text.size() == 42 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    std::string out = "0x";
    for (size_t i = 2; i < 42; ++i) {
      if (!IsHex(text[i])) {
        return Status::InvalidArgument("Ethereum address " + Quote(text) + " has a non-hex character at byte " + std::to_string(i));
      }
      out += Lower(text[i]);
    }
    return out;
  }
  if (StartsWithNoCase(text, "bc1") || StartsWithNoCase(text, "tb1")) return CheckBech32(text);
  if (!text.empty() && (text[0] == '1' || text[0] == '3' || text[0] == 'm' || text[0] == 'n' || text[0] == '2')) {
    TADAMUN_RETURN_IF_ERROR(CheckBase58(text));
    return std::string(text);
  }
  return Status::InvalidArgument("wallet address " + Quote(text) +
                                 " is not recognised; expected Bitcoin base58 (1.../3...), bech32 (bc1...) or Ethereum (0x + 40 hex)");
}

// ---- URLs ---------------------------------------------------------------------------------

namespace {

bool IsUnreserved(char c) { return IsAlpha(c) || IsDigit(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

// Path/query: decode %xx of unreserved characters, upper-case the other escapes.
Status NormalizeEscapes(std::string_view in, std::string* out) {
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) {
        return Status::InvalidArgument("URL has a truncated percent escape at the end; expected '%' and two hex digits");
      }
      if (!IsHex(in[i + 1]) || !IsHex(in[i + 2])) {
        return Status::InvalidArgument("URL has a malformed percent escape; expected '%' and two hex digits");
      }
      char decoded = static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2]));
      if (IsUnreserved(decoded)) {
        *out += decoded;
      } else {
        static const char kHex[] = "0123456789ABCDEF";
        *out += '%';
        *out += kHex[static_cast<unsigned char>(decoded) >> 4];
        *out += kHex[static_cast<unsigned char>(decoded) & 15];
      }
      i += 2;
      continue;
    }
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Status::InvalidArgument("URL has a space or control character; expected it percent-encoded");
    }
    *out += c;
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::string> NormalizeUrl(std::string_view raw) {
  if (raw.size() > kMaxValueLength) return TooLong("URL");
  std::string text;
  text.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\') {
      if (i + 1 < raw.size() && raw[i + 1] == '/') continue;  // JSON "\/"
      text += "%5C";  // a backslash is not a URL character; keep it escaped
      continue;
    }
    text += raw[i];
  }
  auto wrap = [&](const Status& s) { return s.WithPrefix("URL " + Quote(raw) + ": "); };
  size_t colon = text.find("://");
  if (colon == std::string::npos || colon == 0) {
    return Status::InvalidArgument("URL " + Quote(raw) + " has no scheme; expected 'scheme://host/...'");
  }
  std::string out;
  for (size_t i = 0; i < colon; ++i) {
    char c = text[i];
    if (!(IsAlpha(c) || (i > 0 && (IsDigit(c) || c == '+' || c == '-' || c == '.')))) {
      return Status::InvalidArgument("URL " + Quote(raw) + " has a malformed scheme; expected letters, digits, '+', '-', '.'");
    }
    out += Lower(c);
  }
  std::string scheme = out;
  out += "://";
  std::string_view rest = std::string_view(text).substr(colon + 3);
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  std::string_view tail = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host = authority, port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("URL " + Quote(raw) + " has '[' without ']' in its host");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Status::InvalidArgument("URL " + Quote(raw) + " has text after ']'; expected ':port'");
      port = after.substr(1);
    }
    auto v6 = ParseIpv6(host);
    if (!v6.ok()) return wrap(v6.status());
    out += "[" + FormatIpv6(*v6) + "]";
  } else {
    if (size_t c = authority.rfind(':'); c != std::string_view::npos) {
      host = authority.substr(0, c);
      port = authority.substr(c + 1);
    }
    if (auto v4 = ParseIpv4(host); v4.ok()) {
      out += FormatIpv4(*v4);
    } else {
      auto d = NormalizeDomain(host);
      if (!d.ok()) return wrap(d.status());
      out += *d;
    }
  }
  if (!port.empty()) {
    if (port.size() > 5) return Status::InvalidArgument("URL " + Quote(raw) + " has a port longer than 5 digits");
    uint32_t p = 0;
    for (char c : port) {
      if (!IsDigit(c)) return Status::InvalidArgument("URL " + Quote(raw) + " has a non-numeric port; expected 0-65535");
      p = p * 10 + (c - '0');
    }
    if (p > 65535) return Status::InvalidArgument("URL " + Quote(raw) + " has port " + std::to_string(p) + "; expected 0-65535");
    bool is_default = (p == 80 && (scheme == "http" || scheme == "ws")) ||
                      (p == 443 && (scheme == "https" || scheme == "wss")) || (p == 21 && scheme == "ftp");
    if (!is_default) out += ":" + std::to_string(p);
  }
  if (size_t hash = tail.find('#'); hash != std::string_view::npos) tail = tail.substr(0, hash);
  if (tail.empty() || tail[0] != '/') out += '/';
  Status s = NormalizeEscapes(tail, &out);
  if (!s.ok()) return wrap(s);
  return out;
}

}  // namespace tadamun::match
