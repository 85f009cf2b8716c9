// The slow, obviously-correct reference of the sweep's value rules (docs/sweep-semantics.md),
// shared by the differential tests of MatchToken (differential_test.cc) and of the sweep engine
// (sweep_differential_test.cc): a token is classified with plain string logic and compared
// against every indicator, one by one. Shares no code with the indexes or the fast path, only
// the normalisation functions whose own tests pin them down (normalize_test.cc).
//
// Test-only; pure functions.
//
//   std::vector<RefIndicator> inds = {{0, "domain-name", "evil.com"}};
//   ReferenceMatch(inds, "a.evil.com:443");   // {0}
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "match/normalize.h"
#include "pattern/cidr.h"

namespace tadamun::match::testing_reference {

struct RefIndicator {
  uint32_t id;
  std::string type;   // STIX object type ("file" for hashes)
  std::string value;  // as written in the pattern (maybe defanged)
};

inline bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The indicator's STIX pattern: an equality, or ISSUBSET for an address block.
inline std::string PatternOf(const RefIndicator& ind) {
  if (ind.type == "file") return "[file:hashes.'SHA-256' = '" + ind.value + "']";
  const bool block = ind.type != "email-addr" && ind.type.find("addr") != std::string::npos &&
                     ind.value.find('/') != std::string::npos;
  return "[" + ind.type + ":value" + (block ? " ISSUBSET '" : " = '") + ind.value + "']";
}

// The reference: for each indicator, decide with straightforward logic whether `token` hits it.
inline std::vector<uint32_t> ReferenceMatch(const std::vector<RefIndicator>& indicators, std::string_view token) {
  // 1. What the token is (first rule that fits), as plain strings.
  std::string url, email, host_domain, host_ip, hash, wallet;
  auto is_port = [](std::string_view p) {
    return !p.empty() && p.size() <= 5 && std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
           std::stoi(std::string(p)) <= 65535;
  };
  auto plain_ip = [](std::string_view s) {
    if (s.empty() || s.find('/') != std::string_view::npos) return false;
    auto c = pattern::ParseCidr(s);
    return c.has_value();
  };
  std::string t(token);
  if (t.empty() || t.size() > kMaxValueLength) return {};  // as MatchToken
  if (t.find("://") != std::string::npos) {
    auto u = NormalizeUrl(t);
    if (u.ok()) {
      url = *u;
      std::string rest = url.substr(url.find("://") + 3);
      std::string host = rest.substr(0, rest.find('/'));
      if (host[0] == '[') {
        host_ip = host.substr(1, host.find(']') - 1);
      } else {
        if (host.find(':') != std::string::npos) host = host.substr(0, host.find(':'));
        (plain_ip(host) ? host_ip : host_domain) = host;
      }
    }
  } else if (t.find('@') != std::string::npos) {
    auto e = NormalizeEmail(t);
    if (e.ok()) {
      email = *e;
      host_domain = email.substr(email.rfind('@') + 1);
    }
  } else {
    size_t colon = t.find(':');
    std::string before_port = t;
    if (colon != std::string::npos && t.find(':', colon + 1) == std::string::npos && is_port(t.substr(colon + 1))) {
      before_port = t.substr(0, colon);
    }
    bool hexlen = t.size() == 32 || t.size() == 40 || t.size() == 64 || t.size() == 96 || t.size() == 128;
    bool allhex = std::all_of(t.begin(), t.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
    if (before_port.find(':') == std::string::npos && plain_ip(before_port)) {
      host_ip = before_port;
    } else if (t[0] == '[') {
      size_t close = t.find(']');
      std::string after = close == std::string::npos ? "x" : t.substr(close + 1);
      if (after.empty() || (after[0] == ':' && is_port(after.substr(1)))) {
        std::string inner = t.substr(1, close - 1);
        if (inner.find(':') != std::string::npos && plain_ip(inner)) host_ip = inner;
      }
    } else if (t.find(':') != std::string::npos && plain_ip(t)) {
      host_ip = t;
    } else if (hexlen && allhex) {
      hash = t;
      for (char& c : hash) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (auto w = NormalizeWallet(t); w.ok()) {
      wallet = *w;
    } else {
      std::string host = t;
      size_t c = t.rfind(':');
      bool ok = true;
      if (c != std::string::npos) {
        ok = is_port(t.substr(c + 1));
        host = t.substr(0, c);
      }
      if (ok) {
        if (auto d = NormalizeDomain(host); d.ok()) host_domain = *d;
      }
    }
  }
  // 2. Every indicator.
  std::vector<uint32_t> ids;
  for (const auto& ind : indicators) {
    std::string v = Undefang(ind.value);
    bool hit = false;
    if (ind.type == "domain-name" && !host_domain.empty()) {
      std::string d = *NormalizeDomain(v);
      hit = host_domain == d || EndsWith(host_domain, "." + d);
    } else if ((ind.type == "ipv4-addr" || ind.type == "ipv6-addr") && !host_ip.empty()) {
      auto block = pattern::ParseCidr(v);
      auto addr = pattern::ParseCidr(host_ip);
      hit = block && addr && block->v6 == addr->v6 && pattern::CidrContains(*block, *addr);
    } else if (ind.type == "url" && !url.empty()) {
      hit = *NormalizeUrl(v) == url;
    } else if (ind.type == "file" && !hash.empty()) {
      hit = *NormalizeHash(v) == hash;
    } else if (ind.type == "email-addr" && !email.empty()) {
      hit = *NormalizeEmail(v) == email;
    } else if (ind.type == "cryptocurrency-wallet" && !wallet.empty()) {
      hit = *NormalizeWallet(v) == wallet;
    }
    if (hit) ids.push_back(ind.id);
  }
  return ids;
}

}  // namespace tadamun::match::testing_reference
