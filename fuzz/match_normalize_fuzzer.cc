// Fuzz target: one value through every normalize.h function, CompilePattern and MatchToken.
// Invariants: never crashes or hangs; every error is InvalidArgument (FailedPrecondition for
// patterns the engine must take); every canonical form is a fixed point (normalising it again
// gives it back); CompilePattern equals CompilePatternWithParser; a compiled indicator's own
// canonical value hits it through MatchToken.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "match/compile.h"
#include "match/token.h"

namespace {

using namespace tadamun::match;

template <typename F>
void CheckFixedPoint(std::string_view input, F normalize) {
  auto once = normalize(input);
  if (!once.ok()) {
    if (once.status().code() != tadamun::StatusCode::kInvalidArgument) std::abort();
    return;
  }
  auto twice = normalize(*once);
  if (!twice.ok() || *twice != *once) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckFixedPoint(text, [](std::string_view s) { return NormalizeDomain(s); });
  CheckFixedPoint(text, [](std::string_view s) { return NormalizeUrl(s); });
  CheckFixedPoint(text, [](std::string_view s) { return NormalizeHash(s); });
  CheckFixedPoint(text, [](std::string_view s) { return NormalizeEmail(s); });
  CheckFixedPoint(text, [](std::string_view s) { return NormalizeWallet(s); });
  if (auto v6 = ParseIpv6(text); v6.ok()) {
    if (*ParseIpv6(FormatIpv6(*v6)) != *v6) std::abort();
  }
  if (auto v4 = ParseIpv4(text); v4.ok()) {
    if (FormatIpv4(*v4) != text) std::abort();
  }
  if (auto r = ParseCidr(text); r.ok()) {
    for (size_t i = 0; i < 16; ++i) {
      if (r->first[i] > r->last[i]) std::abort();
      if (r->first[i] < r->last[i]) break;
    }
  }
  (void)Undefang(text);

  auto entries = CompilePattern(text);
  auto reference = CompilePatternWithParser(text);  // the parser-free fast path must agree
  if (entries.ok() != reference.ok()) std::abort();
  if (entries.ok() ? *entries != *reference : entries.status() != reference.status()) std::abort();
  if (!entries.ok()) {
    auto code = entries.status().code();
    if (code != tadamun::StatusCode::kInvalidArgument && code != tadamun::StatusCode::kFailedPrecondition &&
        code != tadamun::StatusCode::kResourceExhausted) {
      std::abort();
    }
  } else {
    IndicatorIndex::Builder builder;
    for (const auto& e : *entries) builder.Add(e, 1);
    IndicatorIndex index = std::move(builder).Build();
    for (const auto& e : *entries) {
      if (e.kind == EntryKind::kAddress || e.kind == EntryKind::kHash) continue;
      std::vector<uint32_t> ids;
      MatchToken(index, e.value, &ids);
      // A wallet-shaped domain or an e-mail-shaped URL may classify otherwise; only URLs,
      // e-mails and wallets are unambiguous by construction.
      if (e.kind != EntryKind::kDomain && ids.empty()) std::abort();
    }
  }
  std::vector<uint32_t> ids;
  IndicatorIndex empty = IndicatorIndex::Builder().Build();
  MatchToken(empty, text, &ids);
  if (!ids.empty()) std::abort();
  return 0;
}
