// Semantic checks of a parsed STIX 2.1 pattern, and Check(): the one call that says whether a
// pattern is valid (what `stix` import validation and `tadamun pattern check` use).
//
// Beyond the grammar, a valid pattern has: WITHIN > 0 seconds; REPEATS >= 1; no qualifier
// type twice in the chain directly after one `[...]` (as the OASIS validator requires;
// through parentheses qualifiers stack freely); hash values of the length their algorithm
// gives (MD5 32 hex digits, SHA-1 40, SHA-256 / SHA3-256 64, SHA-512 / SHA3-512 128); IN
// sets whose elements share one type (integers and floats count as one: numbers); ISSUBSET
// and ISSUPERSET operands that are IPv4/IPv6 addresses or CIDR blocks; MATCHES operands that
// compile as RE2 regular expressions (linear-time matching; PCRE back-references and
// look-around are rejected with a message saying so). Timestamp field ranges are checked by
// the lexer. Errors: InvalidArgument "column C: what; expected what".
//
// Pure functions; thread-safe.
//
//   Status s = pattern::Check("[file:hashes.MD5 = 'f00']");
//   // InvalidArgument "column 20: 'f00' is not a valid MD5 hash; expected 32 hex digits"
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "pattern/ast.h"
#include "pattern/parser.h"

namespace tadamun::pattern {

Status CheckSemantics(const Pattern& pattern);

// Parse + CheckSemantics.
StatusOr<Pattern> ParseAndCheck(std::string_view text, const ParseOptions& options = {});

// OK when `text` is a valid STIX 2.1 pattern; otherwise the first error with its column.
// Suitable as the stix import hook: a std::function<Status(std::string_view)>.
Status Check(std::string_view text);

// For people: the error message, then the pattern and a caret under the error's column
// ("column C: ..." messages only; other messages are returned as they are). Lines of the
// pattern other than the one holding the column are not shown.
std::string DescribeError(std::string_view text, const Status& error);

}  // namespace tadamun::pattern
