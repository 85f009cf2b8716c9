// The one call through which the sweep looks a token up in the exact index.
//
// Every token the sweep cuts from a log (and every value it classifies for the pattern-engine
// fallback) goes through LookupToken, so a faster equivalent of match::MatchToken (same
// contract: match/token.h) is swapped in here with a one-line change.
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
#include "match/token.h"

namespace tadamun::match {

inline TokenKind LookupToken(const IndicatorIndex& index, std::string_view token,
                             std::vector<uint32_t>* ids) {
  return MatchToken(index, token, ids);
}

}  // namespace tadamun::match
