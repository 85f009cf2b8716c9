// The one call through which the sweep looks a token up in the exact index.
//
// Every token the sweep cuts from a log (and every value it classifies for the pattern-engine
// fallback) goes through LookupToken: today match::MatchTokenFast (match/fast_match.h), which
// gives exactly MatchToken's result (match/token.h) without allocating; swapping the two is a
// one-line change here.
//
// Thread-safe for a shared const index (as MatchToken).
//
//   std::vector<uint32_t> ids;
//   match::TokenKind kind = match::LookupToken(index, "evil.com:443", &ids);
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "match/indexes.h"
#include "match/fast_match.h"
#include "match/token.h"

namespace tadamun::match {

inline TokenKind LookupToken(const IndicatorIndex& index, std::string_view token,
                             std::vector<uint32_t>* ids) {
  return MatchTokenFast(index, token, ids);
}

}  // namespace tadamun::match
