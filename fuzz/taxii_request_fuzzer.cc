// Fuzz target: the parts of a TAXII request that come from outside — the query string (filters,
// limit, the `next` cursor) and the Accept header. Input: the query string, optionally followed
// by '\n' and an Accept value. Checks that parsing never crashes, that limits hold (page size
// within bounds, match[...] value count capped), and that a cursor made for a parsed filter set
// decodes back to its sequence number with that fingerprint; error resources stay valid JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "json/json.h"
#include "taxii/request.h"
#include "taxii/resources.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tadamun;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  std::string_view query = input.substr(0, newline);
  if (newline != std::string_view::npos) {
    (void)taxii::AcceptsTaxii(std::string(input.substr(newline + 1)));
  }
  (void)taxii::DecodeCursor(query, "0123456789abcdef");

  auto params = taxii::ParseQueryString(query);
  if (!params.ok()) return 0;
  taxii::ServerOptions options;
  options.default_page_size = 7;
  options.max_page_size = 20;
  for (auto endpoint : {taxii::Endpoint::kObjects, taxii::Endpoint::kObject,
                        taxii::Endpoint::kVersions, taxii::Endpoint::kManifest}) {
    auto filters = taxii::ParseFilters(*params, endpoint, options, "scope");
    if (!filters.ok()) {
      if (filters.status().message().empty()) std::abort();  // errors must say what is wrong
      // The error resource echoes the input: it must still be valid JSON.
      taxii::Response error = taxii::ErrorResponse(400, "Bad request parameter",
                                                   filters.status().message());
      if (!json::Parse(error.body).ok()) std::abort();
      continue;
    }
    if (filters->page_size < 1 || filters->page_size > options.max_page_size) std::abort();
    const auto& q = filters->query;
    if (q.ids.size() + q.types.size() + q.spec_versions.size() > 256) std::abort();
    if (filters->fingerprint.size() != 16) std::abort();
    std::string cursor = taxii::EncodeCursor(q.after_seq + 1, filters->fingerprint);
    auto seq = taxii::DecodeCursor(cursor, filters->fingerprint);
    if (!seq.ok() || *seq != q.after_seq + 1) std::abort();
  }
  return 0;
}
