// Looking up one log token (already cut out of a log line) in an IndicatorIndex.
//
// The token is classified by its shape, first rule that fits wins (docs/sweep-semantics.md):
//   1. contains "://"          -> URL: the URL set, then its host (domain suffixes or address);
//   2. contains '@'             -> e-mail: the e-mail set, then its domain (suffixes);
//   3. IPv4, `IPv4:port`        -> the IPv4 blocks;
//   4. `[IPv6]`, `[IPv6]:port`, IPv6 text -> the IPv6 blocks;
//   5. 32/40/64/96/128 hex digits -> the hash set;
//   6. a wallet address (normalize.h rules, checksum included) -> the wallet set;
//   7. a domain name or `domain:port` -> the domain suffixes.
// A token that fits no rule hits nothing. Defanged text is not undone here (logs are not
// defanged; indicators are, and are undone when compiled).
//
// Pure function of its arguments; thread-safe for a shared const index.
//
//   std::vector<uint32_t> ids;
//   match::MatchToken(index, "http://a.EVIL.com:80/x", &ids);   // URL and domain hits
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "match/indexes.h"

namespace tadamun::match {

enum class TokenKind : uint8_t { kNone, kUrl, kEmail, kIpv4, kIpv6, kHash, kWallet, kDomain };

// Appends the ids of the indicators `token` hits to `ids`; returns how it was classified.
TokenKind MatchToken(const IndicatorIndex& index, std::string_view token, std::vector<uint32_t>* ids);

}  // namespace tadamun::match
