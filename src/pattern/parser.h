// The STIX 2.1 pattern parser: text -> pattern::Pattern (syntax only; see check.h for the
// semantic checks and the one-call Check()).
//
// Accepts exactly the language of the OASIS STIX 2.1 grammar (STIXPattern.g4): observation
// operators FOLLOWEDBY < OR < AND (weakest to strongest, all left-associative), qualifiers
// START/STOP, WITHIN, REPEATS after `[...]` or `(...)` (stackable), comparison OR < AND with
// parentheses, NOT before any comparison operator, `NOT? EXISTS path`, object paths with
// `.key`, `.'quoted key'`, `[n]`, `[*]`, and every literal type. Keywords are case-sensitive.
//
// Bounded: the text length, the nesting depth of brackets and parentheses, and the number of
// observation expressions are limited (ParseOptions); the parser recurses only into nested
// parentheses, so its stack use is bounded by max_depth. Over a limit: ResourceExhausted.
// Syntax errors: InvalidArgument "column C: found X; expected Y" (1-based code-point column).
//
// Pure functions; thread-safe.
//
//   auto p = pattern::Parse("[ipv4-addr:value ISSUBSET '10.0.0.0/8']", {});
//   if (!p.ok()) std::cerr << p.status().message();   // "column 27: ..."
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"
#include "pattern/ast.h"

namespace tadamun::pattern {

struct ParseOptions {
  // Longest pattern accepted, in bytes.
  uint32_t max_length = 64 * 1024;
  // Deepest nesting of '(' and '[' (observation and comparison levels together).
  uint32_t max_depth = 32;
  // Most `[...]` observation expressions in one pattern.
  uint32_t max_observation_expressions = 1000;
  // Most comparison nodes (comparisons plus AND/OR) in one pattern.
  uint32_t max_comparisons = 10000;
};

StatusOr<Pattern> Parse(std::string_view text, const ParseOptions& options = {});

}  // namespace tadamun::pattern
