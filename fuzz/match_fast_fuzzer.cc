// Fuzz target: MatchTokenFast must give MatchToken's result (kind and ids, in order) for any
// bytes, over two indexes: domains and addresses only (the URL and e-mail fast routes on) and
// every kind (those routes off). The input is also fed to ScanText: every reported token lies
// inside the text, and its ids equal MatchToken's on the same bytes (sorted, each once).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "match/compile.h"
#include "match/fast_match.h"

namespace {

using namespace tadamun::match;

IndicatorIndex Build(std::initializer_list<std::string_view> patterns) {
  IndicatorIndex::Builder b;
  uint32_t id = 0;
  for (std::string_view p : patterns) {
    auto entries = CompilePattern(p);
    if (!entries.ok()) std::abort();
    for (const auto& e : *entries) b.Add(e, id);
    ++id;
  }
  return std::move(b).Build();
}

const IndicatorIndex& HostsOnly() {
  static const IndicatorIndex index =
      Build({"[domain-name:value = 'evil.com']", "[domain-name:value = 'a.evil.com']", "[domain-name:value = 'x']",
             "[domain-name:value = '1.2.3.4']", "[ipv4-addr:value = '1.2.3.4']", "[ipv4-addr:value = '10.0.0.0/8']",
             "[ipv6-addr:value = '2001:db8::/32']", "[domain-name:value = 'xn--bcher-kva.example']"});
  return index;
}

const IndicatorIndex& AllKinds() {
  static const IndicatorIndex index =
      Build({"[domain-name:value = 'evil.com']", "[ipv4-addr:value = '1.2.3.4']", "[url:value = 'http://evil.com/a']",
             "[email-addr:value = 'bob@evil.com']", "[ipv6-addr:value = '::1']",
             "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
             "[cryptocurrency-wallet:value = '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa']"});
  return index;
}

void Check(const IndicatorIndex& index, std::string_view token) {
  std::vector<uint32_t> want, got;
  if (MatchToken(index, token, &want) != MatchTokenFast(index, token, &got)) std::abort();
  if (want != got) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Check(HostsOnly(), text);
  Check(AllKinds(), text);
  ScanText(HostsOnly(), text, [&](size_t offset, size_t length, std::span<const uint32_t> ids) {
    if (offset > text.size() || length == 0 || length > text.size() - offset) std::abort();
    std::vector<uint32_t> want;
    MatchToken(HostsOnly(), text.substr(offset, length), &want);
    std::sort(want.begin(), want.end());
    want.erase(std::unique(want.begin(), want.end()), want.end());
    if (!std::equal(want.begin(), want.end(), ids.begin(), ids.end())) std::abort();
  });
  return 0;
}
