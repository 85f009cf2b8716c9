// Request and Response: a TAXII 2.1 exchange as plain data, with no HTTP library behind it.
//
// The server session's HTTP adapter fills a Request from the wire (path already percent-decoded
// per segment is NOT assumed: `path` is the raw path without the query string, `query` holds
// the decoded query parameters in order) and writes the Response back. Everything in between
// (taxii/resources.h) is a pure function of the Request and the store.
//
// Thread-safety: plain values; no shared state.
//
//   Request r{.method = "GET", .path = "/taxii2/api/collections/"};
//   r.headers.emplace("accept", "application/taxii+json;version=2.1");
//   Response resp = server.Handle(r);   // resp.status == 200
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tadamun::taxii {

// The TAXII 2.1 media type (RFC-style parameters, no spaces), and STIX 2.1's.
inline constexpr std::string_view kTaxiiMediaType = "application/taxii+json;version=2.1";
inline constexpr std::string_view kStixMediaType = "application/stix+json;version=2.1";

// Header names compare case-insensitively (lowercased on insertion by AddHeader).
struct Request {
  std::string method = "GET";
  std::string path;  // e.g. "/taxii2/api/collections/<id>/objects/", no query string
  std::multimap<std::string, std::string> query;    // decoded name → value, e.g. "match[type]"
  std::multimap<std::string, std::string> headers;  // lowercased name → value
  std::string body;
  // The authenticated member making the request: set by Server::Handle from the Authorization
  // header (whatever the caller put here is overwritten); "" when none. Resources read it.
  std::string member;

  void AddHeader(std::string_view name, std::string value);
  // The first value of header `name` (any case), if present.
  std::optional<std::string> Header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::multimap<std::string, std::string> headers;  // names as sent, e.g. "Content-Type"
  std::string body;

  std::optional<std::string> Header(std::string_view name) const;  // case-insensitive
};

// Splits a raw query string ("a=1&match%5Btype%5D=x") into decoded pairs ('+' is a space).
// InvalidArgument on a bad %-escape (message gives the byte offset), ResourceExhausted when
// there are more than `max_params` parameters.
StatusOr<std::multimap<std::string, std::string>> ParseQueryString(std::string_view query,
                                                                   size_t max_params = 64);

// Whether an Accept header value admits the TAXII 2.1 media type: application/taxii+json with
// version=2.1 or no version, application/*, */*; an absent header admits it too.
bool AcceptsTaxii(const std::optional<std::string>& accept);

}  // namespace tadamun::taxii
