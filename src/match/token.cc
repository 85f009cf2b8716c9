#include "match/token.h"

namespace tadamun::match {
namespace {

bool IsHexDigit(char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }

bool PortOk(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  uint32_t p = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    p = p * 10 + (c - '0');
  }
  return p <= 65535;
}

// Looks up a host: IPv4, bracketed IPv6 or a domain name.
void MatchHost(const IndicatorIndex& index, std::string_view host, std::vector<uint32_t>* ids) {
  if (!host.empty() && host[0] == '[') {
    if (auto v6 = ParseIpv6(host.substr(1, host.size() - 2)); v6.ok()) index.LookupIpv6(*v6, ids);
    return;
  }
  if (auto v4 = ParseIpv4(host); v4.ok()) {
    index.LookupIpv4(*v4, ids);
    return;
  }
  index.LookupDomain(host, ids);
}

}  // namespace

TokenKind MatchToken(const IndicatorIndex& index, std::string_view token, std::vector<uint32_t>* ids) {
  if (token.empty() || token.size() > kMaxValueLength) return TokenKind::kNone;
  if (token.find("://") != std::string_view::npos) {
    auto url = NormalizeUrl(token);
    if (!url.ok()) return TokenKind::kNone;
    index.LookupExact(EntryKind::kUrl, *url, ids);
    std::string_view rest = std::string_view(*url).substr(url->find("://") + 3);
    std::string_view host = rest.substr(0, rest.find('/'));
    if (host.empty() || host[0] != '[') {
      host = host.substr(0, host.find(':'));
    } else {
      host = host.substr(0, host.find(']') + 1);
    }
    MatchHost(index, host, ids);
    return TokenKind::kUrl;
  }
  if (token.find('@') != std::string_view::npos) {
    auto email = NormalizeEmail(token);
    if (!email.ok()) return TokenKind::kNone;
    index.LookupExact(EntryKind::kEmail, *email, ids);
    index.LookupDomain(std::string_view(*email).substr(email->rfind('@') + 1), ids);
    return TokenKind::kEmail;
  }
  {
    std::string_view host = token;
    size_t colon = token.find(':');
    if (colon != std::string_view::npos && token.find(':', colon + 1) == std::string_view::npos &&
        PortOk(token.substr(colon + 1))) {
      host = token.substr(0, colon);
    }
    if (auto v4 = ParseIpv4(host); v4.ok()) {
      index.LookupIpv4(*v4, ids);
      return TokenKind::kIpv4;
    }
  }
  if (token[0] == '[') {
    size_t close = token.find(']');
    if (close == std::string_view::npos) return TokenKind::kNone;
    std::string_view after = token.substr(close + 1);
    if (!after.empty() && !(after[0] == ':' && PortOk(after.substr(1)))) return TokenKind::kNone;
    auto v6 = ParseIpv6(token.substr(1, close - 1));
    if (!v6.ok()) return TokenKind::kNone;
    index.LookupIpv6(*v6, ids);
    return TokenKind::kIpv6;
  }
  if (token.find(':') != std::string_view::npos) {
    if (auto v6 = ParseIpv6(token); v6.ok()) {
      index.LookupIpv6(*v6, ids);
      return TokenKind::kIpv6;
    }
  }
  size_t n = token.size();
  if (n == 32 || n == 40 || n == 64 || n == 96 || n == 128) {
    bool hex = true;
    for (char c : token) hex &= IsHexDigit(c);
    if (hex) {
      std::string lower(token);
      for (char& c : lower) c = static_cast<char>((c >= 'A' && c <= 'F') ? c + 32 : c);
      index.LookupExact(EntryKind::kHash, lower, ids);
      return TokenKind::kHash;
    }
  }
  if (auto wallet = NormalizeWallet(token); wallet.ok()) {
    index.LookupExact(EntryKind::kWallet, *wallet, ids);
    return TokenKind::kWallet;
  }
  std::string_view host = token;
  if (size_t colon = token.rfind(':'); colon != std::string_view::npos) {
    if (!PortOk(token.substr(colon + 1))) return TokenKind::kNone;
    host = token.substr(0, colon);
  }
  auto domain = NormalizeDomain(host);
  if (!domain.ok()) return TokenKind::kNone;
  index.LookupDomain(*domain, ids);
  return TokenKind::kDomain;
}

}  // namespace tadamun::match
