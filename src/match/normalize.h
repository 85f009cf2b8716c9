// Canonical forms of indicator values and log tokens, one pure function per kind of value.
//
// The sweep compares a log token with an indicator by comparing their canonical forms as
// bytes, so every rule of docs/sweep-semantics.md that is about *spelling* lives here:
// domain case, trailing dot and IDN (Unicode -> punycode through libidn2, the only code that
// includes idn2.h); IPv4 as four decimal octets; IPv6 as 16 bytes (compressed and expanded
// spellings alike); CIDR blocks as inclusive address ranges; URL scheme/host case, default
// ports, JSON `\/` escapes and percent-encoded unreserved characters; hashes by length;
// e-mail addresses; cryptocurrency wallets with their checksums; defanged text.
//
// Every function is pure and thread-safe. Errors are InvalidArgument and say what was expected.
//
//   auto d = match::NormalizeDomain("WWW.Bücher.example.");   // "www.xn--bcher-kva.example"
//   auto u = match::NormalizeUrl("HTTP://Evil.COM:80/%7Ea");   // "http://evil.com/~a"
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tadamun::match {

// Longest value any function here accepts, in bytes (longer: InvalidArgument).
inline constexpr size_t kMaxValueLength = 8192;

// Undoes the usual defanging: `hxxp`/`hxxps` (any case) at the start or after a space become
// `http`/`https`; `[.]`, `(.)`, `{.}`, `[dot]` become `.`; `[:]` becomes `:`; `[@]`, `[at]`
// become `@`. Text that is not defanged is returned unchanged.
std::string Undefang(std::string_view text);

// A DNS name: labels of letters, digits, '-' and '_' (1-63 bytes each, 253 in all), ASCII
// lower-cased, one trailing dot removed, Unicode labels converted to punycode (IDNA2008 with
// UTS #46 non-transitional mapping). Returns the name in ASCII lower case.
StatusOr<std::string> NormalizeDomain(std::string_view text);

// Dotted-quad IPv4, four decimal parts 0-255 without leading zeros. Returns the address as a
// host-order integer (1.2.3.4 -> 0x01020304).
StatusOr<uint32_t> ParseIpv4(std::string_view text);

using Ipv6Bytes = std::array<uint8_t, 16>;

// RFC 4291 IPv6 text (with `::`, an embedded dotted quad, any hex case; no zone id).
StatusOr<Ipv6Bytes> ParseIpv6(std::string_view text);

// An address block as an inclusive range. IPv4 uses the last 4 bytes of `first`/`last` with
// the first 12 zero (so v4 and v6 ranges never compare equal by accident: see `v6`).
struct AddressRange {
  bool v6 = false;
  Ipv6Bytes first{};
  Ipv6Bytes last{};

  friend bool operator==(const AddressRange&, const AddressRange&) = default;
};

// "a.b.c.d/n" (n 0-32), "v6/n" (n 0-128) or a plain address (a block of one). Host bits
// beyond the prefix must be zero (a block written with host bits set is a typo in the feed).
StatusOr<AddressRange> ParseCidr(std::string_view text);

// Absolute URL `scheme://authority/path?query#fragment`: JSON `\/` escapes undone (any other
// backslash becomes `%5C`); scheme and
// host lower-cased (host through NormalizeDomain or the IP parsers; IPv6 in brackets printed
// in RFC 5952 form); user info dropped; default port removed (http 80, https 443, ftp 21,
// ws 80, wss 443); `%xx` of unreserved characters (ALPHA DIGIT - . _ ~) decoded, other `%xx`
// upper-cased; empty path becomes "/"; fragment dropped (clients never send it). The path and
// query keep their case.
StatusOr<std::string> NormalizeUrl(std::string_view text);

// A hex digest of 32, 40, 64, 96 or 128 digits (MD5, SHA-1, SHA-256, SHA-384, SHA-512), any
// case. Returns it lower-cased.
StatusOr<std::string> NormalizeHash(std::string_view text);

// `local@domain`: local part of RFC 5322 atext characters and dots (1-64 bytes), domain
// through NormalizeDomain. Returns both in lower case (mailbox names are compared
// case-insensitively, as every large provider does).
StatusOr<std::string> NormalizeEmail(std::string_view text);

// A cryptocurrency wallet address:
//  - Bitcoin base58check (P2PKH/P2SH, main and test net): case-sensitive, checksum
//    (double SHA-256) verified, returned as written;
//  - Bitcoin bech32/bech32m (`bc1`/`tb1`, BIP 173/350): checksum verified, mixed case
//    rejected, returned lower-cased;
//  - Ethereum `0x` + 40 hex digits: returned lower-cased (EIP-55 mixed case is not checked).
StatusOr<std::string> NormalizeWallet(std::string_view text);

// RFC 5952 text of an IPv6 address (lower case, longest zero run compressed).
std::string FormatIpv6(const Ipv6Bytes& bytes);
std::string FormatIpv4(uint32_t address);

}  // namespace tadamun::match
