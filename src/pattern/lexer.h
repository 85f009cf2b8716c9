// The STIX 2.1 pattern lexer: turns pattern text into tokens, following the lexical rules of
// the OASIS grammar (STIXPattern.g4, v2.1): longest match, case-sensitive keywords, Unicode
// whitespace, `/* */` and `//` comments, and literal shapes checked as the grammar does
// (timestamp field ranges, base64 quads, hex pairs, string escapes \' and \\ only).
//
// Positions are 1-based columns counted in Unicode code points (what an editor shows).
// Errors are InvalidArgument "column C: what was found; expected what" (invalid UTF-8,
// unterminated string, bad escape, malformed literal); ResourceExhausted past max_tokens.
//
// Pure functions; thread-safe.
//
//   TADAMUN_ASSIGN_OR_RETURN(std::vector<Token> toks, Lex("[file:size > 10]", {}));
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "pattern/ast.h"

namespace tadamun::pattern {

enum class Tok : uint8_t {
  kEnd,
  kLBrack, kRBrack, kLParen, kRParen, kColon, kDot, kComma, kAsterisk,
  kEq, kNe, kLt, kLe, kGt, kGe,
  kAnd, kOr, kNot, kFollowedBy, kLike, kMatches, kIsSuperset, kIsSubset, kExists, kLast, kIn,
  kStart, kStop, kSeconds, kWithin, kRepeats, kTimes,
  kBool, kIntPos, kIntNeg, kFloatPos, kFloatNeg, kString, kBinary, kHex, kTimestamp,
  kIdent,        // [a-zA-Z_][a-zA-Z0-9_]*
  kIdentHyphen,  // [a-zA-Z_][a-zA-Z0-9_-]* containing a '-'
  kOther,        // a character no rule of the parser accepts ('+', '-', '^', '/', ...)
};

// A short human name for error messages: "']'", "'AND'", "a string literal", ...
std::string_view TokName(Tok t);

struct Token {
  Tok kind = Tok::kEnd;
  uint32_t column = 0;    // 1-based, code points
  std::string_view text;  // the exact source text of the token
  Literal literal;        // for literal tokens: the decoded value
};

struct LexOptions {
  // Tokens accepted before ResourceExhausted (the parser's length limit usually binds first).
  uint32_t max_tokens = 1 << 16;
};

StatusOr<std::vector<Token>> Lex(std::string_view text, const LexOptions& options);

// "column C: " prefix used by every pattern error.
std::string AtColumn(uint32_t column);

}  // namespace tadamun::pattern
