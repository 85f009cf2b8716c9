// The sweep's hot path: MatchToken (match/token.h) without allocation, and a free-text scanner.
//
// MatchTokenFast gives exactly the result of MatchToken — the same kind, the same ids in the
// same order — for every token (fast_match_test.cc checks it on millions of generated tokens,
// fuzz/match_fast_fuzzer.cc on arbitrary bytes). It gets there by:
//  - taking IPv4 tokens and `scheme://host...` tokens before any classification, and
//    classifying the others in one pass over a byte-class table (no find() per rule);
//  - parsing IPv4, ports and IPv6 without building error messages (the normalize.h parsers
//    build one on every failure, and most log tokens fail most rules);
//  - checking a URL in place, its host lower-cased into a stack buffer and its path scanned
//    16 bytes at a time (SSE2); the canonical URL is built in a stack buffer only when the
//    index holds URL indicators;
//  - hashing all label-boundary suffixes of a host in one right-to-left pass (KeyHash in
//    match/indexes.h reads words from the end of the key), probing only suffixes with as many
//    labels as some domain key, each first tested against the domain set's Bloom filter.
// Tokens it has no fast route for — bytes >= 0x80 (IDN), backslashes (JSON escapes), URLs with
// user info or brackets when URL indicators exist, e-mail addresses when e-mail indicators
// exist, wallet-shaped tokens — go through MatchToken itself, so the results cannot drift apart.
//
// ScanText cuts free text into tokens with the sweep's tokeniser (match::Tokenizer in
// match/log_format.h; rules in docs/sweep-semantics.md, "Tokens") and looks each one up with
// MatchTokenFast.
//
// Thread-safety: pure functions over a const index; call from any number of threads.
//
//   std::vector<uint32_t> ids;
//   match::MatchTokenFast(index, "http://a.EVIL.com:80/x", &ids);   // same as MatchToken
//   match::ScanText(index, "blocked 1.2.3.4 and evil.com.", [](size_t off, size_t len,
//       std::span<const uint32_t> ids) { ... });                     // two calls (if both hit)
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "match/indexes.h"
#include "match/token.h"

namespace tadamun::match {

// Same contract and result as MatchToken: appends the ids `token` hits to `ids` and returns how
// the token was classified.
TokenKind MatchTokenFast(const IndicatorIndex& index, std::string_view token, std::vector<uint32_t>* ids);

// Called once per token that hits: its byte offset and length in the text and its ids (sorted,
// each once). The span is valid only during the call.
using TextHitCallback = std::function<void(size_t offset, size_t length, std::span<const uint32_t> ids)>;

// Cuts `text` into tokens (match::Tokenizer), looks each up with MatchTokenFast and calls `on_hit`
// for each token that hits. Returns the number of tokens looked up.
size_t ScanText(const IndicatorIndex& index, std::string_view text, const TextHitCallback& on_hit);

}  // namespace tadamun::match
