// IP addresses and CIDR blocks for ISSUBSET / ISSUPERSET (IPv4 and IPv6).
//
// A block is an address family, 16 address bytes (IPv4 in the first 4) and a prefix length.
// A plain address is the block of one address (/32 or /128). Host bits beyond the prefix are
// allowed in the text and ignored. Pure value type; thread-compatible.
//
//   auto net = pattern::ParseCidr("10.0.0.0/8");
//   pattern::CidrContains(*net, *pattern::ParseCidr("10.1.2.3"));   // true
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tadamun::pattern {

struct Cidr {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
  int prefix = 0;  // 0..32 or 0..128
};

// Dotted-quad IPv4 (four decimal parts 0-255, no leading zeros beyond "0") or RFC 4291 IPv6
// text (with "::" and an embedded dotted quad), optionally followed by "/prefix".
std::optional<Cidr> ParseCidr(std::string_view text);

// True when every address of `inner` is in `outer` (same family only).
bool CidrContains(const Cidr& outer, const Cidr& inner);

}  // namespace tadamun::pattern
