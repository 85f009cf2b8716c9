// Compiling an indicator's STIX pattern into exact index entries (match/indexes.h).
//
// A pattern compiles when it is an OR of `[...]` observation expressions (parentheses allowed,
// no qualifiers, no AND/FOLLOWEDBY), each an OR of comparisons of the form
//   domain-name:value          = 'x' | IN ('x', ...)
//   ipv4-addr:value            = 'a.b.c.d[/n]' | IN (...) | ISSUBSET 'a.b.c.d/n'
//   ipv6-addr:value            = 'v6[/n]' | IN (...) | ISSUBSET 'v6/n'
//   url:value                  = 'x' | IN (...)
//   file:hashes.<algorithm>    = 'hex' | IN (...)      (MD5, SHA-1, SHA-256, SHA-384, SHA-512,
//                                                      SHA3-256, SHA3-512 or any other name
//                                                      with a hex value of a hash length)
//   email-addr:value           = 'x' | IN (...)
//   cryptocurrency-wallet:value = 'x' | IN (...)      (Tadamun's wallet SCO; see
//                                                      docs/sweep-semantics.md)
// Values are undefanged, then normalised (match/normalize.h).
//
// Errors: InvalidArgument when the pattern does not parse or a value is malformed for its type
// (the message names the column); FailedPrecondition "needs the pattern engine: <reason>" for
// any other pattern shape (AND, NOT, other operators, other properties, qualifiers): those
// indicators are for the pattern engine, never silently dropped.
//
// Pure function; thread-safe.
//
//   auto entries = match::CompilePattern("[domain-name:value = 'evil[.]com']");
//   // entries->at(0) == {kDomain, "evil.com"}
#pragma once

#include <string_view>
#include <vector>

#include "base/status.h"
#include "match/indexes.h"

namespace tadamun::match {

// The STIX object type Tadamun uses for cryptocurrency wallet indicators.
inline constexpr std::string_view kWalletObjectType = "cryptocurrency-wallet";

// The common one-comparison shape `[type:value = '...']` is recognised without the pattern
// parser (same result, same errors); everything else goes through pattern::Parse.
StatusOr<std::vector<IndexEntry>> CompilePattern(std::string_view pattern_text);

// The same, always through pattern::Parse (the reference the fast path is tested against).
StatusOr<std::vector<IndexEntry>> CompilePatternWithParser(std::string_view pattern_text);

}  // namespace tadamun::match
