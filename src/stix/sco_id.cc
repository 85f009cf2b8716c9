#include "stix/sco_id.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "base/uuid.h"
#include "crypto/digest.h"

namespace tadamun::stix {
namespace {

constexpr std::string_view kScoNamespace = "00abedb4-aa42-466c-9c01-fed23315a9b7";
constexpr int kMaxDepth = 64;

struct ContributingEntry {
  std::string_view type;
  std::span<const std::string_view> properties;
};

// STIX 2.1 OS, chapter 6, "ID Contributing Properties" of each SCO.
constexpr std::string_view kValue[] = {"value"};
constexpr std::string_view kArtifact[] = {"hashes", "payload_bin"};
constexpr std::string_view kAutonomousSystem[] = {"number"};
constexpr std::string_view kDirectory[] = {"path"};
constexpr std::string_view kEmailMessage[] = {"from_ref", "subject", "body"};
constexpr std::string_view kFile[] = {"hashes", "name", "extensions", "parent_directory_ref"};
constexpr std::string_view kMutex[] = {"name"};
constexpr std::string_view kNetworkTraffic[] = {"start",    "end",      "src_ref",   "dst_ref",
                                                "src_port", "dst_port", "protocols", "extensions"};
constexpr std::string_view kSoftware[] = {"name", "cpe", "swid", "vendor", "version"};
constexpr std::string_view kUserAccount[] = {"account_type", "user_id", "account_login"};
constexpr std::string_view kRegistryKey[] = {"key", "values"};
constexpr std::string_view kX509[] = {"hashes", "serial_number"};

constexpr ContributingEntry kContributing[] = {
    {"artifact", kArtifact},
    {"autonomous-system", kAutonomousSystem},
    {"directory", kDirectory},
    {"domain-name", kValue},
    {"email-addr", kValue},
    {"email-message", kEmailMessage},
    {"file", kFile},
    {"ipv4-addr", kValue},
    {"ipv6-addr", kValue},
    {"mac-addr", kValue},
    {"mutex", kMutex},
    {"network-traffic", kNetworkTraffic},
    {"process", {}},
    {"software", kSoftware},
    {"url", kValue},
    {"user-account", kUserAccount},
    {"windows-registry-key", kRegistryKey},
    {"x509-certificate", kX509},
};

// Decodes `s` (valid UTF-8, as the JSON layer guarantees) into UTF-16 code units.
std::u16string ToUtf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    int len;
    if (c < 0x80) {
      cp = c, len = 1;
    } else if ((c >> 5) == 6) {
      cp = c & 0x1f, len = 2;
    } else if ((c >> 4) == 14) {
      cp = c & 0x0f, len = 3;
    } else {
      cp = c & 0x07, len = 4;
    }
    for (int k = 1; k < len && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    }
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xd800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xdc00 + (cp & 0x3ff)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

bool IsPlainInteger(std::string_view text) {
  size_t i = text.empty() || text[0] != '-' ? 0 : 1;
  if (i >= text.size()) return false;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

// ECMAScript Number::toString of a finite double (RFC 8785 §3.2.2.3).
bool AppendEcmaNumber(std::string_view text, std::string* out) {
  // Integers that a double holds exactly print as themselves (minus a "-0" sign).
  if (IsPlainInteger(text) && text.size() <= 16) {
    int64_t n = 0;
    std::from_chars(text.data(), text.data() + text.size(), n);
    if (n > -(int64_t{1} << 53) && n < (int64_t{1} << 53)) {
      out->append(std::to_string(n));
      return true;
    }
  }
  double d = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(d)) return false;
  if (d == 0) {
    out->push_back('0');
    return true;
  }
  if (d < 0) {
    out->push_back('-');
    d = -d;
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, res.ptr - buf);  // d[.ddd]e±XX
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  int exp10 = 0;
  std::from_chars(sci.data() + e + (sci[e + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exp10);
  int k = static_cast<int>(digits.size());
  int n = exp10 + 1;
  if (k <= n && n <= 21) {
    out->append(digits);
    out->append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out->append(digits, 0, static_cast<size_t>(n));
    out->push_back('.');
    out->append(digits, static_cast<size_t>(n), std::string::npos);
  } else if (-6 < n && n <= 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-n), '0');
    out->append(digits);
  } else {
    out->push_back(digits[0]);
    if (k > 1) {
      out->push_back('.');
      out->append(digits, 1, std::string::npos);
    }
    out->push_back('e');
    out->push_back(n - 1 < 0 ? '-' : '+');
    out->append(std::to_string(std::abs(n - 1)));
  }
  return true;
}

// Bounded by kMaxDepth (the JSON layer bounds input depth as well).
bool AppendCanonical(const json::Value& v, int depth, std::string* out) {
  if (depth > kMaxDepth) return false;
  switch (v.type()) {
    case json::Value::Type::kNull:
      out->append("null");
      return true;
    case json::Value::Type::kBool:
      out->append(v.bool_value() ? "true" : "false");
      return true;
    case json::Value::Type::kNumber:
      return AppendEcmaNumber(v.number_text(), out);
    case json::Value::Type::kString:
      json::AppendQuoted(v.str(), out);
      return true;
    case json::Value::Type::kArray: {
      out->push_back('[');
      bool first = true;
      for (const json::Value& item : v.items()) {
        if (!first) out->push_back(',');
        first = false;
        if (!AppendCanonical(item, depth + 1, out)) return false;
      }
      out->push_back(']');
      return true;
    }
    case json::Value::Type::kObject: {
      std::vector<std::pair<std::u16string, const json::Member*>> sorted;
      sorted.reserve(v.members().size());
      for (const json::Member& m : v.members()) sorted.emplace_back(ToUtf16(m.key), &m);
      std::sort(sorted.begin(), sorted.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      out->push_back('{');
      bool first = true;
      for (const auto& [key, m] : sorted) {
        if (!first) out->push_back(',');
        first = false;
        json::AppendQuoted(m->key, out);
        out->push_back(':');
        if (!AppendCanonical(m->value, depth + 1, out)) return false;
      }
      out->push_back('}');
      return true;
    }
  }
  return false;
}

bool ParseUuid(std::string_view text, unsigned char bytes[16]) {
  if (text.size() != 36) return false;
  int n = 0;
  for (size_t i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return false;
      continue;
    }
    char c = text[i];
    int nib;
    if (c >= '0' && c <= '9') {
      nib = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      nib = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      nib = c - 'A' + 10;
    } else {
      return false;
    }
    if (n % 2 == 0) {
      bytes[n / 2] = static_cast<unsigned char>(nib << 4);
    } else {
      bytes[n / 2] |= static_cast<unsigned char>(nib);
    }
    ++n;
  }
  return true;
}

}  // namespace

std::span<const std::string_view> ScoIdContributingProperties(std::string_view type) {
  for (const ContributingEntry& e : kContributing) {
    if (e.type == type) return e.properties;
  }
  return {};
}

std::optional<std::string> CanonicalJson(const json::Value& value) {
  std::string out;
  if (!AppendCanonical(value, 1, &out)) return std::nullopt;
  return out;
}

std::optional<std::string> Uuid5(std::string_view namespace_uuid, std::string_view name) {
  unsigned char ns[16];
  if (!ParseUuid(namespace_uuid, ns)) return std::nullopt;
  std::string data(reinterpret_cast<const char*>(ns), 16);
  data.append(name);
  std::string digest = crypto::Sha1(data);
  unsigned char bytes[16];
  std::memcpy(bytes, digest.data(), 16);
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x50);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
  return FormatUuid(bytes);
}

std::optional<std::string> ComputeScoId(const json::Value& sco) {
  const json::Value* type = sco.Find("type");
  if (type == nullptr || !type->is_string()) return std::nullopt;
  std::span<const std::string_view> props = ScoIdContributingProperties(type->str());
  if (props.empty()) return std::nullopt;
  json::Value streamlined = json::Value::Object();
  for (std::string_view prop : props) {
    const json::Value* v = sco.Find(prop);
    if (v == nullptr) continue;
    if (prop == "hashes") {
      if (!v->is_object() || v->members().empty()) continue;
      const json::Member* chosen = nullptr;
      for (std::string_view algo : {"MD5", "SHA-1", "SHA-256", "SHA-512"}) {
        for (const json::Member& m : v->members()) {
          if (m.key == algo) {
            chosen = &m;
            break;
          }
        }
        if (chosen != nullptr) break;
      }
      if (chosen == nullptr) chosen = &v->members().front();
      json::Value one = json::Value::Object();
      one.Set(chosen->key, chosen->value);
      streamlined.Set(std::string(prop), std::move(one));
    } else {
      streamlined.Set(std::string(prop), *v);
    }
  }
  if (streamlined.members().empty()) return std::nullopt;
  std::optional<std::string> name = CanonicalJson(streamlined);
  if (!name) return std::nullopt;
  std::optional<std::string> uuid = Uuid5(kScoNamespace, *name);
  if (!uuid) return std::nullopt;
  return type->str() + "--" + *uuid;
}

}  // namespace tadamun::stix
